"""One truth for every process (issue #13): gunicorn with two workers, and changes made by
another process (a `manage.py shell`, as a reviewer's script, an import or the other worker
would make them), seen through HTTP.

Each install is real: its own database (an SQLite file, or a PostgreSQL database when the
suite runs on PostgreSQL), migrated and loaded with the starter data by `manage.py`, served by
gunicorn, with and without a throwaway Redis. Which worker answered each request is read from
gunicorn's access log (the worker's pid), so "every worker" is shown, not assumed. Nothing is
timed: waits poll with generous bounds.
"""

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from ..redis_server import RedisServer, until

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PGREP = shutil.which("pgrep") or "/usr/bin/pgrep"
REQUESTS = 24  # per round, four at a time: both workers answer some of them (checked)
ANON_LIMIT = 10  # API_RATE_ANON for these installs, per minute


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Install:
    """A migrated install with the starter data, served by gunicorn --workers 2."""

    def __init__(self, directory, database_url, redis_url=""):
        self.directory = directory
        self.port = _free_port()
        self.log = directory / "access.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO")},
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "test-only-insecure-key",
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "API_RATE_ANON": f"{ANON_LIMIT}/min",
            # Clients are told apart by the address our "proxy" appends (X-Forwarded-For), so
            # the journey's requests come from many clients and the limit test from one.
            "TRUSTED_PROXIES": "1",
            "LOG_LEVEL": "WARNING",
            "STATIC_ROOT": str(directory / "static"),
        }
        self.process = None
        self.clients = itertools.count()

    def manage(self, *args):
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def shell(self, code):
        """Run `code` in another process, as a reviewer's script would."""
        return self.manage("shell", "--no-imports", "-c", code)

    def start(self):
        directory = self.directory
        self.manage("migrate", "--no-input")
        self.manage("load_starter_data")
        self.manage("collectstatic", "--no-input")
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "claimcheck.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--access-logfile",
                str(self.log),
                "--access-logformat",
                "%(p)s %(s)s %(U)s",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(directory / "gunicorn.log").open("w"),
            start_new_session=True,
        )
        until(lambda: self._answers("/healthz"), "gunicorn did not start", timeout=60)
        # Both workers booted: gunicorn names each in its children.
        until(lambda: len(self.workers()) == 2, "two workers did not start", timeout=60)

    def workers(self):
        found = subprocess.run(
            [PGREP, "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return {int(p) for p in found.stdout.split()}

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def _answers(self, path):
        try:
            return self.get(path)[0] == 200
        except OSError:
            return False

    def get(self, path, headers=None):
        """(status, headers) of one request on a new connection (so either worker takes it)."""
        client = f"203.0.113.{next(self.clients) % 200 + 1}"  # documentation addresses
        headers = {"X-Forwarded-For": client, **(headers or {})}
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                response.read()
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            error.read()
            return error.code, error.headers

    def round(self, path, headers=None):
        """REQUESTS requests for `path`: their statuses, ETags, and which workers answered
        with which statuses (from the access log)."""
        start = self.log.stat().st_size if self.log.exists() else 0
        # Four at a time: a sync worker busy with one leaves the next to the other worker.
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: self.get(path, headers), range(REQUESTS)))
        until(lambda: self._logged(start, path) >= REQUESTS, "access log incomplete")
        by_worker = {}
        for line in self._lines(start):
            pid, status, logged_path = line.split(" ", 2)
            if logged_path == path.split("?")[0]:
                by_worker.setdefault(int(pid.strip("<>")), set()).add(int(status))
        return [a[0] for a in answers], {a[1].get("ETag") for a in answers}, by_worker

    def _lines(self, start):
        with self.log.open() as log:
            log.seek(start)
            return [line.strip() for line in log if line.strip()]

    def _logged(self, start, path):
        return sum(1 for line in self._lines(start) if line.endswith(" " + path.split("?")[0]))


@pytest.fixture(params=["no-redis", "redis"])
def install(request, tmp_path):
    redis_url = ""
    server = None
    if request.param == "redis":
        server = RedisServer(tmp_path)
        server.start()
        redis_url = server.url
    yield from _serve(tmp_path, redis_url, None)
    if server is not None:
        server.stop()


def _serve(tmp_path, redis_url, database):
    if database is None:
        url, cleanup = f"sqlite:///{tmp_path / 'claimcheck.sqlite3'}", None
    else:
        url, cleanup = _postgres_database(database)
    install = Install(tmp_path, url, redis_url)
    try:
        install.start()
        yield install
    finally:
        install.stop()
        if cleanup:
            cleanup()


def _postgres_database(default):
    import psycopg2

    name = f"cc_processes_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    admin = dict(
        host=default["HOST"] or "127.0.0.1",
        port=default["PORT"] or 5432,
        user=default["USER"],
        dbname="postgres",
    )
    if default.get("PASSWORD"):
        admin["password"] = default["PASSWORD"]

    def run(sql):
        connection = psycopg2.connect(**admin)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    run(f'CREATE DATABASE "{name}"')
    credentials = default["USER"] + (f":{default['PASSWORD']}" if default.get("PASSWORD") else "")
    url = f"postgres://{credentials}@{admin['host']}:{admin['port']}/{name}"
    return url, lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


PICK = (
    "from claimcheck.claims.models import Claim; "
    "print(Claim.objects.filter(status='published').order_by('slug').values_list('slug', "
    "flat=True).first())"
)
RETRACT = (
    "from claimcheck.claims import services; from claimcheck.claims.models import Claim; "
    "c = Claim.objects.get(slug='{slug}'); "
    "services.claim_retract(claim=c, by=services.system_user(), reason='Test retraction.')"
)
REPUBLISH = (
    "from claimcheck.claims import services; from claimcheck.claims.models import Claim; "
    "by = services.system_user(); c = Claim.objects.get(slug='{slug}'); "
    "reviewer = c.reviewer; services.claim_submit_for_review(claim=c, by=by); "
    "c.refresh_from_db(); services.claim_publish(claim=c, by=by, reviewer=reviewer)"
)


def _journey(install):
    slug = install.shell(PICK).strip()
    assert slug, "the starter data has no published claim"
    page, api = f"/claims/{slug}/", f"/api/v1/claims/{slug}/"

    # Every worker serves the same page under one ETag, and revalidates it with 304.
    statuses, etags, by_worker = install.round(page)
    assert statuses == [200] * REQUESTS
    assert len(etags) == 1, etags
    assert set(by_worker) == install.workers(), "both workers must have answered"
    (etag,) = etags
    statuses, _, by_worker = install.round(page, {"If-None-Match": etag})
    assert statuses == [304] * REQUESTS
    assert set(by_worker) == install.workers()
    statuses, api_etags, _ = install.round(api)
    assert statuses == [200] * REQUESTS
    assert len(api_etags) == 1, api_etags
    (api_etag,) = api_etags
    statuses, _, _ = install.round(api, {"If-None-Match": api_etag})
    assert statuses == [304] * REQUESTS

    # A reviewer retracts it from another process: every worker answers with the retraction
    # notice (410) on the next request, conditional or not.
    install.shell(RETRACT.format(slug=slug))
    for path, headers in ((page, None), (page, {"If-None-Match": etag}), (api, None)):
        statuses, _, by_worker = install.round(path, headers)
        assert set(statuses) == {410}, (path, statuses)
        assert by_worker == {pid: {410} for pid in install.workers()}, (path, by_worker)

    # Published again, from another process: back on every worker, under a new ETag.
    install.shell(REPUBLISH.format(slug=slug))
    statuses, etags, by_worker = install.round(page, {"If-None-Match": etag})
    assert statuses == [200] * REQUESTS
    assert len(etags) == 1 and etags != {etag}
    assert by_worker == {pid: {200} for pid in install.workers()}


def _rate_limit_holds_across_workers(install):
    """A client gets its limit once per install, not once per worker."""
    statuses, _, by_worker = install.round("/api/v1/rubric/", {"X-Forwarded-For": "203.0.113.250"})
    assert statuses.count(200) == ANON_LIMIT, statuses
    assert statuses.count(429) == REQUESTS - ANON_LIMIT
    assert set(by_worker) == install.workers()


def test_every_worker_follows_changes_made_by_another_process(install):
    _journey(install)
    _rate_limit_holds_across_workers(install)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="runs when the suite runs on PostgreSQL (CI's second pass); SQLite is above",
)
def test_every_worker_follows_changes_on_postgresql_without_redis(tmp_path):
    for install in _serve(tmp_path, "", settings.DATABASES["default"]):
        _journey(install)
        _rate_limit_holds_across_workers(install)


def test_gunicorn_and_pgrep_are_there():
    """The tests above need them; they come with the requirements and procps."""
    assert Path(GUNICORN).exists(), GUNICORN
    assert shutil.which("pgrep"), "pgrep (procps) is needed"
