"""The copy checker on the labelled snippets, against the real starter data."""

import pytest

from claimcheck.claims import copycheck
from claimcheck.claims.copycheck import evaluation

pytestmark = pytest.mark.django_db


def test_the_labelled_set_is_large_and_varied_enough(labelled_cases):
    ids = [case["id"] for case in labelled_cases]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)
    negatives = [case for case in labelled_cases if not case["claims"] and not case["flags"]]
    assert len(negatives) >= 12
    for prefix in ("exo-", "prp-", "ret-", "spf-", "col-", "snail-", "roller-", "neg-"):
        assert any(i.startswith(prefix) for i in ids), prefix


@pytest.mark.usefixtures("starter_catalogue")
class TestOnTheStarterData:
    """One load of the starter data for these tests; each still runs in its own savepoint."""

    def test_labelled_claims_exist_in_the_starter_data(self, starter_catalogue, labelled_cases):
        from claimcheck.claims.models import Claim

        slugs = set(Claim.objects.published().values_list("slug", flat=True))
        for case in labelled_cases:
            assert set(case["claims"]) <= slugs, case["id"]

    def test_matched_claims_reach_90_precision_and_85_recall_and_flags_90_90(
        self, starter_catalogue, labelled_cases
    ):
        report = evaluation.evaluate(labelled_cases, copycheck.check)
        mistakes = "\n".join(" ".join(error) for error in report.errors)
        assert report.claims.precision >= 0.9, mistakes
        assert report.claims.recall >= 0.85, mistakes
        assert report.flags.precision >= 0.9, mistakes
        assert report.flags.recall >= 0.9, mistakes
