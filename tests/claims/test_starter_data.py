"""The starter dataset: loads into an empty database, reproduces the golden table, reruns
without changes, refuses broken files without writing anything, and with --if-empty (the
compose stack's release step) never writes over a database that holds content."""

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claimcheck.claims import services, starter
from claimcheck.claims.models import Claim, Rating, Subject, VerdictChange

from .golden import GOLDEN, STARTER_DEVIATIONS

pytestmark = pytest.mark.django_db


def _row(rating):
    return (
        rating.r_code,
        rating.e_level,
        rating.e_direction,
        rating.t_points,
        rating.independent_concordant,
        bool(rating.safety_signals),
        rating.composite,
        rating.verdict,
        rating.score,
        rating.grade,
    )


def test_command_reports_what_it_loaded(db, capsys):
    call_command("load_starter_data")
    out = capsys.readouterr().out
    assert "claim(s) published" in out
    # Every claim is rated, drafts included (staff see the rating before it is published);
    # only published claims enter the public verdict history.
    assert Rating.objects.count() == Claim.objects.count()
    published = Claim.objects.filter(status="published").count()
    assert VerdictChange.objects.filter(kind="published").count() == published
    assert published < Claim.objects.count()  # the unverified ones stay drafts


def test_if_empty_loads_into_an_empty_database(db, capsys):
    call_command("load_starter_data", if_empty=True)
    assert "claim(s) published" in capsys.readouterr().out
    assert Claim.objects.published().count() > 0
    # Every claim is published, except the drafts that say which fact is still unverified.
    unpublished = Claim.objects.exclude(status="published")
    assert set(unpublished.values_list("status", flat=True)) <= {"draft"}
    assert not unpublished.filter(draft_reason="").exists()


@pytest.fixture
def broken_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(starter.DATA_DIR, target)
    return target


def test_malformed_yaml_names_the_file_and_writes_nothing(db, broken_copy):
    before = starter.counts()
    (broken_copy / "sources.yaml").write_text("- ref: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"sources\.yaml: not valid YAML"):
        call_command("load_starter_data", data_dir=str(broken_copy))
    assert starter.counts() == before


def test_bad_value_names_the_file_and_record_and_writes_nothing(db, broken_copy):
    claims = (broken_copy / "claims.yaml").read_text(encoding="utf-8")
    (broken_copy / "claims.yaml").write_text(
        claims.replace("route: injection", "route: intravenous", 1), encoding="utf-8"
    )
    before = starter.counts()
    with pytest.raises(
        CommandError,
        match=r"claims\.yaml record \d+ \([a-z0-9-]+\): field "
        r"'route' is 'intravenous'",
    ):
        call_command("load_starter_data", data_dir=str(broken_copy))
    assert starter.counts() == before


def test_record_failing_model_validation_late_rolls_back_everything(db, broken_copy):
    """A PMID that passes the file check but fails the model's format constraint is only
    found while writing: every earlier write is rolled back."""
    sources = (broken_copy / "sources.yaml").read_text(encoding="utf-8")
    assert 'pmid: "' in sources
    start = sources.index('pmid: "')
    end = sources.index('"', start + 7)
    (broken_copy / "sources.yaml").write_text(
        sources[:start] + 'pmid: "PMID-not-a-number' + sources[end:], encoding="utf-8"
    )
    before = starter.counts()
    with pytest.raises(CommandError, match=r"sources\.yaml record 1 .*pmid"):
        call_command("load_starter_data", data_dir=str(broken_copy))
    assert starter.counts() == before
    assert before["Subject"] == 0


def test_unknown_reference_names_the_record(db, broken_copy):
    claims = (broken_copy / "claims.yaml").read_text(encoding="utf-8")
    (broken_copy / "claims.yaml").write_text(
        claims.replace("subject: ", "subject: no-such-subject-", 1), encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"claims\.yaml record 1 .*no-such-subject-"):
        call_command("load_starter_data", data_dir=str(broken_copy))
    assert Claim.objects.count() == 0


@pytest.mark.usefixtures("starter_catalogue")
class TestOnTheStarterData:
    """One load of the starter data for these tests; each still runs in its own savepoint."""

    def test_stored_ratings_equal_the_golden_rows_except_the_documented_deviations(
        self, starter_catalogue
    ):
        """One load for all 26 rows; a mismatch lists every differing claim."""
        assert set(GOLDEN) <= set(Claim.objects.published().values_list("slug", flat=True))
        stored = {
            claim.slug: _row(claim.current_rating)
            for claim in Claim.objects.filter(slug__in=GOLDEN).select_related("current_rating")
        }
        expected = {
            slug: STARTER_DEVIATIONS[slug][0] if slug in STARTER_DEVIATIONS else row
            for slug, row in GOLDEN.items()
        }
        wrong = {
            slug: (stored.get(slug), want)
            for slug, want in expected.items()
            if stored.get(slug) != want
        }
        assert not wrong, wrong
        # Every deviation really differs from the golden table (none is stale).
        assert all(STARTER_DEVIATIONS[s][0] != GOLDEN[s] for s in STARTER_DEVIATIONS)

    def test_second_load_changes_no_row_and_writes_no_rating(self, starter_catalogue):
        before = starter.counts()
        report = starter.load()
        assert starter.counts() == before
        assert report.ratings_written == 0
        assert report.claims_published == 0

    @pytest.mark.parametrize(
        ("options", "edit_kept"),
        [({"if_empty": True}, True), ({}, False)],
        ids=["if-empty-keeps-it", "plain-reload-restores-the-file"],
    )
    def test_a_staff_edit_survives_a_second_load_with_if_empty_only(
        self, starter_catalogue, reviewer, capsys, options, edit_kept
    ):
        """The release step of every deployment runs the --if-empty load; a plain load refreshes
        the starter records from the files (make starter-data), staff edits included."""
        subject = Subject.objects.order_by("pk").first()
        original = subject.summary
        services.subject_upsert(
            by=reviewer, slug=subject.slug, fields={"summary": "Edited by staff."}
        )
        capsys.readouterr()

        call_command("load_starter_data", **options)

        out = capsys.readouterr().out
        summary = Subject.objects.get(pk=subject.pk).summary
        if edit_kept:
            assert summary == "Edited by staff."
            assert "Starter data not loaded: the database already holds content" in out
            assert "claim(s) published" not in out
        else:
            assert summary == original
            assert "claim(s) published" in out
