"""Findings (what a connector saw that may change a verdict), the runs that found them, and
what each provider last said about an identifier (to notice a change of status).

A finding changes nothing by itself: a person accepts it (services.finding_accept, which goes
through the claims services and writes the verdict history) or dismisses it with a reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from claimcheck.claims.models import Source, Subject


class Provider(models.TextChoices):
    PUBMED = "pubmed", "PubMed (E-utilities)"
    PUBMEDREVIEWS = "pubmedreviews", "PubMed (new systematic reviews)"
    CROSSREF = "crossref", "Crossref"
    CLINICALTRIALS = "clinicaltrials", "ClinicalTrials.gov"
    OPENFDA = "openfda", "openFDA"
    FDALETTERS = "fdaletters", "FDA warning letters and safety communications"


class Finding(models.Model):
    class Kind(models.TextChoices):
        RETRACTED = "retracted", "Retracted"
        CORRECTED = "corrected", "Corrected (erratum)"
        CONCERN = "concern", "Expression of concern"
        RESULTS_POSTED = "results_posted", "Trial results posted"
        STATUS_CHANGED = "status_changed", "Status changed"
        NEW_FDA_RECORD = "new_fda_record", "New FDA record"
        RECALL = "recall", "Recall or enforcement report"
        WARNING_LETTER = "warning_letter", "Warning letter"
        SAFETY_NOTICE = "safety_notice", "Safety communication"
        NEW_REVIEW = "new_review", "New systematic review or meta-analysis"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    provider = models.CharField(max_length=20, choices=Provider.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What it is about: a stored source (by its identifier) or a subject (matched by its names).
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="watch_findings"
    )
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="watch_findings"
    )
    external_id = models.CharField(
        max_length=300, help_text="The provider's reference: PMID, DOI, NCT, recall number, item."
    )
    url = models.URLField(max_length=500, blank=True)
    title = models.CharField(max_length=500)
    detail = models.TextField(blank=True)
    # sha256 of provider, kind, target and what was seen: a re-run finds the same row.
    fingerprint = models.CharField(max_length=64, editable=False)
    first_seen = models.DateTimeField(editable=False)
    last_seen = models.DateTimeField(editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-first_seen", "-id"]
        permissions = [("decide_finding", "Can accept or dismiss an evidence-watch finding")]
        indexes = [
            # The staff queue: open findings, newest first.
            models.Index(fields=["status", "-first_seen"], name="watch_finding_queue_idx"),
            # "Evidence update under review": EXISTS open finding for a claim's sources...
            models.Index(fields=["source", "status"], name="watch_finding_source_idx"),
            # ...or for its subject.
            models.Index(fields=["subject", "status"], name="watch_finding_subject_idx"),
        ]
        constraints = [
            # Dedup: the same observation is recorded once, however often the watch runs.
            models.UniqueConstraint(
                fields=["fingerprint"], name="watch_finding_fingerprint_unique"
            ),
            # Every finding touches something the catalogue holds.
            models.CheckConstraint(
                condition=Q(source__isnull=False) | Q(subject__isnull=False),
                name="watch_finding_has_target",
            ),
            # Open means undecided; a decision says who and when; a dismissal says why.
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (
                    Q(status__in=["accepted", "dismissed"], decided_at__isnull=False)
                    & (Q(status="accepted") | ~Q(decision_reason=""))
                ),
                name="watch_finding_decision_consistent",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title[:80]}"

    def get_absolute_url(self):
        """Findings are staff-only: their address is the admin's change page."""
        return reverse("admin:watch_finding_change", args=[self.pk])


class WatchRun(models.Model):
    """One provider's part of one watch run: what staff read to see the last run and failures."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "OK"
        PARTIAL = "partial", "Partial (some requests failed)"
        FAILED = "failed", "Failed"

    provider = models.CharField(max_length=20, choices=Provider.choices)
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    requests = models.PositiveIntegerField(default=0)
    findings = models.PositiveIntegerField(default=0, help_text="Findings seen (new or known).")
    new_findings = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started", "-id"]
        indexes = [
            # The admin list and "last run per provider": newest first within a provider.
            models.Index(fields=["provider", "-started"], name="watch_run_provider_idx"),
        ]

    def __str__(self):
        return f"{self.provider} {self.started:%Y-%m-%d %H:%M} {self.outcome}"

    def get_absolute_url(self):
        return reverse("admin:watch_watchrun_change", args=[self.pk])


class Observation(models.Model):
    """What a provider last said about one identifier (a trial's status, an FDA record's
    submissions), so the next run can tell a change from the state first seen."""

    provider = models.CharField(max_length=20, choices=Provider.choices)
    key = models.CharField(max_length=300)
    value = models.JSONField()
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            # One current state per provider and identifier (also the look-up's index).
            models.UniqueConstraint(fields=["provider", "key"], name="watch_observation_unique"),
        ]

    def __str__(self):
        return f"{self.provider}:{self.key}"
