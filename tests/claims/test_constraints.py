"""Invariants the database itself holds, on SQLite and PostgreSQL alike."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, DataError, IntegrityError, connection, transaction

from claimcheck.claims import services
from claimcheck.claims.models import Claim, Rating, Source

from ..factories import ClaimFactory, EvidenceLinkFactory, ReviewerFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pmid", "PMID123"),
        ("pmid", "0123"),
        ("pmid", "1234567890"),
        ("doi", "doi:10.1000/xyz"),
        ("doi", "10.12/abc"),
        ("doi", "10.1000/has space"),
        ("nct", "NCT123"),
        ("nct", "nct01234567"),
        ("fda_number", "K12345"),
        ("fda_number", "DEN16002"),
    ],
)
def test_malformed_identifier_is_refused_by_the_database(field, value):
    # PostgreSQL refuses an over-long value as DataError before the CHECK constraint runs.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        SourceFactory(**{field: value})
    assert not Source.objects.filter(**{field: value}).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pmid", "35689936"),
        ("doi", "10.1093/asj/sjac149"),
        ("nct", "NCT00272610"),
        ("fda_number", "DEN160029"),
        ("fda_number", "K052643"),
        ("fda_number", "P020023"),
    ],
)
def test_well_formed_identifier_is_stored_and_linked_out(field, value):
    source = SourceFactory(**{"pmid": "", field: value})
    assert Source.objects.get(pk=source.pk).links


def test_invalid_identifier_through_the_service_is_a_field_error(system_user):
    with pytest.raises(ValidationError) as caught:
        services.source_upsert(
            by=system_user,
            lookup={"pmid": "abc"},
            fields={
                "title": "Bad",
                "design": "rct",
                "population": "human",
                "funding": "independent",
            },
        )
    assert "pmid" in caught.value.message_dict
    assert not Source.objects.exists()


def test_same_pmid_twice_is_refused():
    SourceFactory(pmid="12345678")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(pmid="12345678")


def test_human_design_with_animal_population_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(design="rct", population="animal")


@pytest.fixture
def rated_claim(system_user):
    link = EvidenceLinkFactory()
    services.claim_rerate(claim=link.claim, by=system_user)
    return Claim.objects.select_related("current_rating").get(pk=link.claim.pk)


def test_rating_row_cannot_be_updated_through_the_orm(rated_claim):
    rating = rated_claim.current_rating
    rating.score = 1
    with pytest.raises(ValueError, match="immutable"):
        rating.save()
    with pytest.raises(ValueError, match="immutable"):
        Rating.objects.filter(pk=rating.pk).update(score=1)
    assert Rating.objects.get(pk=rating.pk).score != 1


def test_rating_row_cannot_be_updated_in_raw_sql(rated_claim):
    rating = rated_claim.current_rating
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE claims_rating SET score = %s WHERE id = %s", [1, rating.pk])
    assert Rating.objects.get(pk=rating.pk).score == rating.score


def test_score_outside_0_to_100_is_refused(rated_claim):
    rating = rated_claim.current_rating
    fields = {
        f.name: getattr(rating, f.name)
        for f in Rating._meta.concrete_fields
        if f.name not in ("id", "claim")
    }
    fields.update(score=101, inputs_sha256="0" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.bulk_create([Rating(claim=rated_claim, **fields)])


def test_one_current_rating_per_claim(rated_claim):
    other = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=other.pk).update(current_rating=rated_claim.current_rating)


def test_duplicate_claim_slug_is_refused(rated_claim):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(slug=rated_claim.slug)


def test_published_claim_needs_reviewer_and_rating():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status="published")


def test_risk_of_bias_downgrade_without_reason_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceLinkFactory(risk_of_bias="serious", risk_of_bias_reason="")
    EvidenceLinkFactory(risk_of_bias="serious", risk_of_bias_reason="Unblinded assessors.")


def test_override_without_public_reason_is_refused():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(override_verdict="caution")


def test_reviewer_is_required_to_publish(rated_claim, system_user):
    services.claim_submit_for_review(claim=rated_claim, by=system_user)
    with pytest.raises(ValidationError):
        services.claim_publish(
            claim=Claim.objects.get(pk=rated_claim.pk), by=system_user, reviewer=None
        )
    services.claim_publish(
        claim=Claim.objects.get(pk=rated_claim.pk), by=system_user, reviewer=ReviewerFactory()
    )
    assert Claim.objects.get(pk=rated_claim.pk).status == "published"


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"design": "rct", "population": "animal"}, "claims_source_design_population_consistent"),
        ({"year": 1800}, "claims_source_year_range"),
    ],
)
def test_a_check_the_database_refuses_is_a_validation_error_naming_it(
    system_user, fields, constraint
):
    """Services leave check constraints to the database (one query fewer each, per save) and
    turn its refusal into the ValidationError full_clean would give; nothing is written."""
    base = {"title": "A trial", "design": "rct", "population": "human", "year": 2020}
    with pytest.raises(ValidationError) as refused:
        services.source_upsert(by=system_user, lookup={"pmid": "31234567"}, fields=base | fields)
    assert constraint in " ".join(refused.value.messages)
    assert not Source.objects.filter(pmid="31234567").exists()


def test_an_import_row_breaking_a_check_is_a_row_error_not_a_crash(system_user):
    from claimcheck.claims import imports

    content = b"title,pmid,design,population,year\nA trial,31234567,rct,animal,2020\n"
    report = imports.run("sources.csv", content, kind="sources", by=system_user, commit=True)
    assert not report.committed
    [row] = report.error_rows
    assert "claims_source_design_population_consistent" in row.errors[0][1]


def test_an_import_row_taking_another_sources_identifier_is_a_field_error(system_user):
    """Unique identifiers are checked together, in one query, as the row's field errors: a new
    PMID with a DOI another source holds is refused on doi; a blank NCT never clashes."""
    from claimcheck.claims import imports

    held = SourceFactory(pmid="31234567", doi="10.1000/held", nct="")
    SourceFactory(pmid="31234568", doi="10.1000/other", nct="")
    content = (
        b"title,pmid,doi,design,population,year\n"
        b"A trial,39999999,10.1000/held,rct,human,2020\n"
        b"Another trial,39999998,10.1000/new,rct,human,2021\n"
    )
    report = imports.run("sources.csv", content, kind="sources", by=system_user, commit=True)
    assert not report.committed
    [row] = report.error_rows
    assert row.errors == [("doi", "Source with this DOI already exists.")]
    assert not Source.objects.filter(pmid__in=["39999999", "39999998"]).exists()
    held.refresh_from_db()
    assert held.pmid == "31234567"


def test_a_source_keeps_its_own_identifiers_when_it_is_updated(system_user):
    source = SourceFactory(pmid="31234567", doi="10.1000/mine")
    SourceFactory(pmid="31234568", doi="10.1000/theirs")
    services.source_upsert(by=system_user, lookup={"pmid": "31234567"}, fields={"title": "New"})
    with pytest.raises(ValidationError) as refused:
        services.source_upsert(
            by=system_user, lookup={"pmid": "31234567"}, fields={"doi": "10.1000/theirs"}
        )
    assert refused.value.message_dict == {"doi": ["Source with this DOI already exists."]}
    source.refresh_from_db()
    assert (source.title, source.doi) == ("New", "10.1000/mine")
