"""Answers that come before any view: the friendly 503 when the database is unreachable, and
a clear 400 for a NUL character in the address, which no filter can use."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(request, error):
    """The friendly 503 (JSON under /api/), with a Retry-After."""
    logger.error("database unavailable: %s", error.__class__.__name__)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "error": {
                    "code": "service_unavailable",
                    "message": "The service is briefly unavailable; retry shortly.",
                    "fields": {},
                }
            },
            status=503,
        )
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """503 instead of a 500 when the database fails in a view. When it fails in middleware
    (loading a session, a signed-in user, a two-factor device), Django turns the exception
    into its 500 handler, which answers the same 503 (web.views.server_error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            return database_unavailable(request, exception)
        return None


class RefuseNulMiddleware:
    """A NUL character in the query string is a 400 that says so: PostgreSQL cannot store or
    compare one, and no legitimate address carries it. Forms refuse it field by field (Django's
    CharField does), and the API checks its own parameters and JSON bodies (api/parsers.py)
    and answers in its error shape."""

    MESSAGE = "The address contains a NUL character (%00), which no search or filter accepts."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if ("%00" in query or "\x00" in query) and not request.path.startswith("/api/"):
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain")
        return self.get_response(request)


class BoundedUploadMiddleware:
    """A multipart body (a file upload) larger than DATA_UPLOAD_MAX_MEMORY_SIZE is answered 413
    before any of it is read: Django bounds other bodies that way itself, but streams uploaded
    files to disk whatever their size, and checks a form's size limit only afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and length > limit:
                return HttpResponse(
                    f"The upload is larger than {limit // 1000} kB; nothing was read.",
                    status=413,
                    content_type="text/plain",
                )
        return self.get_response(request)
