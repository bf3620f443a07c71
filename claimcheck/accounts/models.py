"""API keys for third parties: hashed at rest, shown once, prefix visible, revocable."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

KEY_SCHEME = "cc"  # keys read cc_<prefix>_<secret>


class ApiKey(models.Model):
    """One partner's key. Requests made with it act as `user` (writes are attributed to it);
    only the SHA-256 of the whole key is stored, so a database leak reveals no usable key."""

    name = models.CharField(max_length=200, help_text="Who holds it and what for.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_keys",
        help_text="The account the key acts as; its writes are attributed to it.",
    )
    prefix = models.CharField(max_length=8, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, editable=False)
    can_write = models.BooleanField(
        default=False,
        help_text="May create and edit draft claims, sources and evidence links, and submit "
        "its own drafts for review.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"
        constraints = [
            # The prefix is the look-up key of every authenticated request (unique index).
            models.CheckConstraint(
                condition=Q(prefix__regex=r"^[0-9a-f]{8}$"), name="accounts_apikey_prefix_format"
            ),
            models.CheckConstraint(
                condition=Q(hashed_key__regex=r"^[0-9a-f]{64}$"),
                name="accounts_apikey_hash_format",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({KEY_SCHEME}_{self.prefix}_…)"

    @property
    def active(self):
        return self.revoked_at is None


class RateCounter(models.Model):
    """One client's count in its current rate-limit window, where every process of an install
    sees it: used when there is no Redis (and, for limits that must hold, while Redis is
    down). Written only by accounts.ratelimits.hit, in one atomic upsert."""

    key = models.CharField(max_length=200, primary_key=True)
    window_ends = models.BigIntegerField(help_text="Milliseconds since the epoch.")
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # ratelimits._sweep: DELETE ... WHERE window_ends < now.
            models.Index(fields=["window_ends"], name="accounts_ratecounter_ends"),
        ]

    def __str__(self):
        return f"{self.key}: {self.count}"
