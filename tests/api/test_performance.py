"""What keeps the API fast (issue #7): validators from the content version, whole answers kept
in the shared cache, and query counts that do not grow with the data. Not timed."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claimcheck.claims import services
from claimcheck.claims.models import Claim

from ..factories import ClaimFactory, EvidenceLinkFactory
from ..queries import COUNTED, VERSION

pytestmark = pytest.mark.django_db


def test_anonymous_conditional_read_is_304_reading_only_the_version(
    api, published_claim, django_assert_num_queries
):
    url = f"/api/v1/claims/{published_claim.slug}/"
    first = api.get(url)
    with django_assert_num_queries(VERSION):
        again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=60"


def test_repeated_anonymous_read_is_served_whole_from_the_cache_past_version_and_limit(
    api, published_claim, django_assert_num_queries
):
    url = f"/api/v1/claims/{published_claim.slug}/"
    first = api.get(url)
    with django_assert_num_queries(COUNTED):
        again = api.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == "application/json"


def test_a_published_change_is_in_the_next_anonymous_read(
    api, published_claim, system_user, django_capture_on_commit_callbacks
):
    url = "/api/v1/claims/"
    before = api.get(url)
    assert before.json()["count"] == 1
    claim = EvidenceLinkFactory(claim=ClaimFactory(text="Snail mucin heals scars")).claim
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_submit_for_review(claim=claim, by=system_user)
        services.claim_publish(claim=claim, by=system_user, reviewer=published_claim.reviewer)
    after = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["count"] == 2
    assert "Snail mucin heals scars" in after.content.decode()


def test_reads_with_a_key_still_get_hashed_etags_and_are_never_served_from_the_public_cache(
    read_key, published_claim, api
):
    from .conftest import key_client

    url = f"/api/v1/claims/{published_claim.slug}/"
    public = api.get(url)
    keyed = key_client(read_key).get(url)
    assert keyed.status_code == 200
    assert keyed["ETag"] != public["ETag"]
    assert "private" in keyed["Cache-Control"]


@pytest.fixture
def hundred_claims(db):
    """100 published claims with ratings from the rubric, through the bulk generator."""
    call_command("generate_synthetic_data", claims=100, stdout=io.StringIO())


def test_claim_list_costs_three_queries_at_1_and_at_100_items_and_one_once_built(
    api, hundred_claims, django_assert_num_queries
):
    for size in (1, 100):
        cache.clear()
        # 1. the count; 2. the page's ids, in order; 3. those claims with subject and current
        # rating joined, to build their summaries (kept per content version)
        with django_assert_num_queries(COUNTED + 3):
            response = api.get("/api/v1/claims/", {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        # Another address for the same rows (no cached answer): only the page's ids.
        with django_assert_num_queries(COUNTED + 1):
            again = api.get("/api/v1/claims/", {"page_size": size, "unrelated": "x"})
        assert again.json()["results"] == response.json()["results"]


def test_a_published_change_reaches_the_list_summaries_on_the_next_request(
    api, hundred_claims, system_user, django_capture_on_commit_callbacks
):
    first = api.get("/api/v1/claims/", {"page_size": 100}).json()["results"]
    slug = first[0]["slug"]
    claim = Claim.objects.get(slug=slug)
    verdict = "caution" if claim.shown_verdict != "caution" else "unproven"
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_override(claim=claim, by=system_user, verdict=verdict, reason="Recall.")
    rows = api.get("/api/v1/claims/", {"page_size": 100, "unrelated": "y"}).json()["results"]
    row = next(r for r in rows if r["slug"] == slug)
    assert (row["verdict"], row["overridden"]) == (verdict, True)


def test_anonymous_list_count_is_kept_per_content_version(
    api, hundred_claims, system_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert api.get("/api/v1/claims/", {"page_size": 5}).json()["count"] == 100
    # The page's ids and its claims' summaries: the count is known for this version.
    with django_assert_num_queries(COUNTED + 2):
        response = api.get("/api/v1/claims/", {"page_size": 5, "page": 2})
    assert response.json()["count"] == 100
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_synthetic_data", claims=101, stdout=io.StringIO())
    assert api.get("/api/v1/claims/", {"page_size": 5, "page": 3}).json()["count"] == 101


def test_search_costs_the_same_queries_at_1_and_at_100_matches(
    api, db, django_capture_on_commit_callbacks
):
    counts = []
    for total in (1, 100):
        with django_capture_on_commit_callbacks(execute=True):  # new content version
            call_command("generate_synthetic_data", claims=total, stdout=io.StringIO())
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/search/", {"q": "synthetic", "page_size": 100})
        assert response.status_code == 200
        assert response.json()["count"] >= 1
        counts.append(len(queries))
    assert counts[0] == counts[1]
