"""Search: the page, its safety, and its quality on the starter data (on each database)."""

import pytest

from claimcheck.claims import search

pytestmark = pytest.mark.django_db

# Query -> subjects any of which (or any of their claims) must be in the top three.
EXPECTED = {
    "exosomes": {"exosome-serums"},
    "exozome": {"exosome-serums"},
    "exosome facial": {"microneedling-with-exosomes", "exosome-serums", "exosome-injections"},
    "extracellular vesicles": {"exosome-serums"},
    "plant exosomes": {"plant-exosome-serums"},
    "vampire facial": {"prp-vampire-facial"},
    "PRP": {"prp-vampire-facial"},
    "platelet rich plasma": {"prp-vampire-facial"},
    "retinoid": {"retinol", "tretinoin"},
    "retinol wrinkles": {"retinol"},
    "tretinon": {"tretinoin"},
    "hyaluronic": {"topical-hyaluronic-acid", "hyaluronic-acid-filler"},
    "restylane": {"hyaluronic-acid-filler"},
    "micro-needling": {"skinpen-microneedling"},
    "microneedling acne scars": {"skinpen-microneedling"},
    "radiofrequency microneedling": {"rf-microneedling"},
    "fraxel": {"fractional-laser-resurfacing"},
    "chemical peels": {"tca-chemical-peels"},
    "derma roller": {"at-home-derma-roller"},
    "botox": {"botox-cosmetic"},
    "sunscreen": {"spf-30-sunscreen", "daily-sunscreen"},
    "snail slime": {"snail-mucin"},
    "collagen supplements": {"oral-collagen"},
    "niacinimide": {"niacinamide"},
    "vitamin b3": {"niacinamide"},
    "hydroquinone": {"otc-hydroquinone"},
    "benzoyl peroxide acne": {"benzoyl-peroxide"},
    "ceramides": {"ceramide-barrier-emulsion"},
    "peptides": {"palmitoyl-pentapeptide-4"},
}


def _subject_of(hit):
    return (
        hit.obj.slug
        if hit.type == "subject"
        else getattr(hit.obj, "subject", None) and (hit.obj.subject.slug)
    )


def test_expected_subject_is_in_the_top_three_for_realistic_queries(client, starter_data):
    """One database load for all the queries (loading the starter data takes seconds)."""
    misses = {}
    for query, wanted in EXPECTED.items():
        found = [_subject_of(h) for h in search.search(query).hits[:3]]
        if not any(subject in wanted for subject in found):
            misses[query] = found
    assert not misses, misses
    # The page shows the same search, with matches highlighted.
    body = client.get("/search/?q=retinol").content.decode()
    assert "<mark>Retinol</mark>" in body or "<mark>retinol</mark>" in body
    assert "/subjects/retinol/" in body
    # An empty result suggests close names and offers a check request.
    body = client.get("/search/?q=qqqq+zzzz").content.decode()
    assert "We found nothing" in body
    assert "/requests/new/?claim=qqqq%20zzzz" in body
    assert search.suggestions("retinal creme")[0][1] == "retinol"


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE claims_claim; --",
        "%_%",
        "a" * 5000,
        "\x00\x01 exosome",
        "<script>",
        "🙂🙂",
        "exosome OR 1=1",
        '"unterminated',
        "!!!",
        "-- -",
    ],
)
def test_any_input_is_safe(client, site, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>", 1)[1]


def test_queries_are_cut_at_200_characters(site):
    assert len(search.search("exosome " * 100).query) <= 200
    assert len(search.search("a" * 5000).query) == 200


def test_browse_by_concern_and_verdict(client, site):
    body = client.get("/search/?verdict=caution").content.decode()
    assert "Exosome serums stimulate collagen" in body
    assert "Browse claims" in body
    body = client.get("/search/?concern=anti-ageing").content.decode()
    assert "Exosomes heal acne scars" in body


def test_results_paginate_without_overlap(client, site):
    first = search.search("exosome", per_page=2)
    assert first.total >= 3
    second = search.search("exosome", page=2, per_page=2)
    assert {h.slug for h in second.hits}.isdisjoint({h.slug for h in first.hits})
    assert client.get("/search/?q=exosome&page=999").status_code == 200
    assert client.get("/search/?q=exosome&page=abc").status_code == 200


def test_search_page_query_count_is_fixed(client, site, django_assert_num_queries):
    # SQLite: vocabulary; subjects; claims; articles; then subjects, claims, articles of the
    # page. PostgreSQL: the ranked union; then subjects, claims, articles of the page.
    from django.db import connection

    expected = 4 if connection.vendor == "postgresql" else 7
    with django_assert_num_queries(expected):
        assert client.get("/search/?q=exosome").status_code == 200
