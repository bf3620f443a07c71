"""Writes for API keys: create (the only moment the full key exists), revoke, record use."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claimcheck.claims import roles

from .models import KEY_SCHEME, ApiKey

SECRET_BYTES = 32  # 256 bits: a fast hash is enough, nothing to brute-force
USE_RECORD_INTERVAL = timedelta(minutes=5)  # last_used_at is written at most this often


def _check_writer(user, can_write):
    """A write key acts as its account, and the services check that account's role: a write
    key for an account that may not draft claims would only ever be refused."""
    if can_write and not roles.can(user, "claims.add_claim"):
        raise ValidationError(
            {"can_write": f"{user} may not draft claims: add the account to the Editor group."}
        )


def hash_key(plaintext):
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, by, name, user, can_write=False):
    """Create a key; returns (key, plaintext). The plaintext is never stored: show it once."""
    _check_writer(user, can_write)
    for _ in range(5):
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    plaintext = f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    key = ApiKey(
        name=name, user=user, can_write=can_write, prefix=prefix, hashed_key=hash_key(plaintext)
    )
    key.full_clean()
    key._history_user = by
    key.save()
    return key, plaintext


@transaction.atomic
def api_key_update(*, by, key, name, can_write):
    """Rename a key or change its write permission (the secret and account never change)."""
    _check_writer(key.user, can_write)
    changed = [f for f, v in (("name", name), ("can_write", can_write)) if getattr(key, f) != v]
    if changed:
        key.name, key.can_write = name, can_write
        key.full_clean()
        key._history_user = by
        key.save(update_fields=changed)
    return key


@transaction.atomic
def api_key_revoke(*, by, key):
    """Revoke at once: the next request with the key is refused. Revoking twice is a no-op."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key._history_user = by
        key._change_reason = "Revoked"
        key.save(update_fields=["revoked_at"])
    return key


def api_key_record_use(*, key, now=None):
    """Note when a key was last used, writing at most once per USE_RECORD_INTERVAL (an
    UPDATE per request would cost more than the read it authenticates). No history row."""
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= USE_RECORD_INTERVAL:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
