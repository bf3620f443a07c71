"""API keys for third parties: hashed at rest, shown once, prefix visible, revocable."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django_otp.models import Device, ThrottlingMixin
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
    # Self-serve read keys (accounts.services.api_key_issue_from_link): the confirmed address
    # that asked for it, and the nonce of the confirmation link that issued it, so a link
    # issues one key however often it is opened (unique below). Empty for staff-issued keys.
    email = models.EmailField(blank=True, editable=False)
    link_nonce = models.CharField(max_length=32, blank=True, editable=False)
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
            # A confirmation link issues at most one key, even when two requests race.
            models.UniqueConstraint(
                fields=["link_nonce"],
                condition=~Q(link_nonce=""),
                name="accounts_apikey_link_nonce_once",
            ),
            # Self-serve keys are read keys; only staff issue write keys.
            models.CheckConstraint(
                condition=Q(email="") | Q(can_write=False),
                name="accounts_apikey_self_serve_read_only",
            ),
        ]
        indexes = [
            # Self-serve keys of one address: the per-address limit and the manage page.
            models.Index(fields=["email"], condition=~Q(email=""), name="accounts_apikey_email"),
        ]

    def __str__(self):
        return f"{self.name} ({KEY_SCHEME}_{self.prefix}_…)"

    @property
    def active(self):
        return self.revoked_at is None

    @property
    def self_serve(self):
        return bool(self.email)


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


class EnrollmentCode(models.Model):
    """A single-use, expiring code an administrator issues so that one staff member can set up
    their first authenticator app: the password alone never enrolls one (a stolen password
    would otherwise give both factors). Only the SHA-256 of the code is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollment_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    issued_at = models.DateTimeField(editable=False)
    expires_at = models.DateTimeField(editable=False)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")),
                name="accounts_enrollmentcode_expires_after_issue",
            ),
        ]

    def __str__(self):
        return f"enrollment code issued {self.issued_at:%Y-%m-%d %H:%M}"


class BackupCodes(ThrottlingMixin, Device):
    """A staff member's backup codes (django-otp device): ten single-use codes, shown once when
    the authenticator app is set up, for signing in when the phone is lost. Stored hashed."""

    def verify_token(self, token):
        verify_allowed, _ = self.verify_is_allowed()
        if not verify_allowed:
            return False
        digest = backup_code_hash(token)
        used = (
            self.codes.filter(code_hash=digest, used_at__isnull=True).update(used_at=now())
            if digest
            else 0
        )
        if used:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return bool(used)

    def get_throttle_factor(self):
        return 1

    class Meta(Device.Meta):
        verbose_name = "backup codes"
        verbose_name_plural = "backup codes"


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodes, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, editable=False)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["device", "code_hash"], name="accounts_backupcode_unique_per_device"
            ),
        ]

    def __str__(self):
        return "used backup code" if self.used_at else "unused backup code"


def backup_code_hash(token):
    """The stored form of a backup or enrollment code: SHA-256 of its letters and digits,
    upper-cased (dashes and spaces as typed do not matter). Codes carry 80 random bits, so a
    fast hash suffices. None for something that cannot be a code."""
    cleaned = "".join(ch for ch in (token or "") if ch.isalnum()).upper()
    if len(cleaned) != CODE_LENGTH:
        return None
    return hashlib.sha256(cleaned.encode()).hexdigest()


CODE_LENGTH = 16  # base32 characters: 80 random bits
