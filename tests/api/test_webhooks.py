"""Webhook endpoints through the API: a key registers, lists, reads and removes its own,
and nobody else's."""

import pytest

from claimcheck.webhooks.models import Endpoint

from .conftest import key_client, session_client

pytestmark = pytest.mark.django_db

HOOK = "https://127.0.0.1:9443/hooks/claimcheck"


@pytest.fixture
def loopback_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True  # no public name resolves in the tests


def test_a_key_registers_an_endpoint_and_sees_its_secret_only_once(read_key, loopback_allowed):
    client = key_client(read_key)
    created = client.post(
        "/api/v1/webhooks/", {"url": HOOK, "events": ["claim.retracted"]}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    endpoint = Endpoint.objects.get()
    assert body["secret"] == endpoint.secret and body["secret"].startswith("whsec_")
    assert body["events"] == ["claim.retracted"]
    assert (
        created["Location"]
        == body["api_url"]
        == f"http://testserver/api/v1/webhooks/{endpoint.pk}/"
    )
    listed = client.get("/api/v1/webhooks/").json()["results"]
    assert [e["id"] for e in listed] == [endpoint.pk]
    assert "secret" not in listed[0]
    detail = client.get(body["api_url"])
    assert detail.status_code == 200 and "secret" not in detail.json()


def test_another_keys_endpoint_is_a_404_and_cannot_be_removed(
    read_key, loopback_allowed, system_user
):
    from django.contrib.auth import get_user_model

    from claimcheck.accounts import services as key_services

    holder = get_user_model().objects.create_user(username="other-reader")
    _, other = key_services.api_key_create(by=system_user, name="Other", user=holder)
    mine = key_client(read_key).post("/api/v1/webhooks/", {"url": HOOK}, format="json").json()
    stranger = key_client(other)
    assert stranger.get(mine["api_url"]).status_code == 404
    assert stranger.delete(mine["api_url"]).status_code == 404
    assert stranger.get("/api/v1/webhooks/").json() == {"results": []}
    assert key_client(read_key).delete(mine["api_url"]).status_code == 204
    assert not Endpoint.objects.exists()
    assert key_client(read_key).get(mine["api_url"]).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"url": "http://hooks.example.org/x"}, "url", "https://"),
        ({"url": "https://10.0.0.7/x"}, "url", "private network"),
        ({"url": HOOK, "events": ["claim.deleted"]}, "events", "claim.retracted"),
        ({"url": HOOK, "events": "claim.retracted"}, "events", "list"),
        ({"url": HOOK, "secret": "mine"}, "secret", ""),
        ({}, "url", "required"),
    ],
)
def test_a_bad_registration_is_a_400_naming_the_field(read_key, settings, body, field, words):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = field != "url"  # the address is what is tested
    answer = key_client(read_key).post("/api/v1/webhooks/", body, format="json")
    assert answer.status_code == 400, answer.content
    fields = answer.json()["error"]["fields"]
    assert field in fields
    assert words in " ".join(fields[field])
    assert not Endpoint.objects.exists()


def test_the_same_address_twice_is_a_400(read_key, loopback_allowed):
    client = key_client(read_key)
    assert client.post("/api/v1/webhooks/", {"url": HOOK}, format="json").status_code == 201
    again = client.post("/api/v1/webhooks/", {"url": HOOK}, format="json")
    assert again.status_code == 400
    assert "already" in " ".join(again.json()["error"]["fields"]["url"])


def test_without_a_key_it_is_a_401_and_a_staff_session_a_403(api, admin_user):
    assert api.get("/api/v1/webhooks/").status_code == 401
    assert api.post("/api/v1/webhooks/", {"url": HOOK}, format="json").status_code == 401
    assert session_client(admin_user).get("/api/v1/webhooks/").status_code == 403


def test_listing_a_keys_endpoints_costs_the_same_queries_however_many(
    read_key, loopback_allowed, django_assert_num_queries
):
    client = key_client(read_key)
    client.get("/api/v1/webhooks/")  # the key's first use records last_used_at: not counted

    for n in range(3):
        client.post("/api/v1/webhooks/", {"url": f"{HOOK}/{n}"}, format="json")
    # The key (with its account), the rate-limit counter, the endpoints. (A keyed read has
    # its own ETag, a hash of the body, so it reads no content version.)
    with django_assert_num_queries(3):
        listed = client.get("/api/v1/webhooks/")
    assert len(listed.json()["results"]) == 3
