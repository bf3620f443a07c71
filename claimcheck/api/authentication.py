"""Who is calling: a partner's API key or a staff member's browser session (with CSRF on
unsafe methods).

A key is sent as `Authorization: Bearer <key>` (what generated clients send by default) or
`Authorization: Api-Key <key>`; the two are the same. Any other Authorization scheme (Basic,
Token, ...), a key sent anywhere else (an X-Api-Key header, an api_key parameter) and a key
that is malformed, unknown or revoked are a 401 that says how to send one: a client that got
its credentials wrong learns it at once instead of being served, and throttled, as anonymous.
A request without any of these is anonymous.
"""

from django.conf import settings
from rest_framework import authentication, exceptions

from claimcheck.accounts import selectors as key_selectors
from claimcheck.accounts import services as key_services
from claimcheck.accounts.admin_site import is_verified, staff_2fa_required

SCHEMES = ("Bearer", "Api-Key")
CHALLENGE = ", ".join(f'{scheme} realm="api"' for scheme in ("Api-Key", "Bearer"))
HOW = 'Send the key as "Authorization: Bearer <key>" (or "Authorization: Api-Key <key>").'


def _refused(message, code="authentication_failed"):
    return exceptions.AuthenticationFailed(f"{message} {HOW}", code=code)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            if "HTTP_X_API_KEY" in request.META or "api_key" in request.query_params:
                raise _refused("An API key is read only from the Authorization header.")
            return None
        scheme, _, value = header.partition(" ")
        if scheme.lower() not in {known.lower() for known in SCHEMES}:
            raise _refused(
                "This API does not accept that Authorization scheme.",
                code="unsupported_auth_scheme",
            )
        value = value.strip()
        key = None
        if value and len(value) <= 200 and value.isascii() and "\x00" not in value:
            key = key_selectors.api_key_authenticate(plaintext=value)
        if key is None:
            raise _refused("The API key is not valid, or was revoked.")
        key_services.api_key_record_use(key=key)
        return key.user, key

    def authenticate_header(self, request):
        return CHALLENGE


class StaffSessionAuthentication(authentication.SessionAuthentication):
    """A signed-in staff member's session, verified with a TOTP code when staff 2FA is
    required (as for the admin). Other signed-in users are anonymous here."""

    def authenticate(self, request):
        # Only look the session up when there is one (anonymous readers cost no query).
        if settings.SESSION_COOKIE_NAME not in request._request.COOKIES:
            return None
        result = super().authenticate(request)
        if result is None or not result[0].is_staff:
            return None
        if staff_2fa_required() and not is_verified(result[0]):
            return None  # signed in without the second factor: not a staff session here
        return result
