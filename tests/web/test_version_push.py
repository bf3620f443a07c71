"""The content version pushed to each worker over Redis pub/sub, and the per-process cache it
allows (freshness/__init__.py; issue #7). A throwaway redis-server on a free port stands in for
production's Redis: nothing is mocked, and stopping it is a real outage. Not timed: waits poll
with generous bounds."""

import time

import pytest
import redis
from django.core.cache import cache

from claimcheck import freshness
from claimcheck.claims import services

from ..redis_server import production_caches, until
from .conftest import NEW_TRIAL, add_new_trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushed(settings, redis_server):
    """The production cache backend on the throwaway server, with the version pushed."""
    settings.CACHES = production_caches(redis_server.url)
    settings.CONTENT_VERSION_PUSH = True
    until(lambda: freshness.watcher.get() is not None, "the version was never pushed")
    yield redis_server
    freshness.watcher.stop()


def another_worker_publishes(server):
    """What another worker process does when its change commits (freshness._new_version)."""
    client = redis.Redis.from_url(server.url)
    value = time.time_ns()
    client.set(cache.make_key(freshness.KEY), value)
    client.publish(freshness.CHANNEL, b"")
    return value


def test_a_worker_answers_cached_pages_and_304s_without_a_round_trip(
    client, site, pushed, django_assert_num_queries
):
    url = site["main"].get_absolute_url()
    api = f"/api/v1/subjects/{site['main'].slug}/"
    first, first_api = client.get(url), client.get(api)
    assert first.status_code == first_api.status_code == 200
    before = pushed.reads()
    with django_assert_num_queries(0):
        again = client.get(url)
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        api_again = client.get(api)
        api_not_modified = client.get(api, HTTP_IF_NONE_MATCH=first_api["ETag"])
    assert (again.status_code, not_modified.status_code) == (200, 304)
    assert again.content == first.content
    assert (api_again.status_code, api_not_modified.status_code) == (200, 304)
    assert api_again.content == first_api.content
    # No version read, no page or answer fetched: all of it was in the process.
    assert pushed.reads() == before


def test_a_change_published_by_another_worker_is_served_on_the_next_request(
    client, site, pushed, system_user, django_capture_on_commit_callbacks
):
    claim = site["claims"][0]
    url = claim.get_absolute_url()
    first = client.get(url)
    assert NEW_TRIAL.encode() not in first.content
    # The change is made here, but its announcement comes from "another worker": this
    # process's own after-commit callbacks are dropped, as if it had not made it.
    with django_capture_on_commit_callbacks(execute=False):
        add_new_trial(claim, system_user)
    assert client.get(url).content == first.content  # not announced yet: the cached page
    value = another_worker_publishes(pushed)
    until(lambda: freshness.watcher.get() == value, "the announcement never arrived")
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert NEW_TRIAL.encode() in second.content


def test_a_change_made_in_this_worker_is_visible_here_at_once(
    client, site, pushed, system_user, django_capture_on_commit_callbacks
):
    claim = site["claims"][0]
    url = claim.get_absolute_url()
    first = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_retract(claim=claim, by=system_user, reason="Withdrawn for review.")
    retracted = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert retracted.status_code == 410  # the retraction notice, not the cached page
    assert "Withdrawn for review." in retracted.content.decode()
    assert freshness.watcher.get() == cache.get(freshness.KEY)


def test_losing_redis_falls_back_to_uncached_pages_and_the_push_comes_back_by_itself(
    client, site, pushed
):
    url = site["main"].get_absolute_url()
    assert client.get(url).status_code == 200
    pushed.stop()
    until(lambda: freshness.watcher.get() is None, "the lost subscription went unnoticed")
    for _ in range(3):  # uncached, straight from the database; nothing kept in the process
        response = client.get(url)
        assert response.status_code == 200 and b"Exosome serums" in response.content
    pushed.start()  # same port, empty: the version starts over
    until(lambda: freshness.watcher.get() is not None, "the subscription never came back")
    assert freshness.watcher.get() == cache.get(freshness.KEY)
    assert client.get(url).status_code == 200


def test_the_process_keeps_a_bounded_number_of_pages(client, site, pushed, settings):
    settings.LOCAL_CACHE_ITEMS = 2
    for subject in (site["main"], *site["alternatives"], site["claims"][0]):
        assert client.get(subject.get_absolute_url()).status_code == 200
    assert len(freshness.local) == 2


def test_without_the_push_every_request_reads_the_shared_version(client, site, pushed, settings):
    settings.CONTENT_VERSION_PUSH = False
    assert freshness.watcher.get() is None
    url = site["main"].get_absolute_url()
    client.get(url)
    before = pushed.reads()
    assert client.get(url).status_code == 200
    assert pushed.reads() - before == 1  # one round trip for the version and the page


def _sets(server):
    """SET commands the server has processed so far (answers, pages and documents kept)."""
    stats = redis.Redis.from_url(server.url).info("commandstats")
    return stats.get("cmdstat_set", {}).get("calls", 0)


def test_with_the_version_pushed_the_stack_keeps_api_answers_in_the_process(
    client, site, pushed, settings
):
    """Behind the edge (or in a worker that has not kept the answer at the edge yet), a
    repeated anonymous API read is answered from the process: no version, no answer fetched."""
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("AnonymousEdgeMiddleware")
    ]
    api = "/api/v1/sources/"
    first = client.get(api)
    assert first.status_code == 200
    before, sets = pushed.reads(), _sets(pushed)
    again = client.get(api)
    assert (again.status_code, again.content) == (200, first.content)
    assert again["Content-Type"] == "application/json"
    assert pushed.reads() == before
    assert _sets(pushed) == sets  # not written back either
    # Kept in the shared cache too, where a worker without it in its process finds it.
    freshness.local.clear()
    assert client.get(api).content == first.content
    assert pushed.reads() - before == 1  # the answer, fetched once, then kept here again
    assert client.get(api).content == first.content
    assert pushed.reads() - before == 1
