"""No traceback reaches a visitor: database outages answer a friendly 503."""

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_database_outage_is_a_503_page_not_a_500(client, site, monkeypatch):
    from claimcheck.claims import selectors

    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(selectors, "claim_page", down)
    response = client.get(site["claims"][0].get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "briefly unavailable" in body
    assert "could not connect" not in body


def test_server_error_page_hides_the_exception(client, site, monkeypatch):
    from claimcheck.claims import selectors

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "claim_page", broken)
    client.raise_request_exception = False
    response = client.get(site["claims"][0].get_absolute_url())
    assert response.status_code == 500
    assert "secret internals" not in response.content.decode()
    assert "Something went wrong" in response.content.decode()
