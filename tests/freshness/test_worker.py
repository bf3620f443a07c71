"""The job queue with a real worker process: a publish committed here sends the warm job
through Redis, a `celery worker` started as production starts it takes it, and the pages it
builds are the ones this process then serves, from the shared cache, with no query."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from claimcheck import celery_app, freshness
from claimcheck.claims import services

from ..factories import ClaimFactory, EvidenceLinkFactory, ReviewerFactory
from ..redis_server import production_caches, until

ROOT = Path(__file__).resolve().parents[2]
STARTUP = 90  # seconds the worker may take to start and finish the job (a loaded CI machine)


def _database_url(tmp_path):
    """An address the worker process can open for the test's own database: PostgreSQL's test
    database itself, or for SQLite (an in-memory test database) a copy in a file, taken after
    the test's writes committed."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    copy = tmp_path / "worker.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


@pytest.fixture
def queue_on_redis(redis_server, settings):
    settings.CACHES = production_caches(redis_server.url)
    settings.SITE_URL = "http://testserver"
    settings.WARM_AFTER_CHANGE = "worker"
    broker = redis_server.url.rsplit("/", 1)[0] + "/1"
    _point_queue_at(broker)
    yield broker
    _point_queue_at("memory://")


def _point_queue_at(url):
    """Send this process's jobs to `url` from now on: the app keeps its connection and
    producer pools for the broker it first used, so both are dropped."""
    celery_app.pool.force_close_all()
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(tmp_path, redis_server, queue_on_redis):
    processes = []

    def start():
        static = tmp_path / "static"  # production serves collected, hashed static files
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(tmp_path),
            "REDIS_URL": redis_server.url,
            "JOBS_BROKER_URL": queue_on_redis,
            "SITE_URL": "http://testserver",
            "ALLOWED_HOSTS": "testserver",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "x"),
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "WARM_AFTER_CHANGE": "worker",
            "STATIC_ROOT": str(static),
        }
        subprocess.run(  # noqa: S603 - the project's own command
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        log = (tmp_path / "worker.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - the project's own worker, fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "claimcheck",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return tmp_path / "worker.log"

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _page_key(path):
    address = hashlib.sha256(f"http://testserver{path}".encode()).hexdigest()
    return f"page:{address}"


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_builds_the_published_claims_page_before_the_first_reader(
    system_user, worker, client, django_assert_num_queries
):
    claim = EvidenceLinkFactory(claim=ClaimFactory(text="Exosome facials rebuild collagen")).claim
    claim = services.claim_submit_for_review(claim=claim, by=system_user)
    services.claim_publish(claim=claim, by=system_user, reviewer=ReviewerFactory())
    # The publish committed and sent the job; nothing is built until the worker takes it.
    path = f"/claims/{claim.slug}/"
    assert cache.get(_page_key(path)) is None
    log = worker()

    def built():
        page = cache.get(_page_key(path))
        return page is not None and page[0] == freshness.current()

    try:
        until(built, "the worker built no page", timeout=STARTUP)
    except pytest.fail.Exception:
        print(log.read_text()[-5000:])  # noqa: T201 - shown with the failure
        raise
    with django_assert_num_queries(0):  # the version and the page both come from Redis
        page = client.get(path, HTTP_HOST="testserver")
    assert page.status_code == 200
    assert "Exosome facials rebuild collagen" in page.content.decode()
    # The job reports its outcome (kept by the result backend for the admin's list of jobs).
    until(lambda: "succeeded" in log.read_text(), "the job did not finish", timeout=STARTUP)
