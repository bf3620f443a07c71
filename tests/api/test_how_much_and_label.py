"""Rubric 2.0.0's "how much it helps" and the label's "before you use it": cited, shown on the
claim page and in the API detail, described in the OpenAPI schema, and never scored."""

import pytest
import yaml

from claimcheck.claims import services

from ..factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def described(published_claim, system_user):
    effect = SourceFactory(title="Pivotal trial of the cream", pmid="12345678")
    label = SourceFactory(title="Prescribing information of the cream", url="https://example.org/l")
    rating = published_claim.current_rating
    claim = services.claim_upsert(
        by=system_user,
        slug=published_claim.slug,
        fields={
            "effect_size": "small",
            "effect_size_text": "About 3 in 10 users saw moderate improvement after 24 weeks.",
            "effect_size_source": effect,
            "label_pregnancy": "Not for use in pregnancy.",
            "label_do_not_use": "People allergic to any ingredient.",
            "label_side_effects": "Redness, peeling and stinging.",
            "label_source": label,
        },
    )
    services.claim_rerate(claim=claim, by=system_user)
    claim.refresh_from_db()
    assert claim.current_rating_id == rating.pk  # shown, not scored: no new rating
    return claim


def test_api_detail_carries_the_effect_size_and_the_label_with_their_sources(api, described):
    body = api.get(f"/api/v1/claims/{described.slug}/").json()

    helps = body["how_much_it_helps"]
    assert (helps["effect_size"], helps["effect_size_label"]) == ("small", "Small")
    assert helps["text"].startswith("About 3 in 10")
    assert helps["source"]["key"] == "PMID:12345678"
    before = body["before_you_use_it"]
    assert before["pregnancy"] == "Not for use in pregnancy."
    assert before["who_should_not_use"] == "People allergic to any ingredient."
    assert before["common_side_effects"].startswith("Redness")
    assert before["source"]["title"] == "Prescribing information of the cream"


def test_without_them_the_effect_size_is_not_known_and_there_is_no_label(api, published_claim):
    body = api.get(f"/api/v1/claims/{published_claim.slug}/").json()

    assert body["how_much_it_helps"] == {
        "effect_size": "not_known",
        "effect_size_label": "Not known",
        "text": "",
        "source": None,
    }
    assert body["before_you_use_it"] is None


def test_claim_page_shows_how_much_it_helps_and_before_you_use_it(client, described):
    page = client.get(described.get_absolute_url()).content.decode()

    assert "How much it helps" in page and "About 3 in 10 users" in page
    assert "Pivotal trial of the cream" in page
    assert "Before you use it" in page and "Not for use in pregnancy." in page


def test_openapi_schema_describes_both_blocks(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    detail = schema["components"]["schemas"]["ClaimDetailOut"]["properties"]

    assert "how_much_it_helps" in detail and "before_you_use_it" in detail
    helps = schema["components"]["schemas"]["HowMuchItHelpsOut"]["properties"]
    assert "none_shown" in yaml.safe_dump(schema["components"]["schemas"])
    assert {"effect_size", "text", "source"} <= set(helps)
