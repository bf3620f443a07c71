"""The copy checker's rules, on a small in-memory index (no database)."""

import pytest

from claimcheck.claims.copycheck import MAX_CHARS, check_with_index
from claimcheck.claims.copycheck.index import ClaimRecord, Index


def record(slug, text, outcome, subject, name, aliases):
    return ClaimRecord(
        slug=slug,
        text=text,
        outcome=outcome,
        subject_slug=subject,
        subject_name=name,
        aliases=tuple(aliases),
        verdict="caution",
        verdict_label="Caution",
        grade="F",
        score=3,
        url=f"/claims/{slug}/",
    )


@pytest.fixture(scope="module")
def index():
    return Index(
        [
            record(
                "exosomes-collagen",
                "Exosome serums stimulate collagen and reverse skin ageing",
                "Collagen production and visible signs of skin ageing",
                "exosome-serums",
                "Exosome serums",
                ["exosomes", "extracellular vesicles", "EVs", "secretome"],
            ),
            record(
                "retinol-wrinkles",
                "Retinol reduces the appearance of fine wrinkles",
                "Appearance of fine wrinkles",
                "retinol",
                "Retinol",
                ["retinoid", "retinoids", "vitamin a"],
            ),
            record(
                "roller-collagen",
                "An at-home derma-roller stimulates collagen and fixes acne scars",
                "Collagen production and acne scars",
                "derma-roller",
                "At-home derma-roller",
                ["derma roller", "microneedle roller"],
            ),
        ]
    )


def slugs(result):
    return [m.claim.slug for m in result.matches]


def test_the_issue_example_matches_its_claim_with_offsets_into_the_original_text(index):
    text = "Our stem-cell exosome serum boosts collagen and reverses ageing in 7 days!"
    result = check_with_index(text, index)
    [match] = result.matches
    assert match.claim.slug == "exosomes-collagen"
    assert text[match.start : match.end] == match.quote == text
    assert 0.5 <= match.confidence <= 1
    [flag] = result.drug_claim_flags
    assert (flag.quote, flag.category) == ("boosts collagen", "structure_function")
    assert text[flag.start : flag.end] == "boosts collagen"
    assert flag.citation.url.startswith("https://")


@pytest.mark.parametrize(
    "text",
    [
        "EXOZOMES boost collagen and reverse aging.",
        "Extracellular-vesicles stimulate collagen, reversing skin ageing.",
        "This EV serum increases collagen and reverses ageing.",
        "Dermaroller: stimulates collagen and fixes acne scars.",
        "The derma-rollers stimulate collagen and fix acne scars.",
    ],
)
def test_aliases_tolerate_case_plurals_hyphens_and_misspellings(index, text):
    assert slugs(check_with_index(text, index))


@pytest.mark.parametrize(
    "text",
    [
        "We do not use exosomes.",
        "Exosome-free formula that boosts collagen and reverses ageing.",
        "No exosomes here: our serum is plain hyaluronic acid.",
        "Do exosomes boost collagen and reverse ageing?",
        "Some brands claim that exosomes boost collagen and reverse ageing.",
        "Exosomes don't reverse ageing or boost collagen.",
    ],
)
def test_negated_asked_or_reported_mentions_never_match(index, text):
    assert slugs(check_with_index(text, index)) == []


def test_two_subjects_in_one_text_match_two_claims(index):
    text = "Retinol reduces fine lines. Our exosome serum boosts collagen and reverses ageing."
    assert slugs(check_with_index(text, index)) == ["retinol-wrinkles", "exosomes-collagen"]


@pytest.mark.parametrize(
    ("text", "quote", "category"),
    [
        ("It regenerates skin cells overnight.", "regenerates skin cells", "structure_function"),
        ("Repairs DNA damage from the sun.", "Repairs DNA", "structure_function"),
        ("A toner that decreases melanin production.", "decreases melanin", "structure_function"),
        ("Our gel treats acne in days.", "treats acne", "disease"),
        ("The balm heals wounds and cuts.", "heals wounds", "disease"),
        # FDA reads hair growth as structure/function; treating hair loss is the disease.
        ("A tonic that regrows hair.", "regrows hair", "structure_function"),
        ("A foam that treats alopecia.", "treats alopecia", "disease"),
        ("Proudly FDA approved.", "FDA approved", "regulatory_status"),
        ("Made in an FDA-registered lab.", "FDA-registered", "regulatory_status"),
    ],
)
def test_drug_claim_wording_is_flagged_with_category_and_reason(index, text, quote, category):
    [flag] = check_with_index(text, index).drug_claim_flags
    assert flag.quote.lower().startswith(quote.lower())
    assert flag.category == category
    assert flag.reason


@pytest.mark.parametrize(
    "text",
    [
        "This product is not intended to diagnose, treat, cure or prevent any disease.",
        "Our cream does not treat acne.",
        "This serum is not FDA approved.",
        "Does it really regrow hair?",
    ],
)
def test_disclaimers_negations_and_questions_are_not_flagged(index, text):
    assert check_with_index(text, index).drug_claim_flags == []


def test_claim_like_sentences_that_match_nothing_are_unchecked_with_a_prefilled_request(
    index,
):
    text = "Retinol reduces fine lines. Salmon DNA serum firms sagging jowls & lifts brows!"
    result = check_with_index(text, index)
    assert slugs(result) == ["retinol-wrinkles"]
    [item] = result.unchecked
    assert item.quote == "Salmon DNA serum firms sagging jowls & lifts brows!"
    assert item.request_path.startswith("/requests/new/?claim=Salmon+DNA+serum")
    assert "%26" in item.request_path


def test_plain_text_without_claims_gives_nothing(index):
    result = check_with_index("Free shipping over $50. Vegan and cruelty-free.", index)
    assert (result.matches, result.drug_claim_flags, result.unchecked) == ([], [], [])


def test_text_over_the_limit_is_refused(index):
    with pytest.raises(ValueError, match="20000"):
        check_with_index("a" * (MAX_CHARS + 1), index)


def test_the_same_text_always_gives_the_same_answer(index):
    text = "Exosomes boost collagen! Retinol smooths wrinkles. FDA approved. Treats acne."
    first, second = check_with_index(text, index), check_with_index(text, index)
    assert first == second
