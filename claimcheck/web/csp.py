"""django-csp's middleware with the site's usual policy built once per process.

django-csp builds both policy headers from settings on every response, which measured about a
fifth of a cached page's time here. When neither the view (csp_update and friends) nor the
request (a nonce) shapes the policy, the headers are the same on every response, so they are
built once and reused, and set under django-csp's own rules (not over a header the view set,
not on exempt responses or excluded prefixes). Anything else goes through django-csp
unchanged. The built headers are forgotten when the CSP settings change (tests)."""

from http import HTTPStatus

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

_built = {}


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()


def _usual():
    if "headers" not in _built:
        _built["headers"] = (build_policy(), build_policy(report_only=True))
    return _built["headers"]


def _plain(parts):
    return (
        parts.config is None
        and parts.update is None
        and parts.replace is None
        and (parts.nonce is None)
    )


def _set(request, response, header, value, exempt_attribute, setting):
    if not value or header in response or getattr(response, exempt_attribute, False):
        return
    prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
    if not request.path_info.startswith(tuple(prefixes)):
        response[header] = value


class CSPMiddleware(BaseCSPMiddleware):
    def process_response(self, request, response):
        debug_page = settings.DEBUG and response.status_code in (
            HTTPStatus.INTERNAL_SERVER_ERROR,
            HTTPStatus.NOT_FOUND,
        )
        usual = not debug_page and all(
            _plain(self.get_policy_parts(request=request, response=response, report_only=ro))
            for ro in (False, True)
        )
        if not usual:
            return super().process_response(request, response)
        policy, report_only = _usual()
        _set(request, response, HEADER, policy, "_csp_exempt", "CONTENT_SECURITY_POLICY")
        _set(
            request,
            response,
            HEADER_REPORT_ONLY,
            report_only,
            "_csp_exempt_ro",
            "CONTENT_SECURITY_POLICY_REPORT_ONLY",
        )
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
