"""Staff of each role and a published claim, for the tests of the role and workflow rules."""

import pytest
from django.contrib.auth.models import Group

from claimcheck.claims import services

from ..factories import EvidenceLinkFactory, ReviewerFactory


def staff_member(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password="x" * 16, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model):
    return staff_member(django_user_model, "edna", "Editor")


@pytest.fixture
def reviewer(django_user_model):
    return staff_member(django_user_model, "rita", "Reviewer")


@pytest.fixture
def published(system_user):
    """A published claim with one human study of 120 participants, through the services."""
    link = EvidenceLinkFactory(source__participants=120)
    claim = services.claim_submit_for_review(claim=link.claim, by=system_user)
    return services.claim_publish(claim=claim, by=system_user, reviewer=ReviewerFactory())
