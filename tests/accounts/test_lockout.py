"""django-axes: 5 failed sign-ins for one username from one address lock that pair out for 30
minutes (429 page); other addresses and usernames are unaffected; a forged X-Forwarded-For
does not make a fresh address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client

from .conftest import PASSWORD, code, sign_in, signed_in_to_admin

pytestmark = pytest.mark.django_db


def fail(client, n, username="curator", address="10.0.0.1", **headers):
    """n failed sign-ins. The fifth failure within the cool-off is answered by the lockout."""
    for _ in range(n):
        response = sign_in(client, username, "wrong-password", "000000", address, **headers)
    return response


def test_the_fifth_failure_locks_out_with_a_friendly_429_page(client, device):
    for _ in range(4):
        response = fail(client, 1)
        assert response.status_code == 200  # the login form again, with its error
        assert "correct username and password" in response.content.decode()
    response = fail(client, 1)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many sign-in attempts" in page
    assert "30 minutes" in page
    assert "Traceback" not in page
    assert "Content-Security-Policy" in response.headers


def test_four_failures_do_not_lock_out(client, device):
    fail(client, 4)
    response = sign_in(client, "curator", PASSWORD, code(device))
    assert response.status_code == 302
    assert signed_in_to_admin(client)


def test_a_correct_password_and_code_are_refused_while_locked_out(client, device):
    fail(client, 5)
    response = sign_in(client, "curator", PASSWORD, code(device))
    assert response.status_code == 429
    assert not signed_in_to_admin(client)


def test_the_same_username_from_another_address_can_still_sign_in(client, device):
    fail(client, 5, address="10.0.0.1")
    response = sign_in(client, "curator", PASSWORD, code(device), address="10.0.0.2")
    assert response.status_code == 302
    assert signed_in_to_admin(client)


def test_another_username_from_the_locked_address_is_not_locked(client, device, django_user_model):
    other = django_user_model.objects.create_user("editor2", password=PASSWORD, is_staff=True)
    from ..staff_sessions import staff_device

    other_device = staff_device(other)
    fail(client, 5, username="curator")
    response = sign_in(client, "editor2", PASSWORD, code(other_device))
    assert response.status_code == 302


def test_the_lockout_ends_after_the_30_minute_cool_off(client, device):
    fail(client, 5)
    attempt = AccessAttempt.objects.get(username="curator")
    attempt.attempt_time -= timedelta(minutes=29)
    attempt.save(update_fields=["attempt_time"])
    assert sign_in(client, "curator", PASSWORD, code(device)).status_code == 429

    attempt = AccessAttempt.objects.get(username="curator")  # the refused try restarted it
    attempt.attempt_time -= timedelta(minutes=31)
    attempt.save(update_fields=["attempt_time"])
    response = sign_in(client, "curator", PASSWORD, code(device, drift=1))
    assert response.status_code == 302
    assert signed_in_to_admin(client)


def test_a_successful_sign_in_clears_earlier_failures(client, device):
    fail(client, 4)
    assert sign_in(client, "curator", PASSWORD, code(device)).status_code == 302
    assert not AccessAttempt.objects.filter(username="curator").exists()


def test_a_forged_x_forwarded_for_does_not_make_a_fresh_address(client, device):
    for i in range(5):
        response = fail(client, 1, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert response.status_code == 429
    response = sign_in(client, "curator", PASSWORD, code(device), HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_proxys_entry_counts_not_the_forged_one(
    client, device, settings
):
    settings.TRUSTED_PROXIES = 1
    proxy = "192.0.2.10"
    for i in range(5):  # the client forges a different left-hand entry each time
        forged = f"203.0.113.{i}, 198.51.100.7"
        response = fail(client, 1, address=proxy, HTTP_X_FORWARDED_FOR=forged)
    assert response.status_code == 429
    forged = "203.0.113.99, 198.51.100.7"
    response = sign_in(
        client, "curator", PASSWORD, code(device), proxy, HTTP_X_FORWARDED_FOR=forged
    )
    assert response.status_code == 429
    # Another client behind the same proxy is counted on its own.
    other = sign_in(
        Client(), "curator", PASSWORD, code(device), proxy, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other.status_code == 302


def test_the_enrollment_password_step_counts_and_is_locked_out_too(client, staff):
    for _ in range(4):
        response = client.post(
            "/admin/2fa/setup/",
            {"username": "curator", "password": "wrong-password", "code": "AAAA-BBBB-CCCC-DDDD"},
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 200
    fail(client, 1)  # the fifth, at the admin login: one count for both forms
    response = client.post(
        "/admin/2fa/setup/",
        {"username": "curator", "password": PASSWORD, "code": "AAAA-BBBB-CCCC-DDDD"},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_an_administrator_can_lift_a_lockout_in_the_admin(
    client, device, django_user_model, staff_login
):
    fail(client, 5)
    boss = django_user_model.objects.create_superuser("boss", password=PASSWORD)
    admin = staff_login(Client(), boss)
    attempt = AccessAttempt.objects.get(username="curator")
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert sign_in(client, "curator", PASSWORD, code(device)).status_code == 302


def test_guessing_one_username_from_many_addresses_is_stopped_too(client, device, settings):
    """Four failures from each of five addresses lock no pair, but the twentieth failure for
    the username locks it everywhere until an administrator deletes the attempts."""
    settings.USERNAME_FAILURE_LIMIT = 20
    for n in range(5):
        assert fail(Client(), 4, address=f"10.0.1.{n}").status_code == 200
    elsewhere = sign_in(Client(), "curator", PASSWORD, code(device), address="10.0.2.1")
    assert elsewhere.status_code == 200
    assert "correct username and password" in elsewhere.content.decode()
    other = Client()
    AccessAttempt.objects.filter(username="curator").delete()
    assert sign_in(other, "curator", PASSWORD, code(device, drift=1), "10.0.2.1").status_code == 302
    assert signed_in_to_admin(other)


def test_failures_below_the_limit_across_addresses_do_not_lock(client, device, settings):
    settings.USERNAME_FAILURE_LIMIT = 20
    for n in range(4):
        fail(Client(), 4, address=f"10.0.1.{n}")
    assert sign_in(client, "curator", PASSWORD, code(device), "10.0.2.1").status_code == 302
