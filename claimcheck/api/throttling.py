"""API rate limits, counted where every worker sees them (accounts.ratelimits: Redis in
production, else the database).

Anonymous clients are counted by address: REMOTE_ADDR, or with TRUSTED_PROXIES=n the n-th
address from the right of X-Forwarded-For (the one our own proxy appended), so a client that
forges X-Forwarded-For stays in its own bucket. API keys and staff have their own scopes.
If Redis is down, read limits fail open (and say so in the log); write, check-request and
copy-check limits are counted in the database instead.

Each limit is a counter that starts with a client's first request and expires `duration`
later (one round trip per request, O(1) in size). DRF's SimpleRateThrottle keeps a list of
every request time in the window and rewrites it on every request: at 600 a minute that is a
600-element list unpickled and pickled per request. A counter allows the same number of
requests per window; it is less smooth at the window's end, which is fine for these limits.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from claimcheck.accounts import ratelimits
from claimcheck.accounts.lockout import client_ip
from claimcheck.freshness import warm

from .permissions import acting_key


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

    # Scopes that may go unlimited while Redis is down (reads); the others are then counted
    # in the database (accounts.ratelimits).
    FAIL_OPEN = ("anon", "api_key", "staff")

    def allow_request(self, request, view):
        if request.META.get(warm.ENVIRON_KEY):
            return True  # the pass that builds pages again after a change counts for no one
        chosen = self.choose(request, view)
        if chosen is None:
            return True
        self.scope, ident = chosen
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.counter_key(ident)
        precounted = getattr(request._request, "precounted", {}).get(self.key)
        self.hit = precounted or ratelimits.hit(
            self.key,
            limit=self.num_requests,
            window=self.duration,
            fail_open=self.scope in self.FAIL_OPEN,
        )
        _counted(request)[self.scope] = (self.hit, self.duration)
        return self.hit.allowed

    def counter_key(self, ident):
        return f"throttle:{self.scope}:{ident}"

    def wait(self):
        return self.hit.retry_after

    def get_cache_key(self, request, view):
        return self.key


def _counted(request):
    """{scope: (hit, window)} of the limits this request was counted against, kept on the
    Django request so the answer can report them whatever answers it."""
    django_request = request._request
    if not hasattr(django_request, "ratelimits"):
        django_request.ratelimits = {}
    return django_request.ratelimits


def headers(request, view):
    """The limits as RateLimit-Policy and RateLimit fields (draft-ietf-httpapi-ratelimit-
    headers-11): `"anon";q=60;w=60` is the policy (quota q per window of w seconds) and
    `"anon";r=57;t=42` this client's place in it (r requests left, for the next t seconds).

    Built from the counters the throttles already read, so no query or round trip is added.
    An answer given before the limits were counted (an anonymous 304, which is free, or a
    refused credential) names the client's policy only. A limit failing open while Redis is
    down is not known, so it has no RateLimit item."""
    counted = getattr(request._request, "ratelimits", None)
    if counted:
        return _fields(counted)
    if hasattr(request, "_user"):  # authentication ran, so the client is known
        scope = ClientRateThrottle().choose(request, view)[0]
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        limit, window = ratelimits.parse_rate(rate)
        return {"RateLimit-Policy": f'"{scope}";q={limit};w={window}'}
    return {}


def _fields(counted):
    policies = [(scope, hit.limit, window) for scope, (hit, window) in counted.items()]
    limits = [
        f'"{scope}";r={hit.remaining};t={hit.retry_after}'
        for scope, (hit, _) in counted.items()
        if hit.counted
    ]
    fields = {"RateLimit-Policy": ", ".join(f'"{s}";q={q};w={w}' for s, q, w in policies)}
    if limits:
        fields["RateLimit"] = ", ".join(limits)
    return fields


def count_anonymous_read(django_request, scopes):
    """For the anonymous edge (web/edge.py), which answers a read again without the stack:
    count it as ClientRateThrottle would (same counter, rate and fail-open rule) and return
    this client's RateLimit fields, or None when the client is over its limit. The hit is
    kept on the request, so the stack answering the refusal does not count it a second time.
    Only the anonymous scope is ever counted for a read without credentials."""
    if tuple(scopes) != ("anon",):
        return None
    throttle = ClientRateThrottle()
    throttle.scope = "anon"
    limit, window = throttle.parse_rate(api_settings.DEFAULT_THROTTLE_RATES.get("anon"))
    key = throttle.counter_key(throttle.get_ident(django_request))
    hit = ratelimits.hit(
        key, limit=limit, window=window, fail_open=throttle.scope in throttle.FAIL_OPEN
    )
    django_request.precounted = {key: hit}
    if not hit.allowed:
        return None
    return _fields({"anon": (hit, window)})


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
    """Check requests: per client address, so the queue cannot be flooded; one counter with
    the site's request form, so the two interfaces do not add up."""

    def choose(self, request, view):
        if request.method != "POST":
            return None
        return "check_request", client_ip(request) or "unknown"

    def counter_key(self, ident):
        return ratelimits.check_request_key(ident)  # shared with the site's form


class CopyCheckThrottle(_DynamicScopeThrottle):
    """Checking pasted copy costs CPU: its own limit per client address (or key/account)."""

    def choose(self, request, view):
        if request.method != "POST":
            return None
        return "copy_check", self.client(request)[1]
