"""Limits a client can read: every API answer carries its RateLimit-Policy and RateLimit
fields (draft-ietf-httpapi-ratelimit-headers-11), and a 429's Retry-After is the time left in
the window, read from the counter (Redis' PTTL, or the database row's window end)."""

import re

import pytest

from ..queries import COUNTED, VERSION
from ..redis_server import production_caches
from .conftest import key_client, session_client

pytestmark = pytest.mark.django_db

LIMIT = re.compile(r'^"(?P<scope>[a-z_]+)";r=(?P<r>\d+);t=(?P<t>\d+)$')


def limits(response):
    """{scope: (remaining, seconds)} from the RateLimit field."""
    found = {}
    for item in response["RateLimit"].split(", "):
        match = LIMIT.match(item)
        assert match, item
        found[match["scope"]] = (int(match["r"]), int(match["t"]))
    return found


def test_each_answer_says_how_many_requests_are_left_and_for_how_long(
    api, low_rates, django_assert_num_queries
):
    remaining = []
    for _ in range(3):
        with django_assert_num_queries(COUNTED):  # the headers cost no query
            response = api.get("/api/v1/rubric/")
        assert response.status_code == 200
        assert response["RateLimit-Policy"] == '"anon";q=3;w=60'
        ((left, seconds),) = limits(response).values()
        assert 55 <= seconds <= 60
        remaining.append(left)
    assert remaining == [2, 1, 0]
    refused = api.get("/api/v1/rubric/")
    assert refused.status_code == 429
    assert refused["RateLimit-Policy"] == '"anon";q=3;w=60'
    assert limits(refused)["anon"][0] == 0
    # Retry-After is the end of the window the client is in: the same moment as t.
    assert int(refused["Retry-After"]) == limits(refused)["anon"][1]


def test_a_write_reports_the_client_limit_and_the_write_limit(write_key, low_rates):
    client = key_client(write_key)
    response = client.post("/api/v1/sources/", {}, format="json")
    assert response.status_code == 400
    assert response["RateLimit-Policy"] == '"api_key";q=5;w=60, "write";q=2;w=3600'
    found = limits(response)
    assert found["api_key"][0] == 4 and found["write"][0] == 1
    assert 3590 <= found["write"][1] <= 3600


def test_the_copy_check_reports_its_own_limit_too(api, low_rates):
    response = api.post("/api/v1/check/", {"text": "Snail slime cures acne."}, format="json")
    assert response.status_code == 200
    assert response["RateLimit-Policy"] == '"anon";q=3;w=60, "copy_check";q=2;w=60'
    assert {scope: left for scope, (left, _) in limits(response).items()} == {
        "anon": 2,
        "copy_check": 1,
    }


def test_a_free_304_names_the_policy_without_counting(api, low_rates, django_assert_num_queries):
    first = api.get("/api/v1/rubric/")
    with django_assert_num_queries(VERSION):  # no counter read: a 304 is not counted
        revalidated = api.get("/api/v1/rubric/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304
    assert revalidated["RateLimit-Policy"] == '"anon";q=3;w=60'
    assert "RateLimit" not in revalidated
    assert limits(api.get("/api/v1/rubric/"))["anon"][0] == 1  # still two left before it


def test_a_refused_credential_names_the_anonymous_policy(api, low_rates):
    response = api.get("/api/v1/rubric/", HTTP_AUTHORIZATION="Token abc")
    assert response.status_code == 401
    assert response["RateLimit-Policy"] == '"anon";q=3;w=60'


def test_without_redis_retry_after_is_the_time_left_in_the_database_window(api, low_rates):
    """Not the whole window: the client waits only until its counter's window ends."""
    from django.utils import timezone

    from claimcheck.accounts.models import RateCounter

    for _ in range(3):
        api.get("/api/v1/rubric/")
    ends_in_ms = 7_000
    now_ms = int(timezone.now().timestamp() * 1000)
    RateCounter.objects.filter(key="throttle:anon:127.0.0.1").update(
        window_ends=now_ms + ends_in_ms
    )
    refused = api.get("/api/v1/rubric/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 7
    assert limits(refused)["anon"] == (0, int(refused["Retry-After"]))
    assert "retry in" in refused.json()["error"]["message"]


@pytest.fixture
def on_redis(low_rates, redis_server):
    low_rates.CACHES = production_caches(redis_server.url)
    return redis_server


def test_with_redis_retry_after_is_the_keys_time_to_live(api, on_redis):
    import redis
    from django.core.cache import caches

    for _ in range(3):
        assert api.get("/api/v1/rubric/").status_code == 200
    raw = redis.Redis.from_url(on_redis.url)
    raw.pexpire(caches["default"].make_key("throttle:anon:127.0.0.1"), 4_500)
    refused = api.get("/api/v1/rubric/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 5
    assert limits(refused)["anon"] == (0, int(refused["Retry-After"]))


def test_while_redis_is_down_a_limit_that_fails_open_reports_only_its_policy(api, on_redis):
    on_redis.stop()
    response = api.get("/api/v1/rubric/")
    assert response.status_code == 200
    assert response["RateLimit-Policy"] == '"anon";q=3;w=60'
    assert "RateLimit" not in response  # not counted, so nothing to say about what is left
    # A check request is counted in the database instead, so its limit is known.
    posted = api.post("/api/v1/check-requests/", {"claim_text": "Exosomes regrow hair."})
    assert posted.status_code == 201
    assert list(limits(posted)) == ["check_request"]


def test_browsers_may_read_the_limit_fields_cross_origin(api):
    response = api.get("/api/v1/rubric/", HTTP_ORIGIN="https://shop.example")
    exposed = {name.strip() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert {"RateLimit", "RateLimit-Policy", "Retry-After"} <= exposed
    assert "RateLimit" in response


def test_a_staff_session_is_counted_against_the_staff_limit(editor, low_rates):
    response = session_client(editor).get("/api/v1/rubric/")
    assert response.status_code == 200
    assert response["RateLimit-Policy"] == '"staff";q=5;w=60'
    assert limits(response) == {"staff": (4, limits(response)["staff"][1])}


@pytest.mark.parametrize("method", ["head", "options"])
def test_a_safe_method_with_a_write_key_is_not_counted_as_a_write(write_key, low_rates, method):
    client = key_client(write_key)
    response = getattr(client, method)("/api/v1/sources/")
    assert response.status_code == 200
    assert response["RateLimit-Policy"] == '"api_key";q=5;w=60'
    written = client.post("/api/v1/sources/", {}, format="json")
    assert limits(written)["write"][0] == 1  # both writes of the hour still there before it


def test_check_requests_are_counted_per_address_in_the_counter_the_site_form_counts(
    api, client, low_rates
):
    """Two an hour per address, the form's and the API's together; a client whose address is
    not an IP address shares the one counter for unknown addresses with the form's."""
    low_rates.CHECK_REQUEST_RATE = "2/hour"
    form = {"claim_text": "Salmon sperm serum regrows collagen", "seen_at": "", "details": ""}
    for address in ("198.51.100.7", "not-an-address"):
        for _ in range(2):
            assert client.post("/requests/new/", form, REMOTE_ADDR=address).status_code == 302
        refused = api.post(
            "/api/v1/check-requests/", {"claim_text": "Exosomes regrow hair."}, REMOTE_ADDR=address
        )
        assert refused.status_code == 429, address
    other = api.post(
        "/api/v1/check-requests/",
        {"claim_text": "Exosomes regrow hair."},
        REMOTE_ADDR="198.51.100.8",
    )
    assert other.status_code == 201
    assert limits(other)["check_request"][0] == 1
