"""A small published site built through the services, for page tests."""

import pytest
from django.utils import timezone

from claimcheck.claims import services
from claimcheck.claims.models import Concern, SafetySignal

from ..factories import (
    EvidenceLinkFactory,
    ReviewerFactory,
    SourceFactory,
    SubjectFactory,
)

NEW_TRIAL = "A brand-new independent trial"


def add_new_trial(claim, by):
    """A published change: a new low-risk supporting trial linked, and the claim re-rated."""
    services.evidence_link(
        by=by,
        claim=claim,
        source=SourceFactory(title=NEW_TRIAL),
        fields={"direction": "supports", "risk_of_bias": "low"},
    )
    services.claim_rerate(claim=claim, by=by, reason="New trial")


def publish(claim, by, reviewer):
    services.claim_submit_for_review(claim=claim, by=by)
    return services.claim_publish(claim=claim, by=by, reviewer=reviewer)


@pytest.fixture
def site(db, system_user):
    """Three subjects; the first has two alternatives, a safety signal, two claims with
    evidence, and an article. Returns a dict of the objects."""
    from articles.models import Article

    reviewer = ReviewerFactory(name="Dr Ada Reviewer", credentials="MD, dermatologist")
    concern = Concern.objects.create(slug="anti-ageing", name="Anti-ageing")
    main = SubjectFactory(
        name="Exosome serums",
        slug="exosome-serums",
        aliases=["exosomes", "extracellular vesicles"],
        biologic=True,
        source_origin="undisclosed",
    )
    main.concerns.add(concern)
    alternatives = [
        SubjectFactory(name="Retinol", slug="retinol", aliases=["retinoid", "vitamin A"]),
        SubjectFactory(name="Microneedling", slug="microneedling", aliases=["micro-needling"]),
    ]
    main.alternatives.set(alternatives)
    signal = SafetySignal.objects.create(
        slug="fda-exosomes",
        title="FDA safety notification on exosome products",
        issuer="fda",
        kind="safety_notification",
        date=timezone.now().date(),
        product_class="Exosome products",
        routes=["injection"],
        claim_types=["structure_function"],
        origins=["human"],
        url="https://www.fda.gov/",
        summary="No exosome product is approved.",
    )
    signal.subjects.add(main)
    claims = []
    for i, text in enumerate(["Exosome serums stimulate collagen", "Exosomes heal acne scars"]):
        link = EvidenceLinkFactory(
            claim__subject=main,
            claim__slug=f"exosome-claim-{i}",
            claim__text=text,
            claim__claim_type="structure_function",
            claim__regulatory_code="R8",
            source__design="uncontrolled_before_after",
            source__funding="manufacturer",
        )
        EvidenceLinkFactory(
            claim=link.claim, source=SourceFactory(design="in_vitro", population="in_vitro")
        )
        claims.append(publish(link.claim, system_user, reviewer))
    alt_claims = []
    for subject in alternatives:
        link = EvidenceLinkFactory(claim__subject=subject, claim__slug=f"{subject.slug}-claim")
        alt_claims.append(publish(link.claim, system_user, reviewer))
    article = Article.objects.create(
        slug="exosomes-explained",
        title="Exosomes: what the evidence says",
        summary="What exosome products are, and what is known about them.",
        body="Exosomes are **tiny vesicles**.\n\n<script>alert(1)</script>",
        author_name="The editors",
        status="published",
        published_at=timezone.now(),
        reviewer=reviewer,
    )
    article.subjects.add(main)
    article.claims.add(claims[0])
    return {
        "main": main,
        "alternatives": alternatives,
        "claims": claims,
        "alt_claims": alt_claims,
        "signal": signal,
        "article": article,
        "reviewer": reviewer,
        "concern": concern,
    }
