"""Wording that FDA treats as a drug or device claim, whatever product it is said about.

Under the FD&C Act a product is a drug when it is intended to affect the structure or any
function of the body, or to cure, mitigate, treat or prevent disease; the intended use is read
from the labelling, advertising and websites. FDA's own examples of drug claims include
regenerating cells and increasing or decreasing melanin production, and its 2012 warning letter
to Lancôme named "stimulates the production of youth proteins" and "helps to re-bundle
collagen". Claims to treat scars, wrinkles or acne, stimulate collagen or promote wound healing
make a microneedling product a device. "FDA approved" or "FDA registered" used to sell a
cosmetic presents legal status (or mere registration) as a benefit.

Each rule carries the category of the rubric's claim-type table (structure/function, disease,
regulatory status), a plain reason and the public source behind it. The rules are regular
expressions over the original text, so the flagged span is exactly the words used.
"""

import bisect
import re
from dataclasses import dataclass

from claimcheck.rubric.tables import ClaimType

from . import text as words


@dataclass(frozen=True, slots=True)
class Citation:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    category: str
    pattern: re.Pattern
    reason: str
    citation: Citation
    needles: tuple  # words (lower case) without which the pattern cannot match


FDA_COSMETIC_OR_DRUG = Citation(
    "FDA: Is It a Cosmetic, a Drug, or Both? (Or Is It Soap?)",
    "https://www.fda.gov/cosmetics/cosmetics-laws-regulations/it-cosmetic-drug-or-both-or-it-soap",
)
LANCOME_LETTER = Citation(
    "FDA warning letter to Lancôme, 7 September 2012 (summary)",
    "https://www.lexology.com/library/detail.aspx?g=abc4ba20-b7df-40e4-ae46-dcd8ddd8ded6",
)
MICRONEEDLING_GUIDANCE = Citation(
    "FDA draft guidance on microneedling products, 2017 (summary)",
    "https://www.massdevice.com/fda-releases-draft-guidance-microneedling-devices/",
)
MOCRA = Citation(
    "CRS Report R47826: FDA regulation of cosmetics under MoCRA",
    "https://www.capitollabsllc.com/crs/product/R47826",
)

# A few words may stand between a verb and its object ("boosts your skin's own collagen").
GAP = r"(?:[\s,]+(?:[\w'\u2019-]+)){0,4}?[\s,]+"
SF = ClaimType.STRUCTURE_FUNCTION.value
DISEASE = ClaimType.DISEASE.value
STATUS = ClaimType.REGULATORY_STATUS.value


def _rx(pattern):
    return re.compile(pattern, re.IGNORECASE)


RULES = (
    Rule(
        "collagen",
        SF,
        _rx(
            r"\b(?:stimulat|boost|increas|promot|activat|kick-?start|jump-?start|trigger|"
            r"rebuild|re-?bundl|regenerat|restor|ramp|amp|rev|supercharg|induc|encourag)\w*"
            + GAP
            + r"(?:collagen|elastin)\b"
            r"|\b(?:collagen|elastin)(?:\s+(?:production|synthesis|formation|levels?))?\s+"
            r"(?:boost|stimulat|activat|regenerat|renew)\w*"
        ),
        "Saying a product makes the skin produce more collagen or elastin is a claim to change "
        "the body's structure or function, which makes it a drug (or a device) in FDA's eyes.",
        LANCOME_LETTER,
        ("collagen", "elastin"),
    ),
    Rule(
        "cells",
        SF,
        _rx(
            r"\b(?:regenerat|renew|repair|rebuild|reprogramm?|activat|revitali[sz])\w*"
            + GAP
            + r"(?:skin\s+|stem\s+)?cells?\b"
            r"|\b(?:cell(?:ular)?|stem[\s-]cell)\s+(?:regeneration|repair|renewal|reprogramming)\b"
        ),
        "Regenerating or repairing cells is one of FDA's own examples of a claim that makes a "
        "product a drug.",
        FDA_COSMETIC_OR_DRUG,
        ("cell",),
    ),
    Rule(
        "dna",
        SF,
        _rx(
            r"\b(?:repair|fix|protect|restor|heal)\w*" + GAP + r"dna\b|\bdna[\s-]+repair\w*"
            r"|\b(?:activat|boost|switch\w*\s+on)\w*" + GAP + r"genes?\b"
        ),
        "Repairing DNA or activating genes describes an effect on how the body works, a "
        "structure/function (drug) claim.",
        LANCOME_LETTER,
        ("dna", "gene"),
    ),
    Rule(
        "melanin",
        SF,
        _rx(
            r"\b(?:increas|decreas|reduc|inhibit|block|suppress|stop|boost|stimulat|regulat|"
            r"control|lower)\w*" + GAP + r"(?:melanin|melanocytes?|tyrosinase)\b"
            r"|\b(?:melanin|tyrosinase)(?:\s+production)?\s+(?:inhibit|suppress|block)\w*"
        ),
        "Increasing or decreasing melanin production is one of FDA's own examples of a drug claim.",
        FDA_COSMETIC_OR_DRUG,
        ("melanin", "melanocyte", "tyrosinase"),
    ),
    Rule(
        "hair",
        DISEASE,
        _rx(
            r"\bre-?grow\w*(?:" + GAP + r")?\s*hair\b|\bhair\s+re-?growth\b"
            r"|\b(?:restor|stimulat|promot|boost)\w*" + GAP + r"hair\s+growth\b"
            r"|\b(?:stop|revers|treat|cure|prevent|fight)\w*" + GAP + r"(?:hair\s+loss|alopecia|"
            r"balding|thinning\s+hair)\b"
        ),
        "Restoring hair growth or treating hair loss is a drug claim in FDA's examples.",
        FDA_COSMETIC_OR_DRUG,
        ("hair", "alopecia", "balding"),
    ),
    Rule(
        "wounds",
        DISEASE,
        _rx(
            r"\b(?:heal|treat|repair|cure|clos)\w*" + GAP + r"(?:wounds?|cuts|burns|ulcers?)\b"
            r"|\bwound[\s-]+healing\b|\b(?:speed|accelerat|promot|boost|fast)\w*"
            + GAP
            + r"healing\b"
        ),
        "Healing wounds treats an injury: a disease (drug or device) claim, not a cosmetic one.",
        MICRONEEDLING_GUIDANCE,
        ("wound", "cut", "burn", "ulcer", "healing"),
    ),
    Rule(
        "disease",
        DISEASE,
        _rx(
            r"\b(?:treat|cure|heal|clear|prevent|fight|get\s+rid\s+of|eliminat|eradicat|fix|repair|"
            r"erase|remov|banish|stop)\w*"
            + GAP
            + r"(?:acne\s+scars?|acne|breakouts?|pimples?|eczema|"
            r"dermatitis|psoriasis|rosacea|melasma|scars?|scarring|infections?|cellulite|"
            r"varicose\s+veins|sunburn|skin\s+cancer|diseases?|inflammation)\b"
            r"|\b(?:acne|eczema|psoriasis|rosacea)[\s-]+(?:treatment|cure|fighting|clearing)\b"
            r"|\b(?:reduc|minimi[sz])\w*" + GAP + r"(?:cellulite|acne\s+scars?)\b"
        ),
        "Treating, curing or preventing a condition such as acne, eczema, scars, sunburn or "
        "cellulite is a disease claim: only an approved drug, a drug meeting an OTC monograph "
        "(acne washes, sunscreens) or a cleared device may make it.",
        FDA_COSMETIC_OR_DRUG,
        (
            "acne",
            "breakout",
            "pimple",
            "eczema",
            "dermatitis",
            "psoriasis",
            "rosacea",
            "melasma",
            "scar",
            "infection",
            "cellulite",
            "varicose",
            "sunburn",
            "cancer",
            "disease",
            "inflammation",
        ),
    ),
    Rule(
        "fda-status",
        STATUS,
        _rx(
            r"\bfda[\s-]+(?:approved|cleared|registered|listed|certified|compliant)\b"
            r"|\b(?:approved|cleared|registered|certified)\s+by\s+(?:the\s+)?fda\b"
            r"|\bregistered\s+with\s+(?:the\s+)?fda\b|\bmocra[\s-]+(?:registered|listed|"
            r"compliant)\b"
        ),
        "FDA status used as a selling point: check it against FDA's own records. Cosmetics "
        "need no FDA approval, and registration or listing is not approval, so the words can "
        "suggest a review that never happened, or present legal compliance as a benefit.",
        MOCRA,
        ("fda", "mocra"),
    ),
)


@dataclass(frozen=True, slots=True)
class Flag:
    start: int
    end: int
    quote: str
    category: str
    reason: str
    rule: str
    citation: Citation


def flags(text, clauses):
    """Drug-claim wording in text, clause by clause; wording that is negated ("does not
    treat acne"), reported ("claims to regenerate cells"), disclaimed ("not intended to
    treat any disease") or asked ("does it boost collagen?") is left out."""
    starts = [clause.start for clause in clauses]
    lower = text.lower()
    found = []
    for rule in RULES:
        # Only the clauses holding one of the rule's words are scanned.
        numbers = set()
        for needle in rule.needles:
            at = lower.find(needle)
            while at >= 0:
                numbers.add(bisect.bisect_right(starts, at) - 1)
                at = lower.find(needle, at + len(needle))
        for number in sorted(numbers):
            if number < 0:
                continue
            clause = clauses[number]
            if clause.distanced or clause.question:
                continue
            for m in rule.pattern.finditer(text, clause.start, clause.end):
                if _negated(clause, m.start()):
                    continue
                found.append(
                    Flag(
                        start=m.start(),
                        end=m.end(),
                        quote=m.group(),
                        category=rule.category,
                        reason=rule.reason,
                        rule=rule.code,
                        citation=rule.citation,
                    )
                )
    found.sort(key=lambda f: (f.start, f.end))
    return _without_overlaps(found)


def _negated(clause, offset):
    index = next((i for i, t in enumerate(clause.tokens) if t.start >= offset), None)
    if index is None:
        return False
    return words.negated_before(clause.tokens, index, window=5)


def _without_overlaps(found):
    """Keep the first (then longest) of overlapping flags."""
    kept = []
    for flag in found:
        if kept and flag.start < kept[-1].end:
            if (
                flag.end - flag.start > kept[-1].end - kept[-1].start
                and flag.start == kept[-1].start
            ):
                kept[-1] = flag
            continue
        kept.append(flag)
    return kept
