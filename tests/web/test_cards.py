"""Social cards: each claim's og:image and twitter:image is a PNG drawn from its verdict,
once per content version."""

import io

import pytest
from django.core.cache import cache
from PIL import Image

from claimcheck.claims import services

from ..queries import VERSION

pytestmark = pytest.mark.django_db


def test_the_claim_page_points_social_cards_at_its_own_image(client, site):
    claim = site["claims"][0]
    body = client.get(claim.get_absolute_url()).content.decode()
    card = f"http://testserver{claim.get_absolute_url()}card.png"
    assert f'<meta property="og:image" content="{card}">' in body
    assert f'<meta name="twitter:image" content="{card}">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    assert 'property="og:image:alt" content="ClaimCheck verdict: Caution.' in body


def test_the_card_is_a_1200_by_630_png_in_the_verdicts_colour(client, site):
    response = client.get(site["claims"][0].get_absolute_url() + "card.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (1200, 630)
    assert image.convert("RGB").getpixel((5, 625)) == (0xA3, 0x14, 0x1B)  # Caution's red band


def test_the_card_is_drawn_once_per_content_version(
    client, site, system_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = site["claims"][0].get_absolute_url() + "card.png"
    cache.clear()
    with django_assert_num_queries(VERSION + 1):  # the published claim with its rating
        first = client.get(url).content
    with django_assert_num_queries(VERSION):  # the same version: the cached bytes
        assert client.get(url).content == first
    # A new verdict is a new content version, so a new card in the new verdict's colour.
    with django_capture_on_commit_callbacks(execute=True):  # the version moves on commit
        services.claim_override(
            claim=site["claims"][0], by=system_user, verdict="unproven", reason="Testing the card."
        )
    redrawn = client.get(url).content
    assert redrawn != first
    assert Image.open(io.BytesIO(redrawn)).convert("RGB").getpixel((5, 625)) == (0x6B, 0x5A, 0x00)


def test_an_unpublished_or_unknown_claim_has_no_card(client, site):
    assert client.get("/claims/no-such-claim/card.png").status_code == 404
