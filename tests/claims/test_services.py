"""The write path: rating, workflow and history, through the services."""

import pytest
from django.core.exceptions import ValidationError

from claimcheck import rubric
from claimcheck.claims import services
from claimcheck.claims.models import Claim, Rating, VerdictChange

from ..factories import ClaimFactory, EvidenceLinkFactory, ReviewerFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(system_user):
    link = EvidenceLinkFactory(source__participants=150)
    claim = services.claim_submit_for_review(claim=link.claim, by=system_user)
    return services.claim_publish(claim=claim, by=system_user, reviewer=ReviewerFactory())


def test_rerate_with_unchanged_inputs_writes_nothing(published, system_user):
    ratings, history = Rating.objects.count(), VerdictChange.objects.count()
    again = services.claim_rerate(claim=published, by=system_user)
    assert again.pk == published.current_rating_id
    assert (Rating.objects.count(), VerdictChange.objects.count()) == (ratings, history)


def test_new_evidence_then_rerate_writes_a_rating_and_a_history_entry(published, system_user):
    old = published.current_rating
    services.evidence_link(
        by=system_user,
        claim=published,
        source=SourceFactory(participants=400, funding="independent"),
        fields={"direction": "supports", "risk_of_bias": "low"},
    )
    new = services.claim_rerate(claim=published, by=system_user, reason="New trial added")
    assert new.pk != old.pk
    assert new.inputs_sha256 != old.inputs_sha256
    change = VerdictChange.objects.filter(claim=published).order_by("-id").first()
    assert (change.kind, change.old_score, change.new_score) == ("rerated", old.score, new.score)
    assert change.reason == "New trial added"
    assert change.changed_by == system_user


def test_rating_matches_the_rubric_on_the_stored_inputs(published):
    from claimcheck.claims.selectors import claim_rating_inputs

    expected = rubric.rate(claim_rating_inputs(claim=published))
    stored = published.current_rating
    assert (stored.verdict, stored.score, stored.inputs_sha256) == (
        expected.verdict,
        expected.score,
        expected.inputs_sha256,
    )
    assert stored.rubric_version == rubric.VERSION
    assert [f["code"] for f in stored.factors] == [f.code for f in expected.factors]


def test_removing_then_restoring_evidence_reuses_the_earlier_rating(published, system_user):
    first = published.current_rating
    extra = SourceFactory()
    link = services.evidence_link(
        by=system_user,
        claim=published,
        source=extra,
        fields={"direction": "contradicts", "risk_of_bias": "low"},
    )
    services.claim_rerate(claim=published, by=system_user)
    services.evidence_unlink(by=system_user, link=link)
    restored = services.claim_rerate(claim=published, by=system_user)
    assert restored.pk == first.pk


def test_publishing_a_draft_directly_is_refused(system_user):
    claim = ClaimFactory()
    with pytest.raises(ValidationError, match="in review"):
        services.claim_publish(claim=claim, by=system_user, reviewer=ReviewerFactory())
    assert Claim.objects.get(pk=claim.pk).status == "draft"


def test_retraction_needs_a_reason_and_is_recorded(published, system_user):
    with pytest.raises(ValidationError):
        services.claim_retract(claim=published, by=system_user, reason="  ")
    services.claim_retract(claim=published, by=system_user, reason="Source retracted.")
    claim = Claim.objects.get(pk=published.pk)
    assert claim.status == "retracted"
    assert claim.verdict_history.first().kind == "retracted"


def test_changes_are_attributed_in_the_history_tables(published, system_user):
    record = published.history.order_by("-history_date").first()
    assert record.history_user == system_user


def test_transparency_item_of_the_wrong_checklist_is_refused(system_user):
    claim = ClaimFactory()
    with pytest.raises(ValidationError, match="C1"):
        services.transparency_set(
            by=system_user,
            subject=claim.subject,
            code="P1",
            status="pass",
            source_url="https://example.org/",
        )
