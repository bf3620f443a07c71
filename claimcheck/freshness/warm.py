"""Warm after a change: the pages and API documents a committed change made stale are built
again before readers ask for them.

Every committed public change moves the one content version, so every cached page and
document is stale at once. Right after the commit, one warm pass requests, through the whole
WSGI stack as a reader would (so exactly what a reader would be served is what gets kept):

1. the claims the change touched (their page and API detail), first;
2. the home page, the claim list of the API, the feed and the sitemap;
3. every other published claim, most recently changed first, up to settings.WARM_CLAIMS;
4. the open-data zip.

A pass stops as soon as the version moves again (the next change's pass takes over), and
only one pass runs per version (a lock in the cache). Where it runs (WARM_AFTER_CHANGE):

- "worker": a job on the queue (claimcheck.freshness.tasks.warm_after_change). With Redis the
  page cache is shared, so what the worker builds serves every web process.
- "thread": a daemon thread in the web process whose request committed the change. Without
  Redis each process caches for itself, so only a pass in that process helps (the embedded
  default, where runserver is one process; a command's changes warm nothing).
- "off".

The requests carry `claimcheck.warming` in their WSGI environ (no client can send that name:
headers arrive as HTTP_*), so the API does not count them against anyone's rate limit.
"""

import contextlib
import functools
import io
import logging
import sys
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.urls import reverse

logger = logging.getLogger(__name__)

ENVIRON_KEY = "claimcheck.warming"
LOCK_SECONDS = 3600
CHECK_EVERY = 20  # requests between two looks at whether the version has moved
# Models whose saves name the claims they touch (the others only move the version).
_CLAIM_FIELD = {
    "claims.claim": "pk",
    "claims.rating": "claim_id",
    "claims.verdictchange": "claim_id",
    "claims.evidencelink": "claim_id",
    "claims.claimappearance": "claim_id",
}

_pending = threading.local()


def note(instance):
    """Signal side (freshness.on_content_saved): remember the claim a saved object belongs to,
    and send one warm pass after the transaction commits."""
    if settings.WARM_AFTER_CHANGE == "off":
        return
    touched = getattr(_pending, "claims", None)
    if touched is None:
        touched = _pending.claims = set()
    field = _CLAIM_FIELD.get(instance._meta.label_lower) if instance is not None else None
    if field is not None and getattr(instance, field, None) is not None:
        touched.add(getattr(instance, field))
    # Each save moves the version after the commit (freshness.bump); only the callback of the
    # last save sends the pass, so it runs after the last move and warms the final version.
    _pending.generation = generation = getattr(_pending, "generation", 0) + 1
    transaction.on_commit(functools.partial(_flush, generation))


def _flush(generation):
    """After a commit: send the pass once for however many saves the transaction made."""
    if generation != _pending.generation:
        return
    claims = sorted(_pending.claims)
    _pending.claims = set()
    send(claims)


def send(claim_ids):
    mode = settings.WARM_AFTER_CHANGE
    if mode == "worker":
        from .tasks import warm_after_change

        try:
            warm_after_change.delay(list(claim_ids))
        except Exception:  # noqa: BLE001 - the change stands; the first readers build the pages
            logger.warning("warm: the job could not be queued", exc_info=True)
    elif mode == "thread" and _in_request():
        threading.Thread(
            target=_in_thread, args=(list(claim_ids),), name="warm", daemon=True
        ).start()


def _in_request():
    """Whether this process serves requests: a command's or a migration's in-process cache
    dies with it, so a pass there would build nothing any reader gets."""
    from . import _scope

    return _scope.get() is not None


def _in_thread(claim_ids):
    from django.db import connections

    try:
        run(claim_ids)
    except Exception:  # noqa: BLE001 - a failed pass costs only cold pages
        logger.warning("warm: pass failed", exc_info=True)
    finally:
        connections.close_all()


def paths(claim_ids):
    """The addresses of one pass, in order (see the module's docstring)."""
    from claimcheck.claims.models import Claim

    published = Claim.objects.filter(status=Claim.Status.PUBLISHED)
    touched = list(published.filter(pk__in=claim_ids).values_list("slug", "subject__slug"))
    first = [slug for slug, _ in touched]
    rest = (
        published.exclude(pk__in=claim_ids)
        .order_by("-updated_at", "pk")
        .values_list("slug", flat=True)[: max(settings.WARM_CLAIMS - len(first), 0)]
    )
    out = []
    for slug in first:
        out += _claim_paths(slug)
    out += [
        reverse("web:subject", args=[s]) for s in dict.fromkeys(subject for _, subject in touched)
    ]
    out += [
        reverse("web:home"),
        reverse("api:claims"),
        reverse("web:feed"),
        reverse("web:sitemap"),
    ]
    for slug in rest:
        out += _claim_paths(slug)
    # Last: the zip takes seconds to build and is fetched far less than any page.
    return [*out, reverse("web:open-data-zip")]


def _claim_paths(slug):
    return [reverse("web:claim", args=[slug]), reverse("api:claim", args=[slug])]


def run(claim_ids, *, should_stop=None):
    """One pass for the current version; returns (version, pages requested, outcome) where
    outcome is "done", "superseded" (the version moved), "stopped", "already" (another pass
    has this version) or "no address" (nothing says which host readers use)."""
    from django.core.handlers.wsgi import WSGIHandler

    from claimcheck import freshness

    version = freshness.current()
    origin = _origin()
    if origin is None:
        logger.warning("warm: no SITE_URL and no plain host in ALLOWED_HOSTS to ask as")
        return version, 0, "no address"
    if not cache.add(f"warming:{version:x}", 1, LOCK_SECONDS):
        return version, 0, "already"
    handler = WSGIHandler()
    done = 0
    with _connection_kept():
        for path in paths(claim_ids):
            if done % CHECK_EVERY == 0 and done:
                if freshness.current() != version:
                    return version, done, "superseded"
                if should_stop is not None and should_stop():
                    return version, done, "stopped"
            _get(handler, origin, path)
            done += 1
    return version, done, "done"


@contextlib.contextmanager
def _connection_kept():
    """Each request's start and end close this thread's database connection when it is
    obsolete, and one inside a transaction always is: a pass run eagerly within a transaction
    (JOBS_EAGER in a shell, a test) keeps it open, as Django's test client does."""
    if not connection.in_atomic_block:
        yield
        return
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _origin():
    """The address readers use: SITE_URL, else https:// and the first allowed host that is a
    plain name (not "*" or ".example.org"), else None."""
    if settings.SITE_URL:
        return urlsplit(settings.SITE_URL)
    for host in settings.ALLOWED_HOSTS:
        if host and "*" not in host and not host.startswith("."):
            return urlsplit(f"https://{host}")
    return None


def _get(handler, origin, path):
    """GET `path` through the whole stack as an anonymous reader of `origin` would."""
    secure = origin.scheme == "https"
    port = str(origin.port or (443 if secure else 80))
    media = "application/json" if path.startswith("/api/") else "text/html"
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": origin.hostname or "localhost",
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": origin.netloc,
        "HTTP_ACCEPT": media,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": origin.scheme or "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        ENVIRON_KEY: True,
    }
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header and secure:
        environ[proxy_header[0]] = proxy_header[1]
    status = []
    body = handler(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        for _chunk in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()
    if status and not status[0].startswith(("200", "304")):
        logger.info("warm: %s answered %s", path, status[0])
