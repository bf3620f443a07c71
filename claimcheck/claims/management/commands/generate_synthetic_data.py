"""Synthetic subjects, claims, sources and ratings for scale tests and benchmarks (bench/).

    python manage.py generate_synthetic_data --claims 100000   # top up to 100,000 synthetic claims
    python manage.py generate_synthetic_data --remove          # delete every synthetic row

Everything it writes is unmistakably synthetic and never mixed into the starter data: every
slug starts with `synthetic-`, every source URL is under https://synthetic.invalid/, every
name and summary says "Synthetic". Ratings are computed by the real rubric from the generated
inputs, so verdicts, scores and factors are distributed like real ones.

This is a bulk loader, not curation: it inserts with bulk_create in batches (100,000 claims in
a few minutes) instead of going through the services one claim at a time, writes no
simple_history rows, and bumps the content version once at the end so caches refresh.
"""

import dataclasses
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from claimcheck import freshness, rubric
from claimcheck.claims.models import (
    Claim,
    Concern,
    EvidenceLink,
    Rating,
    ReviewerProfile,
    Source,
    Subject,
    VerdictChange,
)
from claimcheck.rubric import tables

PREFIX = "synthetic-"
MARK = "Synthetic benchmark data (generate_synthetic_data), not a real product or finding."
SOURCE_URL = "https://synthetic.invalid/source/"
BATCH = 2000

INGREDIENTS = [
    "retinal",
    "bakuchiol",
    "azelaic acid",
    "tranexamic acid",
    "copper peptide",
    "ceramide",
    "squalane",
    "mandelic acid",
    "polyglutamic acid",
    "centella",
    "snail mucin",
    "ectoin",
    "niacinamide",
    "arbutin",
    "kojic acid",
    "panthenol",
    "allantoin",
    "resveratrol",
    "ferulic acid",
    "growth factor",
    "spicule",
    "collagen drink",
    "LED mask",
    "radiofrequency",
]
FORMS = ["serum", "cream", "essence", "ampoule", "mask", "patch", "gummy", "device", "peel"]
OUTCOMES = [
    ("fine wrinkles", "reduces fine wrinkles"),
    ("collagen production", "boosts collagen"),
    ("hyperpigmentation", "fades dark spots"),
    ("acne lesions", "clears acne"),
    ("skin hydration", "deeply hydrates skin"),
    ("skin firmness", "firms sagging skin"),
    ("pore size", "shrinks pores"),
    ("redness", "calms redness"),
    ("scar depth", "repairs scars"),
    ("hair density", "regrows hair"),
]
HUMAN_DESIGNS = sorted(d.value for d in tables.HUMAN_DESIGNS)


class Command(BaseCommand):
    help = "Create (or remove) clearly marked synthetic claims for scale tests and benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, help="synthetic claims wanted in total")
        parser.add_argument("--remove", action="store_true", help="delete all synthetic data")
        parser.add_argument("--seed", type=int, default=7, help="random seed (repeatable data)")

    def handle(self, *args, claims=None, remove=False, seed=7, **options):
        if remove == (claims is not None):
            raise CommandError("Give either --claims N or --remove.")
        if remove:
            counts = remove_synthetic()
            self.stdout.write(f"Removed synthetic data: {counts}")
        else:
            if claims < 0:
                raise CommandError("--claims must be zero or more.")
            created = generate(total=claims, seed=seed, log=self.stdout.write)
            self.stdout.write(
                self.style.SUCCESS(f"Synthetic claims: {created} created, {claims} wanted.")
            )
        freshness.bump()


def synthetic_claims():
    return Claim.objects.filter(slug__startswith=PREFIX)


@transaction.atomic
def remove_synthetic():
    """Delete every synthetic row, children first, with plain DELETEs (no per-row signals)."""
    claims = synthetic_claims()
    claims.update(current_rating=None, status="draft", shown_verdict="", shown_score=None)
    counts = {}
    steps = [
        ("verdict changes", VerdictChange.objects.filter(claim__in=claims)),
        ("evidence links", EvidenceLink.objects.filter(claim__in=claims)),
        ("ratings", Rating.objects.filter(claim__in=claims)),
        ("claims", claims),
        ("sources", Source.objects.filter(url__startswith=SOURCE_URL)),
        (
            "subject concerns",
            Subject.concerns.through.objects.filter(subject__slug__startswith=PREFIX),
        ),
        ("subjects", Subject.objects.filter(slug__startswith=PREFIX)),
        ("reviewers", ReviewerProfile.objects.filter(slug__startswith=PREFIX)),
    ]
    for name, queryset in steps:
        counts[name] = queryset._raw_delete(queryset.db)  # children first: no cascade needed
    return counts


def generate(*, total, seed, log):
    existing = synthetic_claims().count()
    wanted = total - existing
    if wanted <= 0:
        return 0
    rng = random.Random(f"{seed}-{existing}")  # noqa: S311 - synthetic data, not secrets
    now = timezone.now()
    reviewer, _ = ReviewerProfile.objects.get_or_create(
        slug=f"{PREFIX}reviewer",
        defaults={"name": "Synthetic Reviewer", "credentials": "Synthetic data", "bio": MARK},
    )
    subjects = _subjects(
        rng,
        count=max(5, wanted // 10),
        start=Subject.objects.filter(slug__startswith=PREFIX).count(),
    )
    sources = _sources(
        rng,
        count=max(20, wanted // 2),
        start=Source.objects.filter(url__startswith=SOURCE_URL).count(),
    )
    created = 0
    for offset in range(0, wanted, BATCH):
        size = min(BATCH, wanted - offset)
        _claims_batch(
            rng,
            start=existing + offset,
            size=size,
            subjects=subjects,
            sources=sources,
            reviewer=reviewer,
            now=now,
        )
        created += size
        if created % 20000 < BATCH:
            log(f"  {created} synthetic claims written")
    return created


def _subjects(rng, *, count, start):
    kinds = [k.value for k in tables.SubjectKind]
    origins = [o.value for o in tables.Origin]
    rows = []
    for i in range(start, start + count):
        ingredient = rng.choice(INGREDIENTS)
        rows.append(
            Subject(
                slug=f"{PREFIX}subject-{i}",
                name=f"Synthetic {ingredient} {rng.choice(FORMS)} {i}",
                kind=rng.choice(kinds),
                aliases=[f"synthetic {ingredient} {i}"],
                summary=MARK,
                source_origin=rng.choice(origins),
                biologic=rng.random() < 0.1,
            )
        )
    Subject.objects.bulk_create(rows, batch_size=BATCH)
    concerns = list(Concern.objects.values_list("id", flat=True))
    if concerns:  # one concern each, so browsing by concern reaches synthetic subjects too
        through = Subject.concerns.through
        new = Subject.objects.filter(slug__in=[row.slug for row in rows]).values_list("id")
        through.objects.bulk_create(
            [through(subject_id=pk, concern_id=rng.choice(concerns)) for (pk,) in new],
            batch_size=BATCH,
        )
    return list(
        Subject.objects.filter(slug__startswith=PREFIX).only(
            "id", "slug", "kind", "name", "source_origin", "biologic"
        )
    )


def _sources(rng, *, count, start):
    rows = []
    for i in range(start, start + count):
        design = rng.choice(HUMAN_DESIGNS * 3 + ["animal", "in_vitro"])
        population = {"animal": "animal", "in_vitro": "in_vitro"}.get(design, "human")
        rows.append(
            Source(
                kind="study",
                title=f"Synthetic study {i}: {rng.choice(INGREDIENTS)} and "
                f"{rng.choice(OUTCOMES)[0]}",
                authors="Synthetic A, Synthetic B",
                publisher="Synthetic Journal",
                year=rng.randint(1995, 2026),
                url=f"{SOURCE_URL}{i}",
                design=design,
                population=population,
                participants=rng.choice([None, 12, 30, 60, 120, 400, 1500]),
                funding=rng.choice([f.value for f in tables.Funding]),
                manufacturer_affiliated=rng.random() < 0.3,
                peer_reviewed=rng.random() < 0.85,
                registered=rng.random() < 0.4,
                summary=MARK,
            )
        )
    Source.objects.bulk_create(rows, batch_size=BATCH)
    return list(
        Source.objects.filter(url__startswith=SOURCE_URL).only(
            "id",
            "pmid",
            "doi",
            "nct",
            "fda_number",
            "design",
            "participants",
            "funding",
            "manufacturer_affiliated",
            "peer_reviewed",
            "retracted",
        )
    )


def _claims_batch(rng, *, start, size, subjects, sources, reviewer, now):
    routes = [r.value for r in tables.Route]
    types = [t.value for t in tables.ClaimType]
    codes = [c.value for c in tables.RCode]
    directions = ["supports", "supports", "mixed", "no_effect", "contradicts"]
    with transaction.atomic():
        claims, plans = [], []
        for i in range(start, start + size):
            subject = rng.choice(subjects)
            outcome, verb = rng.choice(OUTCOMES)
            claims.append(
                Claim(
                    slug=f"{PREFIX}claim-{i}",
                    subject=subject,
                    text=f"{subject.name} {verb}",
                    claimant="Synthetic marketing",
                    route=rng.choice(routes),
                    claim_type=rng.choice(types),
                    outcome=outcome,
                    regulatory_code=rng.choice(codes),
                    conclusion_summary=MARK,
                    conclusion=MARK,
                    status="in_review",
                    reviewer=reviewer,
                    reviewed_at=now,
                )
            )
            plans.append(
                [
                    (source, rng.choice(directions), rng.random() < 0.2)
                    for source in rng.sample(sources, rng.randint(1, 4))
                ]
            )
        Claim.objects.bulk_create(claims, batch_size=BATCH)
        links, ratings = [], []
        for claim, plan in zip(claims, plans, strict=True):
            studies = []
            for source, direction, below_mid in plan:
                links.append(
                    EvidenceLink(
                        claim=claim,
                        source=source,
                        direction=direction,
                        below_mid=below_mid,
                        note=MARK,
                    )
                )
                studies.append(
                    rubric.StudyInput(
                        key=source.key,
                        design=source.design,
                        participants=source.participants,
                        funding=source.funding,
                        manufacturer_affiliated=source.manufacturer_affiliated,
                        peer_reviewed=source.peer_reviewed,
                        retracted=source.retracted,
                        direction=direction,
                        below_mid=below_mid,
                    )
                )
            result = rubric.rate(
                rubric.ClaimInput(
                    subject_kind=claim.subject.kind,
                    source_origin=claim.subject.source_origin,
                    biologic=claim.subject.biologic,
                    route=claim.route,
                    claim_type=claim.claim_type,
                    r_code=claim.regulatory_code,
                    studies=tuple(studies),
                )
            )
            output = dataclasses.asdict(result)
            output["factors"] = [dataclasses.asdict(f) for f in result.factors]
            output["safety_signals"] = list(result.safety_signals)
            ratings.append(Rating(claim=claim, created_at=now, **output))
        EvidenceLink.objects.bulk_create(links, batch_size=BATCH)
        Rating.objects.bulk_create(ratings, batch_size=BATCH)
        # One UPDATE for the batch: each claim gets its (only) rating, shows its verdict and
        # score (no overrides here; services._shown) and is published.
        rating = Rating.objects.filter(claim=OuterRef("pk"))
        Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
            current_rating=Subquery(rating.values("pk")[:1]),
            shown_verdict=Subquery(rating.values("verdict")[:1]),
            shown_score=Subquery(rating.values("score")[:1]),
            status="published",
            published_at=now,
        )
        changes = [
            VerdictChange(
                claim=claim,
                rating=rating,
                kind="published",
                new_verdict=rating.verdict,
                new_score=rating.score,
                rubric_version=rating.rubric_version,
                reason=f"Published. {MARK}",
                changed_at=now,
            )
            for claim, rating in zip(claims, ratings, strict=True)
        ]
        VerdictChange.objects.bulk_create(changes, batch_size=BATCH)
