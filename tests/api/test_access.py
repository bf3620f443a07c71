"""Who may do what: API keys, staff sessions with CSRF, throttles that a forged
X-Forwarded-For cannot reset, and the permission matrix over every endpoint and method."""

import pytest
from django.utils import timezone

from claimcheck.accounts.models import ApiKey
from claimcheck.claims.models import Source

from ..factories import SafetySignalFactory
from ..queries import VERSION
from ..redis_server import production_caches
from .conftest import key_client, session_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(db, read_key, write_key, revoked_key, editor, staff_without_permissions, admin_user):
    from rest_framework.test import APIClient

    return {
        "anonymous": APIClient(),
        "read_key": key_client(read_key),
        "write_key": key_client(write_key),
        "revoked_key": key_client(revoked_key),
        "editor": session_client(editor),
        "staff_no_perms": session_client(staff_without_permissions),
        "admin": session_client(admin_user),
    }


ROLES = ["anonymous", "read_key", "write_key", "revoked_key", "editor", "staff_no_perms", "admin"]

# (method, path, body) -> expected status per role, in ROLES order. {pub} is a published claim
# made by the system account, {draft} a draft made by it too (so not the partner's own).
MATRIX = [
    ("get", "/api/v1/claims/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("post", "/api/v1/claims/", {}, [401, 403, 400, 401, 400, 403, 400]),
    ("get", "/api/v1/claims/{pub}/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("patch", "/api/v1/claims/{pub}/", {}, [401, 403, 403, 401, 409, 403, 409]),
    ("delete", "/api/v1/claims/{pub}/", None, [405, 405, 405, 401, 405, 405, 405]),
    ("get", "/api/v1/claims/{draft}/", None, [404, 404, 404, 401, 200, 404, 200]),
    ("patch", "/api/v1/claims/{draft}/", {}, [401, 403, 404, 401, 428, 403, 428]),
    ("post", "/api/v1/claims/{draft}/submit/", None, [401, 403, 404, 401, 428, 403, 428]),
    ("post", "/api/v1/claims/{draft}/evidence/", {}, [401, 403, 404, 401, 400, 403, 400]),
    ("patch", "/api/v1/claims/{draft}/evidence/{src}/", {}, [401, 403, 404, 401, 428, 403, 428]),
    ("get", "/api/v1/claims/{pub}/history/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("get", "/api/v1/subjects/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("get", "/api/v1/subjects/{subject}/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("post", "/api/v1/subjects/", {}, [405, 405, 405, 401, 405, 405, 405]),
    ("get", "/api/v1/sources/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("post", "/api/v1/sources/", {}, [401, 403, 400, 401, 400, 403, 400]),
    ("get", "/api/v1/sources/{pubsrc}/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("patch", "/api/v1/sources/{pubsrc}/", {}, [401, 403, 403, 401, 428, 403, 428]),
    ("get", "/api/v1/signals/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("get", "/api/v1/signals/{signal}/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("post", "/api/v1/signals/{signal}/", {}, [405, 405, 405, 401, 405, 405, 405]),
    ("get", "/api/v1/articles/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("get", "/api/v1/rubric/", None, [200, 200, 200, 401, 200, 200, 200]),
    ("get", "/api/v1/search/?q=ingredient", None, [200, 200, 200, 401, 200, 200, 200]),
    (
        "post",
        "/api/v1/check-requests/",
        {"claim_text": "Snail slime cures acne"},
        [201, 201, 201, 401, 201, 201, 201],
    ),
    ("get", "/api/v1/check-requests/", None, [405, 405, 405, 401, 405, 405, 405]),
    # Webhook endpoints belong to a key (any key, read or write); sessions are refused.
    ("get", "/api/v1/webhooks/", None, [401, 200, 200, 401, 403, 403, 403]),
    ("post", "/api/v1/webhooks/", {}, [401, 400, 400, 401, 403, 403, 403]),
    ("get", "/api/v1/webhooks/1/", None, [401, 404, 404, 401, 403, 403, 403]),
    ("delete", "/api/v1/webhooks/1/", None, [401, 404, 404, 401, 403, 403, 403]),
]


def test_permission_matrix_over_every_endpoint_method_and_role(
    clients, published_claim, draft_claim, settings
):
    # Every role posts a check request from this one address; the limit is not under test.
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "check_request": "100/hour"},
    }
    values = {
        "pub": published_claim.slug,
        "draft": draft_claim.slug,
        "src": draft_claim.evidence.first().source_id,
        "subject": published_claim.subject.slug,
        "pubsrc": published_claim.evidence.first().source_id,
        "signal": SafetySignalFactory().slug,
    }
    failures = []
    for method, path, body, expected in MATRIX:
        url = path.format(**values)
        for role, status in zip(ROLES, expected, strict=True):
            client = clients[role]
            kwargs = {"format": "json"} if body is not None else {}
            response = (
                getattr(client, method)(url, body, **kwargs)
                if body is not None
                else (getattr(client, method)(url))
            )
            if response.status_code != status:
                failures.append(
                    f"{role} {method.upper()} {url}: {response.status_code} != {status}"
                )
    assert not failures, "\n".join(failures)


def test_session_write_without_csrf_token_is_refused(editor):
    client = session_client(editor, csrf=False)
    response = client.post("/api/v1/sources/", {}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_signed_in_non_staff_session_is_treated_as_anonymous(partner):
    client = session_client(partner)
    response = client.post("/api/v1/sources/", {}, format="json")
    assert response.status_code == 401


def test_basic_auth_is_not_accepted(admin_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic Ym9zczp4eHh4eHh4eHh4eHh4eHh4")
    assert client.post("/api/v1/sources/", {}, format="json").status_code == 401


def test_malformed_and_unknown_keys_are_401_with_the_scheme_named(api):
    for value in ["Api-Key nonsense", "Api-Key cc_12345678_wrong", "Api-Key ", "api-key cc_x_y"]:
        response = api.get("/api/v1/claims/", HTTP_AUTHORIZATION=value)
        assert response.status_code == 401, value
        assert response["WWW-Authenticate"].startswith("Api-Key")
        assert response.json()["error"]["code"] == "authentication_failed"


def test_a_bearer_key_is_the_same_key_as_an_api_key_one(api, read_key, write_key, low_rates):
    """What generated clients send by default (openapi-python-client's AuthenticatedClient)."""
    for _ in range(3):
        api.get("/api/v1/rubric/")
    assert api.get("/api/v1/rubric/").status_code == 429  # this address is out of its limit
    statuses = []
    for scheme in ["Bearer", "bearer", "Bearer", "Api-Key", "Bearer", "Bearer"]:
        response = api.get("/api/v1/rubric/", HTTP_AUTHORIZATION=f"{scheme} {read_key}")
        statuses.append(response.status_code)
        if response.status_code == 200:
            assert response["Cache-Control"] == "private, no-cache"  # a keyed answer
    # Both spellings count against the one key's limit (5/min here), not the address's.
    assert statuses == [200] * 5 + [429]
    assert ApiKey.objects.get(name="Reader").last_used_at is not None
    # A write key sent as a bearer token writes: the empty body is refused field by field.
    response = api.post(
        "/api/v1/sources/", {}, format="json", HTTP_AUTHORIZATION=f"Bearer {write_key}"
    )
    assert response.status_code == 400
    assert "title" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "header",
    ["Token {key}", "Basic Ym9zczp4eHh4eHh4eHh4eHh4eHh4", "Digest x", "{key}", "ApiKey {key}"],
)
def test_an_authorization_scheme_the_api_does_not_know_is_a_401_not_anonymous(
    api, read_key, header
):
    response = api.get("/api/v1/rubric/", HTTP_AUTHORIZATION=header.format(key=read_key))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Api-Key realm="api", Bearer realm="api"'
    error = response.json()["error"]
    assert error["code"] == "unsupported_auth_scheme"
    assert "Authorization: Bearer <key>" in error["message"]
    assert error["fields"] == {}


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer ", "Bearer nonsense", "Bearer cc_12345678_wrong", "Bearer a b"]
)
def test_a_malformed_or_unknown_bearer_key_is_a_401(api, header):
    response = api.get("/api/v1/claims/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_revoked_key_is_refused_whichever_scheme_sends_it(api, revoked_key):
    for scheme in ["Bearer", "Api-Key"]:
        response = api.get("/api/v1/rubric/", HTTP_AUTHORIZATION=f"{scheme} {revoked_key}")
        assert response.status_code == 401, scheme


def test_a_key_sent_outside_the_authorization_header_is_a_401_that_says_where(api, read_key):
    by_header = api.get("/api/v1/rubric/", HTTP_X_API_KEY=read_key)
    in_the_address = api.get(f"/api/v1/rubric/?api_key={read_key}")
    for response in (by_header, in_the_address):
        assert response.status_code == 401
        assert "Authorization header" in response.json()["error"]["message"]
    assert api.get("/api/v1/rubric/").status_code == 200  # and without one: anonymous


def test_the_description_offers_both_key_schemes_and_no_credentials_for_public_calls(api, db):
    described = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schemes = described["components"]["securitySchemes"]
    assert schemes["Bearer"] == {**schemes["Bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["ApiKey"]["type"] == "apiKey"
    public = {("post", "/api/v1/check/"), ("post", "/api/v1/check-requests/")}
    checked = 0
    for path, operations in described["paths"].items():
        for method, operation in operations.items():
            security = operation["security"]
            assert {"Bearer": []} in security and {"ApiKey": []} in security, (method, path)
            keys_only = path.startswith("/api/v1/webhooks/")  # a key's own endpoints
            anonymous = (method == "get" and not keys_only) or (method, path) in public
            assert ({} in security) == anonymous, (method, path)
            assert ({"StaffSession": []} in security) == (not keys_only), (method, path)
            checked += 1
    assert checked == 26


def test_keys_are_stored_hashed_and_record_their_last_use(read_key):
    key = ApiKey.objects.get()
    assert read_key.startswith(f"cc_{key.prefix}_")
    assert read_key not in key.hashed_key and len(key.hashed_key) == 64
    assert key.last_used_at is None
    key_client(read_key).get("/api/v1/rubric/")
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_revoking_a_key_refuses_its_next_request(read_key, system_user):
    from claimcheck.accounts import services

    client = key_client(read_key)
    assert client.get("/api/v1/rubric/").status_code == 200
    services.api_key_revoke(by=system_user, key=ApiKey.objects.get())
    assert client.get("/api/v1/rubric/").status_code == 401


def test_a_key_is_created_in_the_admin_and_shown_once(admin_user, partner, staff_login):
    from django.test import Client

    client = staff_login(Client(), admin_user)
    response = client.post(
        "/admin/accounts/apikey/add/",
        {"name": "Retailer X", "user": partner.pk, "can_write": "on"},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    plaintext = next(word for m in shown for word in m.split() if word.startswith("cc_"))
    assert plaintext.startswith(f"cc_{key.prefix}_")
    assert key.can_write and key.user == partner
    assert key_client(plaintext).get("/api/v1/rubric/").status_code == 200
    change = client.get(f"/admin/accounts/apikey/{key.pk}/change/")
    assert plaintext not in change.content.decode()
    client.post(
        "/admin/accounts/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_at <= timezone.now()


# ---------------------------------------------------------------------------------------------
# Throttles


def test_anonymous_clients_get_429_with_retry_after_in_the_error_shape(api, low_rates):
    for _ in range(3):
        assert api.get("/api/v1/rubric/").status_code == 200
    response = api.get("/api/v1/rubric/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert "retry in" in error["message"]


def test_a_forged_x_forwarded_for_does_not_reset_the_anonymous_limit(api, low_rates):
    statuses = [
        api.get("/api/v1/rubric/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_behind_one_trusted_proxy_only_the_proxys_entry_counts(api, low_rates):
    low_rates.REST_FRAMEWORK = {**low_rates.REST_FRAMEWORK, "NUM_PROXIES": 1}
    statuses = [
        api.get("/api/v1/rubric/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 192.0.2.7").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Another real client (another address appended by the proxy) has its own bucket.
    other = api.get("/api/v1/rubric/", HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert other.status_code == 200


def test_api_keys_have_their_own_higher_limit(api, read_key, low_rates):
    for _ in range(3):
        api.get("/api/v1/rubric/")
    assert api.get("/api/v1/rubric/").status_code == 429
    client = key_client(read_key)
    assert [client.get("/api/v1/rubric/").status_code for _ in range(6)] == [200] * 5 + [429]


def test_check_requests_are_rate_limited_per_address(api, low_rates):
    body = {"claim_text": "Salmon sperm facials regrow collagen"}
    statuses = [
        api.post("/api/v1/check-requests/", body, format="json").status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_without_redis_the_limit_is_counted_in_the_database_for_every_worker(api, low_rates):
    """The embedded default: one counter row per client window, which every process of the
    install increments (accounts.ratelimits), so N workers do not give N times the limit."""
    from claimcheck.accounts.models import RateCounter

    statuses = [api.get("/api/v1/rubric/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    counter = RateCounter.objects.get(key="throttle:anon:127.0.0.1")
    assert counter.count == 4
    # Another worker's requests land on the same row: a client already at its limit stays
    # refused whichever process answers.
    assert api.get("/api/v1/rubric/", REMOTE_ADDR="127.0.0.1").status_code == 429


def test_every_api_view_names_a_permission_from_the_allow_list():
    """Default deny (DenyAll in settings); each view opts in to one of these explicitly."""
    from django.urls import get_resolver
    from drf_spectacular.views import SpectacularAPIView
    from rest_framework.permissions import AllowAny

    from claimcheck.api.permissions import KeyHolder, PublicCreate, PublicRead, Writer

    allowed = {PublicRead, PublicCreate, Writer, KeyHolder}
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    checked = 0
    for pattern in api.url_patterns:
        view = getattr(pattern.callback, "cls", None)
        if view is None:
            continue  # the JSON 404 catch-all
        classes = set(view.permission_classes)
        if view.__module__ == SpectacularAPIView.__module__:
            assert classes == {AllowAny}  # the description and its viewers are public
            continue
        assert len(classes) == 1 and classes <= allowed, (str(pattern.pattern), classes)
        checked += 1
    assert checked >= 14


def test_the_rate_limit_is_one_counter_per_client_not_a_growing_list(api):
    """Each request costs one small counter write, however many came before in the window."""
    from claimcheck.accounts.models import RateCounter

    for _ in range(5):
        assert api.get("/api/v1/rubric/").status_code == 200
    assert list(RateCounter.objects.values_list("key", "count")) == [("throttle:anon:127.0.0.1", 5)]


def test_with_redis_the_limit_is_one_expiring_counter_and_fails_open_when_redis_goes(
    api, low_rates, redis_server
):
    """Production's backend on a real (throwaway) Redis: SET NX with the window's expiry and
    INCR, in one round trip; a Redis outage lets requests through instead of failing them."""
    import redis
    from django.core.cache import caches

    low_rates.CACHES = production_caches(redis_server.url)
    statuses = [api.get("/api/v1/rubric/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    key = caches["default"].make_key("throttle:anon:127.0.0.1")
    raw = redis.Redis.from_url(redis_server.url)
    assert int(raw.get(key)) == 4
    assert 0 < raw.ttl(key) <= 60  # the window ends by itself
    assert "cmdstat_exists" not in raw.info("commandstats")  # not Django's EXISTS-then-INCR
    assert caches["default"].get("throttle:anon:127.0.0.1") == 4  # readable through Django
    redis_server.stop()
    # Reads fail open while Redis is away; check requests (they write) are then counted in
    # the database instead, so an outage does not lift their limit.
    assert api.get("/api/v1/rubric/").status_code == 200
    body = {"claim_text": "Exosomes regrow hair."}
    statuses = [
        api.post("/api/v1/check-requests/", body, format="json").status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_a_304_does_not_count_against_the_anonymous_limit_but_cached_answers_do(
    api, low_rates, django_assert_num_queries
):
    first = api.get("/api/v1/rubric/")
    assert first.status_code == 200
    with django_assert_num_queries(10 * VERSION):  # the version, once per request
        revalidated = [
            api.get("/api/v1/rubric/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code
            for _ in range(10)
        ]
    assert revalidated == [304] * 10
    # The two requests left in the window are served (from the cached answer); then 429.
    statuses = [api.get("/api/v1/rubric/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # A stale validator is a full answer, so it is counted too.
    assert api.get("/api/v1/rubric/", HTTP_IF_NONE_MATCH='"stale"').status_code == 429


def test_a_key_past_its_write_limit_gets_429_writes_nothing_and_still_reads(write_key, low_rates):
    """low_rates: 2 writes an hour per key, inside its 5 requests a minute."""
    client = key_client(write_key)
    statuses = [
        client.post(
            "/api/v1/sources/",
            {"title": "A trial", "pmid": pmid, "design": "rct", "year": 2021},
            format="json",
        )
        for pmid in ("31000001", "31000002", "31000003")
    ]
    assert [r.status_code for r in statuses] == [201, 201, 429], statuses[-1].content
    assert statuses[-1].json()["error"]["code"] == "throttled"
    assert not Source.objects.filter(pmid="31000003").exists()
    assert client.get("/api/v1/rubric/").status_code == 200  # reads are not writes
