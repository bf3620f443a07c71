"""HTTP caching for API reads, and the preconditions of writes.

Anonymous reads use the content version the pages use (freshness): the ETag and
Last-Modified come from it, so If-None-Match and If-Modified-Since are answered with 304
before the view runs (no query), and a whole answer is kept in the shared cache until
anything public changes (`cached_answer`). Anonymous answers may be cached by anyone for a
minute. Reads with a key or a staff session (who may see drafts, which do not move the public
version) carry a strong ETag hashed from the canonical JSON they return and, where the rows
have timestamps, Last-Modified (the newest updated_at among them); they are private.

Writes use the same ETag: PATCH and the submit action need If-Match (428 without it), and a
stale one is refused with 412 before anything is written.
"""

import hashlib
import json
import logging
from contextlib import contextmanager
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags
from rest_framework.utils.encoders import JSONEncoder

from claimcheck import freshness

from .errors import PreconditionFailed, PreconditionRequired, body

logger = logging.getLogger(__name__)

PUBLIC_MAX_AGE = 60
ANSWER_TIMEOUT = 600  # seconds a whole anonymous answer stays in the shared cache at most


class Answered(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised in ApiView.initial when the answer is known before the view runs: a 304 to a
    current validator, or a whole answer from the cache. handle_exception returns it."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def version_validators(version):
    """(ETag, Last-Modified seconds) of an anonymous read under this content version."""
    return f'"v{version:x}"', version // 1_000_000_000


def _answer_key(request, version):
    address = request.build_absolute_uri()
    media = getattr(request, "accepted_media_type", "")
    digest = hashlib.sha256(f"{media} {address}".encode()).hexdigest()
    return f"api:{version:x}:{digest}"


def answer_not_modified(request):
    """For an anonymous GET or HEAD: raise Answered with a 304 if the client's copy is
    current (or a 412 for a failed If-Match on a read). Costs no query and, while the content
    version is pushed to this process, no cache round trip either."""
    try:
        version = freshness.current()
    except Exception:  # noqa: BLE001 - a cache that raises: answer uncached, hashed ETags
        logger.warning("content version unavailable; answering uncached")
        return
    request.content_version = version
    etag, seconds = version_validators(version)
    conditional = get_conditional_response(request, etag=etag, last_modified=seconds)
    if conditional is not None and conditional.status_code == 304:
        raise Answered(conditional)
    if conditional is not None:  # If-Match or If-Unmodified-Since failed on a read
        raise Answered(_precondition_failed())


def answer_from_cache(request):
    """After answer_not_modified (and the rate limit): raise Answered with the whole answer
    if one is kept for this content version."""
    version = getattr(request, "content_version", None)
    if version is None:
        return
    key = _answer_key(request, version)
    in_process = freshness.pushed() == version  # the version is pushed: the process may hold it
    cached = freshness.local.get(version, key) if in_process else None
    if cached is None:
        try:
            cached = cache.get(key)
        except Exception:  # noqa: BLE001 - the cache went away between two calls
            cached = None
        if cached is not None and in_process:
            freshness.local.set(version, key, cached)
    if cached is not None:
        content, content_type = cached
        request.answered_from_cache = True
        raise Answered(HttpResponse(content, content_type=content_type))


def cached_answer(request, response):
    """Keep a rendered anonymous 200 in the shared cache under the current content version."""
    version = getattr(request, "content_version", None)
    if version is None or response.status_code != 200 or response.streaming:
        return
    if getattr(request, "answered_from_cache", False):
        return
    if hasattr(response, "render"):
        response.render()
    key, answer = _answer_key(request, version), (response.content, response["Content-Type"])
    if freshness.pushed() == version:
        freshness.local.set(version, key, answer)
    try:
        cache.set(key, answer, ANSWER_TIMEOUT)
    except Exception:  # noqa: BLE001 - not cached this time; the answer stands
        logger.warning("answer not cached: cache unavailable")


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
    if response.status_code == 304 and getattr(request, "content_version", None) is not None:
        etag, timestamp = version_validators(request.content_version)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(timestamp)
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        patch_cache_control(response, private=True, no_store=True)
        return response
    version = getattr(request, "content_version", None)
    if version is not None:  # anonymous: validators from the content version
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        etag, timestamp = version_validators(version)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(timestamp)
        return response  # 304s were answered before the view ran (answer_not_modified)
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
        return _precondition_failed()
    return conditional


def _precondition_failed():
    failed = JsonResponse(
        body("precondition_failed", PreconditionFailed.default_detail), status=412
    )
    patch_vary_headers(failed, ["Authorization", "Cookie"])
    patch_cache_control(failed, private=True, no_store=True)
    return failed


def require_if_match(request, current_etag):
    """For an update: 428 without If-Match (or with `*`, which guards against nothing here:
    the resource exists), 412 unless it names the current ETag."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    if header.strip() == "*":
        raise PreconditionRequired(
            "If-Match: * does not stop a concurrent change from being overwritten: send the "
            "ETag you last read."
        )
    if current_etag not in parse_etags(header):
        raise PreconditionFailed()


@contextmanager
def write_if_match(request, model, pk, current_etag, *, required=True):
    """Check If-Match at the write, not before it: lock the row, compute its current ETag
    inside the lock (`current_etag()`), check the header against it, and let the caller write
    in the same transaction. Of two writers holding one ETag, the second waits for the first,
    then sees the new ETag and gets 412; nothing is overwritten. `required=False` is for a
    create under an existing resource, where If-Match is optional but honoured."""
    with transaction.atomic():
        list(model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))
        if required:
            require_if_match(request, current_etag())
        else:
            check_if_match(request, current_etag())
        yield


def check_if_match(request, current_etag):
    """For a create under an existing resource: If-Match is optional but honoured."""
    if request.headers.get("If-Match"):
        require_if_match(request, current_etag)
