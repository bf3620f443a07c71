"""Reads: one function per page or job, doing all of its joining."""

import difflib
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.urls import reverse

from claimcheck import rubric
from claimcheck.rubric import tables

from .models import (
    CheckRequest,
    Claim,
    Concern,
    EvidenceLink,
    SafetySignal,
    Source,
    Subject,
    TransparencyItem,
    VerdictChange,
)


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
            unreported_size_small=link.unreported_size_small,
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


def claim_rating_preview(*, claim):
    """What the stored inputs would give now, beside the current rating, without writing.

    Returns {"current": Rating | None, "proposed": rubric.Rating | None, "error": str,
    "changed": bool, "factors": [(code, dimension, current sentence, proposed sentence)]}.
    Staff see it on the claim's change form before anyone publishes or re-rates."""
    current = claim.current_rating
    try:
        proposed = rubric.rate(claim_rating_inputs(claim=claim))
    except rubric.RubricInputError as error:
        return {"current": current, "proposed": None, "error": str(error), "changed": False}
    old = {(f["dimension"], f["code"]): f for f in (current.factors if current else [])}
    new = {(f.dimension, f.code): f for f in proposed.factors}
    factors = []
    for key in list(old) + [k for k in new if k not in old]:
        before, after = old.get(key), new.get(key)
        factors.append(
            {
                "dimension": key[0],
                "code": key[1],
                "before": before["sentence"] if before else "",
                "after": after.sentence if after else "",
                "changed": (before["sentence"] if before else None)
                != (after.sentence if after else None),
            }
        )
    changed = current is None or (
        current.inputs_sha256 != proposed.inputs_sha256
        or current.rubric_version != proposed.rubric_version
    )
    return {
        "current": current,
        "proposed": proposed,
        "proposed_label": tables.VERDICT_LABELS[tables.Verdict(proposed.verdict)],
        "error": "",
        "changed": changed,
        "factors": factors,
    }


# A claim's page and API detail join its subject, rating, reviewer and the two sources its
# "how much it helps" and "before you use it" blocks cite, in one query.
CLAIM_DETAIL_JOINS = (
    "subject",
    "current_rating",
    "reviewer",
    "effect_size_source",
    "label_source",
)


# Per-claim flags that apps built on this one compute in the claim's own query: name ->
# function returning a boolean expression on Claim. An app registers its flag in its
# AppConfig.ready() (watch: "evidence_update_under_review"), so the domain reads it without
# importing that app, and a claim detail costs no extra query for it.
CLAIM_FLAGS = {}


def _with_flags(claims):
    return claims.annotate(**{name: flag() for name, flag in CLAIM_FLAGS.items()})


def claim_get_published(*, slug):
    """The one access function for public claim pages: drafts are 404 like missing claims."""
    claim = (
        _with_flags(Claim.objects.published().select_related(*CLAIM_DETAIL_JOINS))
        .filter(slug=slug)
        .first()
    )
    if claim is None:
        raise Http404("No published claim has this address.")
    return claim


@dataclass(frozen=True)
class Retraction:
    """A retracted claim's public notice: what was claimed, when it was retracted and why,
    and its verdict history (newest first)."""

    claim: object
    retracted_at: object
    reason: str
    history: list


def claim_retraction(*, slug):
    """The retraction notice at a claim's address, or None when no retracted claim has it
    (two queries; read only after the published claim was not found)."""
    claim = Claim.objects.select_related("subject").filter(slug=slug, status="retracted").first()
    if claim is None:
        return None
    history = list(claim.verdict_history.order_by("-changed_at", "-id"))
    when = next((c.changed_at for c in history if c.kind == "retracted"), claim.updated_at)
    return Retraction(
        claim=claim, retracted_at=when, reason=claim.retraction_reason, history=history
    )


def corrections_page():
    """Every retraction, newest first, for the corrections page (one query)."""
    retracted = (
        Claim.objects.filter(status="retracted")
        .select_related("subject")
        .annotate(retracted_at=retracted_at())
        .order_by("-retracted_at", "slug")
    )
    return {"retractions": list(retracted)}


def retracted_at():
    return Subquery(
        VerdictChange.objects.filter(claim=OuterRef("pk"), kind="retracted")
        .order_by("-changed_at", "-id")
        .values("changed_at")[:1]
    )


def _published_claims_prefetch(to_attr="published_claims"):
    """Prefetch each subject's published claims with their ratings (one query)."""
    return Prefetch(
        "claims",
        queryset=Claim.objects.published().select_related("current_rating").order_by("text"),
        to_attr=to_attr,
    )


MAX_SUGGESTIONS = 3
SUGGESTION_CANDIDATES = 500


def claim_suggestions(*, slug):
    """Published claims whose address is nearest a mistyped one, for its 404 page: one
    query of at most 500 candidates sharing the address's first letters or one of its longer
    words, then difflib on the slugs, so the cost is bounded whatever the catalogue."""
    slug = slug[:150].lower()
    words = sorted({w for w in slug.split("-") if len(w) >= 4}, key=len, reverse=True)[:3]
    near = Q(slug__startswith=slug[:3]) if len(slug) >= 3 else Q()
    for word in words:
        near |= Q(slug__contains=word)
    if not near:
        return []
    candidates = dict(
        Claim.objects.published()
        .filter(near)
        .order_by("slug")
        .values_list("slug", "text")[:SUGGESTION_CANDIDATES]
    )
    close = difflib.get_close_matches(slug, list(candidates), n=MAX_SUGGESTIONS, cutoff=0.6)
    return [{"url": reverse("web:claim", kwargs={"slug": s}), "text": candidates[s]} for s in close]


def claim_page(*, slug):
    """Everything the claim verdict page shows, in a fixed number of queries:
    claim with subject, rating and reviewer; evidence with sources; verdict history;
    alternatives and their published claims (two); signals; appearances; related articles."""
    claim = claim_get_published(slug=slug)
    evidence = list(
        EvidenceLink.objects.filter(claim=claim)
        .select_related("source")
        .order_by("-source__year", "source__title")
    )
    history = list(claim.verdict_history.order_by("-changed_at", "-id"))
    claim.appearance_list = _appearances(claim)
    articles = list(claim.articles.filter(status="published").order_by("title"))
    concerns = list(claim.subject.concerns.order_by("name"))
    return {
        "claim": claim,
        "rating": claim.current_rating,
        "evidence": evidence,
        "history": history,
        "concerns": concerns,
        "alternatives": claim_alternatives(claim=claim, concerns=concerns),
        "signals": _matched_signals(claim),
        "articles": articles,
    }


MAX_ALTERNATIVES = 5
# An alternative is only offered when its verdict says the evidence backs it.
ALTERNATIVE_VERDICTS = ("well_supported", "some_evidence")
# Enough candidate rows to find five distinct subjects, however large the catalogue.
ALTERNATIVE_CANDIDATES = 60


def claim_alternatives(*, claim, concerns):
    """Up to five better-rated claims about other subjects for the same concerns as the
    claim's subject, one per subject, ranked by how many of those concerns they share, then
    the curators' listed alternatives first, then by score. One query whatever the
    catalogue's size (none without concerns)."""
    if not concerns:
        return []
    ids = [concern.pk for concern in concerns]
    candidates = (
        Claim.objects.published()
        .filter(
            subject__concerns__in=ids,
            shown_verdict__in=ALTERNATIVE_VERDICTS,
            shown_score__gt=claim.shown_score or 0,
        )
        .exclude(subject_id=claim.subject_id)
        # The filter's join restricts the count to the concerns the two subjects share.
        .annotate(
            shared=Count("subject__concerns", distinct=True),
            # The curators' own pick for this subject ranks first among equals.
            curated=Exists(
                Subject.alternatives.through.objects.filter(
                    from_subject_id=claim.subject_id, to_subject_id=OuterRef("subject_id")
                )
            ),
        )
        .select_related("subject", "current_rating")
        .only(
            "slug",
            "text",
            "shown_verdict",
            "shown_score",
            "override_verdict",
            "subject__slug",
            "subject__name",
            "current_rating__verdict",
            "current_rating__score",
            "current_rating__grade",
            "current_rating__r_code",
            "current_rating__e_level",
            "current_rating__e_direction",
        )
        .order_by("-shared", "-curated", "-shown_score", "text", "id")[:ALTERNATIVE_CANDIDATES]
    )
    chosen, seen = [], set()
    for candidate in candidates:
        if candidate.subject_id not in seen:
            seen.add(candidate.subject_id)
            chosen.append(candidate)
        if len(chosen) == MAX_ALTERNATIVES:
            break
    return chosen


def concern_page(*, slug):
    """A concern and the published claims about it, best rated first (two queries)."""
    concern = Concern.objects.filter(slug=slug).first()
    if concern is None:
        raise Http404("No concern has this address.")
    claims = list(
        _claim_summaries(Claim.objects.published().filter(subject__concerns=concern))
        .distinct()
        .order_by("-shown_score", "text", "id")
    )
    return {"concern": concern, "claims": claims}


def _appearances(claim):
    """Where the claim was seen, earliest first; undated sightings last."""
    return list(claim.appearances.order_by(F("first_seen").asc(nulls_last=True), "id"))


def _matched_signals(claim):
    """The subject's safety signals that the claim's current rating matched (one query)."""
    matched = set(claim.current_rating.safety_signals) if claim.current_rating else set()
    return [
        signal
        for signal in SafetySignal.objects.filter(subjects=claim.subject).order_by("-date", "id")
        if f"signal:{signal.slug}" in matched
    ]


def home_page():
    """Latest verdict changes, and what to browse by: concerns, kinds, verdicts."""
    latest = list(
        VerdictChange.objects.filter(claim__status="published")
        .exclude(kind="retracted")
        .select_related("claim__subject", "claim__current_rating")
        .order_by("-changed_at", "-id")[:12]
    )
    seen, unique = set(), []
    for change in latest:
        if change.claim_id not in seen:
            seen.add(change.claim_id)
            unique.append(change.claim)
    counts = dict(
        Claim.objects.published()
        .values_list("shown_verdict")  # the verdict shown, as ?verdict= filters by
        .annotate(n=Count("id"))
        .values_list("shown_verdict", "n")
    )
    verdicts = [
        {"value": v.value, "label": tables.VERDICT_LABELS[v], "count": counts.get(v.value, 0)}
        for v in tables.Verdict
    ]
    concerns = list(
        Concern.objects.annotate(
            n=Count("subjects__claims", filter=Q(subjects__claims__status="published"))
        )
        .filter(n__gt=0)
        .order_by("name")
    )
    kinds = [{"value": value, "label": label} for value, label in Subject.Kind.choices]
    return {"latest": unique[:8], "verdicts": verdicts, "concerns": concerns, "kinds": kinds}


MAX_COMPARE = 4


def compare_page(*, slugs):
    """Two to four subjects side by side; unknown or unpublished slugs are reported."""
    wanted = list(dict.fromkeys(s for s in slugs if s))[:MAX_COMPARE]
    subjects = {
        s.slug: s
        for s in Subject.objects.filter(slug__in=wanted, claims__status="published")
        .prefetch_related(_published_claims_prefetch(), "transparency")
        .distinct()
    }
    found = [subjects[s] for s in wanted if s in subjects]
    missing = [s for s in wanted if s not in subjects]
    return {"subjects": found, "missing": missing}


def subject_choices():
    """Subjects that have published claims, for pickers (compare form)."""
    return list(
        Subject.objects.filter(claims__status="published")
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )


def check_request_page(*, public_id):
    """A check request's public status, with the claim it led to (if published)."""
    request = (
        CheckRequest.objects.select_related("claim__current_rating")
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        raise Http404("No check request has this address.")
    claim = request.claim if request.claim and request.claim.status == "published" else None
    return {"check": request, "claim": claim}


def feed_changes(*, limit=50):
    """Newest public verdict changes, retractions included, for the Atom feed (one query)."""
    return list(
        VerdictChange.objects.filter(claim__status__in=["published", "retracted"])
        .select_related("claim__subject", "claim__current_rating")
        .order_by("-changed_at", "-id")[:limit]
    )


def sitemap_claims():
    return Claim.objects.published().only("slug", "updated_at").order_by("slug")


def sitemap_subjects():
    return (
        Subject.objects.filter(claims__status="published")
        .distinct()
        .only("slug", "updated_at")
        .order_by("slug")
    )


def sitemap_concerns():
    """Concerns with a published claim (their pages list only those)."""
    return (
        Concern.objects.filter(subjects__claims__status="published")
        .distinct()
        .only("slug")
        .order_by("slug")
    )


# ---------------------------------------------------------------------------------------------
# REST API reads (claimcheck/api). Each returns a queryset the API filters and pages, or a
# dict of everything one detail shows, in a fixed number of queries.


def api_claim_list():
    """Published claims with subject and rating (one query per page, plus the count). A list
    item shows the rating's verdict and score only: its inputs and factors (the bulk of the
    row, JSON decoded per row) stay in the database."""
    return _claim_summaries(Claim.objects.published())


def api_claim_sync_list():
    """Cursor sync: published claims and retracted ones (tombstones, with when they were
    retracted), so a mirror learns that a claim it holds has gone."""
    claims = Claim.objects.filter(status__in=["published", "retracted"])
    return _claim_summaries(claims).annotate(retracted_at=retracted_at())


def _claim_summaries(claims):
    return claims.select_related("subject", "current_rating").defer(
        "conclusion",
        "regulatory_note",
        "current_rating__inputs_json",
        "current_rating__factors",
        "current_rating__safety_signals",
    )


def api_claim_detail(*, slug, include_unpublished=False):
    """A claim with everything its API detail shows, in seven queries whatever its size:
    claim with subject, rating and reviewer; evidence with sources; alternatives; their
    published claims with ratings; safety signals; appearances; regulatory records.

    Unpublished claims are 404 unless `include_unpublished` (the caller checks who may see).
    """
    if include_unpublished:
        claim = (
            _with_flags(Claim.objects.select_related(*CLAIM_DETAIL_JOINS)).filter(slug=slug).first()
        )
        if claim is None:
            # The words of every other 404 for a claim (claim_get_published, and a partner's
            # draft asked for with another key): the answer never tells that a claim exists.
            raise Http404("No published claim has this address.")
    else:
        claim = claim_get_published(slug=slug)
    evidence = list(
        EvidenceLink.objects.filter(claim=claim)
        .select_related("source")
        .order_by("-source__year", "source__title", "source_id")
    )
    alternatives = _alternatives_with_claims(claim.subject)
    signals = _matched_signals(claim)
    appearances = _appearances(claim)
    records = list(claim.regulatory_records.order_by("-date", "id"))
    return {
        "claim": claim,
        "evidence": evidence,
        "alternatives": alternatives,
        "signals": signals,
        "appearances": appearances,
        "records": records,
    }


def _alternatives_with_claims(subject):
    """The subject's alternatives, each with `published_claims` (rating joined): two queries
    always, even when there are none, so counts stay fixed."""
    alternatives = list(Subject.objects.filter(alternative_to=subject).order_by("name", "id"))
    claims = (
        Claim.objects.published()
        .filter(subject__alternative_to=subject)
        .select_related("current_rating")
        .order_by("text", "id")
    )
    by_subject = {}
    for claim in claims:
        by_subject.setdefault(claim.subject_id, []).append(claim)
    for alternative in alternatives:
        alternative.published_claims = by_subject.get(alternative.pk, [])
    return alternatives


def subject_page(*, slug):
    """A public subject with everything its page and API detail show, in nine queries
    whatever its size: subject; concerns; published claims; alternatives; their claims; checklist;
    regulatory records; signals; published articles."""
    subject = (
        Subject.objects.filter(
            Exists(Claim.objects.filter(subject=OuterRef("pk"), status="published")), slug=slug
        )
        .prefetch_related(Prefetch("concerns", queryset=Concern.objects.order_by("name")))
        .first()
    )
    if subject is None:
        raise Http404("No subject has this address.")
    return {
        "subject": subject,
        "claims": list(
            subject.claims.published().select_related("current_rating").order_by("text", "id")
        ),
        "alternatives": _alternatives_with_claims(subject),
        "transparency": list(subject.transparency.order_by("code")),
        "records": list(subject.regulatory_records.order_by("-date", "id")),
        "signals": list(subject.safety_signals.order_by("-date", "id")),
        "articles": list(subject.articles.filter(status="published").order_by("title", "id")),
    }


def api_claim_history(*, slug):
    """A published or retracted claim's public verdict history, newest first (one query plus
    the claim): a retraction keeps the record of what was said before it."""
    claim = (
        Claim.objects.filter(slug=slug, status__in=["published", "retracted"])
        .select_related("subject")
        .first()
    )
    if claim is None:
        raise Http404("No published or retracted claim has this address.")
    return claim, claim.verdict_history.order_by("-changed_at", "-id")


def api_subject_list():
    """Subjects with at least one published claim, with that count and their concerns."""
    published = Count("claims", filter=Q(claims__status="published"), distinct=True)
    return (
        Subject.objects.annotate(published_claims=published)
        .filter(published_claims__gt=0)
        .prefetch_related(Prefetch("concerns", queryset=Concern.objects.order_by("name")))
    )


def api_source_list(*, include_uncited=False):
    """Sources; the public sees those cited by a published claim (writers see all)."""
    sources = Source.objects.all()
    if not include_uncited:
        cited = EvidenceLink.objects.filter(source=OuterRef("pk"), claim__status="published")
        sources = sources.filter(Exists(cited))
    return sources


def api_signal_list():
    """Safety signals with the subjects they cover (two queries per page, plus the count)."""
    return SafetySignal.objects.prefetch_related(
        Prefetch("subjects", queryset=Subject.objects.order_by("name"))
    )


def api_signal_get(*, slug):
    """One safety signal with its subjects (two queries); Http404 if there is none."""
    signal = api_signal_list().filter(slug=slug).first()
    if signal is None:
        raise Http404("No safety signal has this address.")
    return signal


def claim_created_by(*, claim):
    """The account that created the claim, from its history (one query), or None."""
    first = claim.history.filter(history_type="+").order_by("history_date").first()
    return first.history_user_id if first else None


def source_created_by(*, source):
    first = source.history.filter(history_type="+").order_by("history_date").first()
    return first.history_user_id if first else None


def copycheck_claims():
    """Every published claim as the copy checker's index needs it (claims.copycheck), in one
    query: subject names, aliases and trade names, outcome wording, and the verdict shown
    publicly. Trade names are detected like aliases (a brand in pasted copy names its subject)."""
    rows = (
        Claim.objects.published()
        .filter(current_rating__isnull=False)
        .order_by("subject__slug", "slug")
        .values(
            "slug",
            "text",
            "outcome",
            "override_verdict",
            "subject__slug",
            "subject__name",
            "subject__aliases",
            "subject__trade_names",
            "current_rating__verdict",
            "current_rating__score",
        )
    )
    out = []
    for row in rows:
        verdict = tables.Verdict(row["override_verdict"] or row["current_rating__verdict"])
        out.append(
            {
                "slug": row["slug"],
                "text": row["text"],
                "outcome": row["outcome"],
                "subject_slug": row["subject__slug"],
                "subject_name": row["subject__name"],
                "aliases": [*(row["subject__aliases"] or []), *(row["subject__trade_names"] or [])],
                "verdict": verdict.value,
                "verdict_label": tables.VERDICT_LABELS[verdict],
                "grade": tables.GRADES[verdict],
                "score": row["current_rating__score"],
                "url": reverse("web:claim", kwargs={"slug": row["slug"]}),
            }
        )
    return out
