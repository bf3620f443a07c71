"""Staff accounts for the sign-in tests: a password, and (for most) a confirmed authenticator."""

import pytest
from django_otp.oath import totp

from ..staff_sessions import staff_device

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def staff(django_user_model):
    """A staff member with a password and no authenticator yet."""
    return django_user_model.objects.create_user("curator", password=PASSWORD, is_staff=True)


@pytest.fixture
def device(staff):
    """`staff`'s confirmed authenticator."""
    return staff_device(staff)


def code(device, drift=0):
    """The code the device's app shows now (drift: that many 30-second steps later)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, drift)
    return f"{value:0{device.digits}d}"


def sign_in(client, username, password, token="", address="10.0.0.1", **headers):
    """POST the admin login form, as a browser at `address` would."""
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "otp_token": token, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in_to_admin(client):
    return client.get("/admin/").status_code == 200
