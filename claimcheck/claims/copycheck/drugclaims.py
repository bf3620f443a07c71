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
# Disease wording reaches a little further ("relieves the dryness and itch of atopic
# dermatitis").
LONG_GAP = r"(?:[\s,]+(?:[\w'\u2019-]+)){0,6}?[\s,]+"
SF = ClaimType.STRUCTURE_FUNCTION.value
DISEASE = ClaimType.DISEASE.value
STATUS = ClaimType.REGULATORY_STATUS.value


def _rx(pattern):
    return re.compile(pattern, re.IGNORECASE)


# FDA's intended-use test reads the claim, not a list of phrases: structure/function wording
# is a verb that makes the body do more (or less) of something with a body structure or
# process as its object; disease wording is a verb of treating with a disease or injury as
# its object. Both are open classes of verbs and objects, UK and US spelling alike.
# Verb stems take verb endings only, so "production" or "treatment" is not read as a verb.
VERB_END = r"(?:e|es|ed|d|s|ing)?\b"
MORE = (
    r"(?:(?:produc|stimulat|boost|increas|promot|activat|re-?activat|kick-?start|jump-?start|"
    r"trigger|re-?build|re-?bundl|regenerat|repair|restor|renew|regulat|normali[sz]|"
    r"up-?regulat|recruit|wak|waken|awak|awaken|reawaken|doubl|tripl|enhanc|encourag|"
    r"induc|supercharg|energi[sz]|revitali[sz]|reprogramm?|accelerat|fuel|strengthen|"
    r"rebalanc|reviv|rejuvenat|support|speed)" + VERB_END + r"(?:\s+(?:up|on))?"
    r"|\b(?:switch|turn)(?:es|s|ed|ing)?\s+on)"
)
LESS = (
    r"(?:decreas|reduc|inhibit|suppress|block|lower|control|regulat|normali[sz]|balanc)" + VERB_END
)
# Body structures and processes (not appearances: "skin" alone, "lines", "glow").
BODY = (
    r"(?:collagen(?![\s-]+induction)|elastin|(?:skin|stem|new|damaged|dermal|fat)[\s-]+cells?|"
    r"cells?(?![\s-]+phone)|cellular\s+\w+|fibroblasts?|keratinocytes?|(?:hair\s+)?follicles?|"
    r"sebum|oil\s+production|melanin|melanocytes?|tyrosinase|ceramides?(?:\s+production)?|"
    r"(?:skin(?:'s)?\s+|moisture\s+)?barrier|dna|genes?|angiogenesis|self-renewal|"
    r"cell\s+turnover|keratin|hyaluronic\s+acid\s+production|hair\s+growth|"
    r"blood\s+(?:flow|vessels)|circulation|micro-?circulation)\b"
)
SHRINKABLE = r"(?:sebum|oil\s+production|melanin|melanocytes?|tyrosinase)\b"
DISEASE_VERBS = (
    r"(?:(?:treat|cure|heal|clear|prevent|fight|eliminat|eradicat|fix|repair|eras|remov|banish|"
    r"stop|calm|sooth|reduc|reliev|eas|fill|kill|target|combat|tackl|minimi[sz]|shrink|"
    r"control|zap|dry)" + VERB_END + r"(?:\s+(?:in|up|out))?"
    r"|get(?:s|ting)?\s+rid\s+of|say(?:s|ing)?\s+goodbye\s+to"
    # "ideal for rosacea and psoriasis", "the best treatment for acne": a use for a disease.
    r"|(?:ideal|great|perfect|recommended|effective|designed|works?|best)\s+for"
    r"|(?:treatment|cure|remedy|solution|relief)\s+(?:for|from|of)|help(?:s|ed|ing)?\s+(?:with|to\s+(?:treat|heal|clear|fight))"
    r"|protect(?:s|ed|ing)?\s+against"
    r"|(?:reduc|lower|cut)\w*\s+(?:the\s+|your\s+)?risk\s+of)"
)
DISEASES = (
    r"(?:acne(?![\s-]+(?:prone|marks?))(?:\s+scars?|\s+lesions?)?|breakouts?|pimples?|zits|"
    r"eczema(?![\s-]+prone)|dermatitis|psoriasis|rosacea(?:\s+bumps)?|melasma|scars?|scarring|"
    r"infections?|cellulite|varicose\s+veins|sunburn|skin\s+cancers?|melanoma|diseases?|"
    r"inflammation|wounds?|cuts|burns|ulcers?|cold\s+sores?|warts?|keratos[ie]s|fungal\s+\w+|"
    r"(?:acne-causing\s+|the\s+)?bacteria|(?:male|female)\s+pattern\s+hair\s+loss|"
    r"alopecia(?:\s+areata)?|hair\s+loss(?:\s+disease)?|balding|(?:joint\s+|muscle\s+|back\s+)?pain)\b"
)
# "reduces the appearance of acne scars", "the look of redness": cosmetic wording.
APPEARANCE = r"(?!(?:[\s,]+[\w'\u2019-]+){0,3}?[\s,]+(?:appearance|look|looks)\s+of\b)"

RULES = (
    Rule(
        "hair-loss",
        DISEASE,
        _rx(
            r"\b(?:stop|revers|treat|cure|prevent|fight|halt|combat|end|beat)"
            + VERB_END
            + LONG_GAP
            + r"(?:(?:male|female)\s+pattern\s+)?(?:hair\s+loss(?:\s+disease)?|alopecia|"
            r"balding|baldness)\b"
        ),
        "Treating hair loss (alopecia) treats a disease: only an approved drug such as "
        "minoxidil or finasteride may claim it.",
        FDA_COSMETIC_OR_DRUG,
        ("hair", "alopecia", "bald"),
    ),
    Rule(
        "hair-growth",
        SF,
        _rx(
            # "regrown hair" (a participle describing hair) says what happens to hair, not
            # what a product does.
            r"\bre-?grow(?!n\b)\w*(?:" + GAP + r")?\s*hair\b|\bhair\s+re-?growth\b"
            r"|\b(?:restor|stimulat|promot|boost|encourag|support|accelerat|kick-?start|activat|"
            r"increas)" + VERB_END + GAP + r"hair\s+growth\b"
        ),
        "Making hair grow changes how the body works: FDA reads it as a structure/function "
        "claim, which makes the product a drug.",
        FDA_COSMETIC_OR_DRUG,
        ("hair",),
    ),
    Rule(
        "structure-function",
        SF,
        _rx(
            r"\b"
            + MORE
            + APPEARANCE
            + GAP
            + BODY
            + r"|\b"
            + LESS
            + APPEARANCE
            + GAP
            + SHRINKABLE
            # Regenerating or rebuilding the skin itself is a claim about its structure.
            + r"|\b(?:regenerat|re-?build|reconstruct)"
            + VERB_END
            + GAP
            + r"(?:skin|tissues?)\b"
            + r"|\b(?:collagen|elastin|cell|sebum|melanin|ceramide)s?(?:\s+(?:production|"
            r"synthesis|formation|levels?|turnover|renewal))?[\s-]+(?:boost|stimulat|activat|"
            # "collagen-boosting", "collagen stimulation"; not "a collagen stimulator", the
            # name of a class of fillers.
            r"regenerat|renew|regulat|normali[sz]|inhibit|suppress)(?:e|es|ed|s|ing|ion|ions)?\b"
            r"|\b(?:cell(?:ular)?|stem[\s-]cell|dna)\s+(?:regeneration|repair|renewal|"
            r"reprogramming|activation)\b"
            r"|\b(?:repair|rebuild|regenerat|renew|restor)\w*,\s*(?:repair|rebuild|regenerat|"
            r"renew|restor)\w*,?\s+(?:and|&)\s+(?:repair|rebuild|regenerat|renew|restor)\w*"
        ),
        "Saying a product makes the body produce, renew or regulate something (collagen, "
        "cells, follicles, sebum, melanin, the skin barrier, DNA) is a claim to change the "
        "body's structure or function, which makes it a drug (or a device) in FDA's eyes; "
        "FDA's own examples include regenerating cells and changing melanin production.",
        LANCOME_LETTER,
        (
            "collagen",
            "elastin",
            "cell",
            "fibroblast",
            "keratinocyte",
            "follicle",
            "sebum",
            "oil production",
            "melan",
            "tyrosinase",
            "ceramide",
            "barrier",
            "dna",
            "gene",
            "angiogenesis",
            "renewal",
            "keratin",
            "blood",
            "circulation",
            "rebuild",
            "hyaluronic",
            "regenerat",
            "reconstruct",
        ),
    ),
    Rule(
        "wounds",
        DISEASE,
        _rx(
            r"\bwound[\s-]+healing\b|\b(?:speed|accelerat|promot|boost|fast|quick)\w*"
            r"(?:[\s,]+(?:[\w'\u2019-]+)){0,2}?[\s,]+healing\b"
        ),
        "Healing wounds treats an injury: a disease (drug or device) claim, not a cosmetic one.",
        MICRONEEDLING_GUIDANCE,
        ("healing",),
    ),
    Rule(
        "disease",
        DISEASE,
        _rx(
            r"\b"
            + DISEASE_VERBS
            + APPEARANCE
            + LONG_GAP
            + DISEASES
            + r"|\b(?:acne|eczema|psoriasis|rosacea|scar)[\s-]+(?:treatment|cure|fighting|"
            r"clearing)\b|\banti-(?:acne|bacterial|inflammatory)\b"
        ),
        "Treating, curing or preventing a disease or injury such as acne, rosacea, eczema, "
        "psoriasis, scars, wounds, sunburn or skin cancer is a disease claim: only an approved "
        "drug, a drug meeting an OTC monograph (acne washes, sunscreens) or a cleared device "
        "may make it.",
        FDA_COSMETIC_OR_DRUG,
        (
            "acne",
            "breakout",
            "pimple",
            "zit",
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
            "melanoma",
            "disease",
            "inflammation",
            "wound",
            "cuts",
            "burn",
            "ulcer",
            "sore",
            "wart",
            "kerato",
            "fungal",
            "bacteria",
            "pain",
        ),
    ),
    Rule(
        "fda-status",
        STATUS,
        _rx(
            r"\bfda[\s-]+(?:approved|cleared|registered|listed|certified|compliant)"
            r"(?:\s+(?:treatment|procedure|device|formula|product|ingredients?|facility))?\b"
            r"|\b(?:approved|cleared|registered|certified)\s+by\s+(?:the\s+)?fda\b"
            r"|\bregistered\s+with\s+(?:the\s+)?fda\b|\bmocra[\s-]+(?:registered|listed|"
            r"compliant)\b|\b(?:approved|cleared)\s+for\s+use\b"
        ),
        "FDA status used as a selling point: check it against FDA's own records. Cosmetics "
        "need no FDA approval, and registration or listing is not approval, so the words can "
        "suggest a review that never happened, or present legal compliance as a benefit.",
        MOCRA,
        ("fda", "mocra", "approved for", "cleared for"),
    ),
)
# After FDA status, wording that describes a class of products rather than selling one
# ("FDA-approved injectable HA products such as Restylane are broken down...").
FACTUAL_STATUS_RE = _rx(r"(?:[\s-]+[\w-]+){0,4}?\s+(?:such\s+as|including|like)\b")


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
            if clause.distanced or clause.question or clause.negated:
                continue
            for m in rule.pattern.finditer(text, clause.start, clause.end):
                if _negated(clause, m.start()):
                    continue
                if any(q_start < m.end() and m.start() < q_end for q_start, q_end in clause.quotes):
                    continue  # quoted as an example ('claims such as "treats acne"')
                if any(r_start <= m.start() < r_end for r_start, r_end in clause.reported):
                    continue  # in the reporting part of the sentence
                if rule.category == STATUS and FACTUAL_STATUS_RE.match(text, m.end(), clause.end):
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


# "without the itching, it wakes your follicles": these negate a noun, not the claim.
NOUN_NEGATIONS = frozenset({"without", "free"})


def _negated(clause, offset):
    index = next((i for i, t in enumerate(clause.tokens) if t.start >= offset), None)
    if index is None:
        return False
    first = max(0, index - 5)
    for i in range(index - 1, first - 1, -1):
        # A negation does not reach past a comma or "and" ("it won't irritate, and it
        # normalizes oil production").
        if "," in clause.text_between(i) or clause.tokens[i].raw in ("and", "but"):
            first = i + 1
            break
    return any(
        t.raw in words.NEGATIONS and t.raw not in NOUN_NEGATIONS for t in clause.tokens[first:index]
    )


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
