"""The content version: one number that changes whenever anything public may have changed.

Pages and API reads derive their ETag, Last-Modified and cache keys from it, so a published
change is visible on the next request. It lives in the shared cache (Redis in production,
so every worker sees the same value); if the cache loses it, a new value is taken, which only
costs a round of cache misses.
"""

import time

from django.core.cache import cache
from django.db import transaction

KEY = "claimcheck:content-version"


def current():
    """The current version, an integer of nanoseconds since the epoch."""
    value = cache.get(KEY)
    if value is None:
        value = time.time_ns()
        if not cache.add(KEY, value, timeout=None):
            value = cache.get(KEY, value)
    return value


def bump():
    """Start a new version (after the transaction that changed content commits)."""
    transaction.on_commit(lambda: cache.set(KEY, time.time_ns(), timeout=None))


def on_content_saved(sender, **kwargs):
    """Signal receiver: invalidation is the only thing signals do here (STYLE.md)."""
    bump()


DOCUMENT_TIMEOUT = 600  # seconds a document stays in the shared cache at most


def document(name, build, *, timeout=DOCUMENT_TIMEOUT):
    """What `build()` returns, built once per content version and kept in the shared cache.

    For documents that only public content shapes (a claim's page data, its API detail):
    every worker reuses one build until anything public changes, so invalidation is exactly
    as fresh as the pages'. `name` must identify the document fully (claim slug, host, ...).
    `build` may raise (Http404): nothing is cached then.
    """
    key = f"doc:{current():x}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value
