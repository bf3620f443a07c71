"""A Redis cache that degrades to "no cache" instead of failing when Redis is unreachable.

Pages, the content version and API throttle counters all live in the shared cache. If Redis
goes away, every read becomes a miss and every write a no-op, so the site keeps answering
(uncached, from the database) and recovers by itself when Redis comes back: redis-py opens a
new connection on the next call. The failure is logged once per outage, not once per request.
Short socket timeouts (settings.CACHES OPTIONS) keep a dead Redis from stalling a request.
"""

import logging
import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _Outage:
    """Log the first failure and the recovery, once each, per process."""

    def __init__(self):
        self.down = False
        self.lock = threading.Lock()

    def failed(self, operation, error):
        with self.lock:
            if not self.down:
                self.down = True
                logger.error(
                    "cache unavailable, serving uncached: %s %s",
                    operation,
                    error.__class__.__name__,
                )

    def succeeded(self):
        if self.down:
            with self.lock:
                if self.down:
                    self.down = False
                    logger.warning("cache available again")


outage = _Outage()


def _guarded(name, fallback):
    parent = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        try:
            result = parent(self, *args, **kwargs)
        except UNAVAILABLE as error:
            outage.failed(name, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        outage.succeeded()
        return result

    method.__name__ = name
    return method


def _default(key, default=None, *args, **kwargs):
    return default


def _incr_missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (cache unavailable)")


class ReusingRedisClient(RedisCacheClient):
    """Django builds a new redis.Redis object for every cache call, and redis-py's
    constructor fills a table of ~170 response callbacks each time: measured here at about a
    third of a cached page's time (two cache calls per page). The client is thread-safe
    over its connection pool, so build one per pool and reuse it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class FailSoftRedisCache(RedisCache):
    """RedisCache whose connection errors become misses (reads) and no-ops (writes)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisClient  # RedisCache sets its own client class here

    get = _guarded("get", _default)
    set = _guarded("set", None)
    add = _guarded("add", False)
    delete = _guarded("delete", False)
    touch = _guarded("touch", False)
    has_key = _guarded("has_key", False)
    get_many = _guarded("get_many", {})
    set_many = _guarded("set_many", [])
    delete_many = _guarded("delete_many", None)
    clear = _guarded("clear", False)
    incr = _guarded("incr", _incr_missing)
    get_or_set = _guarded(
        "get_or_set", lambda key, default, *a, **k: default() if callable(default) else default
    )
