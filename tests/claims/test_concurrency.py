"""Concurrent workflow actions on PostgreSQL, with real connections (issue #14, F6): two
reviewers acting on one claim at the same moment make one state change and one history row."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from claimcheck.claims import services
from claimcheck.claims.models import Claim, VerdictChange

from ..concurrency import race
from ..factories import EvidenceLinkFactory, ReviewerFactory

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not POSTGRES, reason="row locks: CI's PostgreSQL pass runs these"),
]


def _twice(published, action):
    """Run `action(claim)` twice at once, each with its own copy of the claim as read before
    the other wrote (as two admin requests would)."""
    first, second = Claim.objects.get(pk=published.pk), Claim.objects.get(pk=published.pk)
    return race("claims_claim", published.pk, lambda: action(first), lambda: action(second))


def _outcome(results):
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, ValidationError) for e in errors), errors
    return len(results) - len(errors), len(errors)


def test_two_retracts_at_once_retract_once(published):
    by = services.system_user()
    results = _twice(
        published, lambda c: services.claim_retract(claim=c, by=by, reason="Withdrawn.")
    )
    assert _outcome(results) == (1, 1)
    assert VerdictChange.objects.filter(claim=published, kind="retracted").count() == 1


def test_two_rerates_at_once_write_one_rating_change(published):
    by = services.system_user()
    EvidenceLinkFactory(claim=published, source__participants=400)  # a new input to rate
    before = VerdictChange.objects.filter(claim=published).count()
    _twice(published, lambda c: services.claim_rerate(claim=c, by=by, reason="New trial."))
    changes = VerdictChange.objects.filter(claim=published).order_by("id")
    assert changes.count() == before + 1
    assert changes.last().old_verdict != ""


def test_two_publishes_at_once_publish_once(published):
    by = services.system_user()
    services.claim_retract(claim=published, by=by, reason="Withdrawn.")
    services.claim_submit_for_review(claim=Claim.objects.get(pk=published.pk), by=by)
    reviewer = ReviewerFactory()
    results = _twice(published, lambda c: services.claim_publish(claim=c, by=by, reviewer=reviewer))
    assert _outcome(results) == (1, 1)
    kinds = list(VerdictChange.objects.filter(claim=published).values_list("kind", flat=True))
    assert kinds.count("published") == 2  # the first publication and this one, once


def test_two_submissions_at_once_submit_once(system_user):
    claim = EvidenceLinkFactory().claim
    results = _twice(
        claim, lambda c: services.claim_submit_for_review(claim=c, by=services.system_user())
    )
    assert _outcome(results) == (1, 1)
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_two_overrides_at_once_chain_in_the_history(published):
    """Both reviewers' overrides stand, one after the other; the second's history row starts
    from the first's verdict, not from the verdict both saw before either wrote."""
    by = services.system_user()
    computed = published.current_rating.verdict
    verdicts = [v for v in ("caution", "not_supported") if v != computed]
    first, second = Claim.objects.get(pk=published.pk), Claim.objects.get(pk=published.pk)
    results = race(
        "claims_claim",
        published.pk,
        lambda: services.claim_override(claim=first, by=by, verdict=verdicts[0], reason="A."),
        lambda: services.claim_override(claim=second, by=by, verdict=verdicts[1], reason="B."),
    )
    assert _outcome(results) == (2, 0)
    rows = list(
        VerdictChange.objects.filter(claim=published)
        .exclude(kind="published")
        .order_by("id")
        .values_list("old_verdict", "new_verdict")
    )
    assert len(rows) == 2
    assert rows[0][0] == computed
    assert rows[1][0] == rows[0][1]  # the second starts where the first ended
    assert Claim.objects.get(pk=published.pk).override_verdict == rows[1][1]


def test_two_override_removals_at_once_remove_once(published):
    by = services.system_user()
    verdict = "caution" if published.current_rating.verdict != "caution" else "not_supported"
    services.claim_override(claim=published, by=by, verdict=verdict, reason="An FDA warning.")
    before = VerdictChange.objects.filter(claim=published).count()
    results = _twice(
        published, lambda c: services.claim_override(claim=c, by=by, verdict="", reason="Lifted.")
    )
    assert _outcome(results) == (1, 1)
    assert VerdictChange.objects.filter(claim=published).count() == before + 1
