"""Writes for staff two-factor authentication (django-otp TOTP devices and this app's backup
codes), and the QR code that carries a device's secret to an authenticator app.

An account has at most one confirmed device; enrollment is allowed only while it has none, and
only with an enrollment code that an administrator issued for that account (single use,
expiring; `manage.py staff_enrollment_code <username>` or the admin), so a stolen password
alone never enrolls an authenticator. Confirming the app gives ten backup codes, shown once.
A lost device is removed by an administrator (`manage.py staff_totp_reset <username>`, which
also issues a new enrollment code), after which the staff member enrolls again.
"""

import base64
import secrets
from datetime import timedelta

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import CODE_LENGTH, BackupCode, BackupCodes, EnrollmentCode, backup_code_hash

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
ENROLLMENT_HOURS = 24  # how long an enrollment code stays valid by default
BACKUP_CODES = 10


class TwoFactorError(Exception):
    """A TOTP enrollment step that cannot proceed; the message is safe to show."""


@transaction.atomic
def totp_device_begin(*, user):
    """Start enrolling an authenticator app for `user`: a fresh, unconfirmed TOTP device with
    a new random secret (any earlier unconfirmed one is discarded). It signs nobody in until
    totp_device_confirm accepts a code from it."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise TwoFactorError(
            "This account already has an authenticator app. Sign in with it; if it is lost, "
            "ask an administrator to remove it."
        )
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name="Authenticator app", confirmed=False)
    device.full_clean()
    device.save()
    return device


def totp_device_confirm(*, device, token, enrollment):
    """Confirm an enrolling device with the first code it shows, spending the enrollment code
    that allowed it. Returns (device, backup codes in plain text, to show once). Raises
    TwoFactorError if the code is wrong, the enrollment code was used or expired meanwhile, or
    the account got another confirmed device.

    A wrong code is recorded on the device (django-otp then refuses every code for 1, 2, 4...
    seconds), so the error is raised only after the transaction commits that record.
    """
    backup = None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        code = EnrollmentCode.objects.select_for_update().filter(pk=enrollment.pk).first()
        others = TOTPDevice.objects.filter(user_id=device.user_id, confirmed=True)
        allowed, _ = device.verify_is_allowed()
        if device.confirmed or others.exists():
            error = "This account already has an authenticator app."
        elif code is None or not _usable(code, device.user_id):
            error = "The enrollment code has been used or has expired: ask for a new one."
        elif not allowed or not device.verify_token(token):
            error = (
                "That code is not valid. Enter the current code from your app (after a wrong "
                "code, wait a few seconds)."
            )
        else:
            error = None
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            code.used_at = timezone.now()
            code.save(update_fields=["used_at"])
            backup = backup_codes_create(user=device.user)
    if error:
        raise TwoFactorError(error)
    return device, backup


def _new_code():
    return "-".join(
        "".join(secrets.choice(BASE32) for _ in range(4)) for _ in range(CODE_LENGTH // 4)
    )


def _usable(code, user_id):
    return code.user_id == user_id and code.used_at is None and code.expires_at > timezone.now()


@transaction.atomic
def enrollment_code_issue(*, user, by, hours=ENROLLMENT_HOURS):
    """Issue a single-use code that lets `user` set up their first authenticator within
    `hours`. Only administrators (superusers, or the system account of management commands)
    may issue one. Returns (code record, the code in plain text: shown once, never stored)."""
    from claimcheck.claims import roles

    if not (getattr(by, "is_superuser", False) or roles.is_system(by)):
        raise TwoFactorError("Only an administrator can issue an enrollment code.")
    if not user.is_staff or not user.is_active:
        raise TwoFactorError("Enrollment codes are for active staff accounts.")
    if not 1 <= hours <= 72:
        raise TwoFactorError("An enrollment code is valid for 1 to 72 hours.")
    plaintext = _new_code()
    issued = timezone.now()
    code = EnrollmentCode(
        user=user,
        code_hash=backup_code_hash(plaintext),
        issued_by=by,
        issued_at=issued,
        expires_at=issued + timedelta(hours=hours),
    )
    code.full_clean()
    code.save()
    return code, plaintext


def enrollment_code_find(*, user, plaintext):
    """The unused, unexpired enrollment code of `user` that `plaintext` spells, or None."""
    digest = backup_code_hash(plaintext)
    if digest is None:
        return None
    code = EnrollmentCode.objects.filter(code_hash=digest, user=user).first()
    return code if code is not None and _usable(code, user.pk) else None


def backup_codes_create(*, user):
    """Replace `user`'s backup codes with BACKUP_CODES new ones; returns them in plain text."""
    BackupCodes.objects.filter(user=user).delete()
    device = BackupCodes.objects.create(user=user, name="Backup codes", confirmed=True)
    plaintexts = [_new_code() for _ in range(BACKUP_CODES)]
    BackupCode.objects.bulk_create(
        [BackupCode(device=device, code_hash=backup_code_hash(p)) for p in plaintexts]
    )
    return plaintexts


@transaction.atomic
def totp_devices_remove(*, user):
    """Remove every authenticator of `user` (a lost phone), so they can enroll again; the
    sessions they verified stop counting as verified. Returns how many were removed."""
    BackupCodes.objects.filter(user=user).delete()
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    return removed


def totp_qr_data_uri(device):
    """The device's otpauth:// URL as an SVG QR code in a data: URI (an <img>, so the strict
    CSP needs no inline script or style)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def totp_secret_for_typing(device):
    """The secret in base32, grouped by four, for apps that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
