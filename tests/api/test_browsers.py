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


OPEN_POSTS = {
    "/api/v1/check/": ({"text": "Retinol fades wrinkles."}, 200),
    "/api/v1/check-requests/": ({"claim_text": "Snail mucin fades acne scars"}, 201),
}


@pytest.mark.parametrize("path", list(OPEN_POSTS))
@pytest.mark.parametrize("content_type", ["text/plain", "text/plain;charset=UTF-8"])
def test_a_json_body_sent_as_text_is_read_as_json(api, path, content_type):
    """fetch(url, {method: "POST", body: JSON.stringify(...)}) sends text/plain, which a
    browser sends cross-origin without a preflight: it is answered as the same JSON sent
    as application/json is."""
    from claimcheck.claims.models import CheckRequest

    body, status = OPEN_POSTS[path]
    as_json = api.post(path, body, format="json")
    response = api.post(path, json.dumps(body), content_type=content_type, HTTP_ORIGIN=ORIGIN)
    assert (as_json.status_code, response.status_code) == (status, status)
    assert response["Access-Control-Allow-Origin"] == "*"
    if path == "/api/v1/check/":
        assert response.json() == as_json.json()
    else:
        assert CheckRequest.objects.filter(claim_text=body["claim_text"]).count() == 2


@pytest.mark.parametrize("path", list(OPEN_POSTS))
def test_text_that_is_not_json_is_a_400_that_says_to_send_json(api, path):
    for text in ["Retinol fades wrinkles.", "{'text': 'Retinol'}", "{"]:
        response = api.post(path, text, content_type="text/plain", HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 400, text
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.json()["error"] == {
            "code": "parse_error",
            "message": "A text/plain body is read as JSON, and this one is not JSON: send a "
            'JSON object such as {"text": "..."}, preferably with '
            '"Content-Type: application/json".',
            "fields": {},
        }


@pytest.mark.parametrize("path", list(OPEN_POSTS))
def test_json_sent_as_text_is_held_to_the_same_rules_as_json(api, path):
    field = next(iter(OPEN_POSTS[path][0]))
    response = api.post(path, json.dumps({field: 0}), content_type="text/plain")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        field: ["Send this as a JSON string, not a number."]
    }
    response = api.post(path, json.dumps({field: "a\x00b"}), content_type="text/plain")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Text may not contain NUL characters."


def test_other_writes_still_take_only_application_json(write_key):
    client = key_client(write_key)
    for path in ["/api/v1/claims/", "/api/v1/sources/"]:
        response = client.post(path, json.dumps({"title": "x"}), content_type="text/plain")
        assert response.status_code == 415, path


@pytest.mark.parametrize("path", list(OPEN_POSTS))
@pytest.mark.parametrize(
    ("content_type", "sent"),
    [
        ("application/x-www-form-urlencoded", None),
        ("multipart/form-data; boundary=x", "multipart/form-data"),
        ("application/xml", None),
    ],
)
def test_a_body_of_another_type_is_a_415_that_says_what_to_send(api, path, content_type, sent):
    """curl -d sends a form's type; a form or XML is not read as JSON: the answer says what
    to send."""
    body = json.dumps(OPEN_POSTS[path][0])
    response = api.post(path, body, content_type=content_type, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 415
    assert response["Access-Control-Allow-Origin"] == "*"
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert error["message"] == (
        'Send the body as JSON, with "Content-Type: application/json" '
        f'(this request sent "{sent or content_type}").'
    )


def test_the_description_says_the_open_posts_read_text_as_json_and_other_writes_do_not(api):
    described = api.get("/api/schema/?format=json").json()
    for path in OPEN_POSTS:
        operation = described["paths"][path]["post"]
        content = operation["requestBody"]["content"]
        assert set(content) == {"application/json", "text/plain"}
        assert content["text/plain"]["schema"]["type"] == "string"
        assert "$ref" in content["application/json"]["schema"]
        assert "text/plain" in operation["responses"]["415"]["description"]
    for path in ["/api/v1/claims/", "/api/v1/sources/"]:
        assert set(described["paths"][path]["post"]["requestBody"]["content"]) == {
            "application/json"
        }
