"""The 26 golden cases of RUBRIC.md, reproduced exactly from constructed inputs.

Each row of the table gives R, E (level and direction), T, the number of independent
concordant studies and whether a safety signal matches. For every row we build a ClaimInput
whose studies, transparency items and signals produce exactly those numbers, then check the
whole output: composite, verdict, score, grade and the intermediate values.
"""

from dataclasses import dataclass

import pytest

from claimcheck.rubric import ClaimInput, SignalInput, StudyInput, rate
from claimcheck.rubric.engine import banded_score, composite, decide
from claimcheck.rubric.tables import (
    CLAIMREVIEW_RATING,
    E_POINTS,
    FDA_REVIEWED,
    GRADES,
    R_TABLE,
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

S, N = Direction.SUPPORTS, Direction.NO_EFFECT
CAUTION, NOT_SUPPORTED, UNPROVEN = Verdict.CAUTION, Verdict.NOT_SUPPORTED, Verdict.UNPROVEN
SOME, WELL = Verdict.SOME_EVIDENCE, Verdict.WELL_SUPPORTED


@dataclass(frozen=True)
class Golden:
    claim: str
    r: RCode
    level: Level
    direction: Direction
    t: int
    independent: int
    signal: bool
    composite: int
    verdict: Verdict
    score: int
    # How the claim is encoded: a product subject (P1-P8 checklist) or a class (C1-C4).
    subject: SubjectKind = SubjectKind.INGREDIENT_CLASS
    origin: Origin = Origin.SYNTHETIC
    biologic: bool = False
    route: Route = Route.TOPICAL_INTACT
    claim_type: ClaimType = ClaimType.APPEARANCE


G = Golden
P = SubjectKind.PRODUCT
# fmt: off
# One entry per row of RUBRIC.md's table, kept in its layout for side-by-side reading.
GOLDEN = [
    G("Exosome serums stimulate collagen (topical, source undisclosed)",
      RCode.R8, Level.VERY_LOW, S, 25, 0, True, 19, CAUTION, 3,
      origin=Origin.UNDISCLOSED, biologic=True, claim_type=ClaimType.STRUCTURE_FUNCTION),
    G("Injected exosomes rejuvenate skin",
      RCode.R8, Level.NO_HUMAN, S, 25, 0, True, 11, CAUTION, 2,
      origin=Origin.UNDISCLOSED, biologic=True, route=Route.INJECTION,
      claim_type=ClaimType.STRUCTURE_FUNCTION),
    G("Microneedling with exosomes speeds healing",
      RCode.R8, Level.VERY_LOW, S, 25, 0, True, 19, CAUTION, 3,
      origin=Origin.UNDISCLOSED, biologic=True, route=Route.TOPICAL_BREACHED,
      claim_type=ClaimType.DISEASE),
    G("Platelet-derived exosome serum reduces redness and wrinkles (appearance)",
      RCode.R4, Level.VERY_LOW, S, 13, 0, False, 29, UNPROVEN, 41,
      subject=P, origin=Origin.HUMAN, biologic=True),
    G("Plant \"exosomes\" regenerate skin cells",
      RCode.R7, Level.NO_HUMAN, S, 0, 0, False, 9, UNPROVEN, 37,
      origin=Origin.PLANT, biologic=True, claim_type=ClaimType.STRUCTURE_FUNCTION),
    G("SkinPen microneedling improves facial acne scars",
      RCode.R2A, Level.MODERATE, S, 75, 0, False, 76, WELL, 94,
      subject=SubjectKind.DEVICE, route=Route.ENERGY_DEVICE, claim_type=ClaimType.DISEASE),
    G("Fractional laser improves atrophic acne scars",
      RCode.R2B, Level.MODERATE, S, 75, 2, False, 74, WELL, 94,
      subject=SubjectKind.DEVICE, route=Route.ENERGY_DEVICE, claim_type=ClaimType.DISEASE),
    G("RF microneedling improves facial wrinkles",
      RCode.R2B, Level.MODERATE, S, 50, 2, False, 69, WELL, 92,
      subject=SubjectKind.DEVICE, route=Route.ENERGY_DEVICE),
    G("TCA peels improve photoaged skin",
      RCode.R4, Level.LOW, S, 75, 1, False, 55, SOME, 65,
      subject=SubjectKind.PROCEDURE),
    G("Tretinoin 0.05% mitigates fine wrinkles",
      RCode.R1, Level.HIGH, S, 100, 1, False, 100, WELL, 100,
      claim_type=ClaimType.DISEASE),
    G("Retinol reduces the appearance of fine wrinkles",
      RCode.R4, Level.MODERATE, S, 100, 1, False, 74, SOME, 69),
    G("Palmitoyl pentapeptide-4 reduces fine lines",
      RCode.R4, Level.LOW, S, 100, 0, False, 60, SOME, 66),
    G("Ceramide barrier emulsion relieves atopic dryness",
      RCode.R2B, Level.LOW, S, 75, 1, False, 60, SOME, 66,
      claim_type=ClaimType.DISEASE),
    G("Topical hyaluronic acid reduces wrinkle depth",
      RCode.R4, Level.LOW, S, 75, 0, False, 55, SOME, 65),
    G("HA filler smooths nasolabial folds",
      RCode.R1, Level.MODERATE, S, 71, 0, False, 80, WELL, 95,
      subject=P, origin=Origin.MICROBIAL, route=Route.INJECTION,
      claim_type=ClaimType.STRUCTURE_FUNCTION),
    G("Niacinamide 5% improves fine lines and blotchiness",
      RCode.R4, Level.LOW, S, 100, 0, False, 60, SOME, 66),
    G("SkinMedica TNS Recovery Complex improves fine lines and texture",
      RCode.R4, Level.LOW, S, 38, 0, False, 48, SOME, 64,
      subject=P, origin=Origin.HUMAN, biologic=True),
    G("SPF 30 sunscreen helps prevent sunburn",
      RCode.R3, Level.HIGH, S, 100, 0, False, 96, WELL, 99,
      claim_type=ClaimType.DISEASE),
    G("Daily sunscreen slows visible skin ageing",
      RCode.R3, Level.MODERATE, S, 100, 1, False, 83, WELL, 96,
      claim_type=ClaimType.DISEASE),
    G("Benzoyl peroxide treats acne",
      RCode.R3, Level.MODERATE, S, 100, 0, False, 83, WELL, 96,
      claim_type=ClaimType.DISEASE),
    G("Botox Cosmetic improves glabellar lines",
      RCode.R1, Level.HIGH, S, 100, 0, False, 100, WELL, 100,
      route=Route.INJECTION, origin=Origin.MICROBIAL, biologic=True),
    G("Oral collagen improves elasticity and wrinkles",
      RCode.R5, Level.LOW, N, 75, 0, False, 26, NOT_SUPPORTED, 20,
      subject=SubjectKind.SUPPLEMENT, origin=Origin.ANIMAL, biologic=True, route=Route.ORAL,
      claim_type=ClaimType.STRUCTURE_FUNCTION),
    G("Snail mucin reduces wrinkles",
      RCode.R4, Level.VERY_LOW, S, 50, 0, False, 36, UNPROVEN, 42,
      origin=Origin.ANIMAL, biologic=True),
    G("PRP \"vampire facial\" rejuvenates skin",
      RCode.R6, Level.LOW, S, 50, 0, True, 46, CAUTION, 6,
      subject=SubjectKind.PROCEDURE, origin=Origin.HUMAN, biologic=True,
      route=Route.TOPICAL_BREACHED),
    G("OTC hydroquinone 2% fades dark spots",
      RCode.R8, Level.LOW, S, 100, 0, True, 48, CAUTION, 7,
      claim_type=ClaimType.STRUCTURE_FUNCTION),
    G("At-home derma-roller stimulates collagen and fixes scars",
      RCode.R7, Level.VERY_LOW, S, 25, 0, False, 23, UNPROVEN, 39,
      subject=SubjectKind.DEVICE, route=Route.TOPICAL_BREACHED,
      claim_type=ClaimType.STRUCTURE_FUNCTION),
]
# fmt: on

LEVEL_RANKS = {Level.HIGH: 4, Level.MODERATE: 3, Level.LOW: 2}
# Risk-of-bias judgements by the number of levels they cost (D1).
ROB_COSTING = {0: RiskOfBias.LOW, 1: RiskOfBias.SERIOUS, 2: RiskOfBias.VERY_SERIOUS}


def build_studies(row):
    """Studies that produce exactly the row's E level, direction and independent count."""
    if row.level == Level.NO_HUMAN:
        return (StudyInput("LAB:1", Design.IN_VITRO, direction=row.direction),)
    if row.level == Level.VERY_LOW:
        # Uncontrolled human data start, and stay, at VERY_LOW whatever else applies.
        return (
            StudyInput(
                "SERIES:1",
                Design.CASE_SERIES,
                participants=20,
                funding=Funding.MANUFACTURER,
                direction=row.direction,
            ),
        )
    # Randomised trials of 120 participants each (no D4), starting HIGH; reviewer risk-of-bias
    # judgements bring the level down to the row's.
    independent = row.independent > 0 or row.direction != Direction.SUPPORTS
    count = max(row.independent, 1)
    # With no independent study, D5 costs one level unless FDA reviewed the efficacy data.
    d5 = 0 if independent or row.r in FDA_REVIEWED else 1
    d1 = 4 - LEVEL_RANKS[row.level] - d5
    return tuple(
        StudyInput(
            f"PMID:{i + 1}",
            Design.RCT,
            participants=120,
            funding=Funding.INDEPENDENT if independent else Funding.MANUFACTURER,
            direction=row.direction,
            risk_of_bias=ROB_COSTING[d1],
            studies_exact_product=True,
        )
        for i in range(count)
    )


def build_transparency(row):
    """Checklist items that produce exactly the row's T points."""
    if row.subject == SubjectKind.PRODUCT:
        # T = round_half_up(100 x passed / applicable); P2 drops out for microbial actives.
        codes = [f"P{i}" for i in range(1, 9)]
        applicable = [c for c in codes if not (c == "P2" and row.origin == Origin.MICROBIAL)]
        passed = {13: 1, 38: 3, 71: 5}[row.t]
        statuses = {c: "pass" if i < passed else "fail" for i, c in enumerate(applicable)}
        if row.t == 71:
            statuses["P2"] = "fail"  # overridden to n/a by the engine for a microbial active
        return statuses
    passed = row.t // 25
    return {f"C{i}": "pass" if i <= passed else "fail" for i in range(1, 5)}


def build_claim(row):
    signals = ()
    if row.signal:
        signals = (
            SignalInput(
                key="signal:golden",
                title="Official safety warning",
                active=True,
                routes=(row.route,),
            ),
        )
    return ClaimInput(
        subject_kind=row.subject,
        source_origin=row.origin,
        biologic=row.biologic,
        route=row.route,
        claim_type=row.claim_type,
        r_code=row.r,
        studies=build_studies(row),
        transparency=build_transparency(row),
        signals=signals,
    )


def e_points(row):
    return E_POINTS[row.level] if row.direction == Direction.SUPPORTS else 0


@pytest.mark.parametrize("row", GOLDEN, ids=[row.claim for row in GOLDEN])
def test_golden_case_is_reproduced_exactly_from_constructed_inputs(row):
    rating = rate(build_claim(row))

    assert rating.r_code == row.r
    assert rating.r_points == R_TABLE[row.r][0]
    assert rating.e_level == row.level
    assert rating.e_direction == row.direction
    assert rating.e_points == e_points(row)
    assert rating.t_points == row.t
    assert rating.independent_concordant == row.independent
    assert bool(rating.safety_signals) is row.signal
    assert rating.composite == row.composite
    assert rating.verdict == row.verdict
    assert rating.score == row.score
    assert rating.grade == GRADES[row.verdict]
    assert rating.claimreview_rating == CLAIMREVIEW_RATING[row.verdict]


@pytest.mark.parametrize("row", GOLDEN, ids=[row.claim for row in GOLDEN])
def test_golden_case_numbers_agree_with_the_composite_score_and_verdict_functions(row):
    c = composite(R_TABLE[row.r][0], e_points(row), row.t)
    verdict, _rule = decide(
        signal_matched=row.signal,
        r_code=row.r,
        level=row.level,
        direction=row.direction,
        independent=row.independent,
    )

    assert c == row.composite
    assert verdict == row.verdict
    assert banded_score(row.verdict, row.composite) == row.score


def test_golden_table_has_all_twenty_six_claims():
    assert len(GOLDEN) == 26
    assert len({row.claim for row in GOLDEN}) == 26
