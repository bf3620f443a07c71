"""What a web worker does before its first request (claimcheck.wsgi.prepare_worker)."""

import gc
import weakref

import pytest

from claimcheck import freshness

# prepare_worker closes the connections, as a worker does before its first request: a test
# transaction would not survive it.
pytestmark = pytest.mark.django_db(transaction=True)


class Value:
    """Something a per-version build returns (weak-referenceable, unlike a dict)."""


@pytest.fixture
def worker_mode():
    from claimcheck.wsgi import prepare_worker

    before = freshness.PerVersion.freeze_after_build
    prepare_worker()
    yield
    freshness.PerVersion.freeze_after_build = before
    gc.unfreeze()


def test_a_prepared_worker_has_the_lexicon_and_freezes_what_it_holds(
    worker_mode, django_assert_num_queries
):
    from claimcheck.claims import search

    from .queries import VERSION

    assert freshness.PerVersion.freeze_after_build
    assert gc.get_freeze_count() > 0
    with django_assert_num_queries(VERSION):  # built already: only the version is read
        search.lexicon()


def test_a_frozen_value_is_still_freed_when_the_next_version_replaces_it(worker_mode, monkeypatch):
    """Freezing keeps the collector from walking the value; reference counting still frees
    it, so a worker does not keep every version it ever built."""
    versions = iter(range(100))
    built = []

    def build(version):
        value = Value()
        built.append(weakref.ref(value))
        return value

    per_version = freshness.PerVersion(build)
    monkeypatch.setattr(freshness, "current", lambda: next(versions))  # moves every call
    frozen_before = gc.get_freeze_count()
    per_version.get()
    assert gc.get_freeze_count() > frozen_before  # the build was frozen
    per_version.get()  # the version moved: a new build replaces the first
    assert built[0]() is None  # the first value is gone
    assert built[1]() is not None
