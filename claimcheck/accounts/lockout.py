"""Sign-in lockout (django-axes): which client address a failed sign-in is counted against.

Axes counts failures per username and address. The address is REMOTE_ADDR, or with
TRUSTED_PROXIES=n the n-th address from the right of X-Forwarded-For (the one our own proxy
appended), the same rule as the API's rate limits; a client that forges X-Forwarded-For
therefore stays in its own bucket. Anything that is not an IP address is ignored, because the
attempt tables store a real address (PostgreSQL `inet`).
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import PermissionDenied


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address to count sign-in failures against, or None (no address at all)."""
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return _valid(hops[-proxies]) or remote
    return remote


class AcrossAddressesBackend:
    """Slow, distributed guessing: django-axes locks one username at one address after five
    failures, so a guesser with many addresses gets five tries at each. This backend (after
    axes, before the password check) refuses every sign-in for a username that has failed
    USERNAME_FAILURE_LIMIT times within the cool-off, counted over all addresses from axes's
    own records. Trade-off: someone who knows a staff username can keep that account from
    signing in for the cool-off; an administrator lifts it by deleting the attempts."""

    def authenticate(self, request, username=None, **credentials):
        if username and _failures_across_addresses(username) >= settings.USERNAME_FAILURE_LIMIT:
            raise PermissionDenied("Too many failed sign-ins for this account.")
        return None  # no opinion: the next backend checks the password

    # No get_user(): sessions are never this backend's (like axes's own backend).


def _failures_across_addresses(username):
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start")
    )["failures"]
    return total or 0
