"""HTTP caching: validators on every read, 304s, Cache-Control by caller, CORS for reads."""

import pytest

from claimcheck.claims import services

from .conftest import key_client

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/claims/",
    "/api/v1/claims/{slug}/",
    "/api/v1/claims/{slug}/history/",
    "/api/v1/subjects/",
    "/api/v1/subjects/{subject}/",
    "/api/v1/sources/",
    "/api/v1/signals/",
    "/api/v1/articles/",
    "/api/v1/rubric/",
    "/api/v1/search/?q=ingredient",
]


def _urls(claim):
    return [u.format(slug=claim.slug, subject=claim.subject.slug) for u in READS]


def test_every_read_has_an_etag_and_answers_304_to_if_none_match(api, published_claim):
    for url in _urls(published_claim):
        response = api.get(url)
        assert response.status_code == 200, url
        etag = response["ETag"]
        assert etag.startswith('"') and len(etag) > 10
        assert response["Cache-Control"] == "public, max-age=60"
        assert "Authorization" in response["Vary"] and "Cookie" in response["Vary"]
        again = api.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, url
        assert again["ETag"] == etag
        assert again.content == b""


def test_last_modified_and_if_modified_since(api, published_claim):
    response = api.get(f"/api/v1/claims/{published_claim.slug}/")
    last_modified = response["Last-Modified"]
    assert last_modified.endswith("GMT")
    again = api.get(f"/api/v1/claims/{published_claim.slug}/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == 304
    older = api.get(
        f"/api/v1/claims/{published_claim.slug}/",
        HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT",
    )
    assert older.status_code == 200


def test_etag_changes_when_nested_evidence_changes(
    api, published_claim, system_user, django_capture_on_commit_callbacks
):
    url = f"/api/v1/claims/{published_claim.slug}/"
    etag = api.get(url)["ETag"]
    link = published_claim.evidence.first()
    # Anonymous ETags follow the content version, which moves when the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_link(
            by=system_user, claim=published_claim, source=link.source, fields={"note": "New note"}
        )
    response = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert any(e["note"] == "New note" for e in response.json()["evidence"])


def test_reads_with_a_key_are_private(read_key, published_claim):
    response = key_client(read_key).get("/api/v1/claims/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_errors_are_not_cached(api):
    response = api.get("/api/v1/claims/missing/")
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


def test_anonymous_reads_allow_any_origin_without_credentials(api, published_claim):
    response = api.get("/api/v1/claims/", HTTP_ORIGIN="https://extension.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_cors_preflight_offers_no_unsafe_method(api):
    response = api.options(
        "/api/v1/claims/",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    allowed = response.get("Access-Control-Allow-Methods", "")
    assert "POST" not in allowed and "PATCH" not in allowed
    assert set(allowed.replace(" ", "").split(",")) <= {"GET", "HEAD", "OPTIONS"}
