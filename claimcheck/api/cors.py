"""Cross-origin calls to the API: django-cors-headers' middleware, with one exception.

Reads answer any origin, without cookies (settings: CORS_*). The two open POSTs, the copy
checker and check requests, are meant to be called from a web page or a browser extension,
so their preflight also allows POST and a JSON `Content-Type` (and they read a text/plain
body as JSON, which a browser sends without a preflight). They take no cookies from
another origin (credentials are never allowed) and are limited per address and per key like
any other call. Every other write stays same-origin: its preflight offers only the safe
methods, so a browser never sends it.
"""

import re

from corsheaders.middleware import CorsMiddleware

OPEN_POSTS = re.compile(r"^/api/v1/(check|check-requests)/$")


class ApiCorsMiddleware(CorsMiddleware):
    def add_response_headers(self, request, response):
        response = super().add_response_headers(request, response)
        if (
            request.method == "OPTIONS"
            and "Access-Control-Allow-Methods" in response
            and OPEN_POSTS.match(request.path_info)
        ):
            response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            allowed = response["Access-Control-Allow-Headers"].split(", ")
            response["Access-Control-Allow-Headers"] = ", ".join([*allowed, "content-type"])
        return response
