"""Warm after a change (claimcheck/freshness/warm.py): a committed publish, re-rate or
retraction builds the changed claims' pages and documents again, then the lists and every
other claim, before readers ask; what it keeps is exactly what a reader would have been
served, and it is never served once the content moves on."""

import threading

import pytest
from django.core.cache import cache

from claimcheck import freshness
from claimcheck.claims import services
from claimcheck.freshness import warm

from ..factories import ClaimFactory, EvidenceLinkFactory, ReviewerFactory
from ..queries import COUNTED, VERSION
from ..redis_server import WAIT

pytestmark = pytest.mark.django_db


# A page served from the page cache costs the content version's read and nothing else; an API
# answer from its document also counts the reader against the rate limit.
PAGE_HIT = VERSION
API_HIT = COUNTED


def publish(claim, by):
    claim = services.claim_submit_for_review(claim=claim, by=by)
    return services.claim_publish(claim=claim, by=by, reviewer=ReviewerFactory())


@pytest.fixture
def site(settings):
    settings.SITE_URL = "http://testserver"
    return settings


@pytest.fixture
def low_anon_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/min",
        },
    }


def claims(system_user, n):
    return [publish(EvidenceLinkFactory(claim=ClaimFactory()).claim, system_user) for _ in range(n)]


def test_a_publish_builds_the_claims_page_and_api_document_before_anyone_asks(
    system_user,
    site,
    jobs_run_here,
    client,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    site.WARM_AFTER_CHANGE = "worker"
    claim = EvidenceLinkFactory(claim=ClaimFactory(text="Snail mucin fades scars")).claim
    with django_capture_on_commit_callbacks(execute=True):
        claim = publish(claim, system_user)
    assert freshness.current()  # the version the pass warmed
    with django_assert_num_queries(PAGE_HIT):
        page = client.get(f"/claims/{claim.slug}/")
    assert page.status_code == 200
    assert "Snail mucin fades scars" in page.content.decode()
    with django_assert_num_queries(API_HIT):
        detail = client.get(f"/api/v1/claims/{claim.slug}/", HTTP_ACCEPT="application/json")
    assert detail.status_code == 200
    assert detail.json()["slug"] == claim.slug


def test_without_a_pass_the_first_reader_builds_the_page(
    system_user, site, client, django_assert_max_num_queries
):
    claim = claims(system_user, 1)[0]
    cache.clear()
    page = client.get(f"/claims/{claim.slug}/")
    assert page.status_code == 200
    with django_assert_max_num_queries(PAGE_HIT):
        client.get(f"/claims/{claim.slug}/")  # the control: the second reader hits


def test_a_pass_warms_every_other_published_claim_and_the_lists_too(system_user, site):
    first, *others = claims(system_user, 3)
    draft = ClaimFactory()
    paths = warm.paths([first.pk])
    assert paths[:3] == [
        f"/claims/{first.slug}/",
        f"/api/v1/claims/{first.slug}/",
        f"/subjects/{first.subject.slug}/",
    ]
    assert paths[3:7] == ["/", "/api/v1/claims/", "/feeds/verdicts.atom", "/sitemap.xml"]
    assert paths[-1] == "/open-data/claimcheck-open-data.zip"
    assert sorted(paths[7:-1]) == sorted(
        p for c in others for p in (f"/claims/{c.slug}/", f"/api/v1/claims/{c.slug}/")
    )
    assert not any(draft.slug in p for p in paths)  # drafts are never requested


def test_the_number_of_other_claims_warmed_is_capped(system_user, site):
    first, *_ = claims(system_user, 4)
    site.WARM_CLAIMS = 2
    claim_paths = [p for p in warm.paths([first.pk]) if p.startswith("/claims/")]
    assert len(claim_paths) == 2
    assert claim_paths[0] == f"/claims/{first.slug}/"


def test_a_warmed_page_is_never_served_after_the_content_moves_on(
    system_user, site, jobs_run_here, client, django_capture_on_commit_callbacks
):
    site.WARM_AFTER_CHANGE = "worker"
    with django_capture_on_commit_callbacks(execute=True):
        claim = claims(system_user, 1)[0]
    assert "Well supported" not in client.get(f"/claims/{claim.slug}/").content.decode()
    site.WARM_AFTER_CHANGE = "off"
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_retract(claim=claim, by=system_user, reason="The study was withdrawn")
    page = client.get(f"/claims/{claim.slug}/")
    assert page.status_code == 410 or "withdrawn" in page.content.decode()
    detail = client.get(f"/api/v1/claims/{claim.slug}/", HTTP_ACCEPT="application/json")
    assert detail.status_code == 410


def test_one_pass_per_version_and_a_pass_stops_when_the_version_moves(system_user, site):
    first, *_ = claims(system_user, 2)
    moved = []

    def change_meanwhile():
        if not moved:
            freshness.bump_now()  # another change commits while the pass runs
            moved.append(True)
        return False

    warm.CHECK_EVERY, every = 2, warm.CHECK_EVERY
    try:
        version, requested, outcome = warm.run([first.pk], should_stop=change_meanwhile)
        assert (outcome, requested) == ("superseded", 4)  # seen at the next look
        again = warm.run([first.pk])
        assert again[2] == "done" and again[1] == len(warm.paths([first.pk]))
        assert warm.run([first.pk]) == (again[0], 0, "already")  # a second job of one version
    finally:
        warm.CHECK_EVERY = every


def test_the_pass_counts_against_no_ones_rate_limit(system_user, site, client, low_anon_rate):
    claim = claims(system_user, 1)[0]
    warm.run([claim.pk])
    # The reader asks exactly as the pass did (same host, path and Accept): it is counted
    # in full, and the edge replays nothing the pass kept.
    answer = client.get(
        f"/api/v1/claims/{claim.slug}/", HTTP_ACCEPT="application/json", HTTP_HOST="testserver"
    )
    assert answer.status_code == 200
    assert answer["RateLimit"].startswith('"anon";r=2;')


def test_several_saves_in_one_transaction_send_one_pass(
    system_user, site, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    site.WARM_AFTER_CHANGE = "worker"
    monkeypatch.setattr(warm, "send", sent.append)
    claim = EvidenceLinkFactory(claim=ClaimFactory()).claim
    with django_capture_on_commit_callbacks(execute=True):
        publish(claim, system_user)
    assert sent == [[claim.pk]]


def _wait_for_warm_threads():
    for thread in threading.enumerate():
        if thread.name == "warm":
            thread.join(WAIT)
            assert not thread.is_alive(), "the warm pass did not finish"


@pytest.mark.django_db(transaction=True)
def test_without_redis_a_change_made_by_a_request_is_warmed_in_that_process(
    system_user, site, client, django_assert_num_queries
):
    """The embedded default: no queue worker shares this process's cache, so the process
    whose request committed the change runs the pass in a thread."""
    claim = claims(system_user, 1)[0]
    site.WARM_AFTER_CHANGE = "thread"
    cache.clear()
    answer = client.post(
        "/api/v1/check-requests/",
        {"claim_text": "Exosome serum regrows collagen in a week"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    _wait_for_warm_threads()
    with django_assert_num_queries(PAGE_HIT):
        page = client.get(f"/claims/{claim.slug}/")
    assert page.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_command_or_migration_starts_no_thread_pass(system_user, site):
    site.WARM_AFTER_CHANGE = "thread"
    before = {t.ident for t in threading.enumerate()}
    claims(system_user, 1)  # committed outside any request
    assert not [t for t in threading.enumerate() if t.name == "warm" and t.ident not in before]


def test_without_an_address_to_ask_as_a_pass_requests_nothing(system_user, settings):
    claim = claims(system_user, 1)[0]
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["*", ".example.org"]
    assert warm.run([claim.pk])[1:] == (0, "no address")
    settings.ALLOWED_HOSTS = [".example.org", "claimcheck.example.org"]
    assert warm._origin().netloc == "claimcheck.example.org"
