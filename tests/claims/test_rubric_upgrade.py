"""A rubric upgrade re-rates every stored claim through the services, and each published
claim's verdict history shows the re-rating with the reason "Rubric <version>"."""

import pytest
from django.core.management import call_command

from claimcheck import rubric
from claimcheck.claims import services, starter
from claimcheck.claims.models import Claim, VerdictChange
from claimcheck.rubric import engine

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated_under_old_rubric(monkeypatch):
    """The starter data as an install on rubric 1.0.0 holds it: every rating says 1.0.0."""
    with monkeypatch.context() as patch:
        patch.setattr(engine, "VERSION", "1.0.0")
        starter.load()
    assert set(Claim.objects.values_list("current_rating__rubric_version", flat=True)) == {"1.0.0"}


def test_rerating_for_the_new_rubric_is_in_every_published_claims_history(
    rated_under_old_rubric, system_user
):
    published = set(Claim.objects.published().values_list("slug", flat=True))

    moved = services.claims_rerate_for_rubric(by=system_user)

    assert {slug for slug, _, _ in moved} == set(Claim.objects.values_list("slug", flat=True))
    entries = VerdictChange.objects.filter(kind="rerated", reason=f"Rubric {rubric.VERSION}")
    assert set(entries.values_list("claim__slug", flat=True)) == published
    assert set(entries.values_list("rubric_version", flat=True)) == {rubric.VERSION}
    for entry in entries:
        assert (entry.old_verdict, entry.old_score) == next(
            old for slug, old, _ in moved if slug == entry.claim.slug
        )
        assert entry.new_verdict == entry.claim.current_rating.verdict
    assert services.claims_rerate_for_rubric(by=system_user) == []


def test_loading_the_starter_data_after_an_upgrade_rerates_first_then_changes_nothing(
    rated_under_old_rubric,
):
    report = starter.load()

    assert len(report.rubric_rerated) == Claim.objects.count()
    assert set(Claim.objects.values_list("current_rating__rubric_version", flat=True)) == {
        rubric.VERSION
    }
    before = starter.counts()
    again = starter.load()
    assert (again.rubric_rerated, again.ratings_written) == ([], 0)
    assert starter.counts() == before


def test_rerate_command_prints_each_claim_and_a_rerun_does_nothing(rated_under_old_rubric, capsys):
    call_command("rerate_for_rubric")
    out = capsys.readouterr().out
    assert f"re-rated under rubric {rubric.VERSION}" in out
    assert "tretinoin-mitigates-fine-wrinkles: well_supported 100 -> well_supported 100" in out

    call_command("rerate_for_rubric")
    assert "0 claim(s) re-rated" in capsys.readouterr().out
