"""Staff sessions end after STAFF_SESSION_IDLE_TIMEOUT seconds without a request, and
SESSION_COOKIE_AGE after sign-in however active; activity keeps an idle clock fresh."""

import time

import pytest

from claimcheck.accounts.middleware import SEEN_KEY, STARTED_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, staff, staff_login):
    return staff_login(client, staff)


def set_clock(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"seen": SEEN_KEY, "started": STARTED_KEY}[key]] = now - ago
    session.save()


def test_the_idle_timeout_defaults_to_30_minutes(settings):
    assert settings.STAFF_SESSION_IDLE_TIMEOUT == 30 * 60


def test_an_idle_staff_session_is_signed_out_and_sent_to_login(signed_in):
    set_clock(signed_in, seen=31 * 60)
    response = signed_in.get("/admin/claims/claim/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/claims/claim/"
    login_page = signed_in.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in login_page
    assert "_auth_user_id" not in signed_in.session


def test_activity_within_the_timeout_keeps_the_session_and_refreshes_the_clock(signed_in):
    set_clock(signed_in, seen=29 * 60)
    before = int(time.time())
    assert signed_in.get("/admin/").status_code == 200
    assert signed_in.session[SEEN_KEY] >= before  # the request's own time, not the set clock
    set_clock(signed_in, seen=29 * 60)  # another half hour of steady use
    assert signed_in.get("/admin/").status_code == 200


def test_a_session_ends_at_session_cookie_age_even_when_active(signed_in, settings):
    set_clock(signed_in, seen=0, started=settings.SESSION_COOKIE_AGE + 1)
    assert signed_in.get("/admin/").status_code == 302
    assert "_auth_user_id" not in signed_in.session


def test_the_timeout_is_a_setting(signed_in, settings):
    settings.STAFF_SESSION_IDLE_TIMEOUT = 60
    set_clock(signed_in, seen=61)
    assert signed_in.get("/admin/").status_code == 302


def test_an_expired_staff_session_is_anonymous_in_the_api(client, staff, staff_login):
    from django.contrib.auth.models import Permission
    from rest_framework.test import APIClient

    staff.user_permissions.set(Permission.objects.filter(codename="add_source"))
    api = staff_login(APIClient(), staff)
    assert api.post("/api/v1/sources/", {}, format="json").status_code == 400
    set_clock(api, seen=31 * 60)
    assert api.post("/api/v1/sources/", {}, format="json").status_code == 401


def test_anonymous_readers_get_no_session(client, db):
    response = client.get("/about/")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
