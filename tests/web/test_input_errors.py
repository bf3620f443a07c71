"""Hostile input on the site's own pages (issue #14, F8, F13): a NUL character in an address
is a 400 that says so, never a database error (forms refuse it as a field error:
tests/web/test_requests.py); stored links are re-checked when rendered."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/search/?concern=%00",
        "/search/?kind=%00",
        "/search/?verdict=%00",
        "/search/?q=retinol%00",
        "/compare/?subjects=%00",
        "/compare/?subjects=retinol,%00x",
        "/requests/new/?claim=%00",
        "/articles/?page=%00",
    ],
)
def test_a_nul_character_in_the_query_is_a_400_naming_it(client, site, url):
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


def test_the_same_pages_answer_normally_without_the_nul(client, site):
    for url in ("/search/?concern=anti-ageing", "/search/?q=retinol", "/compare/?subjects=retinol"):
        assert client.get(url).status_code == 200, url


def test_a_stored_link_with_another_scheme_is_never_rendered_as_a_link(client, site):
    """Input paths refuse javascript: and data: URLs; a row written past them (a restore, raw
    SQL) still renders no such link (F13)."""
    from claimcheck.claims.models import RegulatoryRecord, SafetySignal, Source

    planted = "javascript:alert(document.domain)"
    claim = site["claims"][0]
    Source.objects.filter(evidence__claim=claim).update(url=planted)
    SafetySignal.objects.update(url=planted)
    RegulatoryRecord.objects.update(url=planted)
    for url in (claim.get_absolute_url(), claim.subject.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "javascript:" not in body, url
