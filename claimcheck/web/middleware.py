"""Answer 503 with a friendly page when the database is unreachable, instead of a 500."""

import logging

from django.db import InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("database unavailable: %s", exception.__class__.__name__)
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "30"
            return response
        return None
