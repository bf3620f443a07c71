"""POST /api/v1/check/: marketing copy in, known claims, drug-claim wording and unchecked
claims out."""

import pytest
import yaml

from claimcheck.claims.copycheck import MAX_CHARS
from claimcheck.claims.copycheck import index as claim_index

from ..factories import EvidenceLinkFactory, SubjectFactory
from ..queries import COUNTED
from .conftest import publish
from .test_contract import (  # noqa: F401 - fixtures used by the fuzz test below
    api_schema,
    run_operations,
    seeded,
    wsgi_calls_keep_the_test_connection,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/check/"
COPY = (
    "Our stem-cell exosome serum boosts collagen and reverses ageing in 7 days! "
    "Snake oil tonic erases wrinkles overnight. Proudly FDA approved."
)


@pytest.fixture
def exosome_claims(system_user):
    subject = SubjectFactory(
        name="Exosome serums", slug="exosome-serums", aliases=["exosomes", "exosome serum"]
    )
    claims = []
    for slug, text, outcome in [
        (
            "exosome-serums-stimulate-collagen",
            "Exosome serums stimulate collagen and reverse skin ageing",
            "Collagen production and visible signs of skin ageing",
        ),
        ("exosomes-heal-acne-scars", "Exosomes heal acne scars", "Acne scars"),
    ]:
        link = EvidenceLinkFactory(
            claim__subject=subject, claim__slug=slug, claim__text=text, claim__outcome=outcome
        )
        claims.append(publish(link.claim, system_user))
    return claims


def test_copy_is_answered_with_matches_flags_and_unchecked_claims(api, exosome_claims):
    claim = exosome_claims[0]
    response = api.post(URL, {"text": COPY}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"counts", "truncated", "matches", "drug_claim_flags", "unchecked"}
    assert body["counts"] == {"matches": 1, "drug_claim_flags": 2, "unchecked": 2}
    assert body["truncated"] is False
    [match] = body["matches"]
    assert match["start"] == 0
    assert COPY[match["start"] : match["end"]] == match["quote"]
    assert match["quote"].startswith("Our stem-cell exosome serum")
    assert match["claim"] == {
        "slug": claim.slug,
        "text": claim.text,
        "verdict": claim.current_rating.verdict,
        "grade": claim.current_rating.grade,
        "score": claim.current_rating.score,
        "url": f"http://testserver/claims/{claim.slug}/",
        "api_url": f"http://testserver/api/v1/claims/{claim.slug}/",
    }
    assert 0.5 <= match["confidence"] <= 1
    flags = [(f["quote"], f["category"]) for f in body["drug_claim_flags"]]
    assert flags == [
        ("boosts collagen", "structure_function"),
        ("FDA approved", "regulatory_status"),
    ]
    for flag in body["drug_claim_flags"]:
        assert COPY[flag["start"] : flag["end"]] == flag["quote"]
        assert flag["reason"]
        assert flag["citation"]["url"].startswith("https://")
    assert [(u["quote"], u["request_url"]) for u in body["unchecked"]] == [
        (
            "Snake oil tonic erases wrinkles overnight.",
            "http://testserver/requests/new/?claim=Snake+oil+tonic+erases+wrinkles+overnight.",
        ),
        ("Proudly FDA approved.", "http://testserver/requests/new/?claim=Proudly+FDA+approved."),
    ]


def test_dense_copy_lists_the_first_100_of_each_and_counts_them_all(api, exosome_claims):
    # One short claim and one drug-claim wording, 1,000 times: without a bound the answer was
    # 50 times the text.
    text = ("Exosomes heal acne scars, FDA approved! " * 1000)[:MAX_CHARS]
    response = api.post(URL, {"text": text}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["truncated"] is True
    assert body["counts"]["matches"] > 400 and body["counts"]["drug_claim_flags"] > 400
    assert len(body["matches"]) == 100 and len(body["drug_claim_flags"]) == 100
    assert [m["start"] for m in body["matches"]] == sorted(m["start"] for m in body["matches"])
    assert body["matches"][0]["claim"]["slug"] == "exosomes-heal-acne-scars"
    assert len(response.content) < 6 * MAX_CHARS


def test_drafts_and_retracted_claims_are_never_matched(api, exosome_claims, system_user):
    from claimcheck.claims import services

    services.claim_retract(claim=exosome_claims[0], by=system_user, reason="Superseded.")
    draft_subject = SubjectFactory(name="Snake oil", slug="snake-oil", aliases=["snake oil tonic"])
    EvidenceLinkFactory(
        claim__subject=draft_subject,
        claim__slug="snake-oil-erases-wrinkles",
        claim__text="Snake oil erases wrinkles",
        claim__outcome="Wrinkles",
    )
    claim_index.reset()
    body = api.post(URL, {"text": COPY}, format="json").json()
    assert body["matches"] == []


def test_checking_costs_one_query_for_the_index_then_only_the_limits_however_many_matches(
    api, exosome_claims, django_assert_num_queries
):
    # Besides the client's own counter (COUNTED), the copy checker's limit has its own.
    with django_assert_num_queries(COUNTED + 2):  # that counter; the index's published claims
        assert api.post(URL, {"text": COPY}, format="json").status_code == 200
    many = " ".join([COPY, "Exosomes heal acne scars."] * 40)
    with django_assert_num_queries(COUNTED + 1):  # index reused; verdicts come from it
        body = api.post(URL, {"text": many}, format="json").json()
    assert len(body["matches"]) == 80


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_a_400_naming_the_field(api, text):
    response = api.post(URL, {"text": text}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"text": ["Send the marketing text to check: it is empty."]}


@pytest.mark.parametrize(
    ("text", "kind"),
    [(0, "a number"), (5.5, "a number"), (True, "true or false"), (["x"], "an array")],
)
def test_text_that_is_not_a_json_string_is_a_400_not_an_empty_all_clear(api, text, kind):
    response = api.post(URL, {"text": text}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "text": [f"Send this as a JSON string, not {kind}."]
    }
    response = api.post(URL, {"text": {"copy": "x"}}, format="json")
    assert response.json()["error"]["fields"] == {
        "text": ["Send this as a JSON string, not an object."]
    }


def test_null_text_is_a_400_naming_the_field_not_the_text_none(api):
    response = api.post(URL, {"text": None}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"text": ["This field may not be null."]}
    assert api.post(URL, {"text": "None"}, format="json").status_code == 200  # the same, valid


def test_a_missing_or_unknown_field_is_a_400(api):
    assert api.post(URL, {}, format="json").status_code == 400
    response = api.post(URL, {"text": "Retinol works.", "verdict": "x"}, format="json")
    assert response.status_code == 400
    assert "verdict" in response.json()["error"]["fields"]


def test_text_over_20000_characters_is_a_413_with_a_clear_message(api):
    response = api.post(URL, {"text": "a" * (MAX_CHARS + 1)}, format="json")
    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "code": "payload_too_large",
            "message": "The text has 20,001 characters; the limit is 20,000. Send it in parts.",
            "fields": {},
        }
    }


def test_text_of_exactly_20000_characters_is_checked(api):
    assert api.post(URL, {"text": "b" * MAX_CHARS}, format="json").status_code == 200


def test_the_copy_check_has_its_own_rate_limit_and_answers_429(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "copy_check": "2/min",
        },
    }
    statuses = [
        api.post(URL, {"text": "Retinol works."}, format="json").status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    response = api.post(URL, {"text": "Retinol works."}, format="json")
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) >= 1
    # Reads are not counted against it.
    assert api.get("/api/v1/rubric/").status_code == 200


def test_only_post_is_offered(api):
    assert api.get(URL).status_code == 405
    assert api.put(URL, {"text": "x"}, format="json").status_code == 405


def test_the_operation_is_in_the_openapi_description(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/check/"]["post"]
    assert operation["operationId"] == "copy_check"
    assert set(operation["responses"]) >= {"200", "400", "413", "429"}
    assert "20,000 characters" in operation["description"]


def test_generated_bodies_are_answered_as_the_openapi_description_says(
    api_schema,  # noqa: F811 - the fixture imported from test_contract
):
    """schemathesis drives the operation anonymously with 50 generated bodies (shared
    machinery of test_contract.py)."""
    assert run_operations(api_schema.include(path="/api/v1/check/"), max_examples=50) == 1


# The verb comes after the clause's first verb, so only the word-window negation check
# (drugclaims._negated) can clear it; a whole-clause negation would clear the others anyway.
@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("It softens skin yet treats acne.", True),
        ("It softens skin yet cannot treat acne.", False),  # the negation next to the verb
        ("It softens skin yet cannot ever treat acne.", False),  # one word between
        ("It soothes redness so it does not need to treat acne.", False),  # three between
        ("Never mind the price: this cream treats acne.", True),  # another clause's negation
    ],
)
def test_a_negation_a_few_words_before_drug_wording_clears_it_within_its_clause(api, text, flagged):
    response = api.post(URL, {"text": text}, format="json")
    assert response.status_code == 200
    quotes = [flag["quote"].lower() for flag in response.json()["drug_claim_flags"]]
    assert (quotes != []) is flagged, quotes
    if flagged:
        assert quotes[0].startswith(("treats acne", "treat acne"))
