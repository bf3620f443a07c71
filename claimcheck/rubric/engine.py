"""The rating engine: pure functions from closed inputs to an explained verdict.

No Django, no I/O, no clock and no randomness: equal inputs give equal outputs on any machine.
Arithmetic is integer-only with explicit round-half-up, as RUBRIC.md requires.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field

from .tables import (
    BANDS,
    CLAIMREVIEW_RATING,
    CLASS_CHECKLIST,
    CLASS_ITEM_POINTS,
    CONTROLLED_DESIGNS,
    E_POINTS,
    FDA_REVIEWED,
    GRADES,
    HIGH_START_DESIGNS,
    HUMAN_DESIGNS,
    IMPRECISION_THRESHOLDS,
    LARGE_EFFECT,
    LEVEL_RANK,
    MAX_IMPRECISION_DOWNGRADE,
    MAX_INDIRECTNESS_FLAGS,
    P2_NOT_APPLICABLE_ORIGINS,
    PRODUCT_CHECKLIST,
    R_TABLE,
    RANK_LEVEL,
    RISK_OF_BIAS_DOWNGRADE,
    UNREPORTED_SIZE_DOWNGRADE,
    VERDICT_LABELS,
    VERSION,
    VERY_LARGE_EFFECT,
    WEIGHTS,
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


class RubricInputError(ValueError):
    """Raised when inputs fall outside the rubric's closed vocabularies."""


@dataclass(frozen=True)
class StudyInput:
    """One evidence link: a source's extraction for this claim, plus reviewer flags."""

    key: str  # how factors cite the source, e.g. "PMID:35689936"
    design: str
    participants: int | None = None  # analysed; None when not reported
    funding: str = Funding.UNDISCLOSED
    manufacturer_affiliated: bool = False
    peer_reviewed: bool = True
    retracted: bool = False
    on_outcome: bool = True  # a study of this claim's outcome
    direction: str = Direction.SUPPORTS
    below_mid: bool = False
    # Direction of a review's analysis restricted to low-risk-of-bias or independent studies.
    restricted_direction: str | None = None
    relative_effect_milli: int | None = None  # relative risk x 1000
    dose_response: bool = False
    studies_exact_product: bool = False
    risk_of_bias: str = RiskOfBias.NOT_ASSESSED
    inconsistency: bool = False
    indirect_population: bool = False
    indirect_intervention: bool = False
    indirect_outcome: bool = False
    # D4R (2.0.0): a reviewer's judgement, with a public reason, that a study which does not
    # report its size is known to be small.
    unreported_size_small: bool = False


@dataclass(frozen=True)
class SignalInput:
    key: str
    title: str
    active: bool
    routes: tuple[str, ...] = ()
    claim_types: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()  # empty: any origin
    covers_subject: bool = True  # the claim's subject is in the signal's product class


@dataclass(frozen=True)
class ClaimInput:
    subject_kind: str
    source_origin: str
    biologic: bool
    route: str
    claim_type: str
    r_code: str
    r_sources: tuple[str, ...] = ()
    studies: tuple[StudyInput, ...] = ()
    transparency: dict[str, str] = field(default_factory=dict)  # item code -> ItemStatus
    signals: tuple[SignalInput, ...] = ()


@dataclass(frozen=True)
class Factor:
    code: str
    dimension: str  # R, E, T, SAFETY, VERDICT, SCORE
    effect: int | None
    sentence: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rating:
    rubric_version: str
    inputs_json: str
    inputs_sha256: str
    r_code: str
    r_points: int
    e_level: str
    e_direction: str
    e_points: int
    t_points: int
    independent_concordant: int
    safety_signals: tuple[str, ...]
    composite: int
    verdict: str
    verdict_rule: int
    score: int
    grade: str
    claimreview_rating: int
    factors: tuple[Factor, ...]

    def as_dict(self):
        return asdict(self)


def round_half_up(numerator, denominator):
    """Round a non-negative fraction to the nearest integer, halves upwards."""
    return (2 * numerator + denominator) // (2 * denominator)


def _enum(value, enum_type, name):
    try:
        return enum_type(value)
    except ValueError:
        allowed = [e.value for e in enum_type]
        raise RubricInputError(f"{name}: {value!r} is not one of {allowed}") from None


def validate(claim):
    """Check every closed vocabulary; raise RubricInputError naming the first bad value."""
    _enum(claim.subject_kind, SubjectKind, "subject_kind")
    _enum(claim.source_origin, Origin, "source_origin")
    _enum(claim.route, Route, "route")
    _enum(claim.claim_type, ClaimType, "claim_type")
    _enum(claim.r_code, RCode, "r_code")
    for study in claim.studies:
        _enum(study.design, Design, f"{study.key}: design")
        _enum(study.funding, Funding, f"{study.key}: funding")
        _enum(study.direction, Direction, f"{study.key}: direction")
        _enum(study.risk_of_bias, RiskOfBias, f"{study.key}: risk_of_bias")
        if study.restricted_direction is not None:
            _enum(study.restricted_direction, Direction, f"{study.key}: restricted_direction")
        if Direction.NONE in (study.direction, study.restricted_direction):
            # NONE is an output ("nothing to take a direction from"), never a study's finding.
            raise RubricInputError(
                f"{study.key}: direction or restricted_direction: 'none' is "
                "not a direction a study can report"
            )
        if study.participants is not None and study.participants < 0:
            raise RubricInputError(f"{study.key}: participants must not be negative")
        if study.relative_effect_milli is not None and study.relative_effect_milli <= 0:
            raise RubricInputError(f"{study.key}: relative effect must be positive")
    for code, status in claim.transparency.items():
        if code not in PRODUCT_CHECKLIST and code not in CLASS_CHECKLIST:
            raise RubricInputError(f"transparency: unknown item {code!r}")
        _enum(status, ItemStatus, f"transparency {code}")
    for signal in claim.signals:
        for route in signal.routes:
            _enum(route, Route, f"{signal.key}: route")
        for claim_type in signal.claim_types:
            _enum(claim_type, ClaimType, f"{signal.key}: claim type")
        for origin in signal.origins:
            _enum(origin, Origin, f"{signal.key}: origin")


def canonical_json(claim):
    """The inputs as canonical JSON: sorted keys, no whitespace, studies in key order."""
    data = asdict(claim)
    data["studies"] = sorted(
        data["studies"], key=lambda s: (s["key"], json.dumps(s, sort_keys=True))
    )
    data["signals"] = sorted(data["signals"], key=lambda s: s["key"])
    for signal in data["signals"]:
        for name in ("routes", "claim_types", "origins"):
            signal[name] = sorted(signal[name])
    data["r_sources"] = sorted(data["r_sources"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


# ---------------------------------------------------------------------------------------------
# Dimensions


def effective_origin(claim):
    """Worst-case rule: an undisclosed biologic origin is rated as if human."""
    if claim.biologic and claim.source_origin == Origin.UNDISCLOSED:
        return Origin.HUMAN
    return Origin(claim.source_origin)


def signal_matches(signal, claim):
    if not (signal.active and signal.covers_subject):
        return False
    if signal.origins and effective_origin(claim) not in signal.origins:
        return False
    return claim.route in signal.routes or claim.claim_type in signal.claim_types


def _direction_of(study):
    if study.below_mid and study.direction == Direction.SUPPORTS:
        return Direction.NO_EFFECT
    return Direction(study.direction)


def _weight(study):
    # A study that does not report its size still counts, as one participant.
    return study.participants if study.participants else 1


def _majority(studies):
    totals = {}
    for study in studies:
        direction = _direction_of(study)
        totals[direction] = totals.get(direction, 0) + _weight(study)
    whole = sum(totals.values())
    for direction in (Direction.SUPPORTS, Direction.NO_EFFECT, Direction.CONTRADICTS):
        if 2 * totals.get(direction, 0) > whole:
            return direction
    return Direction.MIXED


def governing_direction(body):
    """Return (direction, how) for the governing body of studies."""
    reviews = [s for s in body if s.design == Design.SR_MA]
    if reviews:
        directions = {_direction_of(s) for s in reviews}
        if len(directions) == 1:
            return directions.pop(), "the systematic reviews agree"
        restricted = {s.restricted_direction for s in reviews if s.restricted_direction}
        if len(restricted) == 1:
            return Direction(restricted.pop()), (
                "the reviews disagree, so the analysis restricted to low risk of bias or "
                "independent studies governs"
            )
        return _majority(reviews), "the reviews disagree, so the majority of participants governs"
    return _majority(body), "the direction of the majority of participants"


def _r_factor(claim):
    code = RCode(claim.r_code)
    points, meaning = R_TABLE[code]
    return points, Factor(
        code=f"R_{code.value}",
        dimension="R",
        effect=points,
        sentence=f"Regulatory status for this use: {meaning} ({code.value}, {points} points).",
        sources=tuple(claim.r_sources),
    )


def _t_dimension(claim):
    if claim.subject_kind == SubjectKind.PRODUCT:
        passed = applicable = 0
        failed = []
        for code in PRODUCT_CHECKLIST:
            status = claim.transparency.get(code, ItemStatus.FAIL)
            if code == "P2" and effective_origin(claim) in P2_NOT_APPLICABLE_ORIGINS:
                status = ItemStatus.NOT_APPLICABLE
            if status == ItemStatus.NOT_APPLICABLE:
                continue
            applicable += 1
            if status == ItemStatus.PASS:
                passed += 1
            else:
                failed.append(code)
        # Every item marked not applicable: nothing is disclosed, and absence scores 0.
        points = round_half_up(100 * passed, applicable) if applicable else 0
        sentence = (
            f"The product discloses {passed} of {applicable} applicable transparency items "
            f"({points} points)."
        )
    else:
        passed = sum(
            1 for code in CLASS_CHECKLIST if claim.transparency.get(code) == ItemStatus.PASS
        )
        failed = [c for c in CLASS_CHECKLIST if claim.transparency.get(c) != ItemStatus.PASS]
        points = CLASS_ITEM_POINTS * passed
        sentence = (
            f"{passed} of 4 transparency items about what was studied are met ({points} points)."
        )
    if failed:
        sentence += " Not found: " + ", ".join(failed) + "."
    return points, Factor("T_CHECKLIST", "T", points, sentence)


def _start(eligible, non_human):
    designs = {s.design for s in eligible}
    if designs & HIGH_START_DESIGNS:
        return 4, "randomised trials, reviews of them or a standardised test start at HIGH"
    if designs & CONTROLLED_DESIGNS:
        return 2, "the best human evidence is non-randomised controlled or cohort studies (LOW)"
    if eligible:
        return 1, "the only human evidence is uncontrolled (VERY_LOW)"
    if non_human:
        return 0, "there are only animal, laboratory or mechanistic data, with no human study"
    return -1, "no study of this claim was found"


def _e_dimension(claim, r_code):
    """Return (level, direction, points, independent_concordant, factors)."""
    studies = [s for s in claim.studies if not s.retracted]
    factors = []
    retracted = [s.key for s in claim.studies if s.retracted]
    if retracted:
        factors.append(
            Factor(
                "E_RETRACTED",
                "E",
                None,
                "Retracted studies are left out of the rating.",
                tuple(retracted),
            )
        )
    eligible = [s for s in studies if s.design in HUMAN_DESIGNS and s.on_outcome]
    non_human = [s for s in studies if s.design not in HUMAN_DESIGNS and s.on_outcome]
    start, why = _start(eligible, non_human)
    if start <= 0:
        level = Level.NO_HUMAN if start == 0 else Level.NONE
        body = non_human
        direction = _majority(body) if body else Direction.NONE
        factors.append(
            Factor(
                f"E_START_{level.value}",
                "E",
                None,
                f"Certainty {level.value}: {why}.",
                tuple(s.key for s in body),
            )
        )
        return level, direction, _e_points(level, direction), 0, factors

    factors.append(
        Factor(
            f"E_START_{RANK_LEVEL[start].value}",
            "E",
            start,
            f"Start level {RANK_LEVEL[start].value}: {why}.",
            tuple(s.key for s in eligible),
        )
    )
    body = [s for s in eligible if s.design == Design.SR_MA] or eligible
    direction, how = governing_direction(body)
    factors.append(
        Factor(
            f"E_DIRECTION_{direction.name}",
            "E",
            None,
            f"The evidence {_DIRECTION_WORDS[direction]}: {how}.",
            tuple(s.key for s in body),
        )
    )

    downgrades = 0
    # D1 risk of bias: the worst reviewer judgement in the body; unassessed counts as serious.
    rob = max(RISK_OF_BIAS_DOWNGRADE[RiskOfBias(s.risk_of_bias)] for s in body)
    if rob:
        unassessed = [s.key for s in body if s.risk_of_bias == RiskOfBias.NOT_ASSESSED]
        flagged = [s.key for s in body if RISK_OF_BIAS_DOWNGRADE[RiskOfBias(s.risk_of_bias)] == rob]
        sentence = (
            f"Risk of bias: reviewers judged the studies' limitations serious enough to "
            f"lower certainty by {rob}."
        )
        if unassessed and rob == 1:
            sentence = (
                "Risk of bias: not yet fully assessed, so certainty is lowered by 1 until "
                "a reviewer has done so."
            )
        factors.append(Factor("E_D1_RISK_OF_BIAS", "E", -rob, sentence, tuple(flagged)))
        downgrades += rob
    inconsistent = [s.key for s in body if s.inconsistency]
    if inconsistent:
        factors.append(
            Factor(
                "E_D2_INCONSISTENCY",
                "E",
                -1,
                "Inconsistency: the studies' results disagree (reviewer judgement).",
                tuple(inconsistent),
            )
        )
        downgrades += 1
    indirect_kinds = [
        name
        for name, attr in (
            ("population", "indirect_population"),
            ("intervention", "indirect_intervention"),
            ("outcome", "indirect_outcome"),
        )
        if any(getattr(s, attr) for s in body)
    ]
    d3 = min(len(indirect_kinds), MAX_INDIRECTNESS_FLAGS)
    if d3:
        flagged = [
            s.key
            for s in body
            if s.indirect_population or s.indirect_intervention or s.indirect_outcome
        ]
        factors.append(
            Factor(
                "E_D3_INDIRECTNESS",
                "E",
                -d3,
                "Indirectness: the studies differ from the claim in "
                + " and ".join(indirect_kinds)
                + " (reviewer judgement).",
                tuple(flagged),
            )
        )
        downgrades += d3
    if (
        claim.subject_kind == SubjectKind.PRODUCT
        and not any(s.studies_exact_product for s in eligible)
        and claim.transparency.get("P5", ItemStatus.FAIL) != ItemStatus.PASS
    ):
        factors.append(
            Factor(
                "E_D3_INGREDIENT_ONLY",
                "E",
                -1,
                "Indirectness: only the ingredient was studied, and the product does "
                "not say how much of it it contains.",
            )
        )
        downgrades += 1

    factors_d4, cost = _imprecision(body)
    factors.extend(factors_d4)
    downgrades += cost

    interested = [s for s in body if s.funding != Funding.INDEPENDENT or s.manufacturer_affiliated]
    weight_interested = sum(_weight(s) for s in interested)
    weight_all = sum(_weight(s) for s in body)
    unreviewed = [s for s in body if not s.peer_reviewed]
    mostly_interested = 2 * weight_interested > weight_all
    if mostly_interested or unreviewed:
        if r_code in FDA_REVIEWED:
            factors.append(
                Factor(
                    "E_D5_WAIVED",
                    "E",
                    0,
                    "Independence: FDA reviewed efficacy data for this use, so ties "
                    "to the manufacturer do not lower certainty.",
                )
            )
        else:
            reasons = []
            if mostly_interested:
                reasons.append(
                    "most participants come from studies funded by, affiliated with "
                    "or not disclosing ties to the manufacturer"
                )
            if unreviewed:
                reasons.append("a key study was not peer reviewed")
            keys = dict.fromkeys(s.key for s in interested + unreviewed)
            factors.append(
                Factor(
                    "E_D5_INDEPENDENCE",
                    "E",
                    -1,
                    "Independence: " + "; ".join(reasons) + ".",
                    tuple(keys),
                )
            )
            downgrades += 1

    upgrades = 0
    if start <= 2 and rob == 0:
        ratios = [s.relative_effect_milli for s in body if s.relative_effect_milli]
        if any(r > VERY_LARGE_EFFECT[0] or r < VERY_LARGE_EFFECT[1] for r in ratios):
            upgrades += 2
            factors.append(
                Factor(
                    "E_UP_VERY_LARGE_EFFECT",
                    "E",
                    2,
                    "A very large effect (relative risk above 5 or below 0.2) "
                    "raises certainty by 2.",
                )
            )
        elif any(r > LARGE_EFFECT[0] or r < LARGE_EFFECT[1] for r in ratios):
            upgrades += 1
            factors.append(
                Factor(
                    "E_UP_LARGE_EFFECT",
                    "E",
                    1,
                    "A large effect (relative risk above 2 or below 0.5) raises certainty by 1.",
                )
            )
        if any(s.dose_response for s in body):
            upgrades += 1
            factors.append(
                Factor(
                    "E_UP_DOSE_RESPONSE", "E", 1, "A dose-response gradient raises certainty by 1."
                )
            )

    rank = min(4, max(1, start - downgrades + upgrades))
    level = RANK_LEVEL[rank]
    independent = 0
    if direction == Direction.SUPPORTS:
        independent = sum(
            1
            for s in eligible
            if _direction_of(s) == Direction.SUPPORTS
            and s.funding == Funding.INDEPENDENT
            and not s.manufacturer_affiliated
        )
    points = _e_points(level, direction)
    factors.append(
        Factor(
            "E_LEVEL",
            "E",
            points,
            f"Certainty of the evidence: {level.value}; direction: "
            f"{direction.value.replace('_', ' ')} ({points} points). "
            f"Independent studies supporting the claim: {independent}.",
        )
    )
    return level, direction, points, independent, factors


_DIRECTION_WORDS = {
    Direction.SUPPORTS: "supports the claim",
    Direction.MIXED: "is mixed",
    Direction.NO_EFFECT: "shows no meaningful effect",
    Direction.CONTRADICTS: "points the other way",
}


def _imprecision(body):
    """D4 (2.0.0): count only the studies that report their size. With no reported size at
    all, certainty is lowered by 1 ("size not reported"), never counted as zero; a reviewer
    may add D4R (-1, with a reason) for an unreported size known to be small. D4 and D4R
    together cost at most 2."""
    keys = tuple(s.key for s in body)
    reported = [s.participants for s in body if s.participants is not None]
    unreported = [s for s in body if s.participants is None]
    factors = []
    cost = 0
    if not reported:
        cost = UNREPORTED_SIZE_DOWNGRADE
        factors.append(
            Factor(
                "E_D4_IMPRECISION",
                "E",
                -cost,
                "Imprecision: the studies do not report how many people took part, so "
                f"precision cannot be shown (size not reported, -{cost}).",
                keys,
            )
        )
    else:
        if body[0].design == Design.SR_MA:
            total = max(reported)
            counted = "in the largest systematic review that reports its size"
        else:
            total = sum(reported)
            counted = "across the studies that report their size"
        for threshold, step in IMPRECISION_THRESHOLDS:
            if total < threshold:
                cost = step
                sentence = (
                    f"Imprecision: only {total} participants {counted} (fewer than {threshold})."
                )
                if unreported:
                    sentence += " Some studies do not report their size; they are not counted."
                factors.append(Factor("E_D4_IMPRECISION", "E", -cost, sentence, keys))
                break
    flagged = [s.key for s in unreported if s.unreported_size_small]
    if flagged and cost < MAX_IMPRECISION_DOWNGRADE:
        factors.append(
            Factor(
                "E_D4R_SMALL_UNREPORTED",
                "E",
                -1,
                "Imprecision: a reviewer judged that a study which does not report its size is "
                "small (reviewer judgement).",
                tuple(flagged),
            )
        )
        cost += 1
    return factors, cost


def _e_points(level, direction):
    if direction == Direction.SUPPORTS:
        return E_POINTS[level]
    if direction == Direction.MIXED:
        return round_half_up(min(E_POINTS[level], 50), 2)
    return 0


def decide(*, signal_matched, r_code, level, direction, independent):
    """The ordered verdict rules; returns (verdict, rule number)."""
    rank = LEVEL_RANK[level]
    if signal_matched:
        return Verdict.CAUTION, 1
    if r_code == RCode.R8:
        return Verdict.CAUTION, 2
    if direction in (Direction.NO_EFFECT, Direction.CONTRADICTS) and rank >= 2:
        return Verdict.NOT_SUPPORTED, 3
    if rank <= 1 or direction in (Direction.MIXED, Direction.NONE):
        return Verdict.UNPROVEN, 4
    if (
        rank >= 3
        and direction == Direction.SUPPORTS
        and (r_code in FDA_REVIEWED or independent >= 2)
        and r_code != RCode.R7
    ):
        return Verdict.WELL_SUPPORTED, 5
    return Verdict.SOME_EVIDENCE, 6


def composite(r_points, e_points, t_points):
    return round_half_up(
        WEIGHTS["R"] * r_points + WEIGHTS["E"] * e_points + WEIGHTS["T"] * t_points, 100
    )


def banded_score(verdict, composite_value):
    low, high = BANDS[verdict]
    return low + round_half_up((high - low) * composite_value, 100)


_RULE_SENTENCES = {
    1: "Verdict Caution: an active official safety warning applies to this use.",
    2: "Verdict Caution: the product needs an approval or licence it does not have (R8).",
    3: "Verdict Not supported: good enough evidence shows no meaningful effect, or the opposite.",
    4: "Verdict Unproven: the evidence is too weak or too mixed to say whether the claim is true.",
    5: "Verdict Well supported: solid evidence, confirmed by FDA review or independent studies.",
    6: "Verdict Some evidence: the evidence points the right way but falls short of well "
    "supported.",
}


def rate(claim):
    """Rate one claim. Raises RubricInputError on inputs outside the vocabularies."""
    validate(claim)
    inputs_json = canonical_json(claim)
    factors = []
    if claim.biologic and claim.source_origin == Origin.UNDISCLOSED:
        factors.append(
            Factor(
                "SOURCE_UNDISCLOSED_WORST_CASE",
                "R",
                None,
                "The source of the active is not disclosed, so it is rated as if "
                "it were human-derived.",
            )
        )
    r_points, r_factor = _r_factor(claim)
    factors.append(r_factor)
    level, direction, e_points, independent, e_factors = _e_dimension(claim, RCode(claim.r_code))
    factors.extend(e_factors)
    t_points, t_factor = _t_dimension(claim)
    factors.append(t_factor)
    matched = tuple(s.key for s in claim.signals if signal_matches(s, claim))
    for signal in claim.signals:
        if signal.key in matched:
            factors.append(
                Factor(
                    "SAFETY_SIGNAL",
                    "SAFETY",
                    None,
                    f"Safety warning applies: {signal.title}.",
                    (signal.key,),
                )
            )
    verdict, rule = decide(
        signal_matched=bool(matched),
        r_code=RCode(claim.r_code),
        level=level,
        direction=direction,
        independent=independent,
    )
    factors.append(Factor(f"VERDICT_RULE_{rule}", "VERDICT", rule, _RULE_SENTENCES[rule]))
    c = composite(r_points, e_points, t_points)
    score = banded_score(verdict, c)
    low, high = BANDS[verdict]
    factors.append(
        Factor(
            "SCORE",
            "SCORE",
            score,
            f"Composite {c} of 100 (25% regulatory, 55% evidence, 20% "
            f"transparency) places the score at {score} within the "
            f"{VERDICT_LABELS[verdict]} band ({low}-{high}).",
        )
    )
    return Rating(
        rubric_version=VERSION,
        inputs_json=inputs_json,
        inputs_sha256=hashlib.sha256(inputs_json.encode("ascii")).hexdigest(),
        r_code=RCode(claim.r_code).value,
        r_points=r_points,
        e_level=level.value,
        e_direction=direction.value,
        e_points=e_points,
        t_points=t_points,
        independent_concordant=independent,
        safety_signals=matched,
        composite=c,
        verdict=verdict.value,
        verdict_rule=rule,
        score=score,
        grade=GRADES[verdict],
        claimreview_rating=CLAIMREVIEW_RATING[verdict],
        factors=tuple(factors),
    )
