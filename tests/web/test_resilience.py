"""The site keeps answering when its cache goes away, and the benchmark floors stay off in
production (issue #7). Not timed."""

import logging

import pytest
from django.core.cache import caches
from django.core.management import call_command

from claimcheck.claims.models import Claim, Rating, Source, Subject

from ..redis_server import production_caches

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:9/0"  # discard port: nothing listens there


@pytest.fixture
def redis_down(settings):
    """The production cache backend, pointed at a port where no Redis answers."""
    settings.CACHES = production_caches(CLOSED_PORT)
    return caches["default"]


def test_pages_and_api_answer_200_uncached_when_redis_is_down(client, site, redis_down, caplog):
    url = site["main"].get_absolute_url()
    with caplog.at_level(logging.ERROR, logger="claimcheck.web.cachebackend"):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200
            assert b"Exosome serums" in response.content
        assert client.get("/").status_code == 200
        assert client.get(f"/api/v1/claims/{site['claims'][0].slug}/").status_code == 200
        assert client.get("/search/", {"q": "retinol"}).status_code == 200
    # Logged once for the outage, not once per cache call.
    assert caplog.text.count("cache unavailable") == 1


def test_readiness_names_the_cache_when_redis_is_down(client, redis_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_cache_calls_become_misses_and_no_ops_when_redis_is_down(redis_down):
    assert redis_down.get("anything") is None
    assert redis_down.get("anything", "fallback") == "fallback"
    assert redis_down.add("key", 1) is False
    redis_down.set("key", 1)  # no error
    assert redis_down.get_or_set("key", lambda: 5) == 5


def test_benchmark_floor_views_are_not_mounted_by_default(client):
    assert client.get("/bench/json").status_code == 404
    assert client.get("/bench/row").status_code == 404


def test_synthetic_data_is_marked_rated_by_the_rubric_and_removed_with_one_command(
    starter_data,
):
    starter_claims = set(Claim.objects.values_list("slug", flat=True))
    call_command("generate_synthetic_data", claims=40, verbosity=0)
    synthetic = Claim.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 40
    assert set(synthetic.values_list("status", flat=True)) == {"published"}
    assert all(
        c.current_rating.claim_id == c.pk for c in synthetic.select_related("current_rating")
    )
    assert not Subject.objects.filter(slug__startswith="synthetic-").exclude(
        name__startswith="Synthetic"
    )
    # Topping up adds only what is missing.
    call_command("generate_synthetic_data", claims=50, verbosity=0)
    assert synthetic.count() == 50
    call_command("generate_synthetic_data", remove=True, verbosity=0)
    assert set(Claim.objects.values_list("slug", flat=True)) == starter_claims
    assert not Source.objects.filter(url__startswith="https://synthetic.invalid/").exists()
    assert not Rating.objects.filter(claim__slug__startswith="synthetic-").exists()
    assert not Subject.objects.filter(slug__startswith="synthetic-").exists()
