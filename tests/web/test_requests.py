"""Request a check: the form, its protections, and the public status page."""

import pytest

from claimcheck.claims.models import CheckRequest

pytestmark = pytest.mark.django_db

VALID = {"claim_text": "Salmon sperm serum regrows collagen", "seen_at": "", "details": ""}


def test_form_stores_a_request_and_redirects_to_its_status_page(client):
    response = client.post("/requests/new/", VALID)
    check = CheckRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == check.get_absolute_url()
    page = client.get(check.get_absolute_url()).content.decode()
    assert "Salmon sperm serum regrows collagen" in page
    assert "Waiting for review" in page


def test_honeypot_submission_is_accepted_silently_and_not_stored(client):
    response = client.post("/requests/new/", {**VALID, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not CheckRequest.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**VALID, "claim_text": ""}, "claim_text"),
        ({**VALID, "claim_text": "x" * 301}, "claim_text"),
        ({**VALID, "claim_text": "Bad \x00 byte in the claim"}, "claim_text"),
        ({**VALID, "seen_at": "javascript:alert(1)"}, "seen_at"),
        ({**VALID, "details": "d" * 2001}, "details"),
    ],
)
def test_bad_input_is_a_400_form_error_and_stores_nothing(client, data, field):
    response = client.post("/requests/new/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not CheckRequest.objects.exists()


def test_sixth_request_in_an_hour_is_refused_with_429(client):
    for i in range(5):
        assert (
            client.post("/requests/new/", {**VALID, "claim_text": f"Claim {i} heals"}).status_code
            == 302
        )
    response = client.post("/requests/new/", {**VALID, "claim_text": "One more claim"})
    assert response.status_code == 429
    assert "try again later" in response.content.decode()
    assert CheckRequest.objects.count() == 5


def test_forged_forwarded_for_does_not_reset_the_limit(client, settings):
    settings.TRUSTED_PROXIES = 1
    for i in range(5):
        client.post(
            "/requests/new/",
            {**VALID, "claim_text": f"Claim {i} heals"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.7",
        )
    response = client.post(
        "/requests/new/",
        {**VALID, "claim_text": "Claim again"},
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
    )
    assert response.status_code == 429


def test_form_needs_a_csrf_token(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/requests/new/", VALID).status_code == 403
    assert not CheckRequest.objects.exists()


def test_prefilled_claim_from_a_search_link(client):
    body = client.get("/requests/new/?claim=Snail+slime+cures+acne").content.decode()
    assert "Snail slime cures acne" in body


def test_unknown_request_id_is_404(client):
    assert client.get("/requests/7d5f1b8e-0000-4000-8000-000000000000/").status_code == 404
    assert client.get("/requests/not-a-uuid/").status_code == 404


def test_the_form_and_the_api_share_one_limit_per_address(client, settings):
    """Five an hour per address, whichever interface sends them (one counter)."""
    from rest_framework.test import APIClient

    settings.CHECK_REQUEST_RATE = "5/hour"
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "check_request": "5/hour",
        },
    }
    for i in range(3):
        form = client.post("/requests/new/", {**VALID, "claim_text": f"Claim {i} heals"})
        assert form.status_code == 302
    api = APIClient()
    sent = [
        api.post("/api/v1/check-requests/", {"claim_text": f"API claim {i}"}).status_code
        for i in range(3)
    ]
    assert sent == [201, 201, 429]
    assert client.post("/requests/new/", {**VALID, "claim_text": "Once more"}).status_code == 429
    assert CheckRequest.objects.count() == 5
