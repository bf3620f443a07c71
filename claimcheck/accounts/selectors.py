"""Reads for API keys."""

import hmac

from .models import KEY_SCHEME, ApiKey
from .services import hash_key


def api_key_authenticate(*, plaintext):
    """The active key matching `plaintext` with its user (one query), or None.

    Looked up by its visible prefix (unique index), then the hash is compared in constant time.
    """
    scheme, _, rest = plaintext.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != KEY_SCHEME or len(prefix) != 8 or not secret:
        return None
    key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.hashed_key, hash_key(plaintext)):
        return None
    if key.revoked_at is not None or not key.user.is_active:
        return None
    return key


def api_key_self_serve_list(*, email):
    """The self-serve keys of one address, newest first, for its manage page (one query)."""
    return list(
        ApiKey.objects.filter(email=email).only(
            "prefix", "created_at", "last_used_at", "revoked_at", "email"
        )
    )
