"""The sign-in and enrollment row locks under real concurrency, on PostgreSQL with two real
connections (issue #23; tests/concurrency.py): a one-time code sent twice at the same moment,
from two browsers, is accepted once."""

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from claimcheck.accounts import two_factor
from claimcheck.accounts.models import BackupCode, BackupCodes, EnrollmentCode
from claimcheck.claims.services import system_user

from ..concurrency import race
from .conftest import PASSWORD, code, sign_in

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not POSTGRES, reason="row locks: CI's PostgreSQL pass runs these"),
]


def _signed_in(responses):
    errors = [r for r in responses if isinstance(r, Exception)]
    assert not errors, errors
    return sorted(r.status_code for r in responses)


def test_one_authenticator_code_sent_twice_at_once_signs_in_once(device):
    token = code(device)
    responses = race(
        TOTPDevice._meta.db_table,
        device.pk,
        lambda: sign_in(Client(), "curator", PASSWORD, token, address="10.0.0.1"),
        lambda: sign_in(Client(), "curator", PASSWORD, token, address="10.0.0.2"),
    )
    assert _signed_in(responses) == [200, 302]  # one signed in, one shown the form again


def test_one_backup_code_sent_twice_at_once_signs_in_once(device):
    plaintext = two_factor.backup_codes_create(user=device.user)[0]
    backup = BackupCodes.objects.get(user=device.user)
    responses = race(
        BackupCodes._meta.db_table,
        backup.pk,
        lambda: sign_in(Client(), "curator", PASSWORD, plaintext, address="10.0.0.1"),
        lambda: sign_in(Client(), "curator", PASSWORD, plaintext, address="10.0.0.2"),
    )
    assert _signed_in(responses) == [200, 302]
    assert BackupCode.objects.filter(device=backup, used_at__isnull=False).count() == 1


def test_one_enrollment_confirmed_twice_at_once_confirms_once(staff):
    enrollment, _ = two_factor.enrollment_code_issue(user=staff, by=system_user())
    device = two_factor.totp_device_begin(user=staff)
    token = code(device)

    def confirm():
        # Each browser holds the device as it read it, unconfirmed, before the other wrote.
        return two_factor.totp_device_confirm(
            device=TOTPDevice.objects.get(pk=device.pk), token=token, enrollment=enrollment
        )

    results = race(TOTPDevice._meta.db_table, device.pk, confirm, confirm)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], two_factor.TwoFactorError), results
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 1
    assert EnrollmentCode.objects.get(pk=enrollment.pk).used_at is not None
    # One set of backup codes, shown once: the loser's would replace the winner's.
    assert BackupCode.objects.filter(device__user=staff).count() == two_factor.BACKUP_CODES
