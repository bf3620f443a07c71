"""HTTP caching: validators on every read, 304s, Cache-Control by caller, CORS for reads."""

import logging
import re
import time

import pytest
from django.utils.http import http_date

from claimcheck.claims import services

from ..queries import COUNTED
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


def _directives(response):
    return {d.strip() for d in response["Cache-Control"].split(",")}


def _vary(response):
    """The request fields the answer varies on (field names are case-insensitive)."""
    return {name.strip().lower() for name in response["Vary"].split(",")}


def test_an_anonymous_304_carries_the_validators_and_the_public_cache_control(api, published_claim):
    url = f"/api/v1/claims/{published_claim.slug}/"
    first = api.get(url)
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Last-Modified"] == first["Last-Modified"]
    assert _directives(again) == {"public", "max-age=60"}
    assert _vary(again) == {"authorization", "cookie", "origin"}


def test_the_anonymous_last_modified_is_when_the_public_content_last_changed(
    api, published_claim, system_user, django_capture_on_commit_callbacks
):
    from email.utils import parsedate_to_datetime

    url = f"/api/v1/claims/{published_claim.slug}/"
    before = int(time.time())
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_link(
            by=system_user,
            claim=published_claim,
            source=published_claim.evidence.first().source,
            fields={"note": "Changed now"},
        )
    after = time.time()
    changed = parsedate_to_datetime(api.get(url)["Last-Modified"]).timestamp()
    assert before <= changed <= after


@pytest.mark.parametrize(
    "precondition",
    [{"HTTP_IF_MATCH": '"stale"'}, {"HTTP_IF_UNMODIFIED_SINCE": "Mon, 01 Jan 2001 00:00:00 GMT"}],
)
def test_a_failed_precondition_on_an_anonymous_read_is_a_412_that_no_one_keeps(
    api, published_claim, precondition
):
    url = f"/api/v1/claims/{published_claim.slug}/"
    response = api.get(url, **precondition)
    assert response.status_code == 412
    assert response.json()["error"] == {
        "code": "precondition_failed",
        "message": "The resource has changed since you read it: GET it again, then retry.",
        "fields": {},
    }
    assert _directives(response) == {"private", "no-store"}
    assert _vary(response) == {"authorization", "cookie", "origin"}
    current = api.get(url, HTTP_IF_MATCH=api.get(url)["ETag"])
    assert current.status_code == 200


def test_a_keyed_read_answers_its_own_validators(read_key, published_claim):
    client = key_client(read_key)
    url = f"/api/v1/claims/{published_claim.slug}/"
    response = client.get(url)
    assert _directives(response) == {"private", "no-cache"}
    published_claim.refresh_from_db()
    newest = max(published_claim.updated_at, published_claim.subject.updated_at)
    assert response["Last-Modified"] == http_date(int(newest.timestamp()))
    etag = response["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    assert client.get(url, HTTP_IF_MATCH=etag).status_code == 200
    stale = client.get(url, HTTP_IF_MATCH='"stale"')
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    assert _directives(stale) == {"private", "no-store"}
    assert _vary(stale) == {"authorization", "cookie", "origin"}


def test_a_keyed_list_is_last_modified_when_its_newest_row_changed(read_key, make_published):
    claims = make_published(2)
    response = key_client(read_key).get("/api/v1/claims/")
    newest = max(t for c in claims for t in (c.updated_at, c.subject.updated_at))
    assert response["Last-Modified"] == http_date(int(newest.timestamp()))


def test_an_empty_keyed_list_has_no_last_modified(read_key):
    response = key_client(read_key).get("/api/v1/claims/")
    assert response.status_code == 200
    assert "Last-Modified" not in response
    assert response["ETag"]


def test_a_write_answer_is_never_stored(api, write_key):
    client = key_client(write_key)
    refused = client.post("/api/v1/sources/", {}, format="json")
    assert refused.status_code == 400
    body = {"title": "A trial", "pmid": "31234567", "design": "rct", "year": 2021}
    created = client.post("/api/v1/sources/", body, format="json")
    assert created.status_code == 201, created.content
    checked = api.post("/api/v1/check/", {"text": "Snail slime cures acne."}, format="json")
    assert checked.status_code == 200
    for response in (refused, created, checked):
        assert _directives(response) == {"private", "no-store"}
        assert _vary(response) == {"authorization", "cookie", "origin"}


def test_a_keyed_head_is_validated_like_its_get(read_key, published_claim):
    client = key_client(read_key)
    url = f"/api/v1/claims/{published_claim.slug}/"
    head = client.head(url)
    assert head.status_code == 200
    assert _directives(head) == {"private", "no-cache"}
    assert head["ETag"] == client.get(url)["ETag"]
    assert client.head(url, HTTP_IF_NONE_MATCH=head["ETag"]).status_code == 304


def test_an_anonymous_error_is_not_kept_and_answered_again(api, db):
    for _ in range(2):
        response = api.get("/api/v1/subjects/missing/")
        assert response.status_code == 404
        assert _directives(response) == {"private", "no-store"}


def test_an_answer_asked_for_indented_is_kept_apart_from_the_plain_one(api, db):
    url = "/api/v1/rubric/"
    indented = api.get(url, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b"{\n")
    for _ in range(2):
        plain = api.get(url)
        assert not plain.content.startswith(b"{\n")
        assert plain.json() == indented.json()
    assert api.get(url, HTTP_ACCEPT="application/json; indent=2").content == indented.content


def test_the_stack_answers_a_repeated_anonymous_read_whole_from_the_kept_answer(
    api, published_claim, settings, django_assert_num_queries
):
    """What another worker finds, or this one without the edge (web/edge.py) in front."""
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("AnonymousEdgeMiddleware")
    ]
    url = "/api/v1/sources/"
    first = api.get(url)
    with django_assert_num_queries(COUNTED):  # the version and the rate limit, nothing else
        again = api.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"
    assert again["ETag"] == first["ETag"]
    other = api.get("/api/v1/rubric/")  # another address: its own answer, kept apart
    assert other.status_code == 200 and other.content != first.content
    assert api.get("/api/v1/rubric/").content == other.content


def _unavailable(*args, **kwargs):
    raise ConnectionError("the cache went away")


def _logged(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "claimcheck.api.conditional"]


def test_without_the_content_version_an_anonymous_read_is_answered_uncached_and_logged(
    api, db, monkeypatch, caplog
):
    from claimcheck import freshness

    monkeypatch.setattr(freshness, "current", _unavailable)
    with caplog.at_level(logging.WARNING, logger="claimcheck.api.conditional"):
        response = api.get("/api/v1/rubric/")
    assert response.status_code == 200
    assert _directives(response) == {"private", "no-cache"}
    assert re.fullmatch(r'"[0-9a-f]{40}"', response["ETag"])
    assert _logged(caplog) == ["content version unavailable; answering uncached"]


def test_an_answer_the_cache_cannot_keep_is_still_answered_and_logged(api, db, monkeypatch, caplog):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "set", _unavailable)
    with caplog.at_level(logging.WARNING, logger="claimcheck.api.conditional"):
        response = api.get("/api/v1/rubric/")
    assert response.status_code == 200
    assert _directives(response) == {"public", "max-age=60"}
    assert _logged(caplog) == ["answer not cached: cache unavailable"]


def test_an_answer_the_cache_cannot_be_read_for_is_built_again(api, db, monkeypatch):
    from django.core.cache import cache

    first = api.get("/api/v1/rubric/")
    monkeypatch.setattr(cache, "get", _unavailable)
    again = api.get("/api/v1/rubric/")
    assert again.status_code == 200
    assert again.content == first.content


def test_an_indented_claim_detail_is_its_own_cached_document(api, published_claim):
    """The media type names the document in the cache; with its parameter (a space after
    the semicolon) it must still be a key every cache accepts."""
    url = f"/api/v1/claims/{published_claim.slug}/"
    indented = api.get(url, HTTP_ACCEPT="application/json; indent=2")
    assert indented.status_code == 200
    assert indented.content.startswith(b'{\n  "')
    plain = api.get(url, HTTP_ACCEPT="application/json")
    assert plain.status_code == 200 and plain.content.startswith(b'{"')
