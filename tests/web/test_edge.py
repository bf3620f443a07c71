"""The anonymous edge (web/edge.py, issue #21): an anonymous GET or HEAD answered again before
the rest of the middleware stack, byte for byte what the whole stack answers.

Each comparison sends the same requests twice, from two clients: one whose stack has no edge,
one whose stack has it. A middleware appended after the whole stack counts the requests that
reach the stack, so a test knows which answers the edge gave; nothing is mocked."""

import pytest
from django.test import Client, override_settings

from claimcheck.claims import services

from ..redis_server import production_caches, until
from .conftest import NEW_TRIAL, add_new_trial

pytestmark = pytest.mark.django_db

EDGE = "claimcheck.web.edge.AnonymousEdgeMiddleware"
INNER = "tests.web.test_edge.ReachedTheStack"
reached = []


class ReachedTheStack:
    """Last in the stack: records every request the edge did not answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reached.append(request.get_full_path())
        return self.get_response(request)


@pytest.fixture
def stacks(settings):
    """(client through the whole stack without the edge, client with the edge), each counted
    by ReachedTheStack; both see HSTS, so every security header is compared."""
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    with_edge = [*settings.MIDDLEWARE, INNER]
    without = [m for m in with_edge if m != EDGE]
    assert len(without) == len(with_edge) - 1
    reached.clear()
    with override_settings(MIDDLEWARE=without):
        plain = Client(REMOTE_ADDR="10.0.0.1")
        plain.get("/healthz")  # loads this client's middleware chain under these settings
    settings.MIDDLEWARE = with_edge
    edge = Client(REMOTE_ADDR="10.0.0.2")
    edge.get("/healthz")
    reached.clear()
    return plain, edge


def answer(response):
    """Status, every header and the body. Headers are compared by name (the order of fields
    with different names carries no meaning, and the stack's own order differs between a
    page it renders and one it finds in its cache).
    The seconds left in a client's rate-limit window (`t=`) may differ by one between two
    clients' runs, so they are compared as a range instead."""
    headers = dict(response.items())
    if "RateLimit" in headers:
        remaining, _, seconds = headers["RateLimit"].partition(";t=")
        assert 1 <= int(seconds) <= 60
        headers["RateLimit"] = remaining
    return response.status_code, sorted(headers.items()), response.content


def both(stacks, method, path, **headers):
    plain, edge = stacks
    return (
        getattr(plain, method)(path, secure=True, headers=headers),
        getattr(edge, method)(path, secure=True, headers=headers),
    )


def addresses(site):
    claim, subject = site["claims"][0], site["main"]
    return [
        claim.get_absolute_url(),
        subject.get_absolute_url(),
        "/",
        "/search/?q=exosome",
        "/methodology/",
        "/feeds/verdicts.atom",
        "/sitemap.xml",
        f"/api/v1/claims/{claim.slug}/",
        "/api/v1/claims/?page_size=5",
        f"/api/v1/subjects/{subject.slug}/",
        "/api/v1/search/?q=exosome",
    ]


def test_the_edge_answers_a_repeated_anonymous_read_without_the_stack_byte_for_byte(stacks, site):
    for path in addresses(site):
        first_plain, first_edge = both(stacks, "get", path)
        assert first_plain.status_code == 200, path
        assert answer(first_edge) == answer(first_plain), path
        reached.clear()
        again_plain, again_edge = both(stacks, "get", path)
        assert reached == [path], f"{path}: the edge should have answered the second read"
        if path.startswith("/api/"):
            # This client's own place in its limit, counted by the edge as by the stack.
            assert (
                again_edge["RateLimit"].split(";t=")[0]
                == (again_plain["RateLimit"].split(";t=")[0])
            )
        assert answer(again_edge) == answer(again_plain), path
        headers = again_edge.headers
        for name in (
            "Content-Security-Policy",
            "Strict-Transport-Security",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "ETag",
            "Last-Modified",
            "Cache-Control",
        ):
            assert name in headers, f"{path}: {name}"
        assert "public" in headers["Cache-Control"]


def test_conditional_reads_and_head_are_answered_as_the_stack_answers_them(stacks, site):
    for path in (site["claims"][0].get_absolute_url(), f"/api/v1/claims/{site['claims'][0].slug}/"):
        plain, edge = both(stacks, "get", path)
        etag, modified = plain["ETag"], plain["Last-Modified"]
        for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
            first = both(stacks, "get", path, **headers)
            assert first[0].status_code == 304
            assert answer(first[1]) == answer(first[0])
            reached.clear()
            again = both(stacks, "get", path, **headers)
            assert reached == [path], "the 304 kept by the edge answers the repeat"
            assert answer(again[1]) == answer(again[0])
        # A validator that does not match gets the whole answer, from the edge.
        reached.clear()
        stale = both(stacks, "get", path, **{"If-None-Match": '"v1"'})
        assert stale[0].status_code == stale[1].status_code == 200
        assert reached == [path]
        assert answer(stale[1])[2] == answer(stale[0])[2]
        # A failed If-Match on a read is the stack's 412, however often it is asked.
        for _ in range(2):
            failed = both(stacks, "get", path, **{"If-Match": '"v1"'})
            assert failed[0].status_code == 412
            assert answer(failed[1]) == answer(failed[0])
        head = both(stacks, "head", path)
        assert answer(head[1]) == answer(head[0])


def test_origin_and_accept_are_part_of_what_is_kept(stacks, site):
    path = f"/api/v1/claims/{site['claims'][0].slug}/"
    for headers in (
        {},
        {"Origin": "https://shop.example"},
        {"Accept": "text/html"},
        {"Accept": "application/xml"},
    ):
        for _ in range(2):
            plain, edge = both(stacks, "get", path, **headers)
            assert plain.status_code == edge.status_code
            assert answer(plain) == answer(edge)
    _, edge = both(stacks, "get", path, Origin="https://shop.example")
    assert edge["Access-Control-Allow-Origin"] == "*"
    _, edge = both(stacks, "get", path)
    assert "Access-Control-Allow-Origin" not in edge


def test_signed_in_staff_and_credentials_never_get_the_kept_answer(
    stacks, site, django_user_model, staff_login
):
    plain, edge = stacks
    page = site["claims"][0].get_absolute_url()
    api = f"/api/v1/claims/{site['claims'][0].slug}/"
    for _ in range(2):
        assert edge.get(page).status_code == edge.get(api).status_code == 200
    staff = django_user_model.objects.create_user("ed", password="pw-123456789", is_staff=True)
    staff_login(edge, staff)
    reached.clear()
    signed_in = edge.get(page)
    assert reached == [page]
    assert "private" in signed_in["Cache-Control"]
    assert not signed_in.has_header("ETag")
    anonymous = Client()
    for refused in (
        anonymous.get(api, headers={"Authorization": "Bearer not-a-key"}),
        anonymous.get(api, headers={"X-Api-Key": "not-a-key"}),
        anonymous.get(f"{api}?api_key=not-a-key"),
    ):
        assert refused.status_code == 401
        assert refused.json()["error"]


def test_the_anonymous_limit_still_holds_and_counts_each_read_once(stacks, site, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/min",
        },
    }
    _, edge = stacks
    api = f"/api/v1/claims/{site['claims'][0].slug}/"
    answers = [edge.get(api) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert [a["RateLimit"].split(";t=")[0] for a in answers[:3]] == [
        '"anon";r=2',
        '"anon";r=1',
        '"anon";r=0',
    ]
    assert answers[3].json()["error"]["code"] == "throttled"
    assert 1 <= int(answers[3]["Retry-After"]) <= 60
    # A 304 is free through the edge, as through the stack.
    assert edge.get(api, headers={"If-None-Match": answers[0]["ETag"]}).status_code == 304


def test_a_read_the_edge_counted_and_refused_is_not_counted_again_by_the_stack(
    stacks, site, settings
):
    """The edge counts each read it answers; one over the limit goes through the stack, which
    answers the 429 with the edge's count instead of counting the read a second time."""
    from claimcheck.accounts.models import RateCounter

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "2/min",
        },
    }
    _, edge = stacks
    api = f"/api/v1/claims/{site['claims'][0].slug}/"
    assert [edge.get(api).status_code for _ in range(4)] == [200, 200, 429, 429]
    assert RateCounter.objects.get(key="throttle:anon:10.0.0.2").count == 4


def test_a_published_change_is_never_answered_from_an_older_kept_answer(
    stacks, site, system_user, django_capture_on_commit_callbacks
):
    _, edge = stacks
    claim = site["claims"][0]
    page, api = claim.get_absolute_url(), f"/api/v1/claims/{claim.slug}/"
    before = [edge.get(page), edge.get(api), edge.get(page), edge.get(api)]
    assert NEW_TRIAL.encode() not in before[2].content
    with django_capture_on_commit_callbacks(execute=True):
        add_new_trial(claim, system_user)
    after = edge.get(page), edge.get(api)
    assert NEW_TRIAL.encode() in after[0].content
    assert NEW_TRIAL.encode() in after[1].content
    assert after[0]["ETag"] != before[0]["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_retract(claim=claim, by=system_user, reason="Withdrawn for review")
    assert edge.get(page).status_code == 410
    assert edge.get(api).status_code == 410


def test_with_the_version_pushed_a_kept_answer_costs_no_query_and_no_round_trip(
    settings, redis_server, site, django_assert_num_queries
):
    settings.CACHES = production_caches(redis_server.url)
    settings.CONTENT_VERSION_PUSH = True
    from claimcheck import freshness

    until(lambda: freshness.watcher.get() is not None, "the version was never pushed")
    try:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, INNER]
        client = Client()
        page = site["claims"][0].get_absolute_url()
        first = client.get(page)
        reached.clear()
        before = redis_server.reads()
        with django_assert_num_queries(0):
            again = client.get(page)
            not_modified = client.get(page, headers={"If-None-Match": first["ETag"]})
            not_modified_again = client.get(page, headers={"If-None-Match": first["ETag"]})
        assert reached == [page]  # the first 304 went through the stack, which kept it
        assert redis_server.reads() == before
        assert answer(again) == answer(first)
        assert not_modified.status_code == not_modified_again.status_code == 304
        assert answer(not_modified_again) == answer(not_modified)
    finally:
        freshness.watcher.stop()
