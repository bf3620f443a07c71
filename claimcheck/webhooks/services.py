"""Every write of the webhooks app: endpoints, the fan-out of events and delivery attempts.

Signing (the developers page shows how to verify it): each POST carries
`ClaimCheck-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
endpoint's secret>`. A receiver recomputes it over the raw body, compares in constant time,
and refuses a `t` more than five minutes away from its clock (a replayed delivery).
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from claimcheck.claims.models import Claim, VerdictChange

from .models import Attempt, Cursor, Delivery, Endpoint, Event

MAX_ATTEMPTS = 8  # then the delivery is failed (30 s, 1, 2, 4, 8, 16, 32 min between tries)
FIRST_RETRY = 30  # seconds; doubled after each failure
LEASE = timedelta(minutes=5)  # a queued attempt's hold on its delivery
BATCH = 500  # history rows one fan-out reads at most
MAX_ENDPOINTS_PER_KEY = 10
SIGNATURE_HEADER = "ClaimCheck-Signature"


# Endpoints


def _check_url(url):
    URLValidator(schemes=["https", "http"])(url)
    parts = urlsplit(url)
    if parts.scheme != "https" and not settings.WEBHOOKS_ALLOW_PLAIN_HTTP:
        raise ValidationError({"url": "Webhook addresses must use https://."})
    if parts.username or parts.password:
        raise ValidationError({"url": "Put no user name or password in the address."})
    refused = _refused_address(parts.hostname)
    if refused:
        raise ValidationError({"url": refused})


def _refused_address(host):
    """Why deliveries to `host` are refused, or "": addresses inside a private network
    (loopback, private ranges, link-local, the cloud metadata address) are, so a partner
    cannot make the site call its own network."""
    if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        return ""
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return f"The host {host} does not resolve."
    for address in found:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            return f"The host {host} is inside a private network ({address})."
    return ""


def _check_events(events):
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        raise ValidationError({"events": "Give the events as a list of names."})
    known = set(Event.values)
    unknown = [e for e in events if e not in known]
    if unknown:
        raise ValidationError(
            {"events": f"Unknown event {unknown[0]!r}; the events are {', '.join(Event.values)}."}
        )
    return sorted(set(events))


def endpoint_check(*, key, url, events):
    """What endpoint_create refuses, as field errors (forms show them before saving);
    returns the events, sorted and without repeats."""
    if key.revoked_at is not None:
        raise ValidationError({"api_key": "This API key is revoked."})
    _check_url(url)
    events = _check_events(events)
    if Endpoint.objects.filter(api_key=key).count() >= MAX_ENDPOINTS_PER_KEY:
        raise ValidationError(f"A key may register at most {MAX_ENDPOINTS_PER_KEY} endpoints.")
    if Endpoint.objects.filter(api_key=key, url=url).exists():
        raise ValidationError({"url": "This key already registered this address."})
    return events


@transaction.atomic
def endpoint_create(*, key, url, events=(), description=""):
    """Register `url` for `key`; returns (endpoint, secret). The secret is shown only now."""
    events = endpoint_check(key=key, url=url, events=list(events))
    secret = "whsec_" + secrets.token_hex(24)
    endpoint = Endpoint(api_key=key, url=url, events=events, description=description, secret=secret)
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def endpoint_delete(*, endpoint):
    endpoint.delete()


@transaction.atomic
def endpoint_update(*, endpoint, events, description, active, reason=""):
    """Change what an endpoint receives, or pause it (its address and secret stay)."""
    endpoint.events = _check_events(events)
    endpoint.description = description
    endpoint.active = active
    endpoint.disabled_reason = "" if active else reason
    endpoint.full_clean()
    endpoint.save(update_fields=["events", "description", "active", "disabled_reason"])
    return endpoint


# The fan-out: the public history read in order, one delivery per event and endpoint


def _event_of(change):
    if change.kind == VerdictChange.Kind.PUBLISHED:
        return Event.PUBLISHED
    if change.kind == VerdictChange.Kind.RETRACTED:
        return Event.RETRACTED
    if change.old_verdict != change.new_verdict:
        return Event.VERDICT_CHANGED
    return Event.CHANGED


def _claim_data(claim):
    base = settings.SITE_URL
    return {
        "slug": claim.slug,
        "text": claim.text,
        "status": claim.status,
        "verdict": claim.shown_verdict or None,
        "score": claim.shown_score,
        "url": base + claim.get_absolute_url(),
        "api_url": base + reverse("api:claim", args=[claim.slug]),
    }


def _payload(event, event_id, claim, change=None):
    data = {"claim": _claim_data(claim)}
    if change is not None:
        data["change"] = {
            "kind": change.kind,
            "old_verdict": change.old_verdict or None,
            "new_verdict": change.new_verdict or None,
            "reason": change.reason,
            "changed_at": change.changed_at.isoformat(),
        }
    return {"id": str(event_id), "type": event, "created": timezone.now().isoformat(), "data": data}


@transaction.atomic
def events_fan_out(*, now=None):
    """Read the history written since the last fan-out and queue one delivery per event for
    every active endpoint that wants it (each event once per endpoint, however often this
    runs). Returns the number of deliveries created."""
    now = now or timezone.now()
    cursor, _ = Cursor.objects.get_or_create(id=1)
    cursor = Cursor.objects.select_for_update().get(id=1)
    endpoints = list(Endpoint.objects.filter(active=True, api_key__revoked_at__isnull=True))
    changes = list(
        VerdictChange.objects.filter(id__gt=cursor.last_verdict_change)
        .select_related("claim")
        .order_by("id")[:BATCH]
    )
    since = cursor.changed_since or now
    changed = list(
        Claim.objects.filter(
            status=Claim.Status.PUBLISHED, updated_at__gt=since, updated_at__lte=now
        ).exclude(verdict_history__changed_at__gt=since)
    )
    events = [(_event_of(c), f"history:{c.pk}", c.claim, c) for c in changes]
    events += [
        (Event.CHANGED, f"changed:{c.pk}:{c.updated_at.isoformat()}", c, None) for c in changed
    ]
    deliveries = []
    for event, source, claim, change in events:
        for endpoint in endpoints:
            if endpoint.wants(event):
                delivery = Delivery(
                    endpoint=endpoint, event=event, source=source, next_attempt_at=now
                )
                delivery.payload = _payload(event, delivery.event_id, claim, change)
                deliveries.append(delivery)
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    if changes:
        cursor.last_verdict_change = changes[-1].pk
    if len(changes) < BATCH:
        cursor.changed_since = now
    cursor.save()
    return len(deliveries)


@transaction.atomic
def deliveries_take_due(*, now=None, limit=200):
    """The ids of pending deliveries due now, each held for LEASE so the next sweep does not
    queue it again while its attempt waits in the queue."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    Delivery.objects.filter(id__in=due).update(next_attempt_at=now + LEASE)
    return due


# Attempts


def sign(secret, timestamp, body):
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is the receiver's answer (a failure), never followed


_opener = urllib.request.build_opener(_NoRedirects)


def _post(endpoint, delivery):
    """POST the delivery; returns (status code or None, error text)."""
    refused = _refused_address(urlsplit(endpoint.url).hostname)
    if refused:
        return None, refused
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - the scheme was checked (https, or http in tests)
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "ClaimCheck-Webhooks/1",
            "ClaimCheck-Event": delivery.event,
            "ClaimCheck-Delivery": str(delivery.event_id),
            SIGNATURE_HEADER: f"t={timestamp},v1={sign(endpoint.secret, timestamp, body)}",
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOKS_TIMEOUT) as response:
            response.read(1024)
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"answered {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"{type(reason).__name__}: {reason}"[:500]


def delivery_attempt(*, delivery_id, manual=False):
    """POST one delivery (outside any transaction: the receiver may be slow), then record
    the attempt. A 2xx answer delivers it; anything else (another status, a redirect, a
    timeout, a refused connection) schedules the next try with a doubled wait, until
    MAX_ATTEMPTS. Returns the delivery, or None when there was nothing to do (delivered or
    given up meanwhile)."""
    delivery = Delivery.objects.select_related("endpoint").filter(id=delivery_id).first()
    if delivery is None or (delivery.status != Delivery.Status.PENDING and not manual):
        return None
    endpoint = delivery.endpoint
    started = time.monotonic()
    if endpoint.active and endpoint.api_key.revoked_at is None:
        status_code, error = _post(endpoint, delivery)
    else:
        status_code, error = None, "The endpoint is disabled."
    took = int((time.monotonic() - started) * 1000)
    return _record(delivery, status_code, error, took, manual)


@transaction.atomic
def _record(delivery, status_code, error, took, manual):
    now = timezone.now()
    delivery = Delivery.objects.select_for_update().get(id=delivery.id)
    ok = status_code is not None and 200 <= status_code < 300
    if ok:
        error = ""
    elif status_code is not None and not error:
        error = f"answered {status_code}"
    Attempt.objects.create(
        delivery=delivery, status_code=status_code, error=error, duration_ms=took, manual=manual
    )
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    if ok:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS and not manual:
        delivery.status = Delivery.Status.FAILED
        delivery.next_attempt_at = None
    elif not manual or delivery.status == Delivery.Status.PENDING:
        delivery.status = Delivery.Status.PENDING
        wait = FIRST_RETRY * 2 ** max(delivery.attempts - 1, 0)
        delivery.next_attempt_at = now + timedelta(seconds=wait)
    delivery.save()
    return delivery


@transaction.atomic
def delivery_redeliver(*, delivery):
    """Staff's "deliver again": the delivery is queued now, whatever became of it."""
    delivery = Delivery.objects.select_for_update().get(id=delivery.id)
    delivery.status = Delivery.Status.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at"])
    return delivery
