"""Conditional requests and a whole-page cache for anonymous readers.

Every public page's ETag and Last-Modified come from the content version
(freshness), so a 304 is answered without touching the database, and a page rendered
once is served from the cache until anything public changes. Signed-in staff always get a
fresh, private page.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from claimcheck import freshness

PAGE_TIMEOUT = 600  # seconds a rendered page stays in the cache at most
MAX_AGE = 60  # seconds browsers and CDNs may reuse a page without asking
# Set on every answer here or by the middleware below, so not kept with a page.
RECOMPUTED = {"content-type", "content-length", "etag", "last-modified", "cache-control"}


def _validators(version):
    seconds = version // 1_000_000_000
    return f'W/"{version:x}"', seconds


def public_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _signed_in(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        request.public_page = True  # anonymous: the view may serve a shared document
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        key = f"page:{address}"
        conditional = "HTTP_IF_NONE_MATCH" in request.META or (
            "HTTP_IF_MODIFIED_SINCE" in request.META
        )
        if conditional:
            # A conditional request is usually answered 304: it needs only the version.
            version, found = freshness.pushed(), None
            in_process = version is not None
            if not in_process:
                version = freshness.current()
        else:
            # One look for the common case: the content version and the stored page together
            # (one round trip with Redis; none while the version is pushed to this process).
            version, found, in_process = freshness.version_and_cached(key)
        etag, seconds = _validators(version)
        not_modified = get_conditional_response(request, etag=etag, last_modified=seconds)
        if not_modified is not None:
            _public_headers(not_modified, etag, seconds)
            return not_modified
        # The page remembers the version it was rendered at, so a page from an older version
        # is a miss (invalidation stays exact).
        cached = freshness.local.get(version, key) if in_process else None
        if cached is None:
            cached = cache.get(key) if conditional or in_process else found
            if cached is not None and in_process and cached[0] == version:
                freshness.local.set(version, key, cached)
        if cached is not None and cached[0] == version:
            response = HttpResponse(cached[1], content_type=cached[2])
            # A page kept by the release before (content, type only) has no headers of its own.
            for name, value in cached[3] if len(cached) > 3 else ():
                response[name] = value
        else:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code == 200 and not response.streaming:
                # Headers the view set (the sitemap's X-Robots-Tag) are served with the page.
                own = tuple((n, v) for n, v in response.items() if n.lower() not in RECOMPUTED)
                page = (version, response.content, response["Content-Type"], own)
                cache.set(key, page, PAGE_TIMEOUT)
                if in_process:
                    freshness.local.set(version, key, page)
        if response.status_code == 200:
            _public_headers(response, etag, seconds)
        return response

    return wrapper


def _public_headers(response, etag, seconds):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(seconds)
    patch_cache_control(response, public=True, max_age=MAX_AGE)


def _signed_in(request):
    # Only look the session up when there is a session cookie (anonymous readers cost no query).
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_authenticated
