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


@pytest.fixture
def staff_login(db):
    """`staff_login(client, user)`: sign a staff member in with a TOTP-verified session, as the
    admin requires with DEBUG off (see tests/staff_sessions.py). Use it instead of force_login
    for anything that needs a staff session (admin pages, the API's staff session)."""
    from .staff_sessions import staff_login

    return staff_login


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


@pytest.fixture(autouse=True)
def fresh_search_lexicon():
    """Search reads names from a lexicon kept per content version; tests write subjects
    without committing (the version does not move), so each test starts with none."""
    from claimcheck.claims import search

    search.reset()
    yield
    search.reset()
