"""Articles in API v1: the fields added for the workflow (reviewer's provisional flag,
reviewed_at) sit beside the original ones, which keep their names."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from ..queries import COUNTED

pytestmark = pytest.mark.django_db


def test_article_detail_adds_review_fields_and_keeps_the_v1_ones(
    published, reviewer, django_assert_num_queries
):
    cache.clear()
    # 1. the article with its reviewer; 2. subjects; 3. published claims with ratings;
    # 4. references (unchanged by the new fields)
    with django_assert_num_queries(COUNTED + 4):
        body = APIClient().get(f"/api/v1/articles/{published.slug}/").json()
    assert {"summary", "author_name", "published_at", "updated_at", "body", "body_html"} <= set(
        body
    )
    assert body["summary"] == published.summary  # the standfirst, under its v1 name
    assert body["reviewer"] == {
        "name": reviewer.name,
        "credentials": reviewer.credentials,
        "provisional": False,
    }
    assert body["reviewed_at"] is not None

    links = [link["url"] for ref in body["references"] for link in ref["links"]]
    assert "https://pubmed.ncbi.nlm.nih.gov/12345678/" in links
    assert "https://www.fda.gov/letter" in links
    assert [c["slug"] for c in body["claims"]] == ["exosome-claim"]


def test_article_list_carries_reviewed_at_in_two_queries(published, django_assert_num_queries):
    cache.clear()
    # 1. the count of published articles; 2. the page with reviewers
    with django_assert_num_queries(COUNTED + 2):
        body = APIClient().get("/api/v1/articles/").json()
    (row,) = body["results"]
    assert row["reviewed_at"] is not None and row["reviewer"]["provisional"] is False
