"""A staff member without an authenticator proves their password and the enrollment code an
administrator issued them, scans the secret and confirms it with the first code, which signs
them in and shows their backup codes once; an account that already has one cannot add another
this way, and a password alone enrolls nothing (issue #14, F4)."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from claimcheck.accounts import two_factor
from claimcheck.accounts.models import BackupCode, EnrollmentCode
from claimcheck.accounts.views import ENROLL_SESSION_KEY
from claimcheck.claims.services import system_user

from .conftest import PASSWORD, code, sign_in, signed_in_to_admin

pytestmark = pytest.mark.django_db

START = "/admin/2fa/setup/"
CONFIRM = "/admin/2fa/setup/confirm/"


def issue(username="curator", hours=24):
    """What an administrator does first: issue the account a single-use enrollment code."""
    user = get_user_model().objects.get(username=username)
    return two_factor.enrollment_code_issue(user=user, by=system_user(), hours=hours)[1]


def begin(client, username="curator", password=PASSWORD, enrollment=None):
    if enrollment is None:
        enrollment = issue(username)
    return client.post(START, {"username": username, "password": password, "code": enrollment})


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
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert signed_in_to_admin(client)
    # The backup codes, shown this once; only their hashes are stored.
    html = response.content.decode()
    backup = [part.split("</code>")[0] for part in html.split("<li><code>")[1:]]
    assert len(backup) == 10 and len(set(backup)) == 10
    stored = set(BackupCode.objects.values_list("code_hash", flat=True))
    assert not stored & set(backup)
    assert EnrollmentCode.objects.get().used_at is not None

    # From now on the usual sign-in works with the app's codes, or once with each backup code.
    fresh = Client()
    assert sign_in(fresh, "curator", PASSWORD, code(device, drift=1)).status_code == 302
    assert signed_in_to_admin(fresh)
    lost_phone = Client()
    assert sign_in(lost_phone, "curator", PASSWORD, backup[0].lower()).status_code == 302
    assert signed_in_to_admin(lost_phone)
    again = sign_in(Client(), "curator", PASSWORD, backup[0])
    assert again.status_code == 200 and "That code is not valid" in again.content.decode()


def test_right_after_a_wrong_code_even_the_right_one_waits(client, staff):
    begin(client)
    device = TOTPDevice.objects.get(user=staff)
    client.post(CONFIRM, {"token": f"{(int(code(device)) + 1) % 1_000_000:06d}"})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now())
    assert client.post(CONFIRM, {"token": code(device)}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    back_off_passed(device)
    assert "Your backup codes" in client.post(CONFIRM, {"token": code(device)}).content.decode()
    device.refresh_from_db()
    assert device.confirmed


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
    response = begin(client, username="reader", enrollment="AAAA-BBBB-CCCC-DDDD")
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
    issued = out.getvalue().split("enrollment code is ")[1].split()[0]
    assert begin(Client(), enrollment=issued).status_code == 302


def test_the_reset_command_names_an_unknown_account():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="nobody"):
        call_command("staff_totp_reset", "nobody")


@pytest.mark.parametrize("case", ["none", "wrong", "another account's", "expired", "used"])
def test_a_password_alone_enrolls_nothing(client, staff, django_user_model, case):
    other = django_user_model.objects.create_user("other", password=PASSWORD, is_staff=True)
    enrollment = {
        "none": "",
        "wrong": "AAAA-BBBB-CCCC-DDDD",
        "another account's": issue("other"),
        "expired": issue(),
        "used": issue(),
    }[case]
    if case == "expired":
        EnrollmentCode.objects.filter(user=staff).update(
            issued_at=timezone.now() - timedelta(hours=2),
            expires_at=timezone.now() - timedelta(seconds=1),
        )
    if case == "used":
        EnrollmentCode.objects.filter(user=staff).update(used_at=timezone.now())
    response = begin(client, enrollment=enrollment)
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user__in=[staff, other]).exists()
    assert client.get(CONFIRM)["Location"] == START


def test_an_enrollment_code_works_once(client, staff):
    enrollment = issue()
    begin(client, enrollment=enrollment)
    client.post(CONFIRM, {"token": code(TOTPDevice.objects.get(user=staff))})
    two_factor.totp_devices_remove(user=staff)  # say the phone is lost at once
    response = begin(Client(), enrollment=enrollment)
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_only_an_administrator_issues_codes_in_the_admin(
    client, staff, device, django_user_model, staff_login
):
    editor = django_user_model.objects.create_user("edna", password=PASSWORD, is_staff=True)
    staff_login(client, editor)
    assert client.get("/admin/accounts/enrollmentcode/add/").status_code == 403
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.enrollment_code_issue(user=staff, by=editor)
    boss = django_user_model.objects.create_superuser("boss", password=PASSWORD)
    admin = staff_login(Client(), boss)
    response = admin.post(
        "/admin/accounts/enrollmentcode/add/", {"user": staff.pk, "hours": 2}, follow=True
    )
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"])
    plaintext = message.split("Enrollment code for curator: ")[1].split()[0]
    record = EnrollmentCode.objects.get(user=staff)
    assert record.issued_by == boss
    assert record.code_hash != plaintext and plaintext not in record.code_hash


def test_the_enrollment_code_command_prints_a_code_that_works(staff):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("staff_enrollment_code", "curator", "--hours", "1", stdout=out)
    issued = out.getvalue().split("Enrollment code for curator: ")[1].split()[0]
    assert begin(Client(), enrollment=issued).status_code == 302
