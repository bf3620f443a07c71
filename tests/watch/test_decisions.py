"""Only a person changes a claim: accepting a finding goes through the claims services (one
verdict-history entry per affected published claim, naming the finding); dismissing needs a
reason; an editor may not decide."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from claimcheck.claims.models import Claim, Source, VerdictChange
from claimcheck.watch import selectors, services
from claimcheck.watch.models import Finding

from .conftest import record_retraction

pytestmark = pytest.mark.django_db


def history(claim):
    return list(VerdictChange.objects.filter(claim=claim).order_by("changed_at", "id"))


def test_recording_the_same_observation_twice_keeps_one_finding(retraction, catalogue):
    again, created = record_retraction(catalogue["study"])
    assert (again.pk, created) == (retraction.pk, False)
    assert Finding.objects.count() == 1


def test_a_finding_changes_nothing_until_it_is_accepted(retraction, catalogue):
    assert not Source.objects.get(pk=catalogue["study"].pk).retracted
    assert [c.kind for c in history(catalogue["first"])] == ["published"]


def test_accepting_a_retraction_rerates_each_published_claim_once_naming_the_finding(
    retraction, catalogue, reviewer
):
    before = {key: history(catalogue[key]) for key in ("first", "second", "draft", "unrelated")}
    services.finding_accept(finding=retraction, by=reviewer, reason="Checked the notice")
    assert Source.objects.get(pk=catalogue["study"].pk).retracted
    for key in ("first", "second"):
        added = history(catalogue[key])[len(before[key]) :]
        assert len(added) == 1
        assert added[0].kind == "rerated"
        assert added[0].reason == (
            f"Evidence watch finding #{retraction.pk} accepted: PMID 99000001 was retracted. "
            "Checked the notice"
        )
        assert added[0].changed_by == reviewer
        rating = Claim.objects.get(pk=catalogue[key].pk).current_rating
        retracted = [f for f in rating.factors if f["code"] == "E_RETRACTED"]
        assert retracted and retracted[0]["sources"] == ["PMID:99000001"]
    assert history(catalogue["draft"]) == before["draft"]  # drafts: no public history
    assert history(catalogue["unrelated"]) == before["unrelated"]
    decided = Finding.objects.get(pk=retraction.pk)
    assert (decided.status, decided.decided_by) == ("accepted", reviewer)
    assert decided.decided_at is not None


def test_the_retracted_source_drops_out_of_the_eligible_evidence(retraction, catalogue, reviewer):
    first = catalogue["first"]
    codes = [f["code"] for f in first.current_rating.factors]
    assert "E_RETRACTED" not in codes
    services.finding_accept(finding=retraction, by=reviewer)
    new = Claim.objects.get(pk=first.pk).current_rating
    assert new.pk != first.current_rating.pk
    assert "E_RETRACTED" in [f["code"] for f in new.factors]


def test_a_finding_is_decided_once(retraction, reviewer):
    services.finding_accept(finding=retraction, by=reviewer)
    with pytest.raises(ValidationError, match="already accepted"):
        services.finding_accept(finding=retraction, by=reviewer)
    with pytest.raises(ValidationError, match="already accepted"):
        services.finding_dismiss(finding=retraction, by=reviewer, reason="Not relevant")


def test_dismissing_needs_a_reason_and_changes_nothing(retraction, catalogue, reviewer):
    with pytest.raises(ValidationError, match="Say why"):
        services.finding_dismiss(finding=retraction, by=reviewer, reason="  ")
    assert Finding.objects.get(pk=retraction.pk).status == "open"
    services.finding_dismiss(finding=retraction, by=reviewer, reason="Wrong PMID matched")
    decided = Finding.objects.get(pk=retraction.pk)
    assert (decided.status, decided.decision_reason) == ("dismissed", "Wrong PMID matched")
    assert not Source.objects.get(pk=catalogue["study"].pk).retracted
    assert [c.kind for c in history(catalogue["first"])] == ["published"]


def test_an_editor_may_neither_accept_nor_dismiss(retraction, catalogue, editor):
    with pytest.raises(PermissionDenied, match="Only a reviewer"):
        services.finding_accept(finding=retraction, by=editor)
    with pytest.raises(PermissionDenied, match="Only a reviewer"):
        services.finding_dismiss(finding=retraction, by=editor, reason="No")
    assert Finding.objects.get(pk=retraction.pk).status == "open"
    assert not Source.objects.get(pk=catalogue["study"].pk).retracted


@pytest.fixture
def letter(catalogue):
    """An open finding about the catalogue's subject (matched by name in an FDA feed)."""
    finding, _ = services.finding_record(
        provider="fdaletters",
        kind="warning_letter",
        title="Warning letter names exotest",
        external_id="https://www.fda.gov/fake/letter",
        subject=catalogue["subject"],
    )
    return finding


def test_accepting_a_warning_letter_records_the_decision_and_points_to_the_signal_form(
    letter, reviewer
):
    before = VerdictChange.objects.count()
    services.finding_accept(finding=letter, by=reviewer)
    assert VerdictChange.objects.count() == before
    assert Finding.objects.get(pk=letter.pk).status == "accepted"
    assert "signal form" in services.next_step(letter)


def test_the_claims_a_finding_touches_are_its_sources_and_its_subjects(
    retraction, letter, catalogue, django_assert_num_queries
):
    with django_assert_num_queries(1):
        touched = set(selectors.finding_claims(retraction).values_list("slug", flat=True))
    assert touched == {catalogue[k].slug for k in ("first", "second", "draft")}
    annotated = Finding.objects.annotate(n=selectors.touched_claims_count())
    with django_assert_num_queries(1):  # the findings, each count in the same query
        counts = {f.pk: f.n for f in annotated}
    assert counts == {retraction.pk: 3, letter.pk: 3}
