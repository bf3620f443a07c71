"""The rubric describing itself as data, for the methodology page and the API.

Built only from tables.py and the engine's own constants, so the published method cannot drift
from the one applied.
"""

from .engine import _RULE_SENTENCES
from .tables import (
    BANDS,
    CHANGELOG,
    CLAIMREVIEW_RATING,
    CLASS_CHECKLIST,
    CLASS_ITEM_POINTS,
    CONTROLLED_DESIGNS,
    DESIGN_LABELS,
    E_POINTS,
    FDA_REVIEWED,
    GRADES,
    HIGH_START_DESIGNS,
    IMPRECISION_THRESHOLDS,
    LARGE_EFFECT,
    MAX_IMPRECISION_DOWNGRADE,
    MAX_INDIRECTNESS_FLAGS,
    P2_NOT_APPLICABLE_ORIGINS,
    PRODUCT_CHECKLIST,
    R_TABLE,
    RISK_OF_BIAS_DOWNGRADE,
    UNCONTROLLED_DESIGNS,
    UNREPORTED_SIZE_DOWNGRADE,
    VERDICT_LABELS,
    VERDICT_RULES,
    VERSION,
    VERY_LARGE_EFFECT,
    WEIGHTS,
    Design,
)


def _start_level(design):
    if design in HIGH_START_DESIGNS:
        return "HIGH"
    if design in CONTROLLED_DESIGNS:
        return "LOW"
    if design in UNCONTROLLED_DESIGNS:
        return "VERY_LOW"
    return "NO_HUMAN"  # animal, in vitro, mechanistic or opinion


def describe():
    """Return the whole rubric as JSON-ready data."""
    fda = sorted(code.value for code in FDA_REVIEWED)
    return {
        "version": VERSION,
        "changelog": [dict(entry) for entry in CHANGELOG],
        "weights": dict(WEIGHTS),
        "composite": "round_half_up((25 R + 55 E + 20 T) / 100)",
        "score": "band_min + round_half_up((band_max - band_min) x composite / 100)",
        "regulatory": [
            {"code": code.value, "points": points, "meaning": meaning}
            for code, (points, meaning) in R_TABLE.items()
        ],
        "fda_reviewed_codes": fda,
        "evidence": {
            "designs": [
                {"code": d.value, "label": DESIGN_LABELS[d], "start_level": _start_level(d)}
                for d in Design
            ],
            "points": {level.value: points for level, points in E_POINTS.items()},
            "mixed_points": "round_half_up(min(level points, 50) / 2)",
            "against_points": "no effect or contradicts: 0",
            "governing_direction": [
                "The best systematic review's direction governs when the reviews agree.",
                "If reviews disagree, the analysis restricted to low risk of bias or independent "
                "studies governs.",
                "Otherwise the direction of the majority of participants governs; with no "
                "majority, the direction is mixed.",
                "An effect below the minimal important difference counts as no effect.",
            ],
            "downgrades": [
                {
                    "code": "D1",
                    "name": "Risk of bias",
                    "kind": "reviewer judgement with reason",
                    "levels": {k.value: -v for k, v in RISK_OF_BIAS_DOWNGRADE.items()},
                },
                {
                    "code": "D2",
                    "name": "Inconsistency",
                    "kind": "reviewer judgement with reason",
                    "levels": {"flagged": -1},
                },
                {
                    "code": "D3",
                    "name": "Indirectness",
                    "kind": "reviewer judgement with reason, plus one automatic rule",
                    "levels": {
                        "each of population, intervention, outcome": -1,
                        "at most": -MAX_INDIRECTNESS_FLAGS,
                        "product studied only as its ingredient, amount undisclosed": -1,
                    },
                },
                {
                    "code": "D4",
                    "name": "Imprecision",
                    "kind": "automatic, plus one reviewer judgement with reason (D4R)",
                    "levels": {
                        **{
                            f"fewer than {t} participants (counting studies that report their "
                            "size)": -c
                            for t, c in IMPRECISION_THRESHOLDS
                        },
                        "no study reports its size": -UNREPORTED_SIZE_DOWNGRADE,
                        "D4R: an unreported size known to be small (reviewer)": -1,
                        "at most": -MAX_IMPRECISION_DOWNGRADE,
                    },
                },
                {
                    "code": "D5",
                    "name": "Independence",
                    "kind": "automatic",
                    "levels": {
                        "more than half of participants from studies funded wholly or "
                        "partly by the manufacturer, affiliated with it, or not disclosing "
                        "their funding; or a key study not peer reviewed": -1
                    },
                    "waived_for": fda,
                },
            ],
            "upgrades": {
                "applies": "only from a start of LOW or below and with no risk-of-bias downgrade",
                "large_effect": f"+1 when relative risk > {LARGE_EFFECT[0] / 1000:g} or "
                f"< {LARGE_EFFECT[1] / 1000:g}",
                "very_large_effect": f"+2 when relative risk > {VERY_LARGE_EFFECT[0] / 1000:g} or "
                f"< {VERY_LARGE_EFFECT[1] / 1000:g}",
                "dose_response": "+1",
            },
            "level": "clamp(start - downgrades + upgrades, VERY_LOW, HIGH)",
        },
        "transparency": {
            "product": {
                "items": [{"code": c, "text": t} for c, t in PRODUCT_CHECKLIST.items()],
                "points": "round_half_up(100 x passed / applicable)",
                "p2_not_applicable_for": sorted(o.value for o in P2_NOT_APPLICABLE_ORIGINS),
            },
            "class": {
                "items": [{"code": c, "text": t} for c, t in CLASS_CHECKLIST.items()],
                "points_each": CLASS_ITEM_POINTS,
            },
            "absent": "An item not found in public sources fails and scores 0.",
        },
        "safety_signals": (
            "A signal matches a claim when it is active, the claim's subject is in its product "
            "class, the claim's (worst-case) origin is one it covers, and the claim's route or "
            "claim type is among the signal's."
        ),
        "verdict_rules": [
            {
                "order": order,
                "verdict": verdict.value,
                "label": VERDICT_LABELS[verdict],
                "rule": text,
                "explanation": _RULE_SENTENCES[order],
            }
            for order, verdict, text in VERDICT_RULES
        ],
        "bands": [
            {
                "verdict": v.value,
                "label": VERDICT_LABELS[v],
                "min": low,
                "max": high,
                "grade": GRADES[v],
                "claimreview_rating": CLAIMREVIEW_RATING[v],
            }
            for v, (low, high) in BANDS.items()
        ],
    }
