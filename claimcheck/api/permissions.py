"""Access checks, in one place. Default deny (settings): every view names one of these."""

from rest_framework import permissions

from claimcheck.accounts.models import ApiKey


class DenyAll(permissions.BasePermission):
    """The default for a view that forgot to choose: nobody."""

    def has_permission(self, request, view):
        return False


def _not_offered(request, view):
    """A method the view does not define: let it through to the 405 that follows."""
    return not hasattr(view, request.method.lower())


class PublicRead(permissions.BasePermission):
    """Anyone may read (GET, HEAD, OPTIONS); any other method is 405 (not defined)."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or _not_offered(request, view)


class PublicCreate(permissions.BasePermission):
    """Anyone may POST (check requests, rate-limited by the view); other methods are 405."""

    def has_permission(self, request, view):
        return request.method in ("POST", "OPTIONS") or _not_offered(request, view)


def acting_key(request):
    return request.auth if isinstance(request.auth, ApiKey) else None


def is_staff_session(request):
    return acting_key(request) is None and request.user.is_authenticated and request.user.is_staff


def is_partner(request):
    key = acting_key(request)
    return key is not None and key.can_write


class Writer(permissions.BasePermission):
    """Writes: a write-enabled API key (a partner), or a staff session whose account holds the
    model permission the view names in `write_permission` (e.g. "claims.change_claim").
    Which objects a partner may touch is decided per object (its own drafts only)."""

    message = "This needs a write-enabled API key, or a staff account with permission."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or _not_offered(request, view):
            return True
        if is_partner(request):
            return True
        if is_staff_session(request):
            return request.user.has_perm(view.write_permission)
        return False


def may_see_unpublished(request):
    """Staff sessions and write-enabled keys can read drafts (partners only their own)."""
    return is_partner(request) or (
        is_staff_session(request) and request.user.has_perm("claims.view_claim")
    )


class KeyHolder(permissions.BasePermission):
    """Only an API key's own requests (webhook endpoints belong to a key): anonymous callers
    get a 401, staff sessions a 403."""

    message = "Webhook endpoints belong to an API key: send your key."

    def has_permission(self, request, view):
        return acting_key(request) is not None
