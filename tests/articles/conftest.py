"""Article fixtures: an editor and a reviewer holding the roles from the data migration
(accounts 0002), a published claim to link, and articles built through the services."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles import services
from claimcheck.claims import services as claim_services

from ..factories import EvidenceLinkFactory, ReviewerFactory, SourceFactory, SubjectFactory


def _staff(username, group):
    user = get_user_model().objects.create_user(
        username=username, password="x" * 16, is_staff=True, first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return _staff("eddie", "Editor")


@pytest.fixture
def reviewer_user(db):
    return _staff("rita", "Reviewer")


@pytest.fixture
def reviewer(reviewer_user):
    """Rita's reviewer profile, linked to her account (the admin's publish action uses it)."""
    return ReviewerFactory(
        user=reviewer_user, name="Dr Rita Reviewer", credentials="MD, board-certified dermatologist"
    )


@pytest.fixture
def staff_client(client, staff_login):
    """`staff_client(user)`: the test client signed in as a staff member with a TOTP-verified
    session (the shared staff_login fixture), as the admin requires."""

    def sign_in(user):
        return staff_login(client, user)

    return sign_in


@pytest.fixture
def published_claim(system_user, reviewer):
    link = EvidenceLinkFactory(claim__slug="exosome-claim", claim__text="Exosomes lift skin")
    claim_services.claim_submit_for_review(claim=link.claim, by=system_user)
    return claim_services.claim_publish(claim=link.claim, by=system_user, reviewer=reviewer)


@pytest.fixture
def make_draft(editor):
    def make(slug="exosomes-explained", **fields):
        return services.article_upsert(
            by=editor,
            slug=slug,
            fields={
                "title": "Exosomes explained",
                "summary": "What is sold as an exosome, and what is known.",
                "body": "Exosomes are **tiny vesicles**.",
                "author_name": "Eddie Editor",
                **fields,
            },
        )

    return make


@pytest.fixture
def draft(make_draft):
    return make_draft()


@pytest.fixture
def published(draft, editor, reviewer_user, reviewer, published_claim):
    """A published article linked to a subject, a published claim and two references."""
    services.article_upsert(
        by=editor,
        slug=draft.slug,
        fields={},
        subjects=[published_claim.subject, SubjectFactory(name="Retinol", slug="retinol")],
        claims=[published_claim],
        references=[
            SourceFactory(title="A trial of exosomes", pmid="12345678", doi="10.1000/xyz"),
            SourceFactory(
                title="FDA warning letter",
                pmid="",
                fda_reference="CBER 25-000001",
                url="https://www.fda.gov/letter",
                design="mechanistic_opinion",
                population="none",
                kind="regulatory",
            ),
        ],
    )
    services.article_submit_for_review(article=draft, by=editor)
    return services.article_publish(article=draft, by=reviewer_user, reviewer=reviewer)
