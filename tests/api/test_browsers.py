"""Calls from a web page: reads answer any origin; the copy checker and check requests may
also be POSTed cross-origin (their preflight allows POST and Content-Type), without cookies
and limited per address and key like any call; other writes stay same-origin."""

import json

import pytest

from .conftest import key_client

pytestmark = pytest.mark.django_db

ORIGIN = "https://shop.example"


def preflight(api, path, method="POST", headers="content-type"):
    return api.options(
        path,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
    )


def listed(response, name):
    return {value.strip().lower() for value in response[name].split(",")}


@pytest.mark.parametrize("path", ["/api/v1/check/", "/api/v1/check-requests/"])
def test_the_open_posts_allow_a_cross_origin_json_post(api, path):
    response = preflight(api, path, headers="content-type, authorization")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response  # no cookies from elsewhere
    assert listed(response, "Access-Control-Allow-Methods") == {"post", "options"}
    assert {"content-type", "authorization"} <= listed(response, "Access-Control-Allow-Headers")


@pytest.mark.parametrize("path", ["/api/v1/claims/", "/api/v1/sources/"])
def test_other_writes_are_still_not_offered_to_another_origin(api, path):
    response = preflight(api, path)
    assert listed(response, "Access-Control-Allow-Methods") == {"get", "head", "options"}
    assert "content-type" not in listed(response, "Access-Control-Allow-Headers")


def test_reads_are_offered_as_before(api):
    response = preflight(api, "/api/v1/claims/", method="GET", headers="if-none-match")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert listed(response, "Access-Control-Allow-Methods") == {"get", "head", "options"}
    assert response["Access-Control-Max-Age"] == "86400"


def test_a_cross_origin_copy_check_is_answered_and_limited_per_address_then_per_key(
    api, low_rates, read_key
):
    statuses = []
    for _ in range(3):
        response = api.post(
            "/api/v1/check/", {"text": "Retinol fades wrinkles."}, format="json", HTTP_ORIGIN=ORIGIN
        )
        assert response["Access-Control-Allow-Origin"] == "*"
        statuses.append(response.status_code)
    assert statuses == [200, 200, 429]  # copy_check: 2 a minute per address here
    assert {"retry-after", "ratelimit"} <= listed(response, "Access-Control-Expose-Headers")
    # A key has its own counter, whatever address it comes from.
    keyed = key_client(read_key)
    answer = keyed.post("/api/v1/check/", {"text": "Retinol."}, format="json", HTTP_ORIGIN=ORIGIN)
    assert answer.status_code == 200


def test_a_cross_origin_check_request_is_stored_and_limited_per_address(api, low_rates):
    body = {"claim_text": "Snail mucin fades acne scars"}
    statuses = [
        api.post("/api/v1/check-requests/", body, format="json", HTTP_ORIGIN=ORIGIN).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


@pytest.mark.parametrize("path", ["/api/v1/check/", "/api/v1/check-requests/"])
@pytest.mark.parametrize(
    ("content_type", "sent"),
    [("text/plain;charset=UTF-8", "text/plain"), ("application/x-www-form-urlencoded", None)],
)
def test_a_json_body_sent_as_text_is_a_415_that_says_what_to_send(api, path, content_type, sent):
    """fetch(url, {method: "POST", body: JSON.stringify(...)}) sends text/plain; curl -d
    sends a form's type. Neither is read as JSON: the answer says what to send."""
    body = json.dumps({"text": "Retinol.", "claim_text": "Retinol."})
    response = api.post(path, body, content_type=content_type, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 415
    assert response["Access-Control-Allow-Origin"] == "*"
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert error["message"] == (
        'Send the body as JSON, with "Content-Type: application/json" '
        f'(this request sent "{sent or content_type}").'
    )
