"""Shared fixtures. `make test` sets the environment the settings need (see Makefile)."""

import pytest


@pytest.fixture
def system_user(db):
    from claimcheck.claims.services import system_user

    return system_user()


@pytest.fixture
def starter_data(db):
    """The whole curated starter dataset, loaded through the real command path, with the
    starter article (a few dozen queries more). Returns the claims' load report."""
    from articles import starter as article_starter
    from claimcheck.claims import starter

    report = starter.load()
    article_starter.load()
    return report


@pytest.fixture(scope="class")
def starter_catalogue(django_db_setup, django_db_blocker):
    """The starter data loaded once for a whole test class (a load is some 20 s, a quarter of
    the suite when each test paid it). The load sits in a transaction that is rolled back when
    the class ends; each test's own `db` transaction nests inside it as a savepoint, so what
    one test writes is undone before the next. Only for classes of `db` tests: a
    `transactional_db` test empties the tables, which would take the catalogue with it."""
    from django.db import transaction

    from articles import starter as article_starter
    from claimcheck.claims import starter

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # as TestCase marks its own: durable blocks inside are fine
        outer.__enter__()
        try:
            report = starter.load()
            article_starter.load()
            yield report
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def staff_login(db):
    """`staff_login(client, user)`: sign a staff member in with a TOTP-verified session, as the
    admin requires with DEBUG off (see tests/staff_sessions.py). Use it instead of force_login
    for anything that needs a staff session (admin pages, the API's staff session)."""
    from .staff_sessions import staff_login

    return staff_login


@pytest.fixture
def jobs_run_here():
    """Jobs sent with .delay() run at once in this process (the worker's code path, without
    the worker process: tests/freshness/test_worker.py runs a real one)."""
    from claimcheck import celery_app

    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def superuser_client(client, staff_login):
    """`client` signed in to the admin as a superuser (operations staff)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("ops", "ops@example.org", "x" * 16)
    return staff_login(client, user)


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Production serves hashed names from collectstatic's manifest; tests have no manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def redis_server(tmp_path):
    """A real redis-server of the test's own (tests/redis_server.py), stopped afterwards."""
    from .redis_server import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server of the test's own (tests/smtp_server.py), with the site's mail sent
    to it through Django's SMTP backend; its `messages` are what it received."""
    from . import smtp_server

    controller, inbox = smtp_server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Production's PBKDF2 costs about a third of a second a hash; fixtures create users in
    most tests. Production sets no PASSWORD_HASHERS, so it keeps Django's default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def jobs_stay_in_the_test():
    """No warm pass (claimcheck/freshness/warm.py) renders pages behind a test's back, from
    the migrations on (tests of it turn it on with the `settings` fixture), and jobs a test
    sends go to an in-memory broker of this process, never to a folder or a server, unless
    the test points the queue elsewhere."""
    from django.test import override_settings

    from claimcheck import celery_app

    celery_app.conf.broker_url = "memory://"
    celery_app.conf.broker_transport_options = {}
    with override_settings(WARM_AFTER_CHANGE="off"):
        yield


def _forget_process_state():
    from django.core.cache import cache

    from claimcheck import freshness
    from claimcheck.claims import search
    from claimcheck.claims.copycheck import index
    from claimcheck.web import cachebackend

    cache.clear()  # cached pages, documents, throttle and lockout counters
    freshness.local.clear()  # the per-process page cache (used while Redis pushes the version)
    search.reset()  # the search lexicon, kept per content version
    index.reset()  # the copy checker's claim index, kept per content version
    cachebackend.outage.down = False  # "the cache is down" is remembered per process


@pytest.fixture(autouse=True)
def fresh_process_state():
    """Every test starts, and leaves, with an empty cache and no per-process state. Tests in
    a `db` transaction never commit, so the content version does not move between them and
    nothing keyed by it would be rebuilt on its own: without this, a page or index built by
    one test could be served to the next, and the result would depend on the order."""
    _forget_process_state()
    yield
    _forget_process_state()
