"""Staff need a TOTP code as well as their password (STAFF_2FA_REQUIRED, on with DEBUG off);
a password-only session reaches neither the admin nor the API's staff session."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from ..staff_sessions import staff_device, staff_login
from .conftest import PASSWORD, code, sign_in, signed_in_to_admin

pytestmark = pytest.mark.django_db


def test_two_factor_is_required_by_default_with_debug_off(settings):
    assert settings.DEBUG is False
    assert settings.STAFF_2FA_REQUIRED is True


def test_the_login_page_asks_for_the_code_and_offers_enrollment(client):
    page = client.get("/admin/login/").content.decode()
    assert 'name="otp_token"' in page
    assert 'autocomplete="one-time-code"' in page
    assert 'href="/admin/2fa/setup/"' in page


def test_a_password_only_session_cannot_reach_the_admin(client, staff, device):
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/claims/claim/").status_code == 302


def test_a_valid_code_with_the_password_signs_staff_in(client, device):
    response = sign_in(client, "curator", PASSWORD, code(device))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in_to_admin(client)


def test_a_wrong_code_is_refused(client, device):
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    response = sign_in(client, "curator", PASSWORD, wrong)
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert not signed_in_to_admin(client)


def test_no_code_is_refused(client, device):
    response = sign_in(client, "curator", PASSWORD, "")
    assert response.status_code == 200
    assert "Enter the code from your authenticator app" in response.content.decode()
    assert not signed_in_to_admin(client)


def test_a_code_is_accepted_only_once(client, device):
    token = code(device)
    assert sign_in(client, "curator", PASSWORD, token).status_code == 302
    replay = sign_in(Client(), "curator", PASSWORD, token)
    assert replay.status_code == 200
    assert "That code is not valid" in replay.content.decode()


def test_another_accounts_code_does_not_sign_in(client, device, django_user_model):
    other = django_user_model.objects.create_user("other", password=PASSWORD, is_staff=True)
    response = sign_in(client, "curator", PASSWORD, code(staff_device(other)))
    assert response.status_code == 200
    assert not signed_in_to_admin(client)


def test_staff_without_an_authenticator_are_sent_to_enrollment(client, staff):
    response = sign_in(client, "curator", PASSWORD, "123456")
    assert response.status_code == 200
    assert "no authenticator app yet" in response.content.decode()
    assert not signed_in_to_admin(client)


def test_a_wrong_password_with_a_valid_code_is_refused(client, device):
    response = sign_in(client, "curator", "wrong-password", code(device))
    assert response.status_code == 200
    assert not signed_in_to_admin(client)


def test_the_relaxed_setting_allows_a_plain_password_sign_in(client, staff, settings):
    settings.STAFF_2FA_REQUIRED = False
    page = client.get("/admin/login/").content.decode()
    assert 'name="otp_token"' not in page
    response = sign_in(client, "curator", PASSWORD)
    assert response.status_code == 302
    assert signed_in_to_admin(client)


def test_the_api_treats_a_password_only_staff_session_as_anonymous(staff, device):
    from django.contrib.auth.models import Permission

    staff.user_permissions.set(Permission.objects.filter(codename="add_source"))
    unverified = APIClient()
    unverified.force_login(staff)
    assert unverified.post("/api/v1/sources/", {}, format="json").status_code == 401
    verified = staff_login(APIClient(), staff)
    assert verified.post("/api/v1/sources/", {}, format="json").status_code == 400
