"""The content version: one number that changes whenever anything public may have changed.

Pages and API reads derive their ETag, Last-Modified and cache keys from it, so a published
change is visible on the next request. It must be one value for every process of an install
(web workers, management commands, a shell), or a worker keeps serving what another process
has retracted. Where it lives:

- **Without Redis** (the embedded default, and PostgreSQL without REDIS_URL): in the database,
  one row of `freshness.ContentVersion`, read with one primary-key query at most once per
  request (`RequestScope` keeps it for the rest of that request) and moved after every
  committed change. Everything keyed by it (pages, answers and documents in the per-process
  cache, the copy checker's index, the open-data zip) is therefore revalidated on every
  request, whichever process made the change.
- **With Redis**: in the shared cache. If the cache loses it, a new value is taken, which
  only costs a round of cache misses. Each worker process also keeps its own copy, pushed to
  it over Redis pub/sub (`Watcher`): a new version is announced when the change commits, and
  every subscribed worker re-reads the shared value. Reading the version then costs no round
  trip, and rendered pages, answers and documents can be kept in the process too (`local`),
  keyed by version. The window in which another worker still serves the previous version is
  the announcement's delivery time (well under a millisecond on one host; bench/README.md).
  Whenever a worker is not subscribed (Redis down, reconnecting, `CONTENT_VERSION_PUSH=0`) it
  reads the shared value on every request as before, and keeps nothing in the process.
"""

import contextvars
import gc
import logging
import os
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction

logger = logging.getLogger(__name__)

KEY = "claimcheck:content-version"
CHANNEL = "claimcheck:content-version:changed"


def in_redis():
    """Whether the version lives in the shared cache (Redis) rather than the database."""
    return isinstance(caches["default"], RedisCache)


def _shared():
    """The version in the shared cache, taking a new one if it is missing."""
    value = cache.get(KEY)
    if value is None:
        value = time.time_ns()
        if not cache.add(KEY, value, timeout=None):
            value = cache.get(KEY, value)
    return value


# Within a request, the database version is read once: a one-item list while a request is
# being answered (RequestScope), None outside requests (commands and shells read every time).
_scope = contextvars.ContextVar("claimcheck_content_version", default=None)


class RequestScope:
    """Middleware (first in the stack): the database version is read at most once per
    request, however many caches ask for it, and a change the request commits moves it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _scope.set([None])
        try:
            return self.get_response(request)
        finally:
            _scope.reset(token)


def _database_alias():
    from .models import ContentVersion

    return router.db_for_write(ContentVersion)


def _stored():
    """The version in the database, creating its row if it is missing (a flushed database)."""
    from .models import ContentVersion

    connection = connections[_database_alias()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM freshness_contentversion WHERE id = 1")
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    version, _ = ContentVersion.objects.using(connection.alias).get_or_create(
        id=1, defaults={"value": time.time_ns()}
    )
    return version.value


def _in_database():
    held = _scope.get()
    if held is None:
        return _stored()
    if held[0] is None:
        held[0] = _stored()
    return held[0]


def current():
    """The current version, an integer of nanoseconds since the epoch."""
    if not in_redis():
        return _in_database()
    pushed_version = watcher.get()
    return pushed_version if pushed_version is not None else _shared()


def bump():
    """Start a new version (after the transaction that changed content commits)."""
    transaction.on_commit(_new_version)


def bump_now():
    """Start a new version at once (outside any transaction: an operator's or a script's)."""
    _new_version()


def _new_version():
    if not in_redis():
        _move_stored()
        return
    value = time.time_ns()
    cache.set(KEY, value, timeout=None)
    watcher.announce(value)


def _move_stored():
    """Move the database version past both its old value and the clock, so it only grows
    (Last-Modified stays monotonic even if the clock steps back)."""
    from django.db.models import F, Value
    from django.db.models.functions import Greatest

    from .models import ContentVersion

    alias = _database_alias()
    now = time.time_ns()
    moved = ContentVersion.objects.using(alias).filter(id=1)
    if not moved.update(value=Greatest(F("value") + 1, Value(now))):
        ContentVersion.objects.using(alias).get_or_create(id=1, defaults={"value": now})
    held = _scope.get()
    if held is not None:
        held[0] = None  # this request reads the new version on its next look


def on_content_saved(sender, **kwargs):
    """Signal receiver: invalidation (and building again what it made stale, freshness.warm)
    is the only thing signals do here (STYLE.md)."""
    bump()
    from . import warm

    warm.note(kwargs.get("instance"))


def version_and_cached(key):
    """(version, the shared cache's value for `key` or None, whether `local` may be used):
    for the page cache, which wants both. With Redis and no push, one round trip fetches the
    version and the value together."""
    version, found, in_process = version_and_cached_many([key])
    return version, found.get(key), in_process


def version_and_cached_many(keys):
    """version_and_cached for several keys: (version, {key: value} of those the shared cache
    holds, whether `local` may be used, in which case nothing is fetched)."""
    if not in_redis():
        return _in_database(), cache.get_many(keys), False
    pushed_version = watcher.get()
    if pushed_version is not None:
        return pushed_version, {}, True
    found = cache.get_many([KEY, *keys])
    version = found.pop(KEY, None) or _shared()
    return version, found, False


class Watcher:
    """This process's copy of the content version, kept current by Redis pub/sub.

    A daemon thread per process subscribes to CHANNEL, reads the shared version once
    subscribed, and re-reads it on every announcement (the message carries nothing: the read
    after the last announcement always sees the last write). `get()` answers None, meaning
    "read the shared cache", until the subscription is confirmed and whenever it is lost; the
    thread reconnects by itself. A PING every HEALTH_CHECK seconds finds a silent connection.
    """

    RETRY = 0.5  # seconds between reconnection attempts
    HEALTH_CHECK = 2  # seconds

    def __init__(self):
        self.version = None
        self._pid = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def stop(self):
        """End the subscription (within HEALTH_CHECK seconds) and answer None from now on."""
        self._stopped.set()
        self.version = None

    def get(self):
        if self._pid != os.getpid():  # first use in this process (gunicorn forks workers)
            self._start()
        return self.version

    def announce(self, value):
        """After this process wrote a new version: use it here at once, and tell the others."""
        client = _redis()
        if client is None:
            return
        if self.version is not None:
            self.version = value
        try:
            client.publish(CHANNEL, b"")
        except Exception:  # noqa: BLE001 - Redis away: the others lost their subscription too
            logger.warning("content version not announced: cache unavailable")

    def _start(self):
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self.version = None
            if _redis() is None or self._stopped.is_set():
                return
            threading.Thread(target=self._run, name="content-version", daemon=True).start()

    def _run(self):
        self._lost = False
        while not self._stopped.is_set():
            try:
                self._listen(_redis())
            except Exception as error:  # noqa: BLE001 - any failure: fall back, then retry
                if not self._lost and not self._stopped.is_set():
                    logger.error(
                        "content version subscription lost, reading it per request: %s",
                        error.__class__.__name__,
                    )
                self._lost = True
            self.version = None
            self._stopped.wait(self.RETRY)

    def _listen(self, client):
        pubsub = client.pubsub()
        try:
            pubsub.subscribe(CHANNEL)
            key = cache.make_key(KEY)
            while not self._stopped.is_set():
                message = pubsub.get_message(timeout=self.HEALTH_CHECK)
                if message is None:
                    pubsub.ping()  # a dead connection raises here or on the next read
                elif message["type"] in ("subscribe", "message") and not self._stopped.is_set():
                    self.version = _read(client, key)
                    if message["type"] == "subscribe" and self._lost:
                        self._lost = False
                        logger.warning("content version subscription restored")
        finally:
            self.version = None
            pubsub.close()


def _read(client, key):
    raw = client.get(key)
    if raw is None:  # the shared cache lost it: take one, as current() would
        _shared()
        raw = client.get(key)
    if raw is None:
        raise ConnectionError("content version unavailable")
    return int(raw)  # Django's Redis serializer stores integers as plain digits


_clients = {}


def _redis():
    """A redis-py client for the default cache's server, or None when it is not Redis or the
    push is switched off (settings.CONTENT_VERSION_PUSH)."""
    if not getattr(settings, "CONTENT_VERSION_PUSH", True):
        return None
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    location = backend._servers[0]
    client = _clients.get(location)
    if client is None:
        import redis

        client = redis.Redis.from_url(
            location, socket_connect_timeout=0.25, socket_timeout=Watcher.HEALTH_CHECK + 1
        )
        _clients[location] = client
    return client


watcher = Watcher()


def restart_watcher(**kwargs):
    """Settings that decide where the version comes from changed (tests): start over."""
    global watcher
    if kwargs.get("setting") in (None, "CACHES", "CONTENT_VERSION_PUSH"):
        old, watcher = watcher, Watcher()
        old.stop()
        local.clear()


class LocalCache:
    """A small per-process LRU for things built from public content (pages, answers,
    documents), valid for one content version: it is emptied when the version moves on.
    Used only while the version is pushed (`Watcher`), so it is never staler than the
    version itself. Bounded by settings.LOCAL_CACHE_ITEMS (0 turns it off)."""

    def __init__(self):
        self._items = OrderedDict()
        self._version = None
        self._lock = threading.Lock()

    def get(self, version, key):
        with self._lock:
            if version != self._version:
                return None
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def clear(self):
        with self._lock:
            self._items.clear()
            self._version = None

    def __len__(self):
        return len(self._items)

    def set(self, version, key, value):
        limit = getattr(settings, "LOCAL_CACHE_ITEMS", 600)
        if limit <= 0:
            return
        with self._lock:
            if version != self._version:
                self._items.clear()
                self._version = version
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > limit:
                self._items.popitem(last=False)


local = LocalCache()


def pushed():
    """The version when this process holds it by push (so `local` may be used), else None."""
    return watcher.get() if in_redis() else None


DOCUMENT_TIMEOUT = 600  # seconds a document stays in the shared cache at most


def version_here():
    """(current version, whether it is pushed to this process, so `local` may be used)."""
    pushed_version = pushed()
    if pushed_version is not None:
        return pushed_version, True
    return current(), False


def document(name, build, *, timeout=DOCUMENT_TIMEOUT):
    """What `build()` returns, built once per content version and kept in the shared cache
    (and, while the version is pushed, in the process).

    For documents that only public content shapes (a claim's page data, its API detail):
    every worker reuses one build until anything public changes, so invalidation is exactly
    as fresh as the pages'. `name` must identify the document fully (claim slug, host, ...).
    `build` may raise (Http404): nothing is cached then. Callers must not mutate the result.
    """
    version, in_process = version_here()
    key = f"doc:{version:x}:{name}"
    if in_process:
        value = local.get(version, key)
        if value is not None:
            return value
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    if in_process:
        local.set(version, key, value)
    return value


def documents(names, build, *, timeout=DOCUMENT_TIMEOUT):
    """Many documents at once: `names` maps ids to document names, `build(missing_ids)`
    returns {id: document} for those not cached (one query for all of them, say). Returns
    {id: document}; an id that `build` leaves out is left out. At most one shared-cache round
    trip to read and one to write, however many there are."""
    version, in_process = version_here()
    keys = {pk: f"doc:{version:x}:{name}" for pk, name in names.items()}
    found = {}
    if in_process:
        for pk, key in keys.items():
            value = local.get(version, key)
            if value is not None:
                found[pk] = value
    missing = [pk for pk in keys if pk not in found]
    if missing:
        shared = cache.get_many([keys[pk] for pk in missing])
        fetched = {pk: shared[keys[pk]] for pk in missing if keys[pk] in shared}
        built = build([pk for pk in missing if pk not in fetched])
        if built:
            cache.set_many({keys[pk]: value for pk, value in built.items()}, timeout)
        for pk, value in (*fetched.items(), *built.items()):
            found[pk] = value
            if in_process:
                local.set(version, keys[pk], value)
    return found


class PerVersion:
    """A value built from the public content (the copy checker's index, search's lexicon),
    kept in the process and rebuilt by the first caller after the content version moves.

    With `freeze_after_build` on (a web worker: claimcheck.wsgi.prepare_worker), each build
    ends with gc.freeze(): at 100,000 claims such a value is millions of small objects, and
    the cyclic collector walking them on every full collection was the copy checker's p99
    (bench/copycheck_speed.py). Frozen objects are still freed by reference counting when the
    next version's value replaces them, which is all these acyclic structures need."""

    freeze_after_build = False

    def __init__(self, build):
        self._build = build  # build(version) -> the value
        self._lock = threading.Lock()
        self._held = None  # (version, value)

    def get(self):
        version = current()
        held = self._held
        if held is not None and held[0] == version:
            return held[1]
        with self._lock:
            if self._held is None or self._held[0] != version:
                self._held = None  # the old value goes before the new one is built
                self._held = (version, self._build(version))
                if PerVersion.freeze_after_build:
                    gc.freeze()
            return self._held[1]

    def reset(self):
        """Forget the value (tests that change content without a committed transaction)."""
        with self._lock:
            self._held = None
