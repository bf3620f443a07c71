"""Who is calling: a partner's API key (`Authorization: Api-Key <key>`) or a staff member's
browser session (with CSRF on unsafe methods). There is no Basic or token-in-URL auth; any
other Authorization scheme is ignored, so the request is anonymous."""

from django.conf import settings
from rest_framework import authentication, exceptions

from claimcheck.accounts import selectors as key_selectors
from claimcheck.accounts import services as key_services
from claimcheck.accounts.admin_site import is_verified, staff_2fa_required

SCHEME = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != SCHEME.lower():
            return None
        value = value.strip()
        key = None
        if value and len(value) <= 200 and value.isascii() and "\x00" not in value:
            key = key_selectors.api_key_authenticate(plaintext=value)
        if key is None:
            raise exceptions.AuthenticationFailed("The API key is not valid, or was revoked.")
        key_services.api_key_record_use(key=key)
        return key.user, key

    def authenticate_header(self, request):
        return f'{SCHEME} realm="api"'


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
