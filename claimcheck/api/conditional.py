"""HTTP caching for API reads, and the preconditions of writes.

Every read carries a strong ETag (a hash of the canonical JSON it returns, so it changes
exactly when the answer does, nested rows included) and, where the rows have timestamps,
Last-Modified (the newest updated_at or rating time among them). If-None-Match and
If-Modified-Since are answered with 304. Anonymous answers may be cached by anyone for a
minute; answers to keys or sessions are private.

Writes use the same ETag: PATCH and the submit action need If-Match (428 without it), and a
stale one is refused with 412 before anything is written.
"""

import hashlib
import json
from datetime import datetime

from django.http import JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags
from rest_framework.utils.encoders import JSONEncoder

from .errors import PreconditionFailed, PreconditionRequired, body

PUBLIC_MAX_AGE = 60


def etag_of(data):
    canonical = json.dumps(
        data, cls=JSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return '"{}"'.format(hashlib.sha256(canonical.encode("utf-8", "replace")).hexdigest()[:40])


def newest(*values):
    """The latest of the given datetimes (None ignored), or None."""
    found = [v for v in values if isinstance(v, datetime)]
    return max(found) if found else None


def anonymous(request):
    return request.auth is None and not request.user.is_authenticated


def finish(request, response, *, last_modified=None):
    """Add validators and cache headers; answer 304 when the client's copy is current."""
    patch_vary_headers(response, ["Authorization", "Cookie"])
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        patch_cache_control(response, private=True, no_store=True)
        return response
    if anonymous(request):
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    etag = etag_of(response.data)
    response["ETag"] = etag
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    if conditional.status_code == 412:  # If-Match or If-Unmodified-Since failed on a read
        failed = JsonResponse(
            body("precondition_failed", PreconditionFailed.default_detail), status=412
        )
        patch_vary_headers(failed, ["Authorization", "Cookie"])
        patch_cache_control(failed, private=True, no_store=True)
        return failed
    return conditional


def require_if_match(request, current_etag):
    """For an update: 428 without If-Match, 412 unless it names the current ETag."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    if header.strip() == "*":
        return
    if current_etag not in parse_etags(header):
        raise PreconditionFailed()


def check_if_match(request, current_etag):
    """For a create under an existing resource: If-Match is optional but honoured."""
    if request.headers.get("If-Match"):
        require_if_match(request, current_etag)
