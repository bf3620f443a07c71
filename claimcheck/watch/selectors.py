"""Reads for the evidence watch: which claims a finding touches, and the flag a claim page
shows while one of its findings is open. Each is one queryset or expression, never a query
per row."""

from django.db.models import Exists, F, Func, OuterRef, Q, Subquery

from claimcheck.claims.models import Claim

from .models import Finding


def finding_claims(finding):
    """The claims a finding touches: those citing its source, or about its subject."""
    touches = Q()
    if finding.source_id is not None:
        touches |= Q(evidence__source_id=finding.source_id)
    if finding.subject_id is not None:
        touches |= Q(subject_id=finding.subject_id)
    return Claim.objects.filter(touches).distinct()


def touched_claims_count():
    """An annotation for a Finding queryset: how many claims each finding touches (one
    correlated subquery in the list's own query)."""
    claims = Claim.objects.filter(
        Q(evidence__source_id=OuterRef("source_id")) | Q(subject_id=OuterRef("subject_id"))
    ).order_by()
    count = Func(F("pk"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
    return Subquery(claims.annotate(n=count).values("n")[:1])


def claim_under_review():
    """An annotation for a Claim queryset: whether an open finding concerns one of the claim's
    sources or its subject (registered as a claim flag in apps.py)."""
    return Exists(
        Finding.objects.filter(status=Finding.Status.OPEN).filter(
            Q(source__evidence__claim=OuterRef("pk")) | Q(subject_id=OuterRef("subject_id"))
        )
    )
