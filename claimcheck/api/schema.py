"""OpenAPI description helpers: every operation documents its parameters, its error answers
(all in the one error shape) and an example, so status_code_conformance and
response_schema_conformance can hold the API to what it says."""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import SAFE_METHODS

from . import docs, negotiation
from .errors import body, unsupported_media_type
from .pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .permissions import KeyHolder, PublicCreate


class AutoSchema(SpectacularAutoSchema):
    """Spectacular's schema, with the API tagged by resource rather than by path prefix."""

    def get_operation_id(self):
        """Named after the operation class that defines the method (claim_list,
        claim_update, ...), so a path served by two operations gets two clear ids."""
        method = self.method.lower()
        for cls in type(self.view).__mro__:
            if method in cls.__dict__ and cls.__module__.startswith("claimcheck."):
                return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
        return super().get_operation_id()

    def get_tags(self):
        tags = getattr(self.view, "schema_tags", None)
        return list(tags) if tags else super().get_tags()

    def get_auth(self):
        """The key and the staff session, plus `{}` (no credentials) wherever anyone may
        call: every read, and the two open POSTs (check requests and the copy check), so a
        generated client does not demand a key for them. Writes keep requiring one."""
        auths = super().get_auth()
        if any(isinstance(p, KeyHolder) for p in self.view.get_permissions()):
            return [a for a in auths if a and "StaffSession" not in a]  # a key, nothing else
        public_post = self.method == "POST" and any(
            isinstance(permission, PublicCreate) for permission in self.view.get_permissions()
        )
        if (self.method in SAFE_METHODS or public_post) and {} not in auths:
            auths.append({})
        return auths


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """One key, two ways to send it: as a bearer token (what generated clients send) or with
    the Api-Key scheme. Either is enough, so they are two alternative requirements."""

    target_class = "claimcheck.api.authentication.ApiKeyAuthentication"
    name = ["Bearer", "ApiKey"]

    def get_security_requirement(self, auto_schema):
        return [{name: []} for name in self.name]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "`Authorization: Bearer <key>`, the same key as ApiKey. "
                "Generated clients send this by default (openapi-python-client's "
                "`AuthenticatedClient(token=key)`).",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Authorization: Api-Key <key>` (the value is the scheme and "
                "the key). Keys are issued by ClaimCheck staff. Any other scheme, or a key that "
                "is not valid, is a 401.",
            },
        ]


class StaffSessionScheme(OpenApiAuthenticationExtension):
    target_class = "claimcheck.api.authentication.StaffSessionAuthentication"
    name = "StaffSession"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "A staff member's admin session; unsafe methods need the CSRF token "
            "in X-CSRFToken.",
        }


def contact_page(result, generator, request, public):
    """info.contact links this install's about page, built from the request's host (a
    description made by `manage.py spectacular` has no host, so names no page)."""
    if request is not None:
        contact = {**result["info"]["contact"], "url": request.build_absolute_uri("/about/")}
        result["info"]["contact"] = contact
    return result


PLAIN_TEXT_BODY = {
    "type": "string",
    "description": "The same JSON object as the application/json body, sent as text: what "
    "fetch() sends with a string body, and what a browser sends cross-origin without a "
    "preflight. Text that is not JSON is a 400.",
}


def plain_text_bodies(result, generator, request, public):
    """A text/plain request body (the copy check and check requests) is text holding the JSON
    object, so it is described as a string; the object is described under application/json."""
    for operations in result["paths"].values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            if "text/plain" in content:
                content["text/plain"] = {"schema": PLAIN_TEXT_BODY}
    return result


def _error(description, code, message, fields=None):
    return OpenApiResponse(
        docs.ErrorResponse,
        description=description,
        examples=[OpenApiExample(code, value=body(code, message, fields))],
    )


BAD_REQUEST = _error(
    "A query parameter or body field is invalid; `fields` names it.",
    "invalid",
    "The request has invalid values; see fields.",
    {"verdict": ["Select a valid choice. maybe is not one of the available choices."]},
)
OPEN_BAD_REQUEST = _error(
    "A body field is invalid (`fields` names it), or a text/plain body is not JSON.",
    "invalid",
    "The request has invalid values; see fields.",
    {"claim_text": ["Send this as a JSON string, not a number."]},
)
UNAUTHORIZED = _error(
    "The API key is not valid or was revoked (or a write was sent without credentials).",
    "authentication_failed",
    "The API key is not valid, or was revoked.",
)
FORBIDDEN = _error(
    "The credentials may not do this.",
    "permission_denied",
    "This needs a write-enabled API key, or a staff account with permission.",
)
NOT_FOUND = _error("Nothing has this address.", "not_found", "Nothing has this address.")
RETRACTED = OpenApiResponse(
    docs.RetractedResponse,
    description="The claim was retracted: stop showing its verdict. The notice says when and "
    "why; the history stays readable.",
    examples=[
        OpenApiExample(
            "retracted",
            value={
                **body(
                    "retracted",
                    "This claim was retracted on 2026-11-30: The only trial was withdrawn by "
                    "its journal. Do not show its former verdict; its history stays at "
                    "history_url.",
                ),
                "retraction": {
                    "slug": "exosomes-heal-acne-scars",
                    "text": "Exosomes heal acne scars",
                    "subject": {
                        "slug": "exosomes",
                        "name": "Exosomes",
                        "kind": "ingredient_class",
                        "url": "https://claimcheck.example.org/subjects/exosomes/",
                        "api_url": "https://claimcheck.example.org/api/v1/subjects/exosomes/",
                    },
                    "status": "retracted",
                    "retracted_at": "2026-11-30T09:00:00Z",
                    "retraction_reason": "The only trial was withdrawn by its journal.",
                    "url": "https://claimcheck.example.org/claims/exosomes-heal-acne-scars/",
                    "history_url": "https://claimcheck.example.org/api/v1/claims/"
                    "exosomes-heal-acne-scars/history/",
                },
            },
        )
    ],
)
CONFLICT = _error(
    "The object is not in a state that allows the change.",
    "conflict",
    "Only a draft claim can be edited through the API; this one is in review.",
)
PRECONDITION_FAILED = _error(
    "If-Match does not name the current ETag: someone changed it since you read it.",
    "precondition_failed",
    "The resource has changed since you read it: GET it again, then retry.",
)
PAYLOAD_TOO_LARGE = _error(
    "The body is over 1 MB.", "payload_too_large", "The request body is too large."
)
UNSUPPORTED = _error(
    "The body is not application/json.",
    "unsupported_media_type",
    unsupported_media_type("text/plain"),
)
PRECONDITION_REQUIRED = _error(
    "If-Match is missing.",
    "precondition_required",
    "Send the ETag you last read in an If-Match header, so that a concurrent change is "
    "not overwritten.",
)
THROTTLED = _error(
    "Over the rate limit; Retry-After says when to retry.",
    "throttled",
    "Too many requests: retry in 42 seconds.",
)
# The copy check and check requests also read text/plain (as JSON): only other types are a 415.
UNSUPPORTED_OPEN = _error(
    "The body is neither application/json nor text/plain holding JSON.",
    "unsupported_media_type",
    unsupported_media_type("application/x-www-form-urlencoded"),
)
NOT_ACCEPTABLE = _error(
    "The Accept header allows no JSON (no Accept, or */*, is JSON).",
    "not_acceptable",
    negotiation.NOT_ACCEPTABLE,
)
NOT_MODIFIED = OpenApiResponse(description="Your copy is current (If-None-Match matched).")

PAGE = OpenApiParameter(
    "page",
    {"type": "integer", "minimum": 1, "maximum": 10_000_000},
    description="Page number, from 1.",
)
PAGE_SIZE = OpenApiParameter(
    "page_size",
    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    description=f"Items per page (default {DEFAULT_PAGE_SIZE}).",
)
NO_NUL = {"type": "string", "pattern": "^[^\\u0000]*$"}  # a NUL in a parameter is a 400
Q = OpenApiParameter(
    "q",
    NO_NUL,
    description="Full-text search (typos and plurals tolerated); results are ranked by "
    "relevance unless `ordering` is given. Cut to 200 characters.",
)
UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description="Only rows changed at or after this ISO 8601 time (for sync).",
)
CURSOR = OpenApiParameter(
    "cursor",
    OpenApiTypes.STR,
    description="Cursor mode for sync: send `cursor=` (empty) to start, then follow `next`. "
    "Rows come oldest change first (by updated time, then id) and are neither skipped nor "
    "repeated while you page; combine with `updated_since` and filters, not `ordering`, `q` "
    "or `page`.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="An ETag from an earlier answer: 304 if it is still current.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag you last read of this object (428 without it, 412 if stale).",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional: the claim's ETag; 412 if it changed since.",
)
RESPONSE_HEADERS = [
    OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200],
        description="A strong validator of this answer.",
    ),
    OpenApiParameter(
        "Last-Modified",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200],
        description="The newest change among the rows shown (HTTP date).",
    ),
    OpenApiParameter(
        "Retry-After",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=[429],
        description="Seconds until the window you exhausted ends (equal to its `t`).",
    ),
]
# The limits (draft-ietf-httpapi-ratelimit-headers-11), on every answer of an operation.
RATE_LIMIT_HEADERS = [
    OpenApiParameter(
        "RateLimit-Policy",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=True,
        description='The limits this request counts against: `"anon";q=60;w=60` is a quota '
        "of `q` requests per `w` seconds (policies: anon, api_key, staff, write, copy_check, "
        "check_request).",
    ),
    OpenApiParameter(
        "RateLimit",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=True,
        description='Your place in each: `"anon";r=57;t=42` is `r` requests left for the '
        "next `t` seconds. Absent on a 304 (not counted).",
    ),
]
RESPONSE_HEADERS += RATE_LIMIT_HEADERS


def slug(name, description, max_length):
    """A filter by slug: ASCII letters, digits, - and _ (anything else is a 400); empty is
    no filter, as for every filter."""
    return OpenApiParameter(
        name,
        {"type": "string", "pattern": r"^[-a-zA-Z0-9_]*$", "maxLength": max_length},
        description=f"{description} Empty: not filtered.",
    )


def enum(name, values, description):
    return OpenApiParameter(name, OpenApiTypes.STR, enum=list(values), description=description)


def ordering(allowed, default):
    return OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        enum=[n for key in allowed for n in (key, f"-{key}")],
        description=f"Sort key; prefix - for descending. Default {default}. Ties break on id.",
    )


def read(
    *, summary, description, response, example, parameters=(), tags=(), lists=False, gone=False
):
    """A GET operation: 200 with an example, 304, and every error it can answer (410 for an
    address a retraction took, when `gone`)."""
    responses = {
        200: OpenApiResponse(
            response, examples=[OpenApiExample("Example", value=example, response_only=True)]
        ),
        304: NOT_MODIFIED,
        401: UNAUTHORIZED,
        404: NOT_FOUND,
        406: NOT_ACCEPTABLE,
        429: THROTTLED,
    }
    if lists or parameters:
        responses[400] = BAD_REQUEST
    if gone:
        responses[410] = RETRACTED
    params = [*parameters, *([PAGE, PAGE_SIZE] if lists else []), IF_NONE_MATCH]
    return extend_schema(
        summary=summary,
        description=description,
        responses=responses,
        parameters=params + RESPONSE_HEADERS,
        tags=list(tags) or None,
    )


def write(
    *,
    summary,
    description,
    request,
    response,
    example,
    status=200,
    update=True,
    conflict=True,
    tags=(),
):
    """A POST or PATCH: the body, its example answer, and every error it can answer. A create
    that nothing can conflict with (`conflict=False`) declares no 409: a duplicate slug or
    identifier is a 400 naming the field, as every other invalid value."""
    responses = {
        status: OpenApiResponse(
            response, examples=[OpenApiExample("Example", value=example, response_only=True)]
        ),
        400: BAD_REQUEST,
        401: UNAUTHORIZED,
        403: FORBIDDEN,
        404: NOT_FOUND,
        406: NOT_ACCEPTABLE,
        409: CONFLICT,
        412: PRECONDITION_FAILED,
        413: PAYLOAD_TOO_LARGE,
        415: UNSUPPORTED,
        429: THROTTLED,
    }
    if update:
        responses[428] = PRECONDITION_REQUIRED
    if not conflict:
        del responses[409]
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses=responses,
        parameters=[IF_MATCH if update else IF_MATCH_OPTIONAL, *RESPONSE_HEADERS],
        tags=list(tags) or None,
    )
