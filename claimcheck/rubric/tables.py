"""The numbers and closed vocabularies of the ClaimCheck rubric.

Everything the rating depends on lives here as plain data, so that the engine, the methodology
page and the API's rubric endpoint all read one source. Changing any value that can move an
existing verdict or score is a MAJOR version change (see CHANGELOG below).
"""

from enum import StrEnum

VERSION = "2.0.0"

CHANGELOG = (
    # Newest first.
    {
        "version": "2.0.0",
        "date": "2026-12-02",
        "kind": "major",
        "summary": "Imprecision (D4) counts only the studies that report their size: when none "
        "does, certainty is lowered by 1 (size not reported) instead of being counted as zero "
        "participants; a reviewer may add 1 more, with a public reason, when an unreported "
        "size is known to be small (D4R). New route for mechanical devices (microneedling pens "
        "and rollers), which were filed as energy devices. Every claim was re-rated.",
    },
    {
        "version": "1.0.0",
        "date": "2026-11-24",
        "kind": "major",
        "summary": "First published rubric: regulatory status, GRADE-based clinical evidence and "
        "source transparency, combined by six ordered verdict rules into a banded score.",
    },
)


class SubjectKind(StrEnum):
    INGREDIENT_CLASS = "ingredient_class"
    PRODUCT = "product"
    PROCEDURE = "procedure"
    DEVICE = "device"
    SUPPLEMENT = "supplement"


class Origin(StrEnum):
    SYNTHETIC = "synthetic"
    PLANT = "plant"
    ANIMAL = "animal"
    HUMAN = "human"
    MICROBIAL = "microbial"
    UNDISCLOSED = "undisclosed"


class Route(StrEnum):
    TOPICAL_INTACT = "topical_intact"
    TOPICAL_BREACHED = "topical_breached"
    INJECTION = "injection"
    ORAL = "oral"
    ENERGY_DEVICE = "energy_device"
    MECHANICAL_DEVICE = "mechanical_device"  # 2.0.0: microneedling pens and rollers


class ClaimType(StrEnum):
    APPEARANCE = "appearance"
    STRUCTURE_FUNCTION = "structure_function"
    DISEASE = "disease"
    REGULATORY_STATUS = "regulatory_status"


class RCode(StrEnum):
    R1 = "R1"
    R3 = "R3"
    R2A = "R2A"
    R2B = "R2B"
    R4 = "R4"
    R5 = "R5"
    R6 = "R6"
    R7 = "R7"
    R8 = "R8"


class Design(StrEnum):
    SR_MA = "sr_ma"
    RCT = "rct"
    STANDARD_REG_TEST = "standard_reg_test"
    NONRANDOMISED_CONTROLLED = "nonrandomised_controlled"
    COHORT_CASE_CONTROL = "cohort_case_control"
    UNCONTROLLED_BEFORE_AFTER = "uncontrolled_before_after"
    CASE_SERIES = "case_series"
    CASE_REPORT = "case_report"
    ANIMAL = "animal"
    IN_VITRO = "in_vitro"
    MECHANISTIC_OPINION = "mechanistic_opinion"


class Funding(StrEnum):
    INDEPENDENT = "independent"
    MANUFACTURER = "manufacturer"
    MIXED = "mixed"
    UNDISCLOSED = "undisclosed"


class Direction(StrEnum):
    SUPPORTS = "supports"
    MIXED = "mixed"
    NO_EFFECT = "no_effect"
    CONTRADICTS = "contradicts"
    NONE = "none"  # nothing to take a direction from


class RiskOfBias(StrEnum):
    NOT_ASSESSED = "not_assessed"
    LOW = "low"
    SERIOUS = "serious"
    VERY_SERIOUS = "very_serious"


class Level(StrEnum):
    HIGH = "HIGH"
    MODERATE = "MODERATE"
    LOW = "LOW"
    VERY_LOW = "VERY_LOW"
    NO_HUMAN = "NO_HUMAN"
    NONE = "NONE"


class Verdict(StrEnum):
    WELL_SUPPORTED = "well_supported"
    SOME_EVIDENCE = "some_evidence"
    UNPROVEN = "unproven"
    NOT_SUPPORTED = "not_supported"
    CAUTION = "caution"


class ItemStatus(StrEnum):
    PASS = "pass"  # noqa: S105 - a checklist outcome, not a password
    FAIL = "fail"
    NOT_APPLICABLE = "n/a"


# Dimension weights of the composite, in percent.
WEIGHTS = {"R": 25, "E": 55, "T": 20}

R_TABLE = {
    RCode.R1: (100, "Approved (NDA, BLA or PMA) for an indication that covers the claim"),
    RCode.R3: (85, "OTC drug that conforms to a final monograph or order for this claim"),
    RCode.R2A: (80, "De Novo request granted for this indication"),
    RCode.R2B: (70, "510(k) cleared for this indication"),
    RCode.R4: (50, "Lawful cosmetic making an appearance-only claim; no premarket pathway exists"),
    RCode.R5: (45, "Dietary supplement structure/function claim, not evaluated by FDA"),
    RCode.R6: (35, "Legal product or device used outside its approved or cleared indication"),
    RCode.R7: (15, "Drug- or device-type claim on a product with no approval or clearance for it"),
    RCode.R8: (
        0,
        "Unlawful: needs an approval or licence it lacks, or an OTC active not generally "
        "recognised as safe and effective for this use",
    ),
}

# R codes for which FDA reviewed efficacy data for the claim (waive D5, satisfy rule 5).
FDA_REVIEWED = frozenset({RCode.R1, RCode.R2A, RCode.R3})

LEVEL_RANK = {
    Level.HIGH: 4,
    Level.MODERATE: 3,
    Level.LOW: 2,
    Level.VERY_LOW: 1,
    Level.NO_HUMAN: 0,
    Level.NONE: -1,
}
RANK_LEVEL = {4: Level.HIGH, 3: Level.MODERATE, 2: Level.LOW, 1: Level.VERY_LOW}

E_POINTS = {
    Level.HIGH: 100,
    Level.MODERATE: 75,
    Level.LOW: 50,
    Level.VERY_LOW: 25,
    Level.NO_HUMAN: 10,
    Level.NONE: 0,
}

HIGH_START_DESIGNS = frozenset({Design.SR_MA, Design.RCT, Design.STANDARD_REG_TEST})
CONTROLLED_DESIGNS = frozenset({Design.NONRANDOMISED_CONTROLLED, Design.COHORT_CASE_CONTROL})
UNCONTROLLED_DESIGNS = frozenset(
    {Design.UNCONTROLLED_BEFORE_AFTER, Design.CASE_SERIES, Design.CASE_REPORT}
)
NON_HUMAN_DESIGNS = frozenset({Design.ANIMAL, Design.IN_VITRO, Design.MECHANISTIC_OPINION})
HUMAN_DESIGNS = HIGH_START_DESIGNS | CONTROLLED_DESIGNS | UNCONTROLLED_DESIGNS

DESIGN_LABELS = {
    Design.SR_MA: "Systematic review or meta-analysis of randomised trials",
    Design.RCT: "Randomised controlled trial (including split-face)",
    Design.STANDARD_REG_TEST: "Standardised regulatory test (such as in-vivo SPF)",
    Design.NONRANDOMISED_CONTROLLED: "Non-randomised controlled study",
    Design.COHORT_CASE_CONTROL: "Cohort or case-control study",
    Design.UNCONTROLLED_BEFORE_AFTER: "Uncontrolled before-and-after study",
    Design.CASE_SERIES: "Case series",
    Design.CASE_REPORT: "Case report",
    Design.ANIMAL: "Animal study",
    Design.IN_VITRO: "Laboratory (in vitro) study",
    Design.MECHANISTIC_OPINION: "Mechanistic reasoning, narrative review or expert opinion",
}

# D4: total participants below these thresholds cost one or two levels.
IMPRECISION_THRESHOLDS = ((30, 2), (100, 1))
# D4 when no study in the body reports its size (2.0.0; 1.0.0 counted it as zero, so -2).
UNREPORTED_SIZE_DOWNGRADE = 1
# D4 and the reviewer's D4R together never cost more than this.
MAX_IMPRECISION_DOWNGRADE = 2
# Upgrades: relative effect in thousandths (RR 2.0 = 2000).
LARGE_EFFECT = (2000, 500)  # RR > 2 or < 0.5: +1
VERY_LARGE_EFFECT = (5000, 200)  # RR > 5 or < 0.2: +2
MAX_INDIRECTNESS_FLAGS = 2
RISK_OF_BIAS_DOWNGRADE = {
    RiskOfBias.NOT_ASSESSED: 1,
    RiskOfBias.LOW: 0,
    RiskOfBias.SERIOUS: 1,
    RiskOfBias.VERY_SERIOUS: 2,
}

PRODUCT_CHECKLIST = {
    "P1": "Source of the active named (organism, tissue, cell type or chemical identity)",
    "P2": "Origin documented, including donor screening (not applicable to synthetic or "
    "microbial actives)",
    "P3": "Processing or isolation method described",
    "P4": "Full INCI ingredient list published",
    "P5": "Amount of the active stated",
    "P6": "Standardisation shown (batch specification, potency assay)",
    "P7": "Independent third-party testing with a certificate (identity, purity, sterility, "
    "endotoxin)",
    "P8": "Verifiable identifiers (listing, NDC, clearance or approval number, IND)",
}
CLASS_CHECKLIST = {
    "C1": "Defined identity (INCI, CAS, monograph or device regulation)",
    "C2": "Key studies report the dose, concentration or settings used",
    "C3": "The studied material is characterised and standardised",
    "C4": "Key studies disclose their funding and conflicts of interest",
}
CLASS_ITEM_POINTS = 25
# P2 does not apply to actives of these origins.
P2_NOT_APPLICABLE_ORIGINS = frozenset({Origin.SYNTHETIC, Origin.MICROBIAL})

BANDS = {
    Verdict.WELL_SUPPORTED: (75, 100),
    Verdict.SOME_EVIDENCE: (55, 74),
    Verdict.UNPROVEN: (35, 54),
    Verdict.NOT_SUPPORTED: (15, 34),
    Verdict.CAUTION: (0, 14),
}
GRADES = {
    Verdict.WELL_SUPPORTED: "A",
    Verdict.SOME_EVIDENCE: "B",
    Verdict.UNPROVEN: "C",
    Verdict.NOT_SUPPORTED: "D",
    Verdict.CAUTION: "F",
}
CLAIMREVIEW_RATING = {
    Verdict.WELL_SUPPORTED: 5,
    Verdict.SOME_EVIDENCE: 4,
    Verdict.UNPROVEN: 3,
    Verdict.NOT_SUPPORTED: 2,
    Verdict.CAUTION: 1,
}
VERDICT_LABELS = {
    Verdict.WELL_SUPPORTED: "Well supported",
    Verdict.SOME_EVIDENCE: "Some evidence",
    Verdict.UNPROVEN: "Unproven",
    Verdict.NOT_SUPPORTED: "Not supported",
    Verdict.CAUTION: "Caution",
}

VERDICT_RULES = (
    (
        1,
        Verdict.CAUTION,
        "A matching active safety signal caps the verdict at Caution (safety concern).",
    ),
    (2, Verdict.CAUTION, "Regulatory code R8 gives Caution (regulatory concern)."),
    (
        3,
        Verdict.NOT_SUPPORTED,
        "Evidence showing no effect or the opposite effect, at LOW "
        "certainty or better, gives Not supported.",
    ),
    (
        4,
        Verdict.UNPROVEN,
        "Certainty VERY_LOW, NO_HUMAN or NONE, or a mixed direction, gives Unproven.",
    ),
    (
        5,
        Verdict.WELL_SUPPORTED,
        "MODERATE or HIGH certainty supporting the claim, with FDA "
        "review of efficacy (R1, R2A or R3) or at least two independent concordant studies, and "
        "not R7, gives Well supported.",
    ),
    (
        6,
        Verdict.SOME_EVIDENCE,
        "Anything else gives Some evidence, so a drug-type claim on an "
        "unapproved product never rises above it.",
    ),
)
