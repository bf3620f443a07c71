"""One JSON shape for every API error: {"error": {"code", "message", "fields"}}.

DRF's exceptions, Django's Http404, PermissionDenied and ValidationError (raised by the
services), oversized bodies, an unreachable database and any unexpected exception all end here,
so no client ever sees an HTML page or a traceback from /api/.
"""

import logging
import math

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you read it: GET it again, then retry."
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send the ETag you last read in an If-Match header, so that a concurrent change is "
        "not overwritten."
    )
    default_code = "precondition_required"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource is not in a state that allows this change."
    default_code = "conflict"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is briefly unavailable; retry shortly."
    default_code = "service_unavailable"


class Retracted(exceptions.APIException):
    """410 at a retracted claim's address: the error, plus the notice (`retraction`)."""

    status_code = status.HTTP_410_GONE
    default_code = "retracted"

    def __init__(self, notice):
        when = notice["retracted_at"].date().isoformat()
        super().__init__(
            f"This claim was retracted on {when}: {notice['retraction_reason']} Do not show "
            "its former verdict; its history stays at history_url."
        )
        self.notice = notice


MESSAGES = {
    "invalid": "The request has invalid values; see fields.",
    "not_found": "Nothing has this address.",
}


def unsupported_media_type(sent):
    """What to send instead (curl -d sends a form's type; text/plain is read as JSON only by
    the copy check and check requests)."""
    sent = sent.split(";")[0].strip()
    said = f'"{sent}"' if sent else "none"
    return (
        f'Send the body as JSON, with "Content-Type: application/json" (this request sent {said}).'
    )


def body(code, message, fields=None):
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail):
    """DRF error detail (nested lists and dicts) as {field: [messages]}."""
    fields = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list):
            if all(not isinstance(v, dict | list) for v in value):
                fields.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
            else:
                for index, item in enumerate(value):
                    walk(f"{prefix}.{index}" if prefix else str(index), item)
        else:
            fields.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", detail)
    return fields


def _from_django_validation(error):
    if hasattr(error, "error_dict"):
        fields = {
            ("non_field_errors" if name == "__all__" else name): list(messages)
            for name, messages in error.message_dict.items()
        }
        message = MESSAGES["invalid"]
        if set(fields) == {"non_field_errors"}:
            message = " ".join(fields.pop("non_field_errors"))
        return exceptions.ValidationError(), message, fields
    return exceptions.ValidationError(), " ".join(error.messages), {}


def exception_handler(exc, context):
    headers = {}
    fields = {}
    message = None
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(MESSAGES["not_found"] if not exc.args else exc.args[0])
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc = exceptions.UnsupportedMediaType(
            exc.detail, detail=unsupported_media_type(context["request"].content_type)
        )
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError("The request could not be read.")
    elif isinstance(exc, DjangoValidationError):
        exc, message, fields = _from_django_validation(exc)
    elif isinstance(exc, OperationalError | InterfaceError):
        logger.error("database unavailable: %s", exc.__class__.__name__)
        exc = ServiceUnavailable()
        headers["Retry-After"] = "30"
    elif not isinstance(exc, exceptions.APIException):
        logger.exception("unhandled API error", exc_info=exc)
        set_rollback()
        return Response(
            body("server_error", "Something went wrong on our side; it has been logged."),
            status=500,
        )

    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, math.ceil(exc.wait or 1))
        headers["Retry-After"] = str(wait)
        message = f"Too many requests: retry in {wait} second{'s' if wait != 1 else ''}."
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError) and message is None:
        fields = _flatten(detail)
        if set(fields) == {"non_field_errors"}:
            message = " ".join(fields.pop("non_field_errors"))
        else:
            message = MESSAGES["invalid"]
    if message is None:
        message = detail if not isinstance(detail, list | dict) else MESSAGES["invalid"]
    code = _code(exc)
    set_rollback()
    data = body(code, message, fields)
    if isinstance(exc, Retracted):
        data["retraction"] = exc.notice
    return Response(data, status=exc.status_code, headers=headers)


def _code(exc):
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


@csrf_exempt  # a JSON 404 for any method; CSRF's HTML 403 must not answer first
def not_found(request, *args, **kwargs):
    """Catch-all under /api/: an unknown address is a JSON 404 too."""
    return JsonResponse(body("not_found", MESSAGES["not_found"]), status=404)
