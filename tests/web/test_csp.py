"""The Content Security Policy header: built once per process for the usual policy
(claimcheck/web/csp.py), and still shaped per view where a view relaxes it."""

import pytest
from csp.utils import build_policy

pytestmark = pytest.mark.django_db


def test_every_page_carries_the_settings_policy(client, site):
    for url in ("/", site["main"].get_absolute_url(), "/api/v1/rubric/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert policy == build_policy()
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_a_view_that_relaxes_the_policy_still_gets_its_own(client):
    policy = client.get("/api/redoc/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy
    assert client.get("/")["Content-Security-Policy"] == build_policy()  # not kept for others


def test_swagger_ui_keeps_the_strict_policy(client):
    response = client.get("/api/docs/")
    assert response["Content-Security-Policy"] == build_policy()
    assert "<style" not in response.content.decode()


def test_a_changed_policy_setting_is_followed(client, settings):
    client.get("/")
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'none'"]}
    }
    assert "img-src 'none'" in client.get("/about/")["Content-Security-Policy"]
