"""Shared fixtures. `make test` sets the environment the settings need (see Makefile)."""

import pytest


@pytest.fixture
def system_user(db):
    from claimcheck.claims.services import system_user

    return system_user()


@pytest.fixture
def starter_data(db):
    """The whole curated starter dataset, loaded through the real command path."""
    from claimcheck.claims import starter

    return starter.load()


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Production serves hashed names from collectstatic's manifest; tests have no manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
