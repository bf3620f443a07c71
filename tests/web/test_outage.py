"""A real database outage (issue #7): the app's connection runs through a TCP proxy in front
of the test PostgreSQL; cutting the proxy is, for the app, the database going away (open
connections die, new ones are refused). Nothing is mocked and the machine's PostgreSQL keeps
running for everyone else. PostgreSQL only: on SQLite there is no server to lose."""

import socket
import threading

import pytest
from django.db import close_old_connections, connection

from ..factories import EvidenceLinkFactory, ReviewerFactory
from ..redis_server import production_caches

pytestmark = pytest.mark.django_db(transaction=True)


class Proxy:
    """A TCP forwarder on a free local port that can be cut and restored on the same port."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.port = None
        self.listener = None
        self.sockets = []
        self.lock = threading.Lock()

    def start(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port or 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        """The database goes away: stop listening and kill every open connection."""
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            server = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Browser:
    """The test client with the request cycle of a real server: Django's test client skips
    the request_started/finished hooks that close unusable connections, so call them."""

    def __init__(self, client):
        self.client = client

    def get(self, url):
        close_old_connections()  # request_started
        try:
            return self.client.get(url)
        finally:
            close_old_connections()  # request_finished


@pytest.fixture
def database_behind_proxy(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the outage test needs PostgreSQL (DATABASE_URL=postgres://...)")
    original = dict(connection.settings_dict)
    proxy = Proxy(original["HOST"] or "127.0.0.1", int(original["PORT"] or 5432))
    proxy.start()
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", proxy.port
    yield proxy
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = (
        original["HOST"],
        original["PORT"],
    )


@pytest.fixture
def redis_cache(settings, redis_server):
    """Production's cache: with Redis holding the content version, cached pages need no
    database. (Without Redis the version is in the database, so every page needs it.)"""
    settings.CACHES = production_caches(redis_server.url)
    yield
    from claimcheck import freshness

    freshness.watcher.stop()


def test_database_outage_answers_503_fast_keeps_cached_pages_and_recovers_without_restart(
    client, system_user, database_behind_proxy, redis_cache
):
    from django.core.cache import cache

    client = Browser(client)
    from claimcheck.claims import services

    cache.clear()
    claim = EvidenceLinkFactory().claim
    services.claim_submit_for_review(claim=claim, by=system_user)
    services.claim_publish(claim=claim, by=system_user, reviewer=ReviewerFactory())
    cached_url, uncached_url = claim.get_absolute_url(), claim.subject.get_absolute_url()
    assert client.get(cached_url).status_code == 200  # now in the page cache
    assert client.get("/readyz").status_code == 200

    database_behind_proxy.cut()
    # "Fast" is the connect timeout's job (a refused connection fails at once; one that hangs
    # gives up after connect_timeout); bench/ holds the timings, this test holds the setting.
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] <= 2
    response = client.get(uncached_url)
    assert response.status_code == 503
    assert b"try again" in response.content.lower() or b"unavailable" in response.content.lower()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["failed"] == ["database"]
    assert client.get(cached_url).status_code == 200  # cached anonymous pages keep serving

    database_behind_proxy.start()  # the database is back, on the same address (listening)
    # The next request recovers: the dead connection is dropped and a new one made.
    assert client.get(uncached_url).status_code == 200
    assert client.get("/readyz").status_code == 200


def test_a_visitor_with_a_session_cookie_gets_the_503_page_too(
    client, database_behind_proxy, django_user_model, staff_login
):
    """The session, the signed-in user and the two-factor device are read by middleware
    before any view runs: an outage there is the same friendly 503, not a 500 (F5)."""
    staff = django_user_model.objects.create_superuser("boss", "boss@example.org", "x" * 16)
    staff_login(client, staff)
    # As a server answers: an exception becomes the handler's response (the test client
    # would otherwise raise it to the test).
    client.raise_request_exception = False
    stale = Browser(type(client)(raise_request_exception=False))
    stale.client.cookies["sessionid"] = "no-such-session-key-0123456789abcdef"
    signed_in = Browser(client)
    assert signed_in.get("/search/?q=zz").status_code == 200

    database_behind_proxy.cut()
    for browser, url in ((stale, "/search/?q=zz"), (signed_in, "/search/?q=zz")):
        response = browser.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
    admin = signed_in.get("/admin/")
    assert admin.status_code == 503
    api = Browser(type(client)(raise_request_exception=False))
    api.client.cookies["sessionid"] = "no-such-session-key-0123456789abcdef"
    answer = api.get("/api/v1/claims/")
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "service_unavailable"
    database_behind_proxy.start()
