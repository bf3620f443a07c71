"""Signing staff in for tests, the way the admin does once both factors are checked.

With DEBUG off (as the suite runs) staff need a TOTP-verified session: `force_login` alone
gives a password-only session, which the admin and the API's staff session refuse. Use

    def test_something(client, staff_login, admin_user):
        staff_login(client, admin_user)

(the `staff_login` fixture in tests/conftest.py), or import `staff_login` from here in helpers
that are not fixtures. Works with Django's Client and DRF's APIClient. Do not use
`client.login(...)`: django-axes needs the request, which the test client does not pass.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def staff_device(user):
    """The user's confirmed TOTP device (created if missing), as enrollment leaves it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def staff_login(client, user):
    """Sign `user` in on `client` with a session verified by their TOTP device; returns the
    client."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = staff_device(user).persistent_id
    session.save()
    return client
