"""Words and clauses of marketing copy, with character offsets into the original text.

Normalisation is deliberately small and predictable: lower case, a table of common
misspellings, a light suffix stripper (plurals, -ing, -ed, -ation) and a table of synonyms
that folds marketing verbs and outcomes into shared concepts ("boosts", "increases" and
"stimulates" are one concept; "breakouts" and "pimples" are acne). The same functions
normalise the claims when the index is built, so both sides always agree.
"""

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

WORD_RE = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?", re.IGNORECASE)

# Where a clause ends: sentence punctuation followed by a space or the end, a line break, a
# semicolon, a colon before a space, a spaced dash, a bullet, a vertical bar, or " but "
# (which usually turns a sentence around: "exosomes sound exciting, but retinol works").
CLAUSE_BREAK_RE = re.compile(
    r"[.!?]+(?=[\s\"'\u201d\u2019)]|$)|\n|;|:(?=\s)|\s[-\u2013\u2014]+\s|\u2014|[\u2022|\u00b7]"
    r"|\bbut\b",
    re.IGNORECASE,
)

# Frequent misspellings and spelling variants, applied before stemming.
SPELLINGS = {
    "exozome": "exosome",
    "exozomes": "exosomes",
    "exosom": "exosome",
    "exsosome": "exosome",
    "exsosomes": "exosomes",
    "exosones": "exosomes",
    "exosone": "exosome",
    "colagen": "collagen",
    "collagene": "collagen",
    "collegen": "collagen",
    "wrinkels": "wrinkles",
    "wrinkel": "wrinkle",
    "ageing": "aging",
    "hyularonic": "hyaluronic",
    "hyaloronic": "hyaluronic",
    "hyaluronc": "hyaluronic",
    "niacinimide": "niacinamide",
    "niacinamid": "niacinamide",
    "tretinion": "tretinoin",
    "retinoll": "retinol",
    "rejuvinate": "rejuvenate",
    "rejuvinates": "rejuvenates",
    "rejuvinating": "rejuvenating",
    "regenarate": "regenerate",
    "regenarates": "regenerates",
    "pigmentaion": "pigmentation",
    "hyperpigmentaion": "hyperpigmentation",
    "dermaroller": "dermaroller",
    "mirconeedling": "microneedling",
    "microneedeling": "microneedling",
    "plasma's": "plasma",
    "evs": "ev",
    "elastisity": "elasticity",
    "moisturiser": "moisturizer",
    "moisturisers": "moisturizers",
    "colour": "color",
    "discolouration": "discoloration",
}

# Marketing verbs and outcomes folded into concepts (keys are stems, see stem()).
SYNONYMS = {
    # more of something
    "stimulat": "UP",
    "boost": "UP",
    "increas": "UP",
    "promot": "UP",
    "activat": "UP",
    "kickstart": "UP",
    "jumpstart": "UP",
    "trigger": "UP",
    "ramp": "UP",
    "amp": "UP",
    "rev": "UP",
    "encourag": "UP",
    "enhanc": "UP",
    "build": "UP",
    "rebuild": "UP",
    "supercharg": "UP",
    "restor": "UP",
    "lift": "UP",
    "spe": "FAST",  # "speeds", "speed" after the suffix stripper
    "pigmentat": "PIGMENT",
    "brightness": "GLOW",
    "bright": "GLOW",
    "anti": "PREVENT",
    "melanoma": "CANCER",
    "cancer": "CANCER",
    "carcinoma": "CANCER",
    "upregulat": "UP",
    "up-regulat": "UP",
    "doubl": "UP",
    "tripl": "UP",
    "recruit": "UP",
    "wak": "UP",
    "awaken": "UP",
    "reawaken": "UP",
    "reactivat": "UP",
    "energis": "UP",
    "energiz": "UP",
    "produc": "UP",
    # less of something, or better
    "reduc": "BETTER",
    "decreas": "BETTER",
    "diminish": "BETTER",
    "minimis": "BETTER",
    "minimiz": "BETTER",
    "lessen": "BETTER",
    "fad": "BETTER",
    "fade": "BETTER",
    "eras": "BETTER",
    "blur": "BETTER",
    "lighten": "BETTER",
    "brighten": "BETTER",
    "lower": "BETTER",
    "fight": "BETTER",
    "combat": "BETTER",
    "correct": "BETTER",
    "fix": "BETTER",
    "eliminat": "BETTER",
    "remov": "BETTER",
    "clear": "BETTER",
    "banish": "BETTER",
    "smooth": "BETTER",
    "smoother": "BETTER",
    "soften": "BETTER",
    "improv": "BETTER",
    "refin": "BETTER",
    "mitigat": "BETTER",
    "transform": "BETTER",
    "relax": "BETTER",
    "reliev": "BETTER",
    "sooth": "BETTER",
    "calm": "BETTER",
    "erasing": "BETTER",
    # outcomes and strong verbs
    "revers": "REVERSE",
    "rewind": "REVERSE",
    "undo": "REVERSE",
    "rejuvenat": "REJUVENATE",
    "revitalis": "REJUVENATE",
    "revitaliz": "REJUVENATE",
    "renew": "REJUVENATE",
    "regenerat": "REGENERATE",
    "heal": "HEAL",
    "recover": "HEAL",
    "recovery": "HEAL",
    "repair": "HEAL",
    "speed": "FAST",
    "accelerat": "FAST",
    "fast": "FAST",
    "faster": "FAST",
    "quick": "FAST",
    "quicker": "FAST",
    "hasten": "FAST",
    "prevent": "PREVENT",
    "protect": "PREVENT",
    "protection": "PREVENT",
    "block": "PREVENT",
    "shield": "PREVENT",
    "guard": "PREVENT",
    "defend": "PREVENT",
    "slow": "PREVENT",
    "delay": "PREVENT",
    "treat": "TREAT",
    "cure": "TREAT",
    "cur": "TREAT",
    "wrinkl": "WRINKLE",
    "line": "WRINKLE",
    "creas": "WRINKLE",
    "ag": "AGE",
    "aging": "AGE",
    "aged": "AGE",
    "age": "AGE",
    "youth": "AGE",
    "youthful": "AGE",
    "young": "AGE",
    "younger": "AGE",
    "antiag": "AGE",
    "collagen": "COLLAGEN",
    "elastin": "COLLAGEN",
    "elasticity": "ELASTIC",
    "elastic": "ELASTIC",
    "bounc": "ELASTIC",
    "suppl": "ELASTIC",
    "suppleness": "ELASTIC",
    "firm": "ELASTIC",
    "firmness": "ELASTIC",
    "firmer": "ELASTIC",
    "plump": "ELASTIC",
    "tighten": "ELASTIC",
    "sag": "ELASTIC",
    "sagg": "ELASTIC",
    "pigment": "PIGMENT",
    "pigmentation": "PIGMENT",
    "hyperpigment": "PIGMENT",
    "hyperpigmentation": "PIGMENT",
    "discoloration": "PIGMENT",
    "discolor": "PIGMENT",
    "melasma": "PIGMENT",
    "blotch": "PIGMENT",
    "blotchiness": "PIGMENT",
    "mottl": "PIGMENT",
    "spot": "SPOT",
    "red": "RED",
    "redness": "RED",
    "flush": "RED",
    "scar": "SCAR",
    "scarring": "SCAR",
    "pockmark": "SCAR",
    "pit": "SCAR",
    "acne": "ACNE",
    "breakout": "ACNE",
    "pimpl": "ACNE",
    "blemish": "ACNE",
    "zit": "ACNE",
    "wound": "WOUND",
    "sunburn": "SUNBURN",
    "burn": "SUNBURN",
    "textur": "TEXTURE",
    "rough": "TEXTURE",
    "roughness": "TEXTURE",
    "por": "TEXTURE",
    "pore": "TEXTURE",
    "dry": "DRY",
    "dryness": "DRY",
    "dri": "DRY",
    "itch": "DRY",
    "itchy": "DRY",
    "itchi": "DRY",
    "eczema": "ECZEMA",
    "dermatiti": "ECZEMA",
    "dermatitis": "ECZEMA",
    "atopic": "ECZEMA",
    "cell": "CELL",
    "cellular": "CELL",
    "hair": "HAIR",
    "fold": "FOLD",
    "nasolabial": "FOLD",
    "frown": "FROWN",
    "glabellar": "FROWN",
    "photoag": "PHOTOAGE",
    "photoaged": "PHOTOAGE",
    "photodamag": "PHOTOAGE",
    "depth": "DEPTH",
    "deep": "DEPTH",
    "deeper": "DEPTH",
    "glow": "GLOW",
    "radianc": "GLOW",
    "radiant": "GLOW",
    "luminous": "GLOW",
}

# Two-word phrases that name one concept.
BIGRAMS = {
    ("sun", "damag"): "PHOTOAGE",
    ("sun", "spot"): "PIGMENT",
    ("dark", "spot"): "PIGMENT",
    ("brown", "spot"): "PIGMENT",
    ("AGE", "SPOT"): "PIGMENT",
    ("smil", "WRINKLE"): "FOLD",
    ("laugh", "WRINKLE"): "FOLD",
    ("crow", "feet"): "WRINKLE",
    ("crow's", "feet"): "WRINKLE",
    ("hair", "loss"): "HAIR",
    ("dark", "mark"): "PIGMENT",
    ("uneven", "ton"): "PIGMENT",
    ("turn", "back"): "REVERSE",
    ("make", "more"): "UP",
    ("uneven", "color"): "PIGMENT",
}

# Concepts that name an outcome (what changes), as opposed to how it is said to change.
ACTIONS = frozenset({"UP", "BETTER", "FAST", "PREVENT", "TREAT"})

# Words too common to tell claims apart.
STOPWORDS = frozenset(
    """a an the and or of to in on for with by from at as is are be been being it its this that
    these those your you our we us my me i their they them he she his her was were will can
    could may might must should would do does did has have had not no so than then there here
    very more most much many any all each every both few other some such only own same just
    also into over under up down out off again further once about against between through
    during before after above below while because until if what which who whom why how when
    where production product products synthesis visible visibly appearance look looks looking
    sign skin facial face serum serums cream creams treatment treatments result results day
    days week weeks month months use used using help helps helping clinically proven formula
    new now get gets make makes made one two three 1 2 3 4 5 6 7 8 9 10 30 percent s t
    like love see feel feels work works leave leaves give gives instantly instant overall
    cosmetic without compared comparison versus vs""".split()
)

# Words that, before a mention, mean the text is not claiming it.
NEGATIONS = frozenset(
    """no not never without nor zero free unlike instead don't doesn't didn't isn't aren't
    won't can't cannot wasn't weren't dont doesnt isnt arent wont cant neither lacks lack
    avoid avoids skip forget""".split()
)
# (Matched against lower-cased text, which is several times faster than IGNORECASE.)
# Words that report, quote, doubt or explain a claim rather than make it: attribution ("the
# brand says", "according to"), reported claims ("claims that", "sold as"), doubt ("no
# evidence"), statements of history or purpose ("evolved ... for the purpose of"), and the
# regulator's or editor's voice ("consumers should", "be wary of products that claim").
DISTANCING_RE = re.compile(
    r"\b(?:claims?\s+(?:that|to|such\s+as)|claimed|myths?|supposedly|allegedly|marketed\s+as|"
    r"sold\s+as|advertised\s+as|(?:is|are)\s+said\s+to|no\s+(?:good\s+)?evidence|"
    r"not\s+(?:been\s+)?proven|unproven|hype|beware|be\s+wary|we\s+do\s+not\s+(?:claim|know)|"
    r"we\s+don't\s+claim|does\s+not\s+claim|not\s+intended\s+to|has\s+not\s+been\s+evaluated|"
    r"have\s+not\s+been\s+evaluated|according\s+to(?!\s+(?:our|customers|users|clients))|(?:says?|saying|said|tells?\s+us|told\s+us|"
    r"promises?\s+that|calls?\s+it|describes?)\b(?!\s+(?:goodbye|hello))|evolved|"
    r"for\s+the\s+purpose\s+of|"
    r"(?:was|were)\s+(?:first|originally)\s+(?:used|developed)|consumers\s+should|"
    r"(?:products?|sellers?|brands?|clinics?)\s+that\s+claim|warning\s+letter|(?:is|are)\s+warning|"
    r"warns?|(?:is|are)\s+(?:a\s+drug|drugs|regulated\s+as)|(?:a|the)\s+review\s+found)\b",
)


# Words that, before a clause's verb, deny what the clause says ("neither is a treatment for
# acne", "it does not regrow hair"); "free" and "without" are left out ("fragrance-free
# retinol reduces..."), since they negate a noun, not the claim.
CLAUSE_NEGATIONS = frozenset(
    """no not never nor neither don't doesn't didn't isn't aren't won't can't cannot wasn't
    weren't dont doesnt didnt isnt arent wont cant""".split()
)


class Token(NamedTuple):  # a tuple: cheap to make, and a text has thousands
    start: int
    end: int
    raw: str  # lower case, as written
    stem: str  # after spelling fixes and suffix stripping
    concept: str  # after synonyms: an upper-case concept or the stem itself
    stop: bool  # a word too common to tell claims apart
    pairs: bool  # can start a two-word phrase (BIGRAMS)


@dataclass(frozen=True, slots=True)
class Clause:
    start: int
    end: int
    tokens: tuple
    question: bool
    distanced: bool
    continues: bool  # follows a colon, is a bullet, or opens with a pronoun or a verb
    paragraph: int = 0  # blank lines and headings separate paragraphs
    kind: str = "sentence"  # "heading", "bullet" or "sentence"
    lead_in: bool = False  # a heading, or a clause ending in a colon: names what follows
    negated: bool = False  # a negation before the clause's first verb ("neither is ...")
    # Quoted wording inside the clause, as (start, end) spans: an example or a report
    # ('claims such as "stimulates collagen"'). A clause that is all quotation (a customer's
    # testimonial) has none: the seller makes that claim by publishing it.
    quotes: tuple = ()
    source: str = ""  # the text the clause is part of
    # The parts that report or explain ("clients tell us ...", "the FDA says ..."), when
    # only some do; a clause that is all report is `distanced`.
    reported: tuple = ()

    def text_between(self, i):
        """The characters between the clause's token i and token i + 1."""
        toks = self.tokens
        if i + 1 >= len(toks):
            return ""
        return self.source[toks[i].end : toks[i + 1].start]


@lru_cache(maxsize=65536)
def stem(word):
    """A light, deterministic suffix stripper (plurals, -ing, -ed, -ation, final e)."""
    w = SPELLINGS.get(word, word)
    w = w.replace("\u2019", "'")
    if len(w) <= 3 or w.isdigit():
        return w
    if w.endswith("'s"):
        w = w[:-2]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes", "ses")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ation") and len(w) > 7:
        w = w[:-3]
    elif w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def concept_of(word_stem):
    return SYNONYMS.get(word_stem, word_stem)


BIGRAM_FIRST = frozenset(first for first, _ in BIGRAMS)


@lru_cache(maxsize=65536)
def _normal(raw):
    """(stem, concept, stop, pairs) of a lower-case word."""
    s = stem(raw)
    c = SYNONYMS.get(s, s)
    return s, c, raw in STOPWORDS or s in STOPWORDS, s in BIGRAM_FIRST or c in BIGRAM_FIRST


def tokens(text, start=0, end=None):
    """The words of text[start:end] as Tokens with offsets into text."""
    end = len(text) if end is None else end
    out = []
    for m in WORD_RE.finditer(text, start, end):
        raw = m.group().lower().replace("\u2019", "'")
        out.append(Token(m.start(), m.end(), raw, *_normal(raw)))
    return out


def concepts(toks, skip=range(0)):
    """Concepts of tokens (stopwords dropped), plus those named by two-word phrases; the
    positions in `skip` (a subject mention) are left out."""
    found = set()
    prev = None
    for i, tok in enumerate(toks):
        if skip and i in skip:
            prev = None
            continue
        if prev is not None and prev.pairs:
            pair = (
                BIGRAMS.get((prev.stem, tok.stem))
                or BIGRAMS.get((prev.concept, tok.concept))
                or BIGRAMS.get((prev.stem, tok.concept))
                or BIGRAMS.get((prev.concept, tok.stem))
            )
            if pair:
                found.add(pair)
        if not tok.stop:
            found.add(tok.concept)
        prev = tok
    return found


# A bullet: a list marker (dash, star, dot, tick, "1." or "1)") at the start of a line.
BULLET_RE = re.compile(r"[ \t]*(?:[-*\u2022\u00b7\u2013\u2713\u2714\u25aa>]|\d{1,2}[.)])[ \t]+")
# Quoted wording of three words or more, on one line: "boosts collagen by 300%".
QUOTED_RE = re.compile(
    r"[\"\u201c](?=[^\"\u201d\n]*\s[^\"\u201d\n]*\s)[^\"\u201d\n]{4,200}[\"\u201d]"
)
HEADING_MAX_WORDS = 12


class Line(NamedTuple):
    start: int
    end: int
    kind: str  # "heading", "bullet", "sentence" or "blank"
    paragraph: int


def lines(text):
    """The lines of text, each with its kind and paragraph. A short line without sentence
    punctuation is a heading; a heading, like a blank line, ends a paragraph."""
    out = []
    paragraph = 0
    position = 0
    previous = "blank"
    several = "\n" in text.strip()  # a one-line paste has no headings
    for raw in text.splitlines(keepends=True):
        start, end = position, position + len(raw)
        position = end
        body = raw.strip()
        if not body:
            out.append(Line(start, end, "blank", paragraph))
            previous = "blank"
            continue
        if BULLET_RE.match(raw):
            kind = "bullet"
        elif (
            several
            and len(body.split()) <= HEADING_MAX_WORDS
            and body[-1] not in ".!?,;\"'\u201d)"
            and (
                body[-1] == ":"
                or len(out) == 0
                or previous in ("blank", "heading")
                or body[0].isupper()
            )
        ):
            kind = "heading"
        else:
            kind = "sentence"
        if previous == "blank" or kind == "heading" or previous == "heading":
            paragraph += 1
        out.append(Line(start, end, kind, paragraph))
        previous = kind
    return out


def lowered(text):
    """text in lower case, with the same offsets (a few characters, such as a dotted capital
    I, lower to two; then the text is searched as written, case-insensitively)."""
    lower = text.lower()
    return lower if len(lower) == len(text) else None


# Where a sentence turns to a new statement: reporting in one part ("clients tell us their
# skin looks brighter") does not reach the next ("and PRP recruits collagen-producing cells").
PART_BREAK_RE = re.compile(r",\s+(?:and|but|while|whereas)\s+|,\s+so\s+", re.IGNORECASE)


def sentence_parts(text, start, end):
    """text[start:end] cut where the sentence turns to a new statement, as (start, end)."""
    bounds = [start]
    for m in PART_BREAK_RE.finditer(text, start, end):
        bounds += [m.start(), m.end()]
    bounds.append(end)
    return tuple(zip(bounds[::2], bounds[1::2], strict=True))


def reported_parts(text, lower, parts):
    """Those of the parts that report or explain rather than claim."""
    if lower is None:
        return tuple(
            (s, e)
            for s, e in parts
            if re.search(DISTANCING_RE.pattern, text[s:e], re.IGNORECASE) is not None
        )
    return tuple((s, e) for s, e in parts if DISTANCING_RE.search(lower, s, e) is not None)


def clauses(text):
    """The clauses of text, each with its tokens, its place in the text's structure, and
    whether it asks, reports, denies or continues."""
    lower = lowered(text)
    structure = lines(text) or [Line(0, len(text), "sentence", 0)]
    line_starts = [line.start for line in structure]
    quoted = [(m.start(), m.end()) for m in QUOTED_RE.finditer(text)]
    quoted = (quoted, [q_start for q_start, _ in quoted])
    out = []
    start = 0
    after_colon = False
    for m in CLAUSE_BREAK_RE.finditer(text):
        end = m.end() if m.group().strip(".!?") == "" else m.start()
        lead_in = m.group() == ":"
        _add_clause(
            out, text, lower, start, end, after_colon, lead_in, structure, line_starts, quoted
        )
        after_colon = lead_in
        start = m.end()
    _add_clause(
        out, text, lower, start, len(text), after_colon, False, structure, line_starts, quoted
    )
    return out


MAX_CLAUSE_WORDS = 60
PRONOUNS = frozenset({"it", "it's", "its", "this", "they", "these", "their", "which", "together"})
# "The treatment", "this serum": a definite noun phrase that points back to the subject.
ANAPHOR_DETERMINERS = frozenset({"the", "this", "these", "our", "each", "every"})
ANAPHOR_NOUNS = frozenset(
    """treatment procedure serum cream peel facial formula product gel oil device mask essence
    session therapy drop tablet pill shot gummy supplement injection balm lotion fluid""".split()
)


# Product nouns: after them "with" names an ingredient, not a companion treatment.
PRODUCT_NOUNS = ANAPHOR_NOUNS | frozenset(
    """wash cleanser moisturiser moisturizer toner spray foam soap sachet drink powder
    booster concentrate""".split()
)
# Wording that compares one subject with another: a claim that does ("works better than 2%",
# "as well as minoxidil") is only made by a clause that does too.
COMPARISON_RE = re.compile(
    r"\b(?:than|as\s+well\s+as|like|unlike|compared|versus|vs|same\s+as|as\s+good\s+as|"
    r"equal\s+to|rivals?|alternative)\b",
    re.IGNORECASE,
)


def _add_clause(out, text, lower, start, end, after_colon, lead_in, structure, line_starts, quoted):
    # Trim spaces and list markers so the span is the words themselves.
    while start < end and (text[start].isspace() or text[start] in "-*\u2022>\"'\u201c("):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    toks = tokens(text, start, end)
    if not toks:
        return
    line = structure[max(0, bisect.bisect_right(line_starts, start) - 1)]
    # A bullet line's clauses after the first are still part of the bullet.
    kind = line.kind
    quotes = _partial_quotes(quoted, start, end)
    # A run-on "clause" (a keyword list, text without punctuation) is cut into pieces, so the
    # work per clause stays bounded whatever is pasted.
    for first in range(0, len(toks), MAX_CLAUSE_WORDS):
        part = toks[first : first + MAX_CLAUSE_WORDS]
        part_start = start if first == 0 else part[0].start
        part_end = end if first + MAX_CLAUSE_WORDS >= len(toks) else part[-1].end
        piece = text[part_start:part_end]
        parts = ((part_start, part_end),)
        reported = reported_parts(text, lower, parts)
        if reported:
            parts = sentence_parts(text, part_start, part_end)
            reported = reported_parts(text, lower, parts)
        # "It blocks UVB", "Roll it over clean skin and it stimulates collagen", "This
        # treatment is effective for...": the subject is one named before.
        verb = first_verb(part)
        # ("Our best-selling lightweight formula boosts collagen": a few words may come
        # between the determiner and the noun.)
        anaphor = any(t.raw in PRONOUNS for t in part[:verb]) or any(
            tok.raw in ANAPHOR_DETERMINERS
            and any(noun.stem in ANAPHOR_NOUNS for noun in part[j + 1 : min(j + 6, verb)])
            for j, tok in enumerate(part[:verb])
        )
        out.append(
            Clause(
                start=part_start,
                end=part_end,
                tokens=tuple(part),
                question=piece.rstrip("\"'\u201d) ").endswith("?"),
                distanced=reported == parts,
                reported=reported,
                continues=(after_colon if first == 0 else True)
                or anaphor
                or kind == "bullet"
                or _opens_with_verb(part),
                paragraph=line.paragraph,
                kind=kind,
                lead_in=(lead_in or kind == "heading") and first + MAX_CLAUSE_WORDS >= len(toks),
                negated=_negated_clause(part),
                quotes=quotes,
                source=text,
            )
        )


def _partial_quotes(quoted, start, end):
    """The quoted spans that overlap text[start:end] without holding all of it."""
    spans, starts = quoted
    out = []
    for q_start, q_end in spans[max(0, bisect.bisect_right(starts, start) - 1) :]:
        if q_start >= end:
            break
        if q_end <= start:
            continue
        if not (q_start <= start and end <= q_end + 1):
            out.append((q_start, q_end))
    return tuple(out)


# Verb stems that open a clause without a subject ("Boosts collagen", "Calms redness").
OPENING_VERB_CONCEPTS = frozenset(
    {"UP", "BETTER", "FAST", "PREVENT", "TREAT", "REVERSE", "REJUVENATE", "REGENERATE", "HEAL"}
)


def _opens_with_verb(toks):
    head = toks[0]
    return head.concept in OPENING_VERB_CONCEPTS and head.raw.endswith("s")


def first_verb(toks):
    """Where the clause's first claim verb stands (its length if it has none)."""
    for i, tok in enumerate(toks):
        if tok.concept in OPENING_VERB_CONCEPTS:
            return i
    return len(toks)


def _negated_clause(toks):
    verb = first_verb(toks)
    return any(t.raw in CLAUSE_NEGATIONS for t in toks[: min(verb + 1, len(toks))]) and verb < len(
        toks
    )


def negated_before(toks, index, window=4):
    """Whether a negation word stands within `window` words before toks[index]."""
    return any(t.raw in NEGATIONS for t in toks[max(0, index - window) : index])
