"""The copy checker on realistic web copy (real_copy_tuning.yaml, real_copy_heldout.yaml),
and the reading rules that copy needs: structure, subjects, voice and FDA's intended-use test.

The index is built in memory from the starter data's YAML, published claims only, so these
tests need no database and score exactly what bench/copycheck_quality.py prints for these sets.
"""

from pathlib import Path

import pytest
import yaml

from claimcheck.claims.copycheck import check_with_index, evaluation
from claimcheck.claims.copycheck.index import Index

HERE = Path(__file__).parent
STARTER = HERE.parents[2] / "claimcheck" / "claims" / "starter_data"
PARTS = ("tuning", "heldout")


def _part(name):
    return yaml.safe_load((HERE / f"real_copy_{name}.yaml").read_text())


@pytest.fixture(scope="module")
def published():
    return Index(evaluation.starter_records(STARTER, published_only=True))


def check(index, text):
    return check_with_index(text, index)


def test_the_realistic_set_is_long_copy_with_negatives_and_a_held_out_part():
    tuning, held_out = _part("tuning"), _part("heldout")
    cases = tuning + held_out
    assert len(cases) >= 150
    assert len({case["id"] for case in cases}) == len(cases)
    assert sum(case["topic"] == "negative" for case in cases) >= 30
    assert len(held_out) >= 40
    assert sum(case["topic"] == "negative" for case in held_out) >= 10
    for case in cases:
        assert 200 <= len(case["text"]) <= 2000, case["id"]
        if case["topic"] == "negative":
            assert not case["claims"] and not case["flags"], case["id"]


def test_labelled_claims_are_published_starter_claims(published):
    slugs = {record.slug for record in published.records}
    for name in PARTS:
        for case in _part(name):
            assert set(case["claims"]) <= slugs, case["id"]


# The held-out part was first scored after tuning on the other (claims P/R 1.00/0.77, flags
# 0.95/1.00); its thresholds are the targets set before that, not its own figures.
@pytest.mark.parametrize(
    ("name", "claims_f1", "flags_f1"), [("tuning", 0.9, 0.9), ("heldout", 0.8, 0.8)]
)
def test_realistic_copy_scores_at_least_its_thresholds(published, name, claims_f1, flags_f1):
    cases = _part(name)
    report = evaluation.evaluate(cases, lambda text: check(published, text))
    mistakes = "\n".join(" ".join(error) for error in report.errors)
    assert report.claims.f1 >= claims_f1, mistakes
    assert report.flags.f1 >= flags_f1, mistakes


@pytest.mark.parametrize("name", PARTS)
def test_regulator_and_editorial_passages_give_no_match_and_no_flag(published, name):
    for case in _part(name):
        if case["topic"] == "negative":
            result = check(published, case["text"])
            assert result.matches == [], case["id"]
            assert result.drug_claim_flags == [], case["id"]


def slugs(result):
    return sorted({m.claim.slug for m in result.matches})


def test_a_lead_in_carries_its_subject_into_its_bullets(published):
    text = (
        "Our clinic uses a professional exosome serum.\n"
        "Benefits of our exosome serum:\n- Boosts collagen\n- Reverses visible ageing\n"
    )
    result = check(published, text)
    assert slugs(result) == ["exosome-serums-stimulate-collagen"]
    assert result.matches[0].carried


def test_a_pronoun_refers_back_to_the_last_subject_of_its_paragraph(published):
    text = "Retinol is a form of vitamin A. It stimulates collagen while you sleep."
    assert slugs(check(published, text)) == ["retinol-stimulates-collagen"]


def test_a_new_paragraph_does_not_inherit_the_last_subject(published):
    text = "Retinol is a form of vitamin A.\n\nIt stimulates collagen while you sleep."
    assert slugs(check(published, text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Retinol and peptides both boost collagen.",  # collagen is the object, not the subject
        "Our PRP facial is rich in growth factors that stimulate collagen.",
        "This serum is packed with collagen and leaves skin soft.",
    ],
)
def test_a_generic_word_never_picks_a_claim_on_its_own(published, text):
    assert "oral-collagen-improves-elasticity-and-wrinkles" not in slugs(check(published, text))
    assert "exosome-serums-stimulate-collagen" not in slugs(check(published, text))


def test_collagen_induction_therapy_is_plain_microneedling(published):
    text = "Collagen induction therapy improves the appearance of acne scars."
    assert slugs(check(published, text)) == ["skinpen-microneedling-improves-acne-scars"]


@pytest.mark.parametrize(
    "text",
    [
        "Neither is a treatment for acne; we recommend benzoyl peroxide instead.",
        "The FDA says some sellers claim that their creams treat acne.",
        'The box promises that the mask "boosts collagen" and "heals acne".',
        "Does benzoyl peroxide treat acne?",
        "PRP evolved from there for the purpose of skin rejuvenation.",
        "Consumers should be wary of products that claim to regenerate skin cells.",
        "There is no evidence that exosome serums stimulate collagen.",
        "Social media is full of videos saying rosemary oil regrows hair.",
        "Stopping treatment means any regrown hair is likely to be lost.",
    ],
)
def test_reported_denied_asked_or_historical_wording_is_neither_matched_nor_flagged(
    published, text
):
    result = check(published, text)
    assert result.matches == []
    assert result.drug_claim_flags == []


@pytest.mark.parametrize(
    ("text", "quote", "category"),
    [
        ("It upregulates collagen synthesis.", "upregulates collagen", "structure_function"),
        ("It normalises sebum production.", "normalises sebum", "structure_function"),
        (
            "It won't sting, and it normalizes oil production.",
            "normalizes oil production",
            "structure_function",
        ),
        ("Wake your follicles back up.", "Wake your follicles", "structure_function"),
        ("The toner triggers self-renewal.", "triggers self-renewal", "structure_function"),
        ("Promotes hair growth in weeks.", "Promotes hair growth", "structure_function"),
        ("Repair, rebuild and regenerate.", "Repair, rebuild and regenerate", "structure_function"),
        ("It regenerates damaged skin.", "regenerates damaged skin", "structure_function"),
        ("It kills acne-causing bacteria.", "kills acne", "disease"),
        ("A balm to soothe sunburn.", "soothe sunburn", "disease"),
        ("Fills in scars for good.", "Fills in scars", "disease"),
        ("Reduces the risk of skin cancer.", "Reduces the risk of skin cancer", "disease"),
        ("Treats hair loss disease.", "Treats hair loss disease", "disease"),
        ("Ideal for rosacea.", "Ideal for rosacea", "disease"),
        ("A balm to ease joint pain.", "ease joint pain", "disease"),
        ("The best treatment for acne scars.", "treatment for acne scars", "disease"),
        ("An FDA-cleared treatment.", "FDA-cleared treatment", "regulatory_status"),
        ("It has been approved for use on the face.", "approved for use", "regulatory_status"),
    ],
)
def test_drug_claim_wording_is_read_as_open_classes(published, text, quote, category):
    [flag] = check(published, text).drug_claim_flags
    assert flag.quote.lower() == quote.lower()
    assert flag.category == category


@pytest.mark.parametrize(
    "text",
    [
        "It reduces the appearance of acne scars.",
        "Visibly smoother, brighter-looking skin.",
        "Suitable for acne-prone skin.",
        "FDA-approved injectable HA products such as Restylane are broken down by the body.",
        "This serum is not FDA approved.",
        "Sculptra is a collagen stimulator made of poly-L-lactic acid.",
        "Our treatment plan for your skin.",
    ],
)
def test_appearance_wording_and_factual_status_are_not_flagged(published, text):
    assert check(published, text).drug_claim_flags == []


def test_a_word_of_an_alias_is_still_an_outcome_of_the_claim(published):
    # "double chin injection" names Kybella; "double chin" alone is what the claim promises.
    text = "Kybella injections reduce a double chin."
    assert slugs(check(published, text)) == ["kybella-reduces-double-chin"]


def test_matches_carry_their_evidence(published):
    [match] = check(published, "Snail mucin reduces wrinkles overnight.").matches
    assert match.subject == "Snail mucin"
    assert "WRINKLE" in match.outcome
    assert not match.carried


def test_a_quoted_example_is_not_flagged_but_a_quoted_testimonial_is(published):
    example = 'Labels with wording such as "regenerates skin cells" are common.'
    testimonial = "\u201cThis gel cleared my acne in a week!\u201d says Amy, 24."
    assert check(published, example).drug_claim_flags == []
    assert [f.quote for f in check(published, testimonial).drug_claim_flags] == ["cleared my acne"]


def test_a_long_paste_is_judged_section_by_section(published):
    by_name = {case["id"]: case["text"] for case in _part("tuning")}
    seller, explainer = by_name["t-snail-01"], by_name["t-neg-07"]
    result = check(published, f"{seller}\n{explainer}")
    assert slugs(result) == ["snail-mucin-reduces-wrinkles"]
    assert all(flag.start < len(seller) for flag in result.drug_claim_flags)
    assert result.drug_claim_flags


def test_a_product_noun_phrase_refers_back_to_the_heading(published):
    text = "ExoLux Exosome Serum\n\nOur best-selling lightweight formula boosts collagen."
    assert slugs(check(published, text)) == ["exosome-serums-stimulate-collagen"]


def test_a_relative_clause_is_about_the_product_it_follows(published):
    text = "Say goodbye to breakouts with our benzoyl peroxide wash, which treats acne in days."
    result = check(published, text)
    assert slugs(result) == ["benzoyl-peroxide-treats-acne"]
    assert [f.quote for f in result.drug_claim_flags] == ["Say goodbye to breakouts", "treats acne"]


def test_reporting_in_one_part_of_a_sentence_does_not_reach_the_next(published):
    text = "Clients tell us their skin looks brighter, and PRP recruits collagen-producing cells."
    flags = check(published, text).drug_claim_flags
    assert flags
    assert all(flag.start > text.index(", and") for flag in flags)
    assert flags[0].quote == "recruits collagen"


DIGEST = """
import hashlib, sys
from pathlib import Path
import yaml
from claimcheck.claims.copycheck import check_with_index, evaluation
from claimcheck.claims.copycheck.index import Index
here = Path(sys.argv[1])
index = Index(evaluation.starter_records(here.parents[2] / "claimcheck/claims/starter_data"))
out = hashlib.sha256()
for name in ("tuning", "heldout"):
    for case in yaml.safe_load((here / f"real_copy_{name}.yaml").read_text()):
        result = check_with_index(case["text"], index)
        found = [(m.start, m.claim.slug, m.confidence) for m in result.matches]
        found += [(f.start, f.end, f.rule) for f in result.drug_claim_flags]
        out.update(repr(found).encode())
print(out.hexdigest())
"""


def test_the_answer_does_not_depend_on_the_hash_seed():
    import os
    import subprocess
    import sys

    digests = set()
    for seed in ("1", "5", "9", "13"):  # seed 5 split a tie differently before it was fixed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", DIGEST, str(HERE)],
            capture_output=True,
            text=True,
            env=env,
            cwd=HERE.parents[2],
            check=True,
        )
        digests.add(run.stdout.strip())
    assert len(digests) == 1
