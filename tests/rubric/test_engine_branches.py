"""Targeted tests of every rule and branch of the rating engine and of describe().

Each test builds the smallest claim that isolates one rule. The baseline study is an
independent, peer-reviewed, low-risk-of-bias randomised trial of 200 participants, which the
engine rates HIGH with no downgrade; tests change only what the rule under test reads.
"""

import dataclasses
import hashlib
import json

import pytest

from claimcheck.rubric import (
    VERSION,
    ClaimInput,
    Factor,
    Rating,
    RubricInputError,
    SignalInput,
    StudyInput,
    describe,
    rate,
)
from claimcheck.rubric.engine import (
    _e_points,
    banded_score,
    canonical_json,
    composite,
    decide,
    effective_origin,
    round_half_up,
    signal_matches,
)
from claimcheck.rubric.tables import (
    BANDS,
    CLAIMREVIEW_RATING,
    DESIGN_LABELS,
    E_POINTS,
    GRADES,
    R_TABLE,
    VERDICT_RULES,
    WEIGHTS,
    ClaimType,
    Design,
    Direction,
    Funding,
    Level,
    Origin,
    RCode,
    RiskOfBias,
    Route,
    SubjectKind,
    Verdict,
)


def study(key="PMID:1", design=Design.RCT, **fields):
    values = {"participants": 200, "funding": Funding.INDEPENDENT, "risk_of_bias": RiskOfBias.LOW}
    values.update(fields)
    return StudyInput(key, design, **values)


def claim(*studies, **fields):
    values = {
        "subject_kind": SubjectKind.INGREDIENT_CLASS,
        "source_origin": Origin.SYNTHETIC,
        "biologic": False,
        "route": Route.TOPICAL_INTACT,
        "claim_type": ClaimType.APPEARANCE,
        "r_code": RCode.R4,
        "studies": studies,
    }
    values.update(fields)
    return ClaimInput(**values)


def codes(rating):
    return [f.code for f in rating.factors]


def factor(rating, code):
    (found,) = [f for f in rating.factors if f.code == code]
    return found


def signal(key="signal:1", **fields):
    values = {"title": "FDA safety notification", "active": True, "routes": (Route.TOPICAL_INTACT,)}
    values.update(fields)
    return SignalInput(key=key, **values)


# ---------------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize(
    "field", ["subject_kind", "source_origin", "route", "claim_type", "r_code"]
)
def test_an_unknown_claim_vocabulary_value_is_rejected_naming_the_field(field):
    bad = claim(**{field: "bogus"})

    with pytest.raises(RubricInputError, match=rf"^{field}: 'bogus' is not one of"):
        rate(bad)


@pytest.mark.parametrize(
    "field", ["design", "funding", "direction", "risk_of_bias", "restricted_direction"]
)
def test_an_unknown_study_vocabulary_value_is_rejected_naming_the_study_and_field(field):
    if field == "design":
        bad = StudyInput("PMID:9", "bogus")
    else:
        bad = study("PMID:9", **{field: "bogus"})

    with pytest.raises(RubricInputError, match=rf"^PMID:9: {field}: 'bogus' is not one of"):
        rate(claim(bad))


@pytest.mark.parametrize("field", ["direction", "restricted_direction"])
def test_none_is_an_output_direction_that_no_study_can_report(field):
    # Without this check a review reporting "none" crashed the engine with a KeyError.
    bad = study("PMID:9", Design.SR_MA, **{field: Direction.NONE})

    with pytest.raises(RubricInputError, match="^PMID:9: direction or restricted_direction"):
        rate(claim(bad, study("PMID:8", Design.SR_MA, direction=Direction.CONTRADICTS)))


def test_rubric_input_error_is_a_value_error():
    assert issubclass(RubricInputError, ValueError)


def test_negative_participants_are_rejected_but_zero_and_unknown_are_accepted():
    with pytest.raises(RubricInputError, match="^PMID:1: participants must not be negative"):
        rate(claim(study(participants=-1)))

    assert rate(claim(study(participants=0))).e_level == Level.LOW  # D4 -2
    # Rubric 2.0.0: an unreported size is not counted as zero, it costs 1 ("size not reported").
    assert rate(claim(study(participants=None))).e_level == Level.MODERATE


@pytest.mark.parametrize("ratio", [0, -500])
def test_a_relative_effect_that_is_not_positive_is_rejected(ratio):
    with pytest.raises(RubricInputError, match="^PMID:1: relative effect must be positive"):
        rate(claim(study(relative_effect_milli=ratio)))


def test_the_smallest_positive_relative_effect_is_accepted():
    assert rate(claim(study(relative_effect_milli=1))).e_level == Level.HIGH


def test_an_unknown_transparency_item_is_rejected():
    with pytest.raises(RubricInputError, match=r"^transparency: unknown item 'P9'"):
        rate(claim(transparency={"C1": "pass", "P9": "pass"}))


def test_an_unknown_transparency_status_is_rejected_naming_the_item():
    with pytest.raises(RubricInputError, match=r"^transparency C2: 'maybe' is not one of"):
        rate(claim(transparency={"C2": "maybe"}))


@pytest.mark.parametrize(
    ("field", "label"), [("routes", "route"), ("claim_types", "claim type"), ("origins", "origin")]
)
def test_an_unknown_value_in_a_signal_is_rejected_naming_the_signal_and_field(field, label):
    bad = signal("signal:x", **{field: ("bogus",)})

    with pytest.raises(RubricInputError, match=rf"^signal:x: {label}: 'bogus' is not one of"):
        rate(claim(signals=(bad,)))


# ---------------------------------------------------------------------------------------------
# Canonical inputs, hash and the rating record


def test_the_hash_is_the_sha256_of_canonical_json_with_sorted_keys():
    rating = rate(
        claim(
            study(),
            transparency={"C2": "pass", "C1": "fail"},
            r_sources=("regulatory:b", "regulatory:a"),
        )
    )

    data = json.loads(rating.inputs_json)
    assert rating.inputs_sha256 == hashlib.sha256(rating.inputs_json.encode("ascii")).hexdigest()
    assert rating.inputs_json == json.dumps(data, sort_keys=True, separators=(",", ":"))
    assert data["r_sources"] == ["regulatory:a", "regulatory:b"]
    assert rating.rubric_version == VERSION


def test_canonical_json_ignores_the_order_of_sources_signal_routes_and_studies():
    one = claim(
        study("A"),
        study("B", participants=10),
        r_sources=("x", "y"),
        signals=(signal("s:2", routes=(Route.ORAL, Route.INJECTION)), signal("s:1")),
    )
    other = claim(
        study("B", participants=10),
        study("A"),
        r_sources=("y", "x"),
        signals=(signal("s:1"), signal("s:2", routes=(Route.INJECTION, Route.ORAL))),
    )

    assert canonical_json(one) == canonical_json(other)


def test_studies_sharing_a_key_are_ordered_by_their_content():
    one = claim(study("A", participants=10), study("A", participants=20))
    other = claim(study("A", participants=20), study("A", participants=10))

    assert canonical_json(one) == canonical_json(other)


def test_any_change_to_an_input_changes_the_hash():
    base = claim(study())

    assert rate(base).inputs_sha256 != rate(claim(study(participants=201))).inputs_sha256
    assert rate(base).inputs_sha256 != rate(claim(study(), r_code=RCode.R5)).inputs_sha256


def test_a_rating_converts_to_a_plain_dict():
    rating = rate(claim(study()))

    data = rating.as_dict()
    assert isinstance(rating, Rating)
    assert data["verdict"] == rating.verdict
    assert data["factors"][0] == dataclasses.asdict(rating.factors[0])
    assert isinstance(rating.factors[0], Factor)


# ---------------------------------------------------------------------------------------------
# Eligible set and start level


@pytest.mark.parametrize(
    ("design", "level"),
    [
        (Design.SR_MA, Level.HIGH),
        (Design.RCT, Level.HIGH),
        (Design.STANDARD_REG_TEST, Level.HIGH),
        (Design.NONRANDOMISED_CONTROLLED, Level.LOW),
        (Design.COHORT_CASE_CONTROL, Level.LOW),
        (Design.UNCONTROLLED_BEFORE_AFTER, Level.VERY_LOW),
        (Design.CASE_SERIES, Level.VERY_LOW),
        (Design.CASE_REPORT, Level.VERY_LOW),
        (Design.ANIMAL, Level.NO_HUMAN),
        (Design.IN_VITRO, Level.NO_HUMAN),
        (Design.MECHANISTIC_OPINION, Level.NO_HUMAN),
    ],
)
def test_each_design_family_starts_at_its_level(design, level):
    rating = rate(claim(study(design=design)))

    assert rating.e_level == level
    assert f"E_START_{level.value}" in codes(rating)


def test_no_study_gives_level_none_with_no_direction_and_zero_points():
    rating = rate(claim())

    assert (rating.e_level, rating.e_direction, rating.e_points) == ("NONE", "none", 0)
    assert factor(rating, "E_START_NONE").sources == ()
    assert (rating.verdict, rating.verdict_rule) == (Verdict.UNPROVEN, 4)


def test_studies_of_another_outcome_are_not_eligible():
    rating = rate(claim(study(on_outcome=False), study("LAB:1", Design.IN_VITRO, on_outcome=False)))

    assert rating.e_level == Level.NONE


def test_the_best_human_design_sets_the_start():
    rating = rate(
        claim(
            study("CASE:1", Design.CASE_SERIES),
            study("COH:1", Design.COHORT_CASE_CONTROL),
            study("RCT:1"),
        )
    )

    assert factor(rating, "E_START_HIGH").sources == ("CASE:1", "COH:1", "RCT:1")


def test_non_human_studies_are_ignored_once_a_human_study_exists():
    rating = rate(
        claim(
            study("SERIES:1", Design.CASE_SERIES),
            study("LAB:1", Design.IN_VITRO, direction=Direction.CONTRADICTS),
        )
    )

    assert (rating.e_level, rating.e_direction) == (Level.VERY_LOW, Direction.SUPPORTS)


def test_retracted_studies_are_left_out_and_cited_in_their_own_factor():
    rating = rate(claim(study("RCT:1", retracted=True), study("SERIES:1", Design.CASE_SERIES)))

    assert rating.e_level == Level.VERY_LOW
    assert codes(rating)[1] == "E_RETRACTED"
    assert factor(rating, "E_RETRACTED").sources == ("RCT:1",)
    assert factor(rating, "E_RETRACTED").effect is None


def test_only_retracted_studies_leave_no_evidence():
    rating = rate(claim(study(retracted=True)))

    assert rating.e_level == Level.NONE
    assert "E_RETRACTED" in codes(rating)


def test_without_retractions_there_is_no_retraction_factor():
    assert "E_RETRACTED" not in codes(rate(claim(study())))


@pytest.mark.parametrize(
    ("direction", "points"),
    [
        (Direction.SUPPORTS, 10),
        (Direction.MIXED, 5),
        (Direction.NO_EFFECT, 0),
        (Direction.CONTRADICTS, 0),
    ],
)
def test_no_human_evidence_takes_its_direction_from_the_laboratory_studies(direction, points):
    rating = rate(claim(study("LAB:1", Design.IN_VITRO, direction=direction)))

    assert (rating.e_level, rating.e_direction, rating.e_points) == ("NO_HUMAN", direction, points)
    assert factor(rating, "E_START_NO_HUMAN").sources == ("LAB:1",)
    assert (rating.verdict, rating.verdict_rule) == (Verdict.UNPROVEN, 4)


# ---------------------------------------------------------------------------------------------
# Governing direction


def test_agreeing_reviews_govern_over_the_primary_studies():
    rating = rate(
        claim(
            study("SR:1", Design.SR_MA),
            study("SR:2", Design.SR_MA),
            study("RCT:1", participants=5000, direction=Direction.CONTRADICTS),
        )
    )

    assert rating.e_direction == Direction.SUPPORTS
    assert factor(rating, "E_DIRECTION_SUPPORTS").sources == ("SR:1", "SR:2")
    assert "the systematic reviews agree" in factor(rating, "E_DIRECTION_SUPPORTS").sentence


def test_disagreeing_reviews_are_settled_by_the_one_restricted_analysis():
    rating = rate(
        claim(
            study("SR:1", Design.SR_MA, participants=900, restricted_direction=Direction.NO_EFFECT),
            study(
                "SR:2",
                Design.SR_MA,
                direction=Direction.NO_EFFECT,
                restricted_direction=Direction.NO_EFFECT,
            ),
        )
    )

    assert rating.e_direction == Direction.NO_EFFECT
    assert "restricted to low risk of bias" in factor(rating, "E_DIRECTION_NO_EFFECT").sentence
    assert (rating.verdict, rating.verdict_rule) == (Verdict.NOT_SUPPORTED, 3)


def test_disagreeing_reviews_without_a_restricted_analysis_follow_the_majority():
    rating = rate(
        claim(
            study("SR:1", Design.SR_MA, participants=300),
            study("SR:2", Design.SR_MA, participants=100, direction=Direction.CONTRADICTS),
        )
    )

    assert rating.e_direction == Direction.SUPPORTS
    assert "majority of participants governs" in factor(rating, "E_DIRECTION_SUPPORTS").sentence


def test_disagreeing_reviews_with_conflicting_restricted_analyses_follow_the_majority():
    rating = rate(
        claim(
            study("SR:1", Design.SR_MA, participants=100, restricted_direction=Direction.SUPPORTS),
            study(
                "SR:2",
                Design.SR_MA,
                participants=300,
                direction=Direction.CONTRADICTS,
                restricted_direction=Direction.CONTRADICTS,
            ),
        )
    )

    assert rating.e_direction == Direction.CONTRADICTS


def test_an_even_split_between_reviews_is_mixed_and_unproven():
    rating = rate(
        claim(
            study("SR:1", Design.SR_MA), study("SR:2", Design.SR_MA, direction=Direction.NO_EFFECT)
        )
    )

    assert (rating.e_level, rating.e_direction) == (Level.HIGH, Direction.MIXED)
    assert rating.e_points == 25
    assert (rating.verdict, rating.verdict_rule) == (Verdict.UNPROVEN, 4)


def test_without_reviews_the_majority_of_participants_governs():
    rating = rate(
        claim(
            study("RCT:1", participants=50),
            study("RCT:2", participants=150, direction=Direction.NO_EFFECT),
        )
    )

    assert rating.e_direction == Direction.NO_EFFECT
    assert "the direction of the majority" in factor(rating, "E_DIRECTION_NO_EFFECT").sentence


def test_a_study_of_unknown_or_zero_size_weighs_as_one_participant():
    rating = rate(
        claim(
            study("RCT:1", participants=None),
            study("RCT:2", participants=0),
            study("RCT:3", participants=None, direction=Direction.CONTRADICTS),
        )
    )

    assert rating.e_direction == Direction.SUPPORTS


def test_a_study_reporting_a_mixed_result_counts_towards_no_majority():
    rating = rate(
        claim(
            study("RCT:1", participants=100),
            study("RCT:2", participants=100, direction=Direction.MIXED),
        )
    )

    assert rating.e_direction == Direction.MIXED


def test_a_supportive_effect_below_the_minimal_important_difference_counts_as_no_effect():
    rating = rate(claim(study(below_mid=True)))

    assert rating.e_direction == Direction.NO_EFFECT
    assert rating.independent_concordant == 0


def test_below_mid_leaves_a_contradicting_study_contradicting():
    rating = rate(claim(study(below_mid=True, direction=Direction.CONTRADICTS)))

    assert rating.e_direction == Direction.CONTRADICTS


# ---------------------------------------------------------------------------------------------
# Downgrades


@pytest.mark.parametrize(
    ("rob", "level", "effect"),
    [
        (RiskOfBias.LOW, Level.HIGH, None),
        (RiskOfBias.SERIOUS, Level.MODERATE, -1),
        (RiskOfBias.VERY_SERIOUS, Level.LOW, -2),
        (RiskOfBias.NOT_ASSESSED, Level.MODERATE, -1),
    ],
)
def test_risk_of_bias_costs_its_judged_levels(rob, level, effect):
    rating = rate(claim(study(risk_of_bias=rob)))

    assert rating.e_level == level
    if effect is None:
        assert "E_D1_RISK_OF_BIAS" not in codes(rating)
    else:
        assert factor(rating, "E_D1_RISK_OF_BIAS").effect == effect


def test_unassessed_risk_of_bias_says_it_is_not_yet_assessed():
    rating = rate(claim(study(risk_of_bias=RiskOfBias.NOT_ASSESSED)))

    assert "not yet fully assessed" in factor(rating, "E_D1_RISK_OF_BIAS").sentence


def test_serious_risk_of_bias_is_reported_as_a_reviewer_judgement():
    rating = rate(claim(study(risk_of_bias=RiskOfBias.SERIOUS)))

    assert "reviewers judged" in factor(rating, "E_D1_RISK_OF_BIAS").sentence


def test_the_worst_risk_of_bias_in_the_body_governs_and_is_cited():
    rating = rate(
        claim(
            study("RCT:1", risk_of_bias=RiskOfBias.NOT_ASSESSED),
            study("RCT:2", risk_of_bias=RiskOfBias.VERY_SERIOUS),
            study("RCT:3"),
        )
    )

    d1 = factor(rating, "E_D1_RISK_OF_BIAS")
    assert (d1.effect, d1.sources) == (-2, ("RCT:2",))
    assert "reviewers judged" in d1.sentence
    assert rating.e_level == Level.LOW


def test_risk_of_bias_outside_the_governing_reviews_is_ignored():
    rating = rate(
        claim(study("SR:1", Design.SR_MA), study("RCT:1", risk_of_bias=RiskOfBias.VERY_SERIOUS))
    )

    assert rating.e_level == Level.HIGH


def test_inconsistency_costs_one_level():
    rating = rate(claim(study("RCT:1", inconsistency=True), study("RCT:2")))

    d2 = factor(rating, "E_D2_INCONSISTENCY")
    assert (d2.effect, d2.sources) == (-1, ("RCT:1",))
    assert rating.e_level == Level.MODERATE


@pytest.mark.parametrize(
    "flag", ["indirect_population", "indirect_intervention", "indirect_outcome"]
)
def test_each_kind_of_indirectness_costs_one_level(flag):
    rating = rate(claim(study(**{flag: True})))

    d3 = factor(rating, "E_D3_INDIRECTNESS")
    assert d3.effect == -1
    assert flag.removeprefix("indirect_") in d3.sentence
    assert rating.e_level == Level.MODERATE


def test_indirectness_is_capped_at_two_levels_and_counts_each_kind_once():
    rating = rate(
        claim(
            study("RCT:1", indirect_population=True, indirect_intervention=True),
            study("RCT:2", indirect_population=True, indirect_outcome=True),
            study("RCT:3"),
        )
    )

    d3 = factor(rating, "E_D3_INDIRECTNESS")
    assert (d3.effect, d3.sources) == (-2, ("RCT:1", "RCT:2"))
    assert "population and intervention and outcome" in d3.sentence
    assert rating.e_level == Level.LOW


def product(*studies, **fields):
    return claim(*studies, subject_kind=SubjectKind.PRODUCT, **fields)


def test_a_product_studied_only_as_its_ingredient_with_undisclosed_amount_loses_a_level():
    rating = rate(product(study(), transparency={"P5": "fail"}))

    assert factor(rating, "E_D3_INGREDIENT_ONLY").effect == -1
    assert rating.e_level == Level.MODERATE


def test_an_unrecorded_amount_counts_as_undisclosed_for_ingredient_only_evidence():
    assert "E_D3_INGREDIENT_ONLY" in codes(rate(product(study())))


def test_a_product_that_states_the_amount_of_its_active_keeps_ingredient_evidence():
    rating = rate(product(study(), transparency={"P5": "pass"}))

    assert "E_D3_INGREDIENT_ONLY" not in codes(rating)
    assert rating.e_level == Level.HIGH


def test_a_study_of_the_exact_product_avoids_the_ingredient_only_downgrade():
    rating = rate(product(study("RCT:1"), study("RCT:2", studies_exact_product=True)))

    assert "E_D3_INGREDIENT_ONLY" not in codes(rating)


def test_a_laboratory_study_of_the_exact_product_does_not_count_as_product_evidence():
    rating = rate(
        product(study("RCT:1"), study("LAB:1", Design.IN_VITRO, studies_exact_product=True))
    )

    assert "E_D3_INGREDIENT_ONLY" in codes(rating)


def test_an_ingredient_class_never_gets_the_ingredient_only_downgrade():
    assert "E_D3_INGREDIENT_ONLY" not in codes(rate(claim(study())))


@pytest.mark.parametrize(
    ("sizes", "cost"),
    [
        ((50, 50), None),
        ((99,), -1),
        ((60, 39), -1),
        ((30,), -1),
        ((29,), -2),
        ((20, None), -2),
        ((120, None), None),  # 2.0.0: the unreported study is left out, not counted as zero
        ((None,), -1),  # 2.0.0: size not reported costs 1, not 2
        ((None, None), -1),
    ],
)
def test_imprecision_counts_the_participants_across_primary_studies(sizes, cost):
    studies = [study(f"RCT:{i}", participants=n) for i, n in enumerate(sizes)]
    rating = rate(claim(*studies))

    if cost is None:
        assert "E_D4_IMPRECISION" not in codes(rating)
    else:
        d4 = factor(rating, "E_D4_IMPRECISION")
        assert d4.effect == cost
        if all(n is None for n in sizes):
            assert "do not report how many people took part" in d4.sentence
        else:
            assert "across the studies that report their size" in d4.sentence
            assert f"only {sum(n or 0 for n in sizes)} participants" in d4.sentence
            if None in sizes:
                assert "do not report their size; they are not counted" in d4.sentence


def test_imprecision_of_reviews_counts_only_the_largest_review():
    rating = rate(
        claim(
            study("SR:1", Design.SR_MA, participants=80),
            study("SR:2", Design.SR_MA, participants=90),
            study("SR:3", Design.SR_MA, participants=None),
        )
    )

    d4 = factor(rating, "E_D4_IMPRECISION")
    assert d4.effect == -1
    assert "only 90 participants in the largest systematic review" in d4.sentence


def test_a_review_of_unknown_size_costs_one_level_not_two():
    """Rubric 2.0.0: a review that omits its total is not counted as zero participants."""
    rating = rate(claim(study("SR:1", Design.SR_MA, participants=None)))

    d4 = factor(rating, "E_D4_IMPRECISION")
    assert d4.effect == -1
    assert "size not reported" in d4.sentence
    assert rating.e_level == Level.MODERATE


def test_a_reviewer_may_add_d4r_for_an_unreported_size_known_to_be_small():
    flagged = study("SR:1", Design.SR_MA, participants=None, unreported_size_small=True)
    rating = rate(claim(flagged))

    assert factor(rating, "E_D4_IMPRECISION").effect == -1
    d4r = factor(rating, "E_D4R_SMALL_UNREPORTED")
    assert (d4r.effect, d4r.sources) == (-1, ("SR:1",))
    assert rating.e_level == Level.LOW


def test_d4r_is_ignored_for_a_study_that_reports_its_size():
    rating = rate(claim(study(participants=200, unreported_size_small=True)))

    assert "E_D4R_SMALL_UNREPORTED" not in codes(rating)
    assert rating.e_level == Level.HIGH


def test_d4_and_d4r_together_never_cost_more_than_two():
    rating = rate(
        claim(
            study("RCT:1", participants=20),
            study("RCT:2", participants=None, unreported_size_small=True),
        )
    )

    assert factor(rating, "E_D4_IMPRECISION").effect == -2
    assert "E_D4R_SMALL_UNREPORTED" not in codes(rating)


def test_independent_peer_reviewed_evidence_keeps_its_level():
    rating = rate(claim(study()))

    assert not [c for c in codes(rating) if c.startswith("E_D5")]
    assert rating.e_level == Level.HIGH


@pytest.mark.parametrize(
    "fields",
    [
        {"funding": Funding.MANUFACTURER},
        {"funding": Funding.MIXED},
        {"funding": Funding.UNDISCLOSED},
        {"manufacturer_affiliated": True},
    ],
)
def test_most_participants_from_interested_studies_cost_one_level(fields):
    rating = rate(
        claim(study("RCT:1", participants=150, **fields), study("RCT:2", participants=100))
    )

    d5 = factor(rating, "E_D5_INDEPENDENCE")
    assert (d5.effect, d5.sources) == (-1, ("RCT:1",))
    assert "most participants come from studies funded by" in d5.sentence
    assert "not peer reviewed" not in d5.sentence
    assert rating.e_level == Level.MODERATE


def test_exactly_half_of_participants_from_interested_studies_is_not_a_majority():
    rating = rate(claim(study("RCT:1", funding=Funding.MANUFACTURER), study("RCT:2")))

    assert "E_D5_INDEPENDENCE" not in codes(rating)


def test_interested_studies_of_unknown_size_weigh_as_one_participant():
    rating = rate(
        claim(
            study("RCT:1", participants=None, funding=Funding.MANUFACTURER),
            study("RCT:2", participants=None, funding=Funding.MANUFACTURER),
            study("RCT:3", participants=1),
        )
    )

    assert "E_D5_INDEPENDENCE" in codes(rating)


def test_a_key_study_not_peer_reviewed_costs_one_level():
    rating = rate(claim(study("RCT:1", peer_reviewed=False), study("RCT:2")))

    d5 = factor(rating, "E_D5_INDEPENDENCE")
    assert (d5.effect, d5.sources) == (-1, ("RCT:1",))
    assert d5.sentence == "Independence: a key study was not peer reviewed."


def test_both_independence_reasons_cost_one_level_only_and_cite_each_study_once():
    rating = rate(
        claim(
            study("RCT:1", funding=Funding.MANUFACTURER, peer_reviewed=False),
            study("RCT:2", funding=Funding.UNDISCLOSED),
        )
    )

    d5 = factor(rating, "E_D5_INDEPENDENCE")
    assert (d5.effect, d5.sources) == (-1, ("RCT:1", "RCT:2"))
    assert "manufacturer; a key study was not peer reviewed." in d5.sentence
    assert rating.e_level == Level.MODERATE


@pytest.mark.parametrize("r_code", [RCode.R1, RCode.R2A, RCode.R3])
def test_fda_review_of_efficacy_waives_the_independence_downgrade(r_code):
    rating = rate(claim(study(funding=Funding.MANUFACTURER, peer_reviewed=False), r_code=r_code))

    assert factor(rating, "E_D5_WAIVED").effect == 0
    assert "E_D5_INDEPENDENCE" not in codes(rating)
    assert rating.e_level == Level.HIGH


@pytest.mark.parametrize("r_code", [RCode.R2B, RCode.R4, RCode.R5, RCode.R6, RCode.R7, RCode.R8])
def test_without_fda_review_the_independence_downgrade_applies(r_code):
    rating = rate(claim(study(funding=Funding.MANUFACTURER), r_code=r_code))

    assert "E_D5_WAIVED" not in codes(rating)
    assert rating.e_level == Level.MODERATE


def test_downgrades_add_up_and_the_level_never_falls_below_very_low():
    rating = rate(
        claim(
            study(
                participants=10,
                risk_of_bias=RiskOfBias.VERY_SERIOUS,
                inconsistency=True,
                indirect_outcome=True,
                funding=Funding.MANUFACTURER,
            )
        )
    )

    effects = [
        f.effect for f in rating.factors if f.code[:4] in ("E_D1", "E_D2", "E_D3", "E_D4", "E_D5")
    ]
    assert effects == [-2, -1, -1, -2, -1]
    assert rating.e_level == Level.VERY_LOW
    assert rating.e_points == 25


# ---------------------------------------------------------------------------------------------
# Upgrades


def cohort(**fields):
    return study("COH:1", Design.COHORT_CASE_CONTROL, **fields)


@pytest.mark.parametrize(
    ("ratio", "level", "code"),
    [
        (None, Level.LOW, None),
        (2000, Level.LOW, None),
        (2001, Level.MODERATE, "E_UP_LARGE_EFFECT"),
        (500, Level.LOW, None),
        (499, Level.MODERATE, "E_UP_LARGE_EFFECT"),
        (5000, Level.MODERATE, "E_UP_LARGE_EFFECT"),
        (5001, Level.HIGH, "E_UP_VERY_LARGE_EFFECT"),
        (200, Level.MODERATE, "E_UP_LARGE_EFFECT"),
        (199, Level.HIGH, "E_UP_VERY_LARGE_EFFECT"),
    ],
)
def test_a_large_or_very_large_effect_raises_a_low_start(ratio, level, code):
    rating = rate(claim(cohort(relative_effect_milli=ratio)))

    assert rating.e_level == level
    ups = [c for c in codes(rating) if c.startswith("E_UP")]
    assert ups == ([code] if code else [])


def test_a_dose_response_gradient_raises_a_low_start_by_one():
    rating = rate(claim(cohort(dose_response=True)))

    assert factor(rating, "E_UP_DOSE_RESPONSE").effect == 1
    assert rating.e_level == Level.MODERATE


def test_upgrades_add_up_and_the_level_never_rises_above_high():
    rating = rate(claim(cohort(relative_effect_milli=10000, dose_response=True)))

    assert codes(rating).count("E_UP_VERY_LARGE_EFFECT") == 1
    assert "E_UP_LARGE_EFFECT" not in codes(rating)
    assert rating.e_level == Level.HIGH


def test_upgrades_also_lift_uncontrolled_evidence():
    rating = rate(claim(study("SERIES:1", Design.CASE_SERIES, relative_effect_milli=3000)))

    assert rating.e_level == Level.LOW


def test_upgrades_cannot_raise_a_high_start():
    rating = rate(
        claim(study(relative_effect_milli=9000, dose_response=True, indirect_outcome=True))
    )

    assert not [c for c in codes(rating) if c.startswith("E_UP")]
    assert rating.e_level == Level.MODERATE


@pytest.mark.parametrize("rob", [RiskOfBias.SERIOUS, RiskOfBias.NOT_ASSESSED])
def test_upgrades_need_a_body_without_risk_of_bias_downgrade(rob):
    rating = rate(claim(cohort(risk_of_bias=rob, relative_effect_milli=9000, dose_response=True)))

    assert not [c for c in codes(rating) if c.startswith("E_UP")]
    assert rating.e_level == Level.VERY_LOW


# ---------------------------------------------------------------------------------------------
# Independent concordant studies and E points


def test_independent_concordant_studies_are_eligible_independent_supporting_studies():
    rating = rate(
        claim(
            study("SR:1", Design.SR_MA, funding=Funding.MANUFACTURER),
            study("RCT:1"),
            study("COH:1", Design.COHORT_CASE_CONTROL),
            study("RCT:2", manufacturer_affiliated=True),
            study("RCT:3", below_mid=True),
            study("RCT:4", on_outcome=False),
            study("RCT:5", retracted=True),
            study("RCT:6", funding=Funding.MIXED),
            study("LAB:1", Design.IN_VITRO),
        )
    )

    assert rating.e_direction == Direction.SUPPORTS
    assert rating.independent_concordant == 2


def test_independent_studies_are_not_counted_when_the_evidence_is_against_the_claim():
    rating = rate(
        claim(study("RCT:1"), study("RCT:2", participants=500, direction=Direction.CONTRADICTS))
    )

    assert rating.e_direction == Direction.CONTRADICTS
    assert rating.independent_concordant == 0
    assert "Independent studies supporting the claim: 0." in factor(rating, "E_LEVEL").sentence


@pytest.mark.parametrize(
    ("level", "points"),
    [
        (Level.HIGH, 100),
        (Level.MODERATE, 75),
        (Level.LOW, 50),
        (Level.VERY_LOW, 25),
        (Level.NO_HUMAN, 10),
        (Level.NONE, 0),
    ],
)
def test_supporting_evidence_earns_its_level_points(level, points):
    assert _e_points(level, Direction.SUPPORTS) == points == E_POINTS[level]


@pytest.mark.parametrize(
    ("level", "points"),
    [
        (Level.HIGH, 25),
        (Level.MODERATE, 25),
        (Level.LOW, 25),
        (Level.VERY_LOW, 13),
        (Level.NO_HUMAN, 5),
    ],
)
def test_mixed_evidence_earns_half_of_its_level_points_capped_at_fifty(level, points):
    # RUBRIC.md rounds half up everywhere: half of 25 is 12.5, which rounds to 13.
    assert _e_points(level, Direction.MIXED) == points


@pytest.mark.parametrize("direction", [Direction.NO_EFFECT, Direction.CONTRADICTS, Direction.NONE])
def test_evidence_against_the_claim_or_without_direction_earns_nothing(direction):
    assert _e_points(Level.HIGH, direction) == 0


def test_mixed_uncontrolled_evidence_is_rated_end_to_end():
    rating = rate(
        claim(
            study("SERIES:1", Design.CASE_SERIES, participants=10),
            study("SERIES:2", Design.CASE_SERIES, participants=10, direction=Direction.CONTRADICTS),
        )
    )

    assert (rating.e_level, rating.e_direction, rating.e_points) == ("VERY_LOW", "mixed", 13)
    assert factor(rating, "E_LEVEL").effect == 13


# ---------------------------------------------------------------------------------------------
# Transparency


def test_a_class_subject_scores_twenty_five_per_passed_item():
    rating = rate(
        claim(transparency={"C1": "pass", "C2": "fail", "C3": "n/a", "C4": "pass", "P1": "pass"})
    )

    assert rating.t_points == 50
    sentence = factor(rating, "T_CHECKLIST").sentence
    assert sentence == (
        "2 of 4 transparency items about what was studied are met (50 points). Not found: C2, C3."
    )


def test_a_fully_transparent_class_subject_lists_nothing_as_not_found():
    rating = rate(claim(transparency={f"C{i}": "pass" for i in range(1, 5)}))

    assert rating.t_points == 100
    assert "Not found" not in factor(rating, "T_CHECKLIST").sentence


@pytest.mark.parametrize(
    "kind",
    [
        SubjectKind.INGREDIENT_CLASS,
        SubjectKind.PROCEDURE,
        SubjectKind.DEVICE,
        SubjectKind.SUPPLEMENT,
    ],
)
def test_every_non_product_subject_uses_the_class_checklist(kind):
    rating = rate(claim(subject_kind=kind, transparency={"C1": "pass", "P1": "pass"}))

    assert rating.t_points == 25


def test_a_product_scores_the_rounded_share_of_applicable_items_missing_ones_failing():
    rating = rate(
        product(
            transparency={"P1": "pass", "P4": "pass", "P6": "n/a", "C1": "pass"},
            source_origin=Origin.PLANT,
        )
    )

    # 2 of 7 applicable (P6 not applicable; P2 applies to plant actives): 28.57 -> 29.
    assert rating.t_points == 29
    assert factor(rating, "T_CHECKLIST").sentence == (
        "The product discloses 2 of 7 applicable transparency items (29 points). "
        "Not found: P2, P3, P5, P7, P8."
    )


@pytest.mark.parametrize("origin", [Origin.SYNTHETIC, Origin.MICROBIAL])
def test_origin_documentation_does_not_apply_to_synthetic_or_microbial_actives(origin):
    rating = rate(product(transparency={"P2": "pass", "P1": "pass"}, source_origin=origin))

    assert rating.t_points == 14  # 1 of 7: P2 drops out even when marked as passing


def test_origin_documentation_applies_to_an_undisclosed_biologic_rated_as_human():
    rating = rate(
        product(transparency={"P2": "pass"}, source_origin=Origin.UNDISCLOSED, biologic=True)
    )

    assert rating.t_points == 13  # 1 of 8


@pytest.mark.parametrize(("passed", "points"), [(0, 0), (1, 13), (3, 38), (4, 50), (8, 100)])
def test_product_transparency_rounds_half_up(passed, points):
    items = {f"P{i}": "pass" if i <= passed else "fail" for i in range(1, 9)}

    assert rate(product(transparency=items, source_origin=Origin.HUMAN)).t_points == points


def test_a_product_whose_items_are_all_not_applicable_scores_zero():
    # Before the fix this divided by zero; absence of any disclosure scores 0.
    rating = rate(product(transparency={f"P{i}": "n/a" for i in range(1, 9)}))

    assert rating.t_points == 0
    assert factor(rating, "T_CHECKLIST").sentence == (
        "The product discloses 0 of 0 applicable transparency items (0 points)."
    )


def test_a_fully_transparent_product_lists_nothing_as_not_found():
    rating = rate(
        product(transparency={f"P{i}": "pass" for i in range(1, 9)}, source_origin=Origin.ANIMAL)
    )

    assert rating.t_points == 100
    assert "Not found" not in factor(rating, "T_CHECKLIST").sentence


# ---------------------------------------------------------------------------------------------
# Origin and safety signals


@pytest.mark.parametrize(
    ("origin", "biologic", "effective"),
    [
        (Origin.UNDISCLOSED, True, Origin.HUMAN),
        (Origin.UNDISCLOSED, False, Origin.UNDISCLOSED),
        (Origin.PLANT, True, Origin.PLANT),
        (Origin.SYNTHETIC, False, Origin.SYNTHETIC),
    ],
)
def test_an_undisclosed_biologic_origin_is_rated_as_human(origin, biologic, effective):
    assert effective_origin(claim(source_origin=origin, biologic=biologic)) == effective


def test_the_worst_case_origin_is_explained_first():
    rating = rate(claim(source_origin=Origin.UNDISCLOSED, biologic=True))

    assert codes(rating)[0] == "SOURCE_UNDISCLOSED_WORST_CASE"
    assert codes(rate(claim(source_origin=Origin.UNDISCLOSED)))[0] == "R_R4"


@pytest.mark.parametrize(
    ("fields", "matches"),
    [
        ({}, True),
        ({"active": False}, False),
        ({"covers_subject": False}, False),
        ({"routes": (Route.INJECTION,)}, False),
        ({"routes": (Route.INJECTION,), "claim_types": (ClaimType.APPEARANCE,)}, True),
        ({"routes": (), "claim_types": (ClaimType.APPEARANCE,)}, True),
        ({"routes": (), "claim_types": ()}, False),
        ({"origins": (Origin.SYNTHETIC,)}, True),
        ({"origins": (Origin.HUMAN, Origin.ANIMAL)}, False),
    ],
)
def test_a_signal_matches_when_active_covering_and_on_route_or_claim_type(fields, matches):
    the_claim = claim(source_origin=Origin.SYNTHETIC)

    assert signal_matches(signal(**fields), the_claim) is matches


def test_a_human_origin_signal_covers_an_undisclosed_biologic_but_not_an_undisclosed_chemical():
    human_only = signal(origins=(Origin.HUMAN,))

    assert signal_matches(human_only, claim(source_origin=Origin.UNDISCLOSED, biologic=True))
    assert not signal_matches(human_only, claim(source_origin=Origin.UNDISCLOSED))


def test_only_matching_signals_are_listed_and_explained():
    rating = rate(
        claim(
            study(),
            r_code=RCode.R1,
            signals=(
                signal("signal:resolved", active=False),
                signal("signal:fda", title="FDA notification of 6 Dec 2019"),
                signal("signal:other", routes=(Route.ORAL,)),
            ),
        )
    )

    assert rating.safety_signals == ("signal:fda",)
    safety = factor(rating, "SAFETY_SIGNAL")
    assert safety.sources == ("signal:fda",)
    assert safety.sentence == "Safety warning applies: FDA notification of 6 Dec 2019."
    assert (rating.verdict, rating.verdict_rule, rating.grade) == (Verdict.CAUTION, 1, "F")
    assert rating.e_points == 100  # sub-scores stay uncapped


def test_an_inactive_signal_does_not_cap_the_verdict():
    rating = rate(claim(study(), r_code=RCode.R1, signals=(signal(active=False),)))

    assert rating.safety_signals == ()
    assert "SAFETY_SIGNAL" not in codes(rating)
    assert rating.verdict == Verdict.WELL_SUPPORTED


def test_matching_safety_signal_caps_verdict_at_caution():
    rating = rate(claim(study(), r_code=RCode.R1, signals=(signal(),)))

    assert rating.verdict == Verdict.CAUTION
    assert 0 <= rating.score <= 14


# ---------------------------------------------------------------------------------------------
# Verdict rules, composite and score


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"signal_matched": True, "r_code": RCode.R1, "level": Level.HIGH}, (Verdict.CAUTION, 1)),
        ({"r_code": RCode.R8, "level": Level.HIGH}, (Verdict.CAUTION, 2)),
        (
            {"r_code": RCode.R8, "level": Level.NONE, "direction": Direction.NONE},
            (Verdict.CAUTION, 2),
        ),
        ({"direction": Direction.NO_EFFECT, "level": Level.LOW}, (Verdict.NOT_SUPPORTED, 3)),
        ({"direction": Direction.CONTRADICTS, "level": Level.HIGH}, (Verdict.NOT_SUPPORTED, 3)),
        ({"direction": Direction.NO_EFFECT, "level": Level.VERY_LOW}, (Verdict.UNPROVEN, 4)),
        ({"direction": Direction.CONTRADICTS, "level": Level.NO_HUMAN}, (Verdict.UNPROVEN, 4)),
        ({"level": Level.VERY_LOW}, (Verdict.UNPROVEN, 4)),
        ({"level": Level.NO_HUMAN}, (Verdict.UNPROVEN, 4)),
        ({"level": Level.NONE, "direction": Direction.NONE}, (Verdict.UNPROVEN, 4)),
        ({"level": Level.HIGH, "direction": Direction.MIXED}, (Verdict.UNPROVEN, 4)),
        ({"level": Level.HIGH, "direction": Direction.NONE}, (Verdict.UNPROVEN, 4)),
        ({"r_code": RCode.R1, "level": Level.MODERATE}, (Verdict.WELL_SUPPORTED, 5)),
        ({"r_code": RCode.R2A, "level": Level.HIGH}, (Verdict.WELL_SUPPORTED, 5)),
        ({"r_code": RCode.R3, "level": Level.MODERATE}, (Verdict.WELL_SUPPORTED, 5)),
        (
            {"r_code": RCode.R4, "level": Level.MODERATE, "independent": 2},
            (Verdict.WELL_SUPPORTED, 5),
        ),
        (
            {"r_code": RCode.R4, "level": Level.MODERATE, "independent": 1},
            (Verdict.SOME_EVIDENCE, 6),
        ),
        ({"r_code": RCode.R2B, "level": Level.HIGH}, (Verdict.SOME_EVIDENCE, 6)),
        ({"r_code": RCode.R1, "level": Level.LOW}, (Verdict.SOME_EVIDENCE, 6)),
        ({"r_code": RCode.R7, "level": Level.HIGH, "independent": 5}, (Verdict.SOME_EVIDENCE, 6)),
    ],
)
def test_the_first_matching_verdict_rule_wins(inputs, expected):
    arguments = {
        "signal_matched": False,
        "r_code": RCode.R4,
        "level": Level.HIGH,
        "direction": Direction.SUPPORTS,
        "independent": 0,
    }
    arguments.update(inputs)

    assert decide(**arguments) == expected


def test_regulatory_concern_without_a_signal_gives_caution_by_rule_two():
    rating = rate(claim(study(), r_code=RCode.R8))

    assert (rating.verdict, rating.verdict_rule) == (Verdict.CAUTION, 2)
    assert factor(rating, "VERDICT_RULE_2").effect == 2


def test_a_drug_type_claim_on_an_unapproved_product_never_exceeds_some_evidence():
    rating = rate(claim(study("RCT:1"), study("RCT:2"), study("RCT:3"), r_code=RCode.R7))

    assert (rating.e_level, rating.independent_concordant) == (Level.HIGH, 3)
    assert (rating.verdict, rating.verdict_rule) == (Verdict.SOME_EVIDENCE, 6)


def test_two_independent_concordant_trials_make_a_cosmetic_claim_well_supported():
    rating = rate(claim(study("RCT:1"), study("RCT:2"), r_code=RCode.R4))

    assert (rating.verdict, rating.verdict_rule) == (Verdict.WELL_SUPPORTED, 5)
    # (25 x 50 + 55 x 100 + 20 x 0) / 100 = 67.5 -> 68; 75 + 25 x 68 / 100 = 92.
    assert (rating.composite, rating.score, rating.grade) == (68, 92, "A")
    assert factor(rating, "SCORE").sentence == (
        "Composite 68 of 100 (25% regulatory, 55% evidence, 20% transparency) places the "
        "score at 92 within the Well supported band (75-100)."
    )


def test_factors_follow_the_order_r_e_t_safety_verdict_score():
    rating = rate(
        claim(
            study(),
            source_origin=Origin.UNDISCLOSED,
            biologic=True,
            r_sources=("regulatory:x",),
            signals=(signal(),),
        )
    )

    assert [f.dimension for f in rating.factors] == [
        "R",
        "R",
        "E",
        "E",
        "E",
        "T",
        "SAFETY",
        "VERDICT",
        "SCORE",
    ]
    assert codes(rating) == [
        "SOURCE_UNDISCLOSED_WORST_CASE",
        "R_R4",
        "E_START_HIGH",
        "E_DIRECTION_SUPPORTS",
        "E_LEVEL",
        "T_CHECKLIST",
        "SAFETY_SIGNAL",
        "VERDICT_RULE_1",
        "SCORE",
    ]
    assert factor(rating, "R_R4").sources == ("regulatory:x",)
    assert factor(rating, "R_R4").effect == 50


@pytest.mark.parametrize("code", list(RCode))
def test_each_regulatory_code_earns_its_table_points(code):
    rating = rate(claim(r_code=code))

    assert rating.r_points == R_TABLE[code][0]
    assert rating.r_code == code.value
    assert f"({code.value}, {R_TABLE[code][0]} points)" in factor(rating, f"R_{code}").sentence


@pytest.mark.parametrize(
    ("r", "e", "t", "expected"),
    [
        (0, 0, 0, 0),
        (100, 100, 100, 100),
        (50, 0, 0, 13),
        (0, 10, 0, 6),
        (0, 0, 25, 5),
        (15, 10, 0, 9),
        (0, 25, 25, 19),
    ],
)
def test_composite_is_the_weighted_sum_rounded_half_up(r, e, t, expected):
    assert composite(r, e, t) == expected


def test_composite_weights_sum_to_one_hundred():
    assert sum(WEIGHTS.values()) == 100


@pytest.mark.parametrize("verdict", list(Verdict))
def test_the_score_spans_exactly_its_verdicts_band(verdict):
    low, high = BANDS[verdict]

    assert banded_score(verdict, 0) == low
    assert banded_score(verdict, 100) == high
    assert [banded_score(verdict, c) for c in range(101)] == sorted(
        banded_score(verdict, c) for c in range(101)
    )


def test_bands_follow_the_verdict_order_without_gaps_or_overlaps():
    order = [
        Verdict.CAUTION,
        Verdict.NOT_SUPPORTED,
        Verdict.UNPROVEN,
        Verdict.SOME_EVIDENCE,
        Verdict.WELL_SUPPORTED,
    ]

    assert BANDS[order[0]][0] == 0
    assert BANDS[order[-1]][1] == 100
    for worse, better in zip(order, order[1:], strict=False):
        assert BANDS[worse][1] + 1 == BANDS[better][0]
    assert [GRADES[v] for v in order] == ["F", "D", "C", "B", "A"]
    assert [CLAIMREVIEW_RATING[v] for v in order] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (5, 2, 3),
        (1, 8, 0),
        (4, 8, 1),
        (3, 8, 0),
        (0, 7, 0),
        (7, 7, 1),
        (100, 8, 13),
        (300, 8, 38),
        (500, 7, 71),
        (266, 100, 3),
        (250, 100, 3),
        (249, 100, 2),
        (6750, 100, 68),
    ],
)
def test_round_half_up_rounds_halves_upwards(numerator, denominator, expected):
    assert round_half_up(numerator, denominator) == expected


# ---------------------------------------------------------------------------------------------
# describe()


def test_describe_is_json_ready_and_carries_the_rubric_version():
    data = describe()

    assert data["version"] == VERSION
    assert data["changelog"][0]["version"] == VERSION
    assert json.loads(json.dumps(data)) == data


def test_describe_lists_the_verdict_rules_in_order_one_to_six():
    rules = describe()["verdict_rules"]

    assert [r["order"] for r in rules] == [1, 2, 3, 4, 5, 6]
    assert [r["verdict"] for r in rules] == [v.value for _, v, _ in VERDICT_RULES]
    assert all(r["rule"] and r["explanation"].startswith("Verdict ") for r in rules)


def test_describe_bands_match_the_engines_bands_grades_and_ratings():
    bands = describe()["bands"]

    assert {b["verdict"]: (b["min"], b["max"]) for b in bands} == {
        v.value: band for v, band in BANDS.items()
    }
    assert {b["verdict"]: b["grade"] for b in bands} == {v.value: g for v, g in GRADES.items()}
    assert {b["verdict"]: b["claimreview_rating"] for b in bands} == {
        v.value: r for v, r in CLAIMREVIEW_RATING.items()
    }


def test_describe_gives_every_design_the_start_level_the_engine_applies():
    designs = describe()["evidence"]["designs"]

    assert [d["code"] for d in designs] == [d.value for d in Design]
    for entry in designs:
        assert entry["label"] == DESIGN_LABELS[Design(entry["code"])]
        # An undowngraded study of the design is rated at exactly its start level.
        assert rate(claim(study(design=entry["code"]))).e_level == entry["start_level"]


def test_describe_publishes_the_regulatory_table_weights_and_thresholds():
    data = describe()

    assert data["weights"] == {"R": 25, "E": 55, "T": 20}
    assert [(r["code"], r["points"]) for r in data["regulatory"]] == [
        (code.value, points) for code, (points, _) in R_TABLE.items()
    ]
    assert data["fda_reviewed_codes"] == ["R1", "R2A", "R3"]
    assert data["evidence"]["points"] == {lvl.value: p for lvl, p in E_POINTS.items()}
    downgrades = {d["code"]: d for d in data["evidence"]["downgrades"]}
    assert downgrades["D1"]["levels"] == {
        "not_assessed": -1,
        "low": 0,
        "serious": -1,
        "very_serious": -2,
    }
    assert downgrades["D4"]["levels"] == {
        "fewer than 30 participants (counting studies that report their size)": -2,
        "fewer than 100 participants (counting studies that report their size)": -1,
        "no study reports its size": -1,
        "D4R: an unreported size known to be small (reviewer)": -1,
        "at most": -2,
    }
    assert downgrades["D5"]["waived_for"] == ["R1", "R2A", "R3"]
    upgrades = data["evidence"]["upgrades"]
    assert upgrades["large_effect"] == "+1 when relative risk > 2 or < 0.5"
    assert upgrades["very_large_effect"] == "+2 when relative risk > 5 or < 0.2"
    transparency = data["transparency"]
    assert [i["code"] for i in transparency["product"]["items"]] == [f"P{i}" for i in range(1, 9)]
    assert transparency["product"]["p2_not_applicable_for"] == ["microbial", "synthetic"]
    assert [i["code"] for i in transparency["class"]["items"]] == ["C1", "C2", "C3", "C4"]
    assert transparency["class"]["points_each"] == 25


def test_imprecision_says_plainly_when_sizes_are_not_reported():
    unknown = rate(claim(study(participants=None)))
    assert "do not report how many people took part" in factor(unknown, "E_D4_IMPRECISION").sentence
    partly = rate(claim(study("A", participants=40), study("B", participants=None)))
    sentence = factor(partly, "E_D4_IMPRECISION").sentence
    assert "only 40 participants" in sentence and "Some studies do not report" in sentence
    known = rate(claim(study(participants=50)))
    assert factor(known, "E_D4_IMPRECISION").sentence.startswith("Imprecision: only 50")


# ---------------------------------------------------------------------------------------------
# Survivors of mutation testing (bench/mutation.py, target rubric-engine): each test below
# fails with the mutant it names, which every other rubric test let through.


def test_a_bare_majority_of_participants_governs_even_with_three_directions():
    """3 of 5 participants support: more than half, so the direction is supports (counting
    each direction from 1 instead of 0 would make it mixed)."""
    rating = rate(
        claim(
            study("PMID:1", participants=3, direction=Direction.SUPPORTS),
            study("PMID:2", participants=1, direction=Direction.NO_EFFECT),
            study("PMID:3", participants=1, direction=Direction.CONTRADICTS),
        )
    )
    assert rating.e_direction == Direction.SUPPORTS


def test_inconsistency_adds_to_the_risk_of_bias_downgrade():
    """HIGH, less 1 for serious risk of bias, less 1 for inconsistency: LOW, not MODERATE."""
    rating = rate(claim(study(risk_of_bias=RiskOfBias.SERIOUS, inconsistency=True)))
    assert codes(rating)[:4] == [
        "R_R4",
        "E_START_HIGH",
        "E_DIRECTION_SUPPORTS",
        "E_D1_RISK_OF_BIAS",
    ]
    assert rating.e_level == Level.LOW


@pytest.mark.parametrize("effect", [6000, 3000])  # very large (+2) and large (+1)
def test_a_dose_response_adds_to_the_effect_size_upgrade(effect):
    """Cohort studies start LOW; a large effect and a dose-response gradient both raise it."""
    body = study(
        design=Design.COHORT_CASE_CONTROL,
        participants=2000,
        relative_effect_milli=effect,
        dose_response=True,
    )
    rating = rate(claim(body))
    assert "E_UP_DOSE_RESPONSE" in codes(rating)
    assert rating.e_level == Level.HIGH  # LOW + 2 + 1 (capped at HIGH), or LOW + 1 + 1


def test_an_invalid_value_is_named_with_the_values_allowed():
    with pytest.raises(RubricInputError) as error:
        rate(claim(study(), route="by_magic"))
    message = str(error.value)
    assert "'by_magic' is not one of" in message
    assert "'topical_intact'" in message and "'injection'" in message


def test_an_invalid_study_direction_says_what_a_study_can_report():
    with pytest.raises(RubricInputError) as error:
        rate(claim(study(direction=Direction.NONE)))
    assert str(error.value) == (
        "PMID:1: direction or restricted_direction: 'none' is not a direction a study can report"
    )


def test_inputs_with_non_ascii_text_are_stored_as_ascii_json():
    """A signal titled in French: the stored inputs escape it, so their hash is over ASCII."""
    signal = SignalInput("ansm", "Avertissement de l’ANSM — exosomes", active=False)
    rating = rate(claim(study(), signals=(signal,)))
    assert rating.inputs_json.isascii()
    assert "\\u2019" in rating.inputs_json and "\\u2014" in rating.inputs_json
    assert json.loads(rating.inputs_json)["signals"][0]["title"] == signal.title
    assert rating.inputs_sha256 == hashlib.sha256(rating.inputs_json.encode()).hexdigest()
