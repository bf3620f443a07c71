"""API fixtures: clients for each kind of caller, and published claims built through the
services (so ratings, history and workflow fields are real)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from claimcheck.accounts import services as key_services
from claimcheck.claims import services

from ..factories import ClaimFactory, EvidenceLinkFactory, ReviewerFactory, SourceFactory

EDITOR_PERMISSIONS = [
    "add_claim",
    "change_claim",
    "view_claim",
    "add_source",
    "change_source",
    "add_evidencelink",
    "change_evidencelink",
]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "3/min",
            "api_key": "5/min",
            "staff": "5/min",
            "write": "2/hour",
            "check_request": "2/hour",
            "copy_check": "2/min",
        },
    }
    return settings


def publish(claim, by, *, reviewer=None):
    claim = services.claim_submit_for_review(claim=claim, by=by)
    return services.claim_publish(claim=claim, by=by, reviewer=reviewer or ReviewerFactory())


@pytest.fixture
def published_claim(system_user):
    """A published claim with two evidence links and a reviewer."""
    link = EvidenceLinkFactory(source__participants=150)
    EvidenceLinkFactory(claim=link.claim, source__participants=90, direction="mixed")
    return publish(link.claim, system_user)


@pytest.fixture
def make_published(system_user):
    def make(n=1, **claim_fields):
        claims = []
        for _ in range(n):
            link = EvidenceLinkFactory(claim=ClaimFactory(**claim_fields))
            claims.append(publish(link.claim, system_user))
        return claims

    return make


@pytest.fixture
def draft_claim():
    return EvidenceLinkFactory(source=SourceFactory()).claim


def _user(username, **extra):
    return get_user_model().objects.create_user(username=username, password="x" * 16, **extra)


@pytest.fixture
def editor(db):
    user = _user("editor", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="claims", codename__in=EDITOR_PERMISSIONS)
    )
    return user


@pytest.fixture
def staff_without_permissions(db):
    return _user("viewer", is_staff=True)


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(username="boss", password="x" * 16)


def _editor_account(username):
    """A partner's account: write keys act as it, so it holds the Editor role."""
    user = _user(username)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def partner(db):
    return _editor_account("partner")


@pytest.fixture
def read_key(partner, system_user):
    return key_services.api_key_create(by=system_user, name="Reader", user=partner)[1]


@pytest.fixture
def write_key(partner, system_user):
    return key_services.api_key_create(by=system_user, name="Writer", user=partner, can_write=True)[
        1
    ]


@pytest.fixture
def other_write_key(system_user):
    other = _editor_account("other-partner")
    return key_services.api_key_create(by=system_user, name="Other", user=other, can_write=True)[1]


@pytest.fixture
def revoked_key(partner, system_user):
    key, plaintext = key_services.api_key_create(
        by=system_user, name="Old", user=partner, can_write=True
    )
    key_services.api_key_revoke(by=system_user, key=key)
    return plaintext


def key_client(plaintext):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


def session_client(user, *, csrf=True):
    """A signed-in browser session (TOTP-verified, as staff sign in); CSRF is enforced, and
    sent unless csrf=False."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    from ..staff_sessions import staff_login

    client = APIClient(enforce_csrf_checks=True)
    staff_login(client, user)
    if csrf:
        token = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        client.credentials(HTTP_X_CSRFTOKEN=token)
    return client
