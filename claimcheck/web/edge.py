"""The anonymous edge: a public answer served again before the rest of the stack runs.

Second in MIDDLEWARE (after freshness.RequestScope). An anonymous reader's GET or HEAD (no
session or messages cookie, no Authorization, no key in a header or the query string) is
answered from the answer the whole stack gave the same request under the current content
version: status, every header as it left the stack (CSP, HSTS, X-Frame-Options, nosniff,
Referrer-Policy, CORS, ETag, Last-Modified, Cache-Control, Content-Length, Vary) and body,
byte for byte. Sessions, authentication, OTP, messages, CSRF, history, axes, URL resolution
and the view are skipped; measured, that was about half of a cached page's time.

What is kept, and why that is exact:

- Only what the stack itself declared shareable: a 200 or 304 with `Cache-Control: public`,
  an ETag, no cookie set, not streamed, at most MAX_BODY bytes. Everything public is already
  rendered once per content version and served to every anonymous reader (caching.py,
  api/conditional.py); the edge keeps the finished answer instead of its body only.
- Keyed by the content version, the absolute address (scheme and host included), and the
  request headers the stack reads to shape a public answer: Accept (the API negotiates),
  Origin (CORS), and the method. A settings change (tests) starts a new generation of keys.
- GET and HEAD are kept apart (the API refuses HEAD). A 304 is kept as the stack sent it
  and served when the request's If-None-Match or If-Modified-Since matches the validators it
  carries; any other conditional request goes through the stack.
- An API read counts against the client's limit as it does through the stack: the edge counts
  it in the same counter (api.throttling.count_anonymous_read) and writes this client's own
  RateLimit fields; a refused client goes through the stack, which answers the 429 without
  counting it twice. A 304 is free, as through the stack.

Which version an answer belongs to is read from its own ETag (the stack's validators are the
content version), so an answer built just before a publish is never kept as the next
version's. Where it is kept is where the stack keeps pages: the worker's memory while the
version is pushed (freshness.local), else the shared cache, checked against the version; a
look costs one round trip with the version (none while pushed), and is made only for paths
this process has kept an answer for, so /healthz and the forms cost nothing more. Anything
that fails here (the database or the cache away, a host not allowed) sends the request through
the stack, which answers as it always has.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from claimcheck import freshness
from claimcheck.freshness import warm

logger = logging.getLogger(__name__)

MAX_BODY = 2 * 1024 * 1024  # bytes: larger answers (the open-data zip) stay with the stack
TIMEOUT = 600  # seconds an answer stays in the shared cache at most (as pages do)
PRECONDITIONS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)
VERSION_ETAG = re.compile(r'(?:W/)?"v?([0-9a-f]{1,16})"')
MAX_PATHS = 10_000  # paths this process has kept an answer for (a hint: which to look up)
_kept_paths = set()
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage.cookie_name
_generation = [0]


@receiver(setting_changed)
def _new_generation(**kwargs):
    _generation[0] += 1


def _eligible(request):
    if request.method not in ("GET", "HEAD"):
        return False
    meta = request.META
    if warm.ENVIRON_KEY in meta:
        return False  # the warm pass builds the stack's caches; its answers are not kept here
    if "HTTP_AUTHORIZATION" in meta or "HTTP_X_API_KEY" in meta:
        return False
    if "api_key" in request.GET:  # the API answers this with a 401 that says how to send one
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE not in cookies


def _key(request):
    """What shapes a public answer, raw: the method, the scheme, every header the host is read
    from, the path and query as sent, Accept (the API negotiates) and Origin (CORS). Raw, so
    two spellings of one address are two keys (never one answer for two addresses), and a
    host the stack refuses is a key no answer is ever kept under."""
    meta = request.META
    shaped_by = "\n".join(
        (
            request.method,
            request.scheme,
            meta.get("HTTP_HOST", ""),
            meta.get("HTTP_X_FORWARDED_HOST", ""),
            meta.get("SERVER_NAME", ""),
            meta.get("SERVER_PORT", ""),
            meta.get("SCRIPT_NAME", ""),
            meta.get("PATH_INFO", ""),
            meta.get("QUERY_STRING", ""),
            meta.get("HTTP_ACCEPT", ""),
            meta.get("HTTP_ORIGIN", ""),
            str(_generation[0]),
        )
    )
    return "edge:" + hashlib.sha256(shaped_by.encode()).hexdigest()


def _version_of(etag):
    """The content version a public answer was built at, read from its own ETag (pages
    `W/"<hex>"`, the API `"v<hex>"`), or None for any other validator (not kept)."""
    found = VERSION_ETAG.fullmatch(etag)
    return int(found.group(1), 16) if found else None


class AnonymousEdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = None
        if request.path_info in _kept_paths:  # others cost no lookup (/healthz, forms)
            try:
                key = _key(request)
                answer = self._answer(request, key)
            except Exception:  # noqa: BLE001 - the stack answers (and reports) what failed here
                logger.debug("edge skipped", exc_info=True)
                return self.get_response(request)
            if answer is not None:
                return answer
        response = self.get_response(request)
        self._keep(request, response, key)
        return response

    # Looking up: one look at the version and both kept answers (one round trip at most)

    def _answer(self, request, key):
        conditional = any(name in request.META for name in PRECONDITIONS)
        _, kept_under = _look(key, conditional)
        if conditional:
            kept = kept_under(key + ":304")
            if kept is not None and _outcome(request, kept) == 304:
                return _replay(kept)
        kept = kept_under(key)
        if kept is None or (conditional and _outcome(request, kept) is not None):
            return None  # the stack answers (a 304 it sends is kept for next time; a 412 not)
        if kept["counted"]:
            from claimcheck.api import throttling  # only API answers are counted

            fields = throttling.count_anonymous_read(request, kept["counted"])
            if fields is None:
                return None  # over the limit: the stack answers the 429, counted once
            return _replay(kept, replace=fields)
        return _replay(kept)

    # Keeping

    def _keep(self, request, response, key):
        if response.status_code not in (200, 304) or response.streaming or response.cookies:
            return
        if "public" not in response.get("Cache-Control", "") or "ETag" not in response:
            return
        version = _version_of(response["ETag"])
        if version is None or response.has_header("Set-Cookie"):
            return
        if len(response.content) > MAX_BODY:
            return
        counted = tuple(getattr(request, "ratelimits", {}))
        if response.status_code == 304:
            counted = ()  # a 304 is never counted
        elif counted and counted != ("anon",):
            return  # counted in a way the edge does not reproduce
        kept = {
            "status": response.status_code,
            "store": {name.lower(): (name, value) for name, value in response.items()},
            "body": response.content,
            "counted": counted,
            "etag": response["ETag"],
            "last_modified": parse_http_date_safe(response.get("Last-Modified", "")),
            "version": version,
        }
        try:
            key = (key or _key(request)) + (":304" if response.status_code == 304 else "")
            pushed = freshness.pushed()
            if pushed is not None:
                if pushed == version:  # an older version's answer would empty `local`
                    freshness.local.set(version, key, kept)
            else:
                cache.set(key, kept, TIMEOUT)
        except Exception:  # noqa: BLE001 - not kept this time; the answer stands
            logger.warning("edge: answer not kept", exc_info=True)
            return
        if len(_kept_paths) >= MAX_PATHS:
            _kept_paths.clear()  # a hint only: paths are learnt again as they are kept
        _kept_paths.add(request.path_info)


def _look(key, conditional):
    """(current version, a function giving a key's kept answer of that version or None).
    With Redis, the version and both answers come in one round trip (none while pushed);
    without it the version is the request's one read and the answers are in this process."""
    if freshness.in_redis():
        keys = [key, key + ":304"] if conditional else [key]
        version, found, in_process = freshness.version_and_cached_many(keys)
        if in_process:
            return version, lambda k: freshness.local.get(version, k)
        return version, lambda k: _of(version, found.get(k))
    version = freshness.current()
    return version, lambda k: _of(version, cache.get(k))


def _of(version, kept):
    return kept if kept is not None and kept["version"] == version else None


def _outcome(request, kept):
    """What the request's preconditions make of the kept answer's validators: 304, 412, or
    None when the whole answer is due. The usual revalidation, one If-None-Match naming the
    kept ETag, is read without parsing."""
    meta = request.META
    if meta.get("HTTP_IF_NONE_MATCH") == kept["etag"] and not any(
        name in meta for name in PRECONDITIONS[1:]
    ):
        return 304
    answer = get_conditional_response(
        request, etag=kept["etag"], last_modified=kept["last_modified"]
    )
    return None if answer is None else answer.status_code


def _replay(kept, replace=None):
    """The kept answer; `replace` gives this client's own rate-limit fields, written where the
    stack writes them (RateLimit right after RateLimit-Policy, absent when not known).

    The headers were checked by HttpResponse when the stack set them; they are put back as
    Django's ResponseHeaders holds them (lower-case name to (name, value)) rather than set one
    by one, which was a fifth of a replay."""
    response = HttpResponse(kept["body"], status=kept["status"])
    if replace is None:
        store = dict(kept["store"])
    else:
        store = {}
        for lower, field in kept["store"].items():
            if lower == "ratelimit-policy":
                for name in ("RateLimit-Policy", "RateLimit"):
                    if name in replace:
                        store[name.lower()] = (name, replace[name])
            elif lower != "ratelimit":
                store[lower] = field
    response.headers._store = store
    return response
