"""Invariants of the rubric, checked with hypothesis over arbitrary valid claims."""

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.rubric import ClaimInput, SignalInput, StudyInput, rate
from claimcheck.rubric.engine import composite, decide
from claimcheck.rubric.tables import (
    BANDS,
    CLAIMREVIEW_RATING,
    CLASS_CHECKLIST,
    GRADES,
    PRODUCT_CHECKLIST,
    ClaimType,
    Design,
    Direction,
    Funding,
    ItemStatus,
    Level,
    Origin,
    RCode,
    RiskOfBias,
    Route,
    SubjectKind,
    Verdict,
)

# From worst to best: a change "improves" a verdict when it moves right in this list.
VERDICT_ORDER = [
    Verdict.CAUTION,
    Verdict.NOT_SUPPORTED,
    Verdict.UNPROVEN,
    Verdict.SOME_EVIDENCE,
    Verdict.WELL_SUPPORTED,
]
# What a stored evidence link can say about one study (NONE is an output value only).
STUDY_DIRECTIONS = [
    Direction.SUPPORTS,
    Direction.MIXED,
    Direction.NO_EFFECT,
    Direction.CONTRADICTS,
]
CHECKLIST_CODES = list(PRODUCT_CHECKLIST) + list(CLASS_CHECKLIST)

EXAMPLES = settings(max_examples=200, deadline=None)


def rank(verdict):
    return VERDICT_ORDER.index(Verdict(verdict))


def subsets(values):
    return st.lists(st.sampled_from(list(values)), unique=True).map(tuple)


studies = st.builds(
    StudyInput,
    # A small pool of keys, so that studies sharing a key are generated too.
    key=st.sampled_from(["PMID:1", "PMID:2", "PMID:3", "DOI:4", "NCT:5", "URL:6"]),
    design=st.sampled_from(list(Design)),
    participants=st.none() | st.integers(0, 3000),
    funding=st.sampled_from(list(Funding)),
    manufacturer_affiliated=st.booleans(),
    peer_reviewed=st.booleans(),
    retracted=st.sampled_from([False, False, False, True]),
    on_outcome=st.sampled_from([True, True, True, False]),
    direction=st.sampled_from(STUDY_DIRECTIONS),
    below_mid=st.booleans(),
    restricted_direction=st.none() | st.sampled_from(STUDY_DIRECTIONS),
    relative_effect_milli=st.none() | st.integers(1, 8000),
    dose_response=st.booleans(),
    studies_exact_product=st.booleans(),
    risk_of_bias=st.sampled_from(list(RiskOfBias)),
    inconsistency=st.booleans(),
    indirect_population=st.booleans(),
    indirect_intervention=st.booleans(),
    indirect_outcome=st.booleans(),
)


@st.composite
def signal_lists(draw):
    count = draw(st.integers(0, 3))
    return tuple(
        SignalInput(
            key=f"signal:{i}",  # signal keys are slugs, unique per claim
            title=f"Signal {i}",
            active=draw(st.booleans()),
            routes=draw(subsets(Route)),
            claim_types=draw(subsets(ClaimType)),
            origins=draw(subsets(Origin)),
            covers_subject=draw(st.booleans()),
        )
        for i in range(count)
    )


claims = st.builds(
    ClaimInput,
    subject_kind=st.sampled_from(list(SubjectKind)),
    source_origin=st.sampled_from(list(Origin)),
    biologic=st.booleans(),
    route=st.sampled_from(list(Route)),
    claim_type=st.sampled_from(list(ClaimType)),
    r_code=st.sampled_from(list(RCode)),
    r_sources=subsets(["regulatory:a", "regulatory:b", "regulatory:c"]),
    studies=st.lists(studies, max_size=6).map(tuple),
    transparency=st.dictionaries(
        st.sampled_from(CHECKLIST_CODES), st.sampled_from(list(ItemStatus))
    ),
    signals=signal_lists(),
)


def outcome(rating):
    """Everything a rating decides, leaving out the order in which factors cite sources."""
    return (
        rating.r_points,
        rating.e_level,
        rating.e_direction,
        rating.e_points,
        rating.t_points,
        rating.independent_concordant,
        set(rating.safety_signals),
        rating.composite,
        rating.verdict,
        rating.verdict_rule,
        rating.score,
        rating.grade,
        rating.claimreview_rating,
    )


@EXAMPLES
@given(claims)
def test_score_always_lies_in_its_verdicts_band_with_matching_grade_and_claimreview(claim):
    rating = rate(claim)

    low, high = BANDS[Verdict(rating.verdict)]
    assert low <= rating.score <= high
    assert 0 <= rating.composite <= 100
    assert rating.composite == composite(rating.r_points, rating.e_points, rating.t_points)
    assert rating.grade == GRADES[Verdict(rating.verdict)]
    assert rating.claimreview_rating == CLAIMREVIEW_RATING[Verdict(rating.verdict)]
    verdict, rule = decide(
        signal_matched=bool(rating.safety_signals),
        r_code=RCode(rating.r_code),
        level=Level(rating.e_level),
        direction=Direction(rating.e_direction),
        independent=rating.independent_concordant,
    )
    assert (verdict, rule) == (rating.verdict, rating.verdict_rule)


@EXAMPLES
@given(claims, st.randoms(use_true_random=False))
def test_equal_inputs_give_equal_hash_and_output_whatever_the_order_of_studies_and_signals(
    claim, random
):
    first, second = rate(claim), rate(claim)
    shuffled_studies, shuffled_signals = list(claim.studies), list(claim.signals)
    random.shuffle(shuffled_studies)
    random.shuffle(shuffled_signals)
    reordered = rate(
        dataclasses.replace(claim, studies=tuple(shuffled_studies), signals=tuple(shuffled_signals))
    )
    copied = rate(dataclasses.replace(claim, transparency=dict(claim.transparency)))

    assert first == second
    assert first.inputs_sha256 == copied.inputs_sha256
    assert reordered.inputs_json == first.inputs_json
    assert reordered.inputs_sha256 == first.inputs_sha256
    assert outcome(reordered) == outcome(first)


@EXAMPLES
@given(claims)
def test_adding_a_matching_active_safety_signal_gives_caution_and_never_improves_the_verdict(
    claim,
):
    before = rate(claim)
    signal = SignalInput(
        key="signal:added", title="Added warning", active=True, routes=(claim.route,)
    )
    after = rate(dataclasses.replace(claim, signals=(*claim.signals, signal)))

    assert after.verdict == Verdict.CAUTION
    assert after.verdict_rule == 1
    assert "signal:added" in after.safety_signals
    assert rank(after.verdict) <= rank(before.verdict)
    # The sub-scores are shown uncapped: the signal constrains only the headline verdict.
    assert outcome(after)[:6] == outcome(before)[:6]


@EXAMPLES
@given(claims, st.sampled_from([None, Direction.CONTRADICTS]))
def test_turning_the_evidence_against_the_claim_never_improves_the_verdict(claim, restricted):
    before = rate(claim)
    against = tuple(
        dataclasses.replace(s, direction=Direction.CONTRADICTS, restricted_direction=restricted)
        for s in claim.studies
    )
    after = rate(dataclasses.replace(claim, studies=against))

    assert rank(after.verdict) <= rank(before.verdict)
    assert after.e_level == before.e_level
    assert after.e_direction in (Direction.CONTRADICTS, Direction.NONE)
    assert after.e_points == 0
    assert after.independent_concordant == 0


@EXAMPLES
@given(claims, st.sampled_from(CHECKLIST_CODES))
def test_passing_one_more_transparency_item_never_lowers_transparency_or_composite(claim, code):
    if claim.transparency.get(code, ItemStatus.FAIL) != ItemStatus.FAIL:
        claim = dataclasses.replace(
            claim, transparency={**claim.transparency, code: ItemStatus.FAIL}
        )
    before = rate(claim)
    after = rate(
        dataclasses.replace(claim, transparency={**claim.transparency, code: ItemStatus.PASS})
    )

    assert after.t_points >= before.t_points
    assert after.e_points >= before.e_points
    assert after.composite >= before.composite
    if after.verdict == before.verdict:
        assert after.score >= before.score
