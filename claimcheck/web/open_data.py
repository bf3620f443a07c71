"""The open-data page and its download: the dump of claimcheck/claims/opendata.py as a zip,
built once per content version (freshness) and then served from the cache."""

import hashlib

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET

from claimcheck import freshness, rubric
from claimcheck.claims import opendata

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
