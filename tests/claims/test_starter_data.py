"""The starter dataset: loads into an empty database, reproduces the golden table, reruns
without changes, and refuses broken files without writing anything."""

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claimcheck.claims import starter
from claimcheck.claims.models import Claim, Rating, VerdictChange

from .golden import GOLDEN

pytestmark = pytest.mark.django_db


def test_every_golden_claim_is_loaded_and_published(starter_data):
    published = set(Claim.objects.published().values_list("slug", flat=True))
    assert set(GOLDEN) <= published


@pytest.mark.parametrize("slug", sorted(GOLDEN))
def test_stored_rating_equals_its_golden_row(starter_data, slug):
    r_code, level, direction, t, indep, signal, composite, verdict, score, grade = GOLDEN[slug]
    rating = Claim.objects.select_related("current_rating").get(slug=slug).current_rating
    assert (rating.r_code, rating.e_level, rating.e_direction, rating.t_points) == (
        r_code,
        level,
        direction,
        t,
    )
    assert rating.independent_concordant == indep
    assert bool(rating.safety_signals) is signal
    assert (rating.composite, rating.verdict, rating.score, rating.grade) == (
        composite,
        verdict,
        score,
        grade,
    )


def test_second_load_changes_no_row_and_writes_no_rating(starter_data):
    before = starter.counts()
    report = starter.load()
    assert starter.counts() == before
    assert report.ratings_written == 0
    assert report.claims_published == 0


def test_command_reports_what_it_loaded(db, capsys):
    call_command("load_starter_data")
    out = capsys.readouterr().out
    assert "claim(s) published" in out
    assert Rating.objects.count() == Claim.objects.count()
    assert VerdictChange.objects.filter(kind="published").count() == Claim.objects.count()


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
