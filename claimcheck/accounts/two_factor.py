"""Writes for staff two-factor authentication (django-otp TOTP devices), and the QR code that
carries a device's secret to an authenticator app.

An account has at most one confirmed device; enrollment is allowed only while it has none, so a
stolen password alone can never add a second authenticator to an enrolled account. A lost
device is removed by an administrator (admin: OTP_TOTP > TOTP devices, or `manage.py
staff_totp_reset <username>`), after which the staff member enrolls again.
"""

import base64

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


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


def totp_device_confirm(*, device, token):
    """Confirm an enrolling device with the first code it shows. Raises TwoFactorError if the
    code is wrong or the account meanwhile got another confirmed device.

    A wrong code is recorded on the device (django-otp then refuses every code for 1, 2, 4...
    seconds), so the error is raised only after the transaction commits that record.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        others = TOTPDevice.objects.filter(user_id=device.user_id, confirmed=True)
        allowed, _ = device.verify_is_allowed()
        if device.confirmed or others.exists():
            error = "This account already has an authenticator app."
        elif not allowed or not device.verify_token(token):
            error = (
                "That code is not valid. Enter the current code from your app (after a wrong "
                "code, wait a few seconds)."
            )
        else:
            error = None
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    if error:
        raise TwoFactorError(error)
    return device


@transaction.atomic
def totp_devices_remove(*, user):
    """Remove every authenticator of `user` (a lost phone), so they can enroll again; the
    sessions they verified stop counting as verified. Returns how many were removed."""
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
