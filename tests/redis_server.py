"""A throwaway redis-server on a free port, for tests of what the app does with real Redis
(pub/sub, pipelines, outages). Started per test by the `redis_server` fixture (conftest)."""

import shutil
import socket
import subprocess
import time

import pytest
import redis

WAIT = 10  # seconds any state change may take at most before a test fails


def production_caches(location):
    """CACHES as production sets them: the fail-soft Redis backend at `location`, with the
    short timeouts that keep an outage from stalling a request."""
    return {
        "default": {
            "BACKEND": "claimcheck.web.cachebackend.FailSoftRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }


class RedisServer:
    def __init__(self, directory):
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for these tests (apt-get install redis-server)"
        self.binary, self.directory = binary, directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - a fixed local binary and arguments
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        until(lambda: _pings(client), "redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=WAIT)

    def reads(self):
        """GET and MGET commands the server has processed so far: version, page, answer and
        document reads (the rate-limit counter is one EVALSHA; health checks PING)."""
        stats = redis.Redis.from_url(self.url).info("commandstats")
        return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("get", "mget"))


def _pings(client):
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def until(condition, message, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(message)
