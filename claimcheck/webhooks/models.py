"""Partners' webhook endpoints, the events sent to them and every delivery attempt.

Events come from the claims' public history (claims.VerdictChange: published, re-rated,
override, retracted) and from published claims whose content changed (claims.Claim's
updated_at), read in order by a scheduled job (services.events_fan_out): the history is the
outbox, so an event is never lost when the queue is away, and the domain knows nothing of
webhooks.
"""

import uuid

from django.db import models
from django.db.models import Q


class Event(models.TextChoices):
    PUBLISHED = "claim.published", "Claim published"
    CHANGED = "claim.changed", "Claim changed (content, evidence or appearances)"
    RETRACTED = "claim.retracted", "Claim retracted"
    VERDICT_CHANGED = "claim.verdict_changed", "Claim's verdict changed"


class Endpoint(models.Model):
    """An HTTPS address a partner registered, for their API key, with the events it wants."""

    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField("URL", max_length=500)
    events = models.JSONField(default=list, blank=True, help_text="Event names; empty means all.")
    description = models.CharField(max_length=200, blank=True)
    # The key deliveries are signed with (HMAC-SHA256). Kept, since every delivery needs it;
    # shown to the partner once, when the endpoint is created.
    secret = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "url"], name="webhooks_endpoint_once_per_key"
            ),
            models.CheckConstraint(
                condition=Q(url__startswith="https://") | Q(url__startswith="http://"),
                name="webhooks_endpoint_url_scheme",
            ),
        ]
        indexes = [
            # The fan-out's "active endpoints" read.
            models.Index(fields=["active"], name="webhooks_endpoint_active_idx"),
        ]

    def __str__(self):
        return self.url

    def wants(self, event):
        return not self.events or event in self.events


class Cursor(models.Model):
    """How far the fan-out has read the outbox (one row)."""

    last_verdict_change = models.BigIntegerField(default=0)
    changed_since = models.DateTimeField(null=True)

    def __str__(self):
        return f"history #{self.last_verdict_change}, changes since {self.changed_since}"


class Delivery(models.Model):
    """One event for one endpoint: its body, fixed when the event is read, and its attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event = models.CharField(max_length=40, choices=Event.choices)
    # What the event is about, so one event is queued once per endpoint.
    source = models.CharField(max_length=80)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "source"], name="webhooks_delivery_once_per_endpoint"
            ),
        ]
        indexes = [
            # The retry sweep: pending deliveries whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhooks_delivery_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.event} -> {self.endpoint_id} ({self.status})"


class Attempt(models.Model):
    """The delivery log: every POST made, with what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    manual = models.BooleanField(default=False, help_text="A redelivery asked for by staff.")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.status_code or self.error}"
