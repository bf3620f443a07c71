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


def _patcher(write_key, url, etag, body):
    return lambda: key_client(write_key).patch(url, body, format="json", HTTP_IF_MATCH=etag)


def test_two_patches_with_one_etag_one_wins_and_the_other_gets_412(write_key):
    client = key_client(write_key)
    created = client.post("/api/v1/claims/", claim_body(SubjectFactory()), format="json")
    assert created.status_code == 201, created.content
    url, etag = created["Location"], created["ETag"]
    claim = Claim.objects.get(slug="partner-claim")
    results = race(
        "claims_claim",
        claim.pk,
        _patcher(write_key, url, etag, {"conclusion": "First writer."}),
        _patcher(write_key, url, etag, {"conclusion": "Second writer."}),
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 412]
    winner = next(r for r in results if r.status_code == 200).json()["conclusion"]
    assert Claim.objects.get(pk=claim.pk).conclusion == winner


def test_two_source_patches_with_one_etag_one_wins_and_the_other_gets_412(write_key):
    client = key_client(write_key)
    body = {"title": "A trial", "pmid": "31234567", "design": "rct", "year": 2021}
    created = client.post("/api/v1/sources/", body, format="json")
    assert created.status_code == 201, created.content
    url, etag = created["Location"], created["ETag"]
    source = Source.objects.get(pmid="31234567")
    results = race(
        "claims_source",
        source.pk,
        _patcher(write_key, url, etag, {"participants": 80}),
        _patcher(write_key, url, etag, {"participants": 40}),
    )
    assert sorted(r.status_code for r in results) == [200, 412]
    winner = next(r for r in results if r.status_code == 200).json()["participants"]
    assert Source.objects.get(pk=source.pk).participants == winner
