"""The curated catalogue at scale (issue 16): how big it is, that every published claim stands on
a regulatory record and verified sources, that identifiers are well formed and unique, that
claims kept in draft say why, and that concerns match what each claim's outcome addresses.

The checks that need the loaded data share one test each, because a load of the whole starter
dataset takes seconds."""

import re

import pytest

from claimcheck.claims import starter
from claimcheck.claims.models import DOI_RE, FDA_NUMBER_RE, NCT_RE, PMID_RE, Claim, Source, Subject

from .golden import GOLDEN

pytestmark = pytest.mark.django_db

IDENTIFIERS = {"pmid": PMID_RE, "doi": DOI_RE, "nct": NCT_RE, "fda_number": FDA_NUMBER_RE}
# The catalogue's size after its third expansion (issue 16); it may grow, never shrink unnoticed.
MIN_PUBLISHED_CLAIMS = 154
MIN_SUBJECTS_WITH_PUBLISHED_CLAIMS = 102
# Golden claims (published before issue 16's verification rule) none of whose sources has yet
# been re-checked against a stored record. The list may only shrink; the test fails if one of
# them gains a verified source, so the exception cannot go stale.
UNVERIFIED_GOLDEN = {
    "palmitoyl-pentapeptide-reduces-fine-lines": "S12 (Robinson 2005) and U1 not re-checked",
    "snail-mucin-reduces-wrinkles": "S26, S27 and U1 not re-checked",
}


def _linked_sources(claim):
    """Every source a claim's page cites: its evidence, its regulatory records' sources, and the
    sources of its effect size and label information."""
    sources = {link.source for link in claim.evidence.all()}
    sources |= {r.source for r in claim.regulatory_records.all() if r.source is not None}
    sources |= {s for s in (claim.effect_size_source, claim.label_source) if s is not None}
    return sources


def _has_identifier(source):
    return any(getattr(source, name) for name in (*IDENTIFIERS, "fda_reference"))


def test_every_identifier_in_the_data_is_well_formed_and_used_once():
    seen = {}
    for record in starter.read()["sources"]:
        for name in (*IDENTIFIERS, "fda_reference"):
            value = record.get(name)
            if not value:
                continue
            if name in IDENTIFIERS:
                assert re.match(IDENTIFIERS[name], value), (record["ref"], name, value)
            key = (name, value.lower())
            assert key not in seen, (record["ref"], "repeats", seen.get(key))
            seen[key] = record["ref"]
        if record.get("verified_on"):
            assert record.get("verified_how"), record["ref"]
        # Issue 16: every identifier checked against a stored public copy of its record,
        # including those the first round's claims brought in.
        if any(record.get(name) for name in (*IDENTIFIERS, "fda_reference")):
            assert record.get("verified_on"), (record["ref"], "has an identifier, not verified")


@pytest.mark.usefixtures("starter_catalogue")
class TestOnTheStarterData:
    """One load of the starter data for these tests; each still runs in its own savepoint."""

    def test_published_claims_stand_on_records_and_verified_sources(self, starter_catalogue):
        data = starter.read()
        drafts = {c["slug"] for c in data["claims"] if c.get("draft_reason")}
        published = Claim.objects.published().prefetch_related(
            "evidence__source", "regulatory_records__source"
        )
        slugs = {claim.slug for claim in published}
        assert slugs == {c["slug"] for c in data["claims"]} - drafts
        assert len(slugs) >= MIN_PUBLISHED_CLAIMS
        assert (
            Subject.objects.filter(claims__status="published").distinct().count()
            >= MIN_SUBJECTS_WITH_PUBLISHED_CLAIMS
        )

        no_record, no_verified, unverified_identifiers = [], [], {}
        for claim in published:
            sources = _linked_sources(claim)
            if not claim.regulatory_records.exists():
                no_record.append(claim.slug)
            if not any(s.verified_on for s in sources):
                no_verified.append(claim.slug)
            if claim.slug not in GOLDEN:
                # Issue 16's rule: every PMID, DOI, NCT, FDA number or letter reference is checked
                # against a stored public record before its claim is published.
                missing = [s.key for s in sources if _has_identifier(s) and not s.verified_on]
                if missing:
                    unverified_identifiers[claim.slug] = missing
        assert no_record == []
        assert set(no_verified) == set(UNVERIFIED_GOLDEN)
        assert unverified_identifiers == {}
        assert not Source.objects.filter(verified_on__isnull=False, verified_how="").exists()

    def test_drafts_say_why_and_the_catalogue_is_tagged_by_what_claims_address(
        self, starter_catalogue, client
    ):
        drafts = Claim.objects.exclude(draft_reason="")
        assert drafts.exists()
        for claim in drafts:
            assert claim.status == "draft"
            assert claim.draft_reason.startswith("Kept in draft")
            assert client.get(claim.get_absolute_url()).status_code == 404

        # Hair-loss is the concern of exactly the subjects whose claims are about hair.
        hair = re.compile(r"\bhair\b|alopecia", re.IGNORECASE)
        for subject in Subject.objects.prefetch_related("concerns", "claims"):
            about_hair = any(hair.search(c.outcome) for c in subject.claims.all())
            tagged = any(c.slug == "hair-loss" for c in subject.concerns.all())
            assert about_hair == tagged, subject.slug

        # Microneedling pens and rollers are mechanical devices (audit, section 1, item 51).
        for slug in (
            "skinpen-microneedling-improves-acne-scars",
            "derma-roller-stimulates-collagen-fixes-scars",
        ):
            assert Claim.objects.get(slug=slug).route == "mechanical_device"

        # How much it helps and the label facts, where entered, are cited and verified.
        described = Claim.objects.published().exclude(effect_size="not_known")
        assert described.count() >= 12
        assert all(c.effect_size_source.verified_on for c in described)
        labelled = Claim.objects.published().exclude(label_source__isnull=True)
        assert labelled.count() >= 40
        assert all(c.label_source.verified_on for c in labelled)
