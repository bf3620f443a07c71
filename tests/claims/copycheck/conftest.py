"""Copy-checker fixtures: the labelled snippets, and a fresh index per test (the index is
per process, and a test's claims are never committed, so the content version would not
move on its own)."""

from pathlib import Path

import pytest
import yaml

LABELLED = Path(__file__).with_name("labelled_copy.yaml")


@pytest.fixture(autouse=True)
def fresh_index():
    from django.core.cache import cache

    from claimcheck.claims.copycheck import index

    cache.clear()
    index.reset()
    yield
    index.reset()


@pytest.fixture(scope="session")
def labelled_cases():
    return yaml.safe_load(LABELLED.read_text())
