"""Reads: one function per page or job, doing all of its joining."""

from django.db.models import Prefetch
from django.http import Http404

from claimcheck import rubric

from .models import Claim, EvidenceLink, SafetySignal, Subject, TransparencyItem


def claim_rating_inputs(*, claim):
    """Build the rubric's inputs from stored data, in four queries whatever the claim's size."""
    subject = claim.subject
    links = EvidenceLink.objects.filter(claim=claim).select_related("source")
    studies = tuple(
        rubric.StudyInput(
            key=link.source.key,
            design=link.source.design,
            participants=link.source.participants,
            funding=link.source.funding,
            manufacturer_affiliated=link.source.manufacturer_affiliated,
            peer_reviewed=link.source.peer_reviewed,
            retracted=link.source.retracted,
            on_outcome=link.on_outcome,
            direction=link.direction,
            below_mid=link.below_mid,
            restricted_direction=link.restricted_direction or None,
            relative_effect_milli=(
                int(link.relative_effect * 1000) if link.relative_effect is not None else None
            ),
            dose_response=link.dose_response,
            studies_exact_product=link.studies_exact_product,
            risk_of_bias=link.risk_of_bias,
            inconsistency=link.inconsistency,
            indirect_population=link.indirect_population,
            indirect_intervention=link.indirect_intervention,
            indirect_outcome=link.indirect_outcome,
        )
        for link in links
    )
    transparency = dict(
        TransparencyItem.objects.filter(subject=subject).values_list("code", "status")
    )
    signals = tuple(
        rubric.SignalInput(
            key=f"signal:{signal.slug}",
            title=signal.title,
            active=signal.status == "active",
            routes=tuple(signal.routes),
            claim_types=tuple(signal.claim_types),
            origins=tuple(signal.origins),
        )
        for signal in SafetySignal.objects.filter(subjects=subject)
    )
    r_sources = tuple(
        f"regulatory:{slug}" for slug in claim.regulatory_records.values_list("slug", flat=True)
    )
    return rubric.ClaimInput(
        subject_kind=subject.kind,
        source_origin=subject.source_origin,
        biologic=subject.biologic,
        route=claim.route,
        claim_type=claim.claim_type,
        r_code=claim.regulatory_code,
        r_sources=r_sources,
        studies=studies,
        transparency=transparency,
        signals=signals,
    )


def claim_get_published(*, slug):
    """The one access function for public claim pages: drafts are 404 like missing claims."""
    claim = (
        Claim.objects.published()
        .select_related("subject", "current_rating", "reviewer")
        .filter(slug=slug)
        .first()
    )
    if claim is None:
        raise Http404("No published claim has this address.")
    return claim


def claim_list_published():
    return (
        Claim.objects.published()
        .select_related("subject", "current_rating")
        .order_by("-current_rating__score", "text")
    )


def claim_page(*, slug):
    """Everything the claim verdict page shows, in a fixed number of queries."""

    claim = claim_get_published(slug=slug)
    evidence = list(
        EvidenceLink.objects.filter(claim=claim).select_related("source").order_by("source__year")
    )
    history = list(claim.verdict_history.select_related("changed_by").order_by("-changed_at"))
    alternatives = list(
        claim.subject.alternatives.prefetch_related(
            Prefetch(
                "claims",
                queryset=Claim.objects.published().select_related("current_rating"),
                to_attr="published_claims",
            )
        )
    )
    signals = list(SafetySignal.objects.filter(subjects=claim.subject))
    matched = set(claim.current_rating.safety_signals)
    return {
        "claim": claim,
        "rating": claim.current_rating,
        "evidence": evidence,
        "history": history,
        "alternatives": alternatives,
        "signals": [s for s in signals if f"signal:{s.slug}" in matched],
    }


def subject_page(*, slug):

    subject = Subject.objects.filter(slug=slug).first()
    if subject is None:
        raise Http404("No subject has this address.")
    claims = list(subject.claims.published().select_related("current_rating").order_by("text"))
    if not claims:
        raise Http404("No subject has this address.")
    return {
        "subject": subject,
        "claims": claims,
        "alternatives": list(subject.alternatives.all()),
        "transparency": list(subject.transparency.all()),
    }
