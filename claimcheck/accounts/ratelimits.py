"""Rate-limit counters shared by every process of an install.

A limit is a counter that starts with a client's first request and ends `window` seconds
later. It lives in Redis when the default cache is Redis (one round trip: SET NX EX, INCR,
PTTL), otherwise in the database (`RateCounter`, one atomic upsert), so a client gets its
limit once per install, not once per worker process.

While Redis is unreachable a limit either fails open (`fail_open=True`: reads, whose cost is
bounded anyway) or is counted in the database instead (writes and CPU-heavy work: check
requests, the copy checker, API writes), so an outage never lifts the limits that protect the
database and the CPU.
"""

import logging
import math
import time
from dataclasses import dataclass
from itertools import count as counter

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router

from claimcheck.web import cachebackend

logger = logging.getLogger(__name__)

SWEEP_EVERY = 500  # database hits per process between deletions of ended windows


@dataclass(frozen=True)
class Hit:
    """This request's place in its client's window."""

    count: int
    limit: int
    reset_in: float  # seconds until the window ends (Redis' PTTL, or the row's window end)
    counted: bool = True  # False while Redis is down and the limit fails open: not known

    @property
    def allowed(self):
        return self.count <= self.limit

    @property
    def remaining(self):
        """Requests left in this window after this one."""
        return max(0, self.limit - self.count)

    @property
    def retry_after(self):
        """Whole seconds until a refused client may try again (at least 1)."""
        return max(1, math.ceil(self.reset_in))


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """(limit, window seconds) of a rate written as DRF writes them: "5/hour", "60/min"."""
    count, period = rate.split("/")
    return int(count), PERIODS[period[0]]


def check_request_key(address):
    """The one counter of check requests per client address, whichever interface they use."""
    return f"check-request:{address}"


def hit(key, *, limit, window, fail_open=True):
    """Count one request against `key` (at most `limit` per `window` seconds)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        try:
            found, reset_in = _in_redis(backend, key, window)
        except cachebackend.UNAVAILABLE as error:
            cachebackend.outage.failed("rate limit", error)
            if fail_open:
                return Hit(count=1, limit=limit, reset_in=window, counted=False)
            found, reset_in = _in_database(key, window)
        else:
            cachebackend.outage.succeeded()
    else:
        found, reset_in = _in_database(key, window)
    return Hit(count=found, limit=limit, reset_in=reset_in)


# One command and one reply per request: the count after this request and the milliseconds
# left in its window. A counter found without an expiry (none is ever written so, but a stray
# one would never reset) is given the window. As a pipeline of SET NX EX, INCR and PTTL this was
# three replies for redis-py to parse, which measured half of an API read served by the edge.
_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
    left = ARGV[1] * 1000
end
return {count, left}
"""
_script = []  # the registered script (EVALSHA, loaded again by redis-py if the server lost it)


def _in_redis(backend, key, window):
    name = backend.make_and_validate_key(key)
    client = backend._cache.get_client(name, write=True)
    if not _script:
        _script.append(client.register_script(_COUNT))
    found, left = _script[0](keys=[name], args=[window], client=client)
    return int(found), int(left) / 1000


_UPSERT = """
INSERT INTO accounts_ratecounter (key, window_ends, count) VALUES (%s, %s, 1)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN accounts_ratecounter.window_ends <= %s THEN 1
                 ELSE accounts_ratecounter.count + 1 END,
    window_ends = CASE WHEN accounts_ratecounter.window_ends <= %s THEN excluded.window_ends
                       ELSE accounts_ratecounter.window_ends END
RETURNING count, window_ends
"""

_hits = counter(1)


def _in_database(key, window):
    """One statement, atomic on SQLite and PostgreSQL alike: start a window or count in it."""
    from .models import RateCounter

    now = int(time.time() * 1000)
    connection = connections[router.db_for_write(RateCounter)]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key[:200], now + window * 1000, now, now])
        found, ends = cursor.fetchone()
        if next(_hits) % SWEEP_EVERY == 0:
            cursor.execute("DELETE FROM accounts_ratecounter WHERE window_ends < %s", [now])
    return found, (ends - now) / 1000
