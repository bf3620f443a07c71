"""Concurrent writes through the API on PostgreSQL, with real connections (issue #14, F2):
two PATCHes holding the same If-Match cannot both win; `If-Match: *` protects nothing and is
refused."""

import pytest
from django.conf import settings

from claimcheck.claims.models import Claim, Source

from ..concurrency import race
from ..factories import SubjectFactory
from .conftest import key_client
from .test_writes import claim_body

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not POSTGRES, reason="row locks: CI's PostgreSQL pass runs these"),
]


def _patch_twice(write_key, created, table, pk, field, values):
    """Two PATCHes of `field` holding the ETag `created` was answered with, raced on row `pk`
    of `table`; returns (sorted statuses, the value the winner was told it stored)."""
    url, etag = created["Location"], created["ETag"]

    def patch(value):
        return lambda: key_client(write_key).patch(
            url, {field: value}, format="json", HTTP_IF_MATCH=etag
        )

    results = race(table, pk, *(patch(v) for v in values))
    winner = next((r for r in results if r.status_code == 200), None)
    return sorted(r.status_code for r in results), winner and winner.json()[field]


def test_two_patches_with_one_etag_one_wins_and_the_other_gets_412(write_key):
    created = key_client(write_key).post(
        "/api/v1/claims/", claim_body(SubjectFactory()), format="json"
    )
    assert created.status_code == 201, created.content
    claim = Claim.objects.get(slug="partner-claim")
    statuses, winner = _patch_twice(
        write_key, created, "claims_claim", claim.pk, "conclusion", ["First.", "Second."]
    )
    assert statuses == [200, 412]
    assert Claim.objects.get(pk=claim.pk).conclusion == winner


def test_two_source_patches_with_one_etag_one_wins_and_the_other_gets_412(write_key):
    body = {"title": "A trial", "pmid": "31234567", "design": "rct", "year": 2021}
    created = key_client(write_key).post("/api/v1/sources/", body, format="json")
    assert created.status_code == 201, created.content
    source = Source.objects.get(pmid="31234567")
    statuses, winner = _patch_twice(
        write_key, created, "claims_source", source.pk, "participants", [80, 40]
    )
    assert statuses == [200, 412]
    assert Source.objects.get(pk=source.pk).participants == winner
