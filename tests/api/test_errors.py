"""Every error is JSON in one shape, and hostile input gives a 4xx, never a 500."""

import json

import pytest
from django.test import override_settings

from .conftest import key_client, session_client

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_unknown_api_address_is_a_json_404(api):
    assert_error(api.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_error(api.get("/api/v1/claims"), 404, "not_found")  # no redirect to the slash


def test_nul_bytes_in_query_parameters_are_a_400_naming_the_parameter(api, published_claim):
    for url in [
        "/api/v1/claims/?q=exo%00some",
        "/api/v1/claims/?subject=a%00b",
        "/api/v1/sources/?doi=10.1000/%00",
        "/api/v1/search/?q=%00",
        "/api/v1/claims/?x%00y=1",
    ]:
        assert_error(api.get(url), 400, "invalid")
    error = assert_error(api.get("/api/v1/claims/?subject=a%00b"), 400, "invalid")
    assert "subject" in error["fields"]


def test_nul_bytes_and_newlines_in_a_path_are_a_json_404(api, write_key):
    assert_error(api.get("/api/v1/claims/abc%00def/"), 404, "not_found")
    assert_error(api.get("/api/v1/claims/a%0Ab/history/"), 404, "not_found")
    assert_error(key_client(write_key).post("/api/v1/claims/a%0Ab/evidence/", {}), 404, "not_found")


def test_huge_numbers_are_a_400_or_404(api, published_claim):
    huge = "9" * 400
    for url in [
        f"/api/v1/claims/?min_score={huge}",
        f"/api/v1/claims/?page={huge}",
        f"/api/v1/claims/?page_size={huge}",
        f"/api/v1/sources/?min_year={huge}",
        "/api/v1/claims/?min_score=1e400",
    ]:
        assert_error(api.get(url), 400, "invalid")
    assert_error(api.get(f"/api/v1/sources/{huge}/"), 404, "not_found")


def test_times_past_the_datetime_range_are_a_400_naming_the_field_and_far_ones_match_nothing(
    api, published_claim
):
    # In UTC these fall outside the years 1 to 9999: the database could not compare them.
    for value in ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00+01:00"]:
        response = api.get("/api/v1/claims/", {"updated_since": value})
        assert response.status_code == 400, value
        assert list(response.json()["error"]["fields"]) == ["updated_since"]
    # Far in the future but representable: a valid filter that matches no claim.
    far = api.get("/api/v1/claims/", {"updated_since": "4663-07-26T20:39:37+19:43"})
    assert far.status_code == 200 and far.json()["results"] == []
    ok = api.get("/api/v1/claims/", {"updated_since": "2020-01-01T00:00:00+19:43"})
    assert ok.status_code == 200


def test_malformed_utf8_in_the_query_is_read_as_replacement_characters_matching_nothing(
    api, published_claim
):
    for url in ["/api/v1/claims/?q=%ED%A0%80", "/api/v1/claims/?q=%FF%FE", "/api/v1/search/?q=%C3"]:
        response = api.get(url)
        assert response.status_code == 200, url
        assert response.json()["results"] == [], url
    assert api.get("/api/v1/search/?q=%C3").json()["query"] == "\ufffd"


def test_lone_surrogates_and_nul_in_json_bodies_are_a_400(editor):
    client = session_client(editor)
    for raw in ['{"text": "\\ud800"}', '{"text": "a\\u0000b"}', '{"a\\u0000": 1}']:
        response = client.post("/api/v1/claims/", raw, content_type="application/json")
        assert_error(response, 400, "parse_error")


def test_malformed_json_is_a_400(write_key):
    response = key_client(write_key).post(
        "/api/v1/claims/", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_unknown_content_type_is_a_415(write_key):
    response = key_client(write_key).post("/api/v1/claims/", "text=hi", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_oversized_body_is_a_413_and_is_not_parsed(write_key):
    body = json.dumps({"text": "x" * 1_100_000})
    response = key_client(write_key).post("/api/v1/claims/", body, content_type="application/json")
    assert_error(response, 413, "payload_too_large")


def test_oversized_anonymous_check_request_is_a_413(api):
    body = json.dumps({"claim_text": "x" * 1_100_000})
    response = api.post("/api/v1/check-requests/", body, content_type="application/json")
    assert_error(response, 413, "payload_too_large")


def test_a_method_not_offered_is_a_json_405(api, published_claim):
    assert_error(api.delete(f"/api/v1/claims/{published_claim.slug}/"), 405, "method_not_allowed")
    assert_error(api.put("/api/v1/rubric/", {}), 405, "method_not_allowed")


def test_a_service_validation_error_is_a_400_with_fields(write_key, published_claim):
    # The domain refuses an empty outcome via full_clean in the service.
    response = key_client(write_key).post(
        "/api/v1/claims/",
        {
            "slug": "new-claim",
            "subject": published_claim.subject.slug,
            "text": "t",
            "route": "topical_intact",
            "claim_type": "appearance",
            "outcome": "x" * 201,
            "regulatory_code": "R4",
        },
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert "outcome" in error["fields"]


def test_an_unexpected_exception_is_a_json_500_without_a_traceback(api, monkeypatch, caplog):
    from claimcheck.api import views

    def boom(request):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(views.RubricView, "get", lambda self, request: boom(request))
    response = api.get("/api/v1/rubric/")
    error = assert_error(response, 500, "server_error")
    assert "secret" not in json.dumps(error)
    assert "Traceback" not in response.content.decode()


def test_database_unavailable_is_a_json_503_with_retry_after(api, monkeypatch):
    from django.db import OperationalError

    from claimcheck.api import views

    def down(self, request):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.RubricView, "get", down)
    response = api.get("/api/v1/rubric/")
    assert_error(response, 503, "service_unavailable")
    assert response["Retry-After"] == "30"


@override_settings(DEBUG=False)
def test_html_is_never_served_even_when_asked_for(api, published_claim):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = api.get("/api/v1/claims/", HTTP_ACCEPT=browser)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    response = api.get("/api/v1/claims/?format=api")
    assert response["Content-Type"] == "application/json"
    assert api.get("/api/v1/claims/", HTTP_ACCEPT="text/html").status_code == 406


@pytest.mark.parametrize("accept", ["application/xml", "text/csv", "text/html", "image/*"])
def test_an_accept_the_api_cannot_serve_is_a_json_406(api, published_claim, accept):
    for path in ["/api/v1/claims/", f"/api/v1/claims/{published_claim.slug}/"]:
        response = api.get(path, HTTP_ACCEPT=accept)
        assert_error(response, 406, "not_acceptable")
        assert "Accept: application/json" in response.json()["error"]["message"]
    response = api.post("/api/v1/check/", {"text": "Retinol."}, format="json", HTTP_ACCEPT=accept)
    assert response.status_code == 406


@pytest.mark.parametrize("accept", ["application/json", "*/*", "application/*", ""])
def test_json_and_wildcards_are_served(api, published_claim, accept):
    response = api.get("/api/v1/claims/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/check/", '{"text": ' + "[" * 5000 + "]" * 5000 + "}"),
        ("/api/v1/check/", '{"text": ' + "[" * 100_000),
        ("/api/v1/check-requests/", '{"a":' * 3000 + "1" + "}" * 3000),
    ],
)
def test_deeply_nested_json_is_a_400_not_a_recursion_error(api, path, body):
    response = api.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The JSON body is nested too deeply."
