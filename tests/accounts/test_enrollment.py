"""A staff member without an authenticator proves their password, scans the secret and
confirms it with the first code, which signs them in; an account that already has one cannot
add another this way."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from claimcheck.accounts.views import ENROLL_SESSION_KEY

from .conftest import PASSWORD, code, sign_in, signed_in_to_admin

pytestmark = pytest.mark.django_db

START = "/admin/2fa/setup/"
CONFIRM = "/admin/2fa/setup/confirm/"


def begin(client, username="curator", password=PASSWORD):
    return client.post(START, {"username": username, "password": password})


def back_off_passed(device):
    """django-otp refuses every code for 1, 2, 4... seconds after a wrong one; skip the wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=60)
    )


def test_enrollment_end_to_end(client, staff):
    assert client.get(START).status_code == 200
    response = begin(client)
    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert not signed_in_to_admin(client)  # the password alone signs nobody in

    page = client.get(CONFIRM)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, no inline script or style
    assert "<script>" not in html and "style=" not in html
    secret = html.split("<code>")[1].split("</code>")[0].replace(" ", "")
    assert device.config_url.split("secret=")[1].startswith(secret)

    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    refused = client.post(CONFIRM, {"token": wrong})
    assert refused.status_code == 200
    assert "That code is not valid" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    back_off_passed(device)

    response = client.post(CONFIRM, {"token": code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert signed_in_to_admin(client)

    # From now on the usual sign-in works with the app's codes.
    fresh = Client()
    assert sign_in(fresh, "curator", PASSWORD, code(device, drift=1)).status_code == 302
    assert signed_in_to_admin(fresh)


def test_right_after_a_wrong_code_even_the_right_one_waits(client, staff):
    begin(client)
    device = TOTPDevice.objects.get(user=staff)
    client.post(CONFIRM, {"token": f"{(int(code(device)) + 1) % 1_000_000:06d}"})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now())
    assert client.post(CONFIRM, {"token": code(device)}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    back_off_passed(device)
    assert client.post(CONFIRM, {"token": code(device)}).status_code == 302


def test_enrollment_is_refused_to_an_account_that_already_has_an_authenticator(client, device):
    response = begin(client)
    assert response.status_code == 200
    assert "already has an authenticator app" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=device.user)) == [device]
    assert client.get(CONFIRM)["Location"] == START


def test_enrollment_needs_the_right_password(client, staff):
    response = begin(client, password="wrong-password")
    assert response.status_code == 200
    assert "username and password of a staff account" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_enrollment_is_for_staff_only(client, django_user_model):
    django_user_model.objects.create_user("reader", password=PASSWORD)
    response = begin(client, username="reader")
    assert response.status_code == 200
    assert "username and password of a staff account" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_the_confirm_step_without_the_password_step_goes_back_to_the_start(client, staff):
    TOTPDevice.objects.create(user=staff, name="Someone's", confirmed=False)
    response = client.get(CONFIRM)
    assert response.status_code == 302
    assert response["Location"] == START


def test_the_confirm_step_expires_ten_minutes_after_the_password(client, staff):
    begin(client)
    device = TOTPDevice.objects.get(user=staff)
    session = client.session
    session[ENROLL_SESSION_KEY] = {**session[ENROLL_SESSION_KEY], "at": int(time.time()) - 601}
    session.save()
    response = client.post(CONFIRM, {"token": code(device)})
    assert response.status_code == 302
    assert response["Location"] == START
    device.refresh_from_db()
    assert not device.confirmed


def test_starting_again_replaces_the_unconfirmed_secret(client, staff):
    begin(client)
    first = TOTPDevice.objects.get(user=staff)
    begin(client)
    second = TOTPDevice.objects.get(user=staff)
    assert second.pk != first.pk and second.key != first.key


def test_an_administrator_removes_a_lost_authenticator_so_its_owner_can_enroll_again(
    client, device, django_user_model, staff_login
):
    boss = django_user_model.objects.create_superuser("boss", password=PASSWORD)
    staff_login(client, boss)
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert change.status_code == 200
    assert device.key not in change.content.decode()  # secrets are never shown again
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert begin(Client()).status_code == 302


def test_the_reset_command_removes_a_lost_authenticator(device):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("staff_totp_reset", "curator", stdout=out)
    assert "Removed 1 authenticator(s) of curator" in out.getvalue()
    assert not TOTPDevice.objects.exists()
    assert begin(Client()).status_code == 302


def test_the_reset_command_names_an_unknown_account():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="nobody"):
        call_command("staff_totp_reset", "nobody")
