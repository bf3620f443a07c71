"""The open-data page and its download: the dump of claimcheck/claims/opendata.py as a zip,
built once per content version (freshness) and then served from the cache; and the dated
dumps of claimcheck/snapshots, each at a permanent address whose bytes never change."""

import datetime
import hashlib
import re

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET

from claimcheck import freshness, rubric
from claimcheck.claims import opendata
from claimcheck.snapshots import selectors as snapshot_selectors

from .caching import MAX_AGE, public_page

ZIP_TIMEOUT = 24 * 3600  # seconds a built zip stays cached (a new version builds a new one)


@require_GET
@public_page
def page(request):
    return render(
        request,
        "web/open_data.html",
        {
            "entities": opendata.ENTITIES,
            "format_version": opendata.FORMAT_VERSION,
            "rubric_version": rubric.VERSION,
            "licence": opendata.LICENCE,
            "attribution": opendata.ATTRIBUTION,
            "zip_name": opendata.ZIP_NAME,
            "snapshots": snapshot_selectors.opendata_snapshot_list(),
        },
    )


def current_zip():
    """(file name, bytes, etag) of the dump for the current content version."""
    key = f"opendata:zip:{freshness.current():x}"
    cached = cache.get(key)
    if cached is None:
        archive = opendata.build_zip()
        etag = f'"{hashlib.sha256(archive.content).hexdigest()[:32]}"'
        cached = (archive.filename, archive.content, etag)
        cache.set(key, cached, ZIP_TIMEOUT)
    return cached


@require_GET
def download(request):
    filename, content, etag = current_zip()
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


IMMUTABLE = 365 * 24 * 3600  # seconds: a dated dump's bytes never change
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(text):
    """The date a dated address names, or None if it is not a real YYYY-MM-DD date."""
    if not DAY.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


@require_GET
def dated(request, day):
    """The dump as it was on `day`: permanent and immutable, its ETag its SHA-256."""
    parsed = _day(day)
    if parsed is None:
        return HttpResponseBadRequest(
            f"{day!r} is not a date: dated dumps are at /open-data/YYYY-MM-DD/claimcheck.zip.",
            content_type="text/plain; charset=utf-8",
        )
    snapshot = snapshot_selectors.opendata_snapshot_get(day=parsed)
    if snapshot is None:
        raise Http404(f"No open-data dump is stored for {parsed.isoformat()}.")
    etag = f'"{snapshot.sha256}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        response = HttpResponse(snapshot.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{snapshot.filename}"'
    else:
        response = not_modified
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=IMMUTABLE, immutable=True)
    return response


@require_GET
@public_page
def dated_list(request):
    """The stored dated dumps as JSON, newest first, for scripts that fetch past dumps."""
    base = f"{request.scheme}://{request.get_host()}"
    return JsonResponse(
        {
            "dumps": [
                {
                    "date": snapshot.date.isoformat(),
                    "url": base + snapshot.get_absolute_url(),
                    "sha256": snapshot.sha256,
                    "bytes": snapshot.size,
                    "format_version": snapshot.format_version,
                    "counts": snapshot.counts,
                }
                for snapshot in snapshot_selectors.opendata_snapshot_list()
            ]
        }
    )
