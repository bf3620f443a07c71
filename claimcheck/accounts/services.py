"""Writes for API keys: create (the only moment the full key exists), revoke, record use;
and self-serve read keys, asked for with an e-mail address and confirmed by a signed link."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from claimcheck.claims import roles

from . import ratelimits
from .models import KEY_SCHEME, ApiKey

logger = logging.getLogger(__name__)

SECRET_BYTES = 32  # 256 bits: a fast hash is enough, nothing to brute-force
USE_RECORD_INTERVAL = timedelta(minutes=5)  # last_used_at is written at most this often


def _check_writer(user, can_write):
    """A write key acts as its account, and the services check that account's role: a write
    key for an account that may not draft claims would only ever be refused."""
    if can_write and not roles.can(user, "claims.add_claim"):
        raise ValidationError(
            {"can_write": f"{user} may not draft claims: add the account to the Editor group."}
        )


def hash_key(plaintext):
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, by, name, user, can_write=False, email="", link_nonce=""):
    """Create a key; returns (key, plaintext). The plaintext is never stored: show it once.
    `email` and `link_nonce` are set only for self-serve keys (api_key_issue_from_link)."""
    _check_writer(user, can_write)
    for _ in range(5):
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    plaintext = f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    key = ApiKey(
        name=name,
        user=user,
        can_write=can_write,
        prefix=prefix,
        hashed_key=hash_key(plaintext),
        email=email,
        link_nonce=link_nonce,
    )
    key.full_clean()
    key._history_user = by
    key.save()
    return key, plaintext


@transaction.atomic
def api_key_update(*, by, key, name, can_write):
    """Rename a key or change its write permission (the secret and account never change)."""
    _check_writer(key.user, can_write)
    changed = [f for f, v in (("name", name), ("can_write", can_write)) if getattr(key, f) != v]
    if changed:
        key.name, key.can_write = name, can_write
        key.full_clean()
        key._history_user = by
        key.save(update_fields=changed)
    return key


@transaction.atomic
def api_key_revoke(*, by, key):
    """Revoke at once: the next request with the key is refused. Revoking twice is a no-op."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key._history_user = by
        key._change_reason = "Revoked"
        key.save(update_fields=["revoked_at"])
    return key


def api_key_record_use(*, key, now=None):
    """Note when a key was last used, writing at most once per USE_RECORD_INTERVAL (an
    UPDATE per request would cost more than the read it authenticates). No history row."""
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= USE_RECORD_INTERVAL:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


# Self-serve read keys ---------------------------------------------------------------------
#
# A developer gives an e-mail address; we send a signed link that expires after
# API_KEY_LINK_HOURS. Opening it shows a confirmation page; its POST issues one read key,
# shown once. The link carries a random nonce stored on the key it issued (unique in the
# database), so it cannot issue a second. A "manage my keys" link, signed the same way with
# another salt, lists the address's keys with a revoke button each. Nothing is stored until a
# key is issued: an address that never confirms leaves no trace.

ISSUE_SALT = "claimcheck.accounts.api_key.issue"
MANAGE_SALT = "claimcheck.accounts.api_key.manage"
SELF_SERVE_USERNAME = "claimcheck-self-serve"


class SelfServeError(Exception):
    """A self-serve request or link that cannot be honoured; `code` says why (the page maps
    it to a status): invalid, expired, used, limit, rate_limited, unknown_key."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def self_serve_user():
    """The account self-serve keys act as: active (a key of an inactive account is refused),
    without a password, staff status or any group, so its keys can only read."""
    user, created = get_user_model().objects.get_or_create(
        username=SELF_SERVE_USERNAME,
        defaults={"first_name": "Self-serve", "last_name": "API keys"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _normalize(email):
    """One address, one limit: case does not make another address here."""
    return email.strip().lower()


def _site_url():
    return settings.SITE_URL or f"https://{settings.ALLOWED_HOSTS[0]}"


def _count_request(email, address):
    """Count a link request against the address and the client IP (both, even when one
    refuses, so a client cycling addresses still spends its IP's allowance); refuse over
    either. Counted in the database while Redis is down: each request sends an e-mail."""
    hits = []
    for key, rate in (
        (f"api-key-request:email:{email}", settings.API_KEY_REQUEST_RATE),
        (f"api-key-request:ip:{address}", settings.API_KEY_REQUEST_RATE_IP),
    ):
        limit, window = ratelimits.parse_rate(rate)
        hits.append(ratelimits.hit(key, limit=limit, window=window, fail_open=False))
    if not all(hit.allowed for hit in hits):
        raise SelfServeError(
            "rate_limited",
            "Too many key requests from this address. Please try again in an hour.",
        )


def _send_link(*, email, address, payload, salt, url_name, subject, body):
    """Count the request, sign `payload` into a link to `url_name`, and mail `body` (with
    {link} and {hours} filled in) to the address after the caller's transaction commits."""
    _count_request(email, address)
    token = signing.dumps(payload, salt=salt)
    link = _site_url() + reverse(url_name, args=[token])
    body = body.format(link=link, hours=_hours())

    def send():
        # A relay failure is logged; the developer can ask again.
        try:
            mail.send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        except OSError:
            logger.exception("Could not send a self-serve API key e-mail")

    transaction.on_commit(send)
    return link


def _hours():
    return settings.API_KEY_LINK_HOURS


def api_key_request(*, email, address):
    """Send `email` a link that issues one read key when confirmed. Rate-limited per address
    and per client IP (`address`); returns the link (for the sender's tests and logs only:
    the page never shows it, or anyone could issue keys for any address). Not atomic: it
    stores nothing but its rate counters, and a refused request must stay counted."""
    email = _normalize(email)
    return _send_link(
        email=email,
        address=address,
        payload={"e": email, "n": secrets.token_hex(16)},
        salt=ISSUE_SALT,
        url_name="web:developer-key-confirm",
        subject="Your ClaimCheck API key: confirm your address",
        body=(
            "Someone, probably you, asked for a ClaimCheck API read key for this address.\n\n"
            "Open this link to confirm and see your key (valid {hours} hours, once):\n\n"
            "  {link}\n\n"
            f"Each address may hold {settings.API_KEY_SELF_SERVE_LIMIT} active keys. "
            "If you did not ask for a key, ignore this message: nothing happens.\n"
        ),
    )


def api_key_manage_request(*, email, address):
    """Send `email` a link to the page that lists its self-serve keys and revokes them.
    Counted with key requests; returns the link, like api_key_request."""
    email = _normalize(email)
    return _send_link(
        email=email,
        address=address,
        payload={"e": email},
        salt=MANAGE_SALT,
        url_name="web:developer-keys-manage",
        subject="Manage your ClaimCheck API keys",
        body=(
            "Someone, probably you, asked to manage the ClaimCheck API keys of this address.\n\n"
            "This link lists them and revokes them (valid {hours} hours):\n\n"
            "  {link}\n\n"
            "If you did not ask, ignore this message.\n"
        ),
    )


def _read_link(token, *, salt):
    try:
        return signing.loads(token, salt=salt, max_age=timedelta(hours=_hours()))
    except signing.SignatureExpired as error:
        raise SelfServeError(
            "expired",
            f"This link has expired (links are valid {_hours()} hours). Ask for a new one.",
        ) from error
    except signing.BadSignature as error:
        raise SelfServeError(
            "invalid",
            "This link is not valid: it may have been cut short when it was copied. "
            "Copy the whole link from the e-mail, or ask for a new one.",
        ) from error


def api_key_link_email(*, token, manage=False):
    """The address a confirmation (or, with `manage`, a manage) link was sent to; raises
    SelfServeError if it is tampered with or expired, or (confirmation) was used."""
    payload = _read_link(token, salt=MANAGE_SALT if manage else ISSUE_SALT)
    if not manage and ApiKey.objects.filter(link_nonce=payload["n"]).exists():
        raise _used()
    return payload["e"]


def _used():
    return SelfServeError(
        "used",
        "This link was already used: it issued a key, which was shown once. If you lost the "
        "key, revoke it from the manage page and ask for a new one.",
    )


@transaction.atomic
def api_key_issue_from_link(*, token):
    """Issue the read key a confirmation link promises; returns (key, plaintext). Refused if
    the link is tampered with, expired or used, or the address already holds
    API_KEY_SELF_SERVE_LIMIT active self-serve keys."""
    payload = _read_link(token, salt=ISSUE_SALT)
    email, nonce = payload["e"], payload["n"]
    user = self_serve_user()
    # Serialize self-serve issuing (rare), so two links confirmed at once cannot both pass
    # the limit below.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiKey.objects.filter(link_nonce=nonce).exists():
        raise _used()
    active = ApiKey.objects.filter(email=email, revoked_at__isnull=True).count()
    if active >= settings.API_KEY_SELF_SERVE_LIMIT:
        raise SelfServeError(
            "limit",
            f"This address already holds {active} active keys, the most we issue to one "
            "address. Revoke one from the manage page, then ask again.",
        )
    try:
        with transaction.atomic():
            return api_key_create(
                by=user,
                name=f"Self-serve read key for {email}",
                user=user,
                email=email,
                link_nonce=nonce,
            )
    except IntegrityError as error:  # the same link confirmed twice at once
        raise _used() from error


@transaction.atomic
def api_key_revoke_from_link(*, token, prefix):
    """Revoke the self-serve key with `prefix` of the address a manage link names; returns
    it. Another address's key, or a staff-issued one, is unknown here."""
    email = api_key_link_email(token=token, manage=True)
    key = ApiKey.objects.filter(email=email, prefix=prefix).first()
    if key is None:
        raise SelfServeError("unknown_key", "This address holds no key with that prefix.")
    return api_key_revoke(by=self_serve_user(), key=key)
