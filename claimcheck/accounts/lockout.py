"""Sign-in lockout (django-axes): which client address a failed sign-in is counted against.

Axes counts failures per username and address. The address is REMOTE_ADDR, or with
TRUSTED_PROXIES=n the n-th address from the right of X-Forwarded-For (the one our own proxy
appended), the same rule as the API's rate limits; a client that forges X-Forwarded-For
therefore stays in its own bucket. Anything that is not an IP address is ignored, because the
attempt tables store a real address (PostgreSQL `inet`).
"""

import ipaddress

from django.conf import settings


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
