"""The pages the foundation serves: home, claim and subject, with fixed query counts."""

import pytest

from claimcheck.claims import services
from claimcheck.claims.models import Claim

from ..factories import EvidenceLinkFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(system_user):
    link = EvidenceLinkFactory(claim__text="Ingredient <script>alert(1)</script> smooths lines")
    claim = services.claim_submit_for_review(claim=link.claim, by=system_user)
    return services.claim_publish(claim=claim, by=system_user, reviewer=ReviewerFactory())


def test_home_lists_published_claims_with_verdict_in_one_query(
    client, published, django_assert_num_queries
):
    with django_assert_num_queries(1):  # published claims joined to subject and rating
        response = client.get("/")
    assert response.status_code == 200
    assert published.current_rating.verdict_label in response.content.decode()


def test_claim_page_shows_verdict_and_escapes_stored_text(
    client, published, django_assert_num_queries
):
    # claim+subject+rating+reviewer, evidence+sources, history+users, alternatives, signals
    with django_assert_num_queries(5):
        response = client.get(published.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert f"score {published.current_rating.score}/100" in body


def test_draft_claim_is_404_like_a_missing_one(client, published, system_user):
    Claim.objects.filter(pk=published.pk).update(status="draft")
    draft = client.get(published.get_absolute_url())
    missing = client.get("/claims/no-such-claim/")
    assert draft.status_code == missing.status_code == 404
    assert draft.content == missing.content


def test_subject_page_lists_its_published_claims(client, published):
    response = client.get(published.subject.get_absolute_url())
    assert response.status_code == 200
    assert "smooths lines" in response.content.decode()
