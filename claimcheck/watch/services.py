"""Every write of the evidence watch. Findings are recorded (deduplicated by fingerprint) by
the connectors' runs; only a person decides them. Accepting applies the change through the
claims services (a source marked retracted, then a re-rate of each published claim it
touches, which writes that claim's one verdict-history entry naming the finding);
dismissing records why. Nothing here changes a claim without an accept."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from claimcheck.claims import roles
from claimcheck.claims import services as claim_services

from . import selectors
from .models import Finding, Observation, WatchRun

# What accepting a finding of each kind does. Kinds not listed record the decision only.
RERATE_KINDS = {Finding.Kind.RETRACTED}
NEXT_STEPS = {
    Finding.Kind.CORRECTED: "Read the correction and edit the source or its evidence links if "
    "it changes what the study shows; then re-rate.",
    Finding.Kind.CONCERN: "Decide whether the study is still eligible evidence; if it is not, "
    "mark the source retracted (or unlink it) and re-rate.",
    Finding.Kind.RESULTS_POSTED: "Read the posted results and update the source (design, "
    "participants) and its evidence links; then re-rate.",
    Finding.Kind.STATUS_CHANGED: "Update the source's record if the change matters to the "
    "claims that cite it.",
    Finding.Kind.NEW_FDA_RECORD: "Add or update the regulatory record on the subject if the "
    "new entry covers a claimed use.",
    Finding.Kind.NEW_REVIEW: "Read the review; if it bears on the subject's claims, add it as a "
    "source (paste its PMID), link it to those claims with its direction and judgements, and "
    "re-rate.",
    Finding.Kind.RECALL: "Add a safety signal (kind recall) for the subject on the signal form.",
    Finding.Kind.WARNING_LETTER: "Add a safety signal (kind warning letter) for the subject on "
    "the signal form.",
    Finding.Kind.SAFETY_NOTICE: "Add a safety signal for the subject on the signal form if the "
    "communication concerns its claimed use.",
}


def fingerprint(provider, kind, target, external_id, key=""):
    """The dedup key of a finding: `target` is its source or subject."""
    text = "\x1f".join([provider, kind, f"{target._meta.model_name}:{target.pk}", external_id, key])
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def finding_record(
    *, provider, kind, title, external_id, url="", detail="", source=None, subject=None, key=""
):
    """Record what a connector saw, once: a finding with the same fingerprint (whatever its
    status: a dismissed one stays dismissed) only has its last_seen moved. Returns
    (finding, created)."""
    now = timezone.now()
    mark = fingerprint(provider, kind, source or subject, external_id, key)
    existing = Finding.objects.filter(fingerprint=mark).first()
    if existing is not None:
        # An UPDATE without save(): last_seen is not shown publicly, so a re-run that finds
        # nothing new must not move the content version (post_save would) and cool every page.
        Finding.objects.filter(pk=existing.pk).update(last_seen=now)
        existing.last_seen = now
        return existing, False
    finding = Finding(
        provider=provider,
        kind=kind,
        title=title[:500],
        external_id=external_id[:300],
        url=url[:500],
        detail=detail,
        source=source,
        subject=subject,
        fingerprint=mark,
        first_seen=now,
        last_seen=now,
    )
    finding.full_clean(exclude=["fingerprint"], validate_constraints=False)
    try:
        with transaction.atomic():
            finding.save()
    except IntegrityError:
        # Another run recorded it between our look and our insert.
        return Finding.objects.get(fingerprint=mark), False
    return finding, True


def _lock_open(finding):
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != Finding.Status.OPEN:
        raise ValidationError(f"This finding was already {finding.get_status_display().lower()}.")
    return finding


def _reason(finding, reason):
    text = f"Evidence watch finding #{finding.pk} accepted: {finding.title}"
    return f"{text}. {reason}" if reason else text


@transaction.atomic
def finding_accept(*, finding, by, reason=""):
    """Accept a finding. A retraction marks its source retracted (through the claims' source
    service) and re-rates every published claim citing it, each re-rate writing one history
    entry whose reason names the finding. Other kinds record the decision; NEXT_STEPS says
    what staff do next by hand. Returns the finding."""
    roles.require(by, roles.DECIDE_FINDING)
    finding = _lock_open(finding)
    if finding.kind in RERATE_KINDS and finding.source_id is not None:
        why = _reason(finding, reason)
        with claim_services.command_reason(why):
            claim_services.source_upsert(
                by=by, lookup={"pk": finding.source_id}, fields={"retracted": True}
            )
        published = selectors.finding_claims(finding).filter(status="published").order_by("pk")
        for claim in published:
            claim_services.claim_rerate(claim=claim, by=by, reason=why)
    return _decide(finding, by=by, status=Finding.Status.ACCEPTED, reason=reason)


@transaction.atomic
def finding_dismiss(*, finding, by, reason):
    """Dismiss a finding, saying why (required). Changes nothing else."""
    roles.require(by, roles.DECIDE_FINDING)
    if not (reason or "").strip():
        raise ValidationError({"decision_reason": "Say why the finding is dismissed."})
    finding = _lock_open(finding)
    return _decide(finding, by=by, status=Finding.Status.DISMISSED, reason=reason.strip())


def _decide(finding, *, by, status, reason):
    finding.status = status
    finding.decided_by = by
    finding.decided_at = timezone.now()
    finding.decision_reason = reason
    finding.full_clean(exclude=["fingerprint"], validate_constraints=False)
    finding.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return finding


def next_step(finding):
    """What a person does after accepting a finding whose kind has no automatic effect."""
    if finding.kind in RERATE_KINDS:
        return ""
    return NEXT_STEPS.get(finding.kind, "")


@transaction.atomic
def observation_update(*, provider, key, value):
    """Store what a provider now says about `key`; return what it said before (None the
    first time)."""
    now = timezone.now()
    current = Observation.objects.select_for_update().filter(provider=provider, key=key).first()
    if current is None:
        Observation.objects.create(
            provider=provider, key=key, value=value, first_seen=now, last_seen=now
        )
        return None
    previous = current.value
    current.value = value
    current.last_seen = now
    current.save(update_fields=["value", "last_seen"])
    return previous


def run_start(*, provider):
    return WatchRun.objects.create(provider=provider, started=timezone.now())


def run_finish(*, run, outcome, requests, findings, new_findings, error=""):
    run.outcome = outcome
    run.requests = requests
    run.findings = findings
    run.new_findings = new_findings
    run.error = error
    run.finished = timezone.now()
    run.save(update_fields=["outcome", "requests", "findings", "new_findings", "error", "finished"])
    return run
