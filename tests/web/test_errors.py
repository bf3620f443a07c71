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


def test_a_mistyped_claim_address_suggests_the_nearest_claims(client, site):
    response = client.get("/claims/exosome-claim-O/")  # a letter O for the zero
    assert response.status_code == 404
    body = response.content.decode()
    assert "Did you mean one of these claims?" in body
    assert 'href="/claims/exosome-claim-0/"' in body
    assert "Exosome serums stimulate collagen" in body


def test_an_address_like_no_claim_gets_the_plain_404(client, site):
    response = client.get("/claims/zzzz-qqqq/")
    assert response.status_code == 404
    assert "Did you mean" not in response.content.decode()


def test_claim_suggestions_read_a_bounded_set_in_one_query(site, django_assert_num_queries):
    from claimcheck.claims import selectors

    with django_assert_num_queries(1):
        found = selectors.claim_suggestions(slug="exosome-claim-1x" + "-a" * 200)
    assert len(found) <= selectors.MAX_SUGGESTIONS
    with django_assert_num_queries(0):
        assert selectors.claim_suggestions(slug="") == []
