"""The shared HTTP client against a real local server: retries, Retry-After, timeouts,
malformed answers, pacing and identification."""

import time

import pytest

from claimcheck.watch.client import Client, ProviderError

from .provider_server import Answer


def make_client(server, **extra):
    return Client(provider="test", base_url=server.url, min_interval=0, **extra)


def test_a_429_with_retry_after_is_waited_out_then_the_answer_is_used(provider):
    provider.route(
        "/x",
        Answer({"error": "slow down"}, status=429, headers={"Retry-After": "0"}),
        Answer({"ok": True}),
    )
    client = make_client(provider)
    assert client.get_json("/x") == {"ok": True}
    assert client.requests == 2


def test_retry_after_in_seconds_sets_the_wait(provider, settings):
    settings.WATCH_BACKOFF = 0
    provider.route("/x", Answer({}, status=429, headers={"Retry-After": "1"}), Answer({"ok": True}))
    started = time.monotonic()
    assert make_client(provider).get_json("/x") == {"ok": True}
    assert time.monotonic() - started >= 1.0


def test_500s_that_outlast_the_retries_raise_naming_the_status(provider):
    provider.route("/x", Answer({"error": "boom"}, status=500))
    client = make_client(provider)
    with pytest.raises(ProviderError, match="HTTP 500") as error:
        client.get_json("/x")
    assert "3 attempts" in str(error.value)
    assert len(provider.hits("/x")) == 3  # the first try and WATCH_RETRIES=2 retries


def test_an_answer_slower_than_the_read_timeout_fails_after_the_retries(provider):
    provider.route("/x", Answer({"ok": True}, delay=0.6))
    with pytest.raises(ProviderError, match="ReadTimeout"):
        make_client(provider).get_json("/x")


def test_malformed_json_is_a_provider_error_not_a_crash(provider):
    provider.route("/x", Answer(b'{"result": [1, 2', content_type="application/json"))
    with pytest.raises(ProviderError, match="not JSON"):
        make_client(provider).get_json("/x")


def test_a_refused_connection_is_retried_then_reported(provider):
    client = Client(provider="test", base_url="http://127.0.0.1:9", min_interval=0)
    with pytest.raises(ProviderError, match="ConnectionError"):
        client.get("/x")
    assert client.requests == 3


def test_a_404_is_missing_only_where_the_caller_allows_it(provider):
    provider.route("/x", Answer({"error": {"code": "NOT_FOUND"}}, status=404))
    client = make_client(provider)
    assert client.get_json("/x", missing_ok=True) is None
    with pytest.raises(ProviderError, match="HTTP 404"):
        client.get_json("/x")


def test_requests_are_paced_by_the_minimum_interval(provider, settings):
    settings.WATCH_MIN_INTERVAL = None  # the connector's own interval applies
    provider.route("/x", Answer({"ok": True}))
    client = Client(provider="test", base_url=provider.url, min_interval=0.05)
    started = time.monotonic()
    for _ in range(3):
        client.get("/x")
    assert time.monotonic() - started >= 0.1  # two waits between three requests


def test_every_request_names_the_site_and_carries_the_fixed_parameters(provider):
    provider.route("/x", Answer({"ok": True}))
    make_client(provider, params={"api_key": "test-key"}).get("/x", params={"q": "1"})
    path, query, headers = provider.requests[-1]
    assert query == {"api_key": "test-key", "q": "1"}
    assert headers["User-Agent"].startswith("ClaimCheck-evidence-watch/1.0")
    assert "mailto:watch@claimcheck.example.org" in headers["User-Agent"]


def test_errors_never_quote_the_api_key(provider):
    client = Client(
        provider="test", base_url="http://127.0.0.1:9", min_interval=0, params={"api_key": "s3cr3t"}
    )
    with pytest.raises(ProviderError) as refused:
        client.get("/x")
    provider.route("/x", Answer(b"not json"))
    keyed = make_client(provider, params={"api_key": "s3cr3t"})
    with pytest.raises(ProviderError) as garbled:
        keyed.get_json("/x")
    assert "s3cr3t" not in str(refused.value) + str(garbled.value)
