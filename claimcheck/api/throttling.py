"""Rate limits, counted in the default cache (Redis in production, shared by every worker).

Anonymous clients are counted by address: REMOTE_ADDR, or with TRUSTED_PROXIES=n the n-th
address from the right of X-Forwarded-For (the one our own proxy appended), so a client that
forges X-Forwarded-For stays in its own bucket. API keys and staff have their own scopes.
If the cache is down, throttling fails open and says so in the log.

Each limit is a counter that starts with a client's first request and expires `duration`
later (one Redis round trip per request, O(1) in size). DRF's SimpleRateThrottle keeps a list
of every request time in the window and rewrites it on every request: at 600 a minute that
is a 600-element list unpickled and pickled per request. A counter allows the same number of
requests per window; it is less smooth at the window's end, which is fine for these limits.
"""

import logging

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from claimcheck.web import cachebackend

from .permissions import acting_key

logger = logging.getLogger(__name__)


class _DynamicScopeThrottle(SimpleRateThrottle):
    """SimpleRateThrottle whose scope is chosen per request, with rates read at request time
    (DRF reads them once at import, so settings overrides would not apply)."""

    def __init__(self):
        pass

    def choose(self, request, view):
        """(scope, identity), or None when this throttle does not apply."""
        raise NotImplementedError

    def client(self, request):
        """Who is counted: ("key", ...) per API key, ("user", ...) per staff account, else
        ("address", ...) per client address."""
        key = acting_key(request)
        if key is not None:
            return "key", f"key{key.pk}"
        if request.user.is_authenticated:
            return "user", f"user{request.user.pk}"
        return "address", self.get_ident(request)

    def allow_request(self, request, view):
        chosen = self.choose(request, view)
        if chosen is None:
            return True
        self.scope, ident = chosen
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = f"throttle:{self.scope}:{ident}"
        try:
            count = self._count()
        except Exception:  # the cache is down: fail open, loudly
            logger.exception("throttle cache unavailable; request allowed")
            return True
        return count <= self.num_requests

    def _count(self):
        """This request's number in the client's current window."""
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            return self._count_in_redis(backend)
        try:
            return cache.incr(self.key)
        except ValueError:  # no window yet (or it just expired): start one
            if cache.add(self.key, 1, timeout=self.duration):
                return 1
            try:
                return cache.incr(self.key)  # another worker started it first
            except ValueError:  # neither there nor addable: the cache is away (it logged so)
                return 1

    def _count_in_redis(self, backend):
        """One round trip: start the window if there is none (SET NX with its expiry), then
        count this request (INCR keeps the expiry). Django's incr() would take two (EXISTS,
        then INCR) and a third to start a window."""
        key = backend.make_and_validate_key(self.key)
        try:
            pipe = backend._cache.get_client(key, write=True).pipeline(transaction=False)
            pipe.set(key, 0, ex=self.duration, nx=True)
            pipe.incr(key)
            count = pipe.execute()[1]
        except cachebackend.UNAVAILABLE as error:  # fail open; the outage is logged once
            cachebackend.outage.failed("throttle", error)
            return 1
        cachebackend.outage.succeeded()
        return count

    def wait(self):
        # The window started at most `duration` ago; waiting that long is always enough.
        return self.duration

    def get_cache_key(self, request, view):
        return self.key


class ClientRateThrottle(_DynamicScopeThrottle):
    """Every request: per API key, per staff account, or per client address."""

    def choose(self, request, view):
        kind, ident = self.client(request)
        return {"key": "api_key", "user": "staff", "address": "anon"}[kind], ident


class WriteRateThrottle(_DynamicScopeThrottle):
    """Unsafe methods, on top of the client's own limit: per key or account."""

    def choose(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        return "write", self.client(request)[1]


class CheckRequestThrottle(_DynamicScopeThrottle):
    """Anonymous check requests: per client address, so the queue cannot be flooded."""

    def choose(self, request, view):
        if request.method != "POST":
            return None
        return "check_request", self.get_ident(request)


class CopyCheckThrottle(_DynamicScopeThrottle):
    """Checking pasted copy costs CPU: its own limit per client address (or key/account)."""

    def choose(self, request, view):
        if request.method != "POST":
            return None
        return "copy_check", self.client(request)[1]
