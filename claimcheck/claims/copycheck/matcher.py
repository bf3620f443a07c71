"""Find known claims, drug-claim wording and unchecked claims in marketing copy.

A clause matches a claim when the claim's subject is what the clause is about and the clause
repeats enough of the claim's outcome and action wording:

- the subject is named in subject position (a name or alias, tolerant of plurals, hyphens,
  case and common misspellings), before the clause's claim verb and not as something it is
  compared or combined with ("as well as minoxidil", "pair it with our balm"); or, when the
  clause has no subject of its own and continues one (a pronoun, "this treatment", a bullet,
  an opening verb), it is carried from the paragraph's last named subject, the lead-in its
  bullets hang from, or the last heading that named one;
- a name several subjects share means the one the paragraph is about, else its usual subject
  (index.USUAL_SUBJECT); a generic alias ("collagen", "growth factors") only ever names a
  subject the paragraph already names;
- an outcome the claim shares must be present, and a weak one (collagen, cells, ageing) only
  counts with the claim's action; a comparative claim needs a comparison in the clause.

The score is

    SUBJECT_WEIGHT x alias strength + (1 - SUBJECT_WEIGHT) x outcome coverage

where outcome coverage is the idf-weighted share of the claim's concepts that the clause
repeats. A mention links to its best claim when the score reaches THRESHOLD, and to a further
claim when that one adds outcome wording the better ones do not. Questions, negated clauses
and mentions ("neither is a treatment for acne", "exosome-free"), reported or quoted wording
("some brands claim that..."), and sections in an explainer's voice (voice.py) never match.
Every match carries its evidence: the words naming the subject, the shared outcome concepts,
and whether the subject was carried.
"""

import bisect
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from . import drugclaims, voice
from . import index as claim_index
from . import text as words

MAX_CHARS = 20_000
REQUEST_CLAIM_MAX = 300  # the request-a-check form's claim_text limit
SUBJECT_WEIGHT = 0.4
THRESHOLD = 0.5

# Concepts that make a clause sound like a claim: an action and an outcome.
CLAIM_ACTIONS = frozenset(
    {"UP", "BETTER", "REVERSE", "REJUVENATE", "REGENERATE", "HEAL", "PREVENT", "TREAT", "FAST"}
)
CLAIM_OUTCOMES = frozenset(
    {
        "WRINKLE",
        "AGE",
        "COLLAGEN",
        "ELASTIC",
        "PIGMENT",
        "SPOT",
        "RED",
        "SCAR",
        "ACNE",
        "WOUND",
        "SUNBURN",
        "TEXTURE",
        "DRY",
        "ECZEMA",
        "CELL",
        "HAIR",
        "FOLD",
        "FROWN",
        "PHOTOAGE",
        "DEPTH",
        "GLOW",
        "REVERSE",
        "REJUVENATE",
        "REGENERATE",
        "HEAL",
    }
)
# Outcomes so common in skincare copy that sharing one of them says little on its own: a
# claim that something raises collagen needs the raising too, not just the word.
WEAK_OUTCOMES = frozenset({"COLLAGEN", "CELL", "AGE", "GLOW", "HAIR"})
# Words of a claim's wording that are no outcome at all ("lowers the risk of melanoma").
NOT_OUTCOMES = frozenset({"risk", "caus", "level", "contain"})
# A further claim in the same clause must add this share of its wording that the better
# claims did not already cover.
FURTHER_CLAIM_SHARE = 0.25
# Outcome-like concepts that say something on their own ("rejuvenates", "heals").
STRONG_ACTIONS = frozenset({"REVERSE", "REJUVENATE", "REGENERATE", "HEAL"})


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    quote: str
    claim: claim_index.ClaimRecord
    confidence: float
    # The evidence, so a page can say why: the words naming the subject (or the subject's
    # slug when the heading or an earlier sentence named it), and the outcome concepts the
    # clause shares with the claim.
    subject: str = ""
    outcome: tuple = ()
    carried: bool = False


@dataclass(frozen=True, slots=True)
class Unchecked:
    start: int
    end: int
    quote: str

    @property
    def request_path(self):
        """The request-a-check form, prefilled with the quote (cut to the form's limit)."""
        claim = " ".join(self.quote.split())[:REQUEST_CLAIM_MAX]
        return f"{reverse('web:request-new')}?{urlencode({'claim': claim})}"


@dataclass(slots=True)
class CheckResult:
    text: str
    matches: list = field(default_factory=list)
    drug_claim_flags: list = field(default_factory=list)
    unchecked: list = field(default_factory=list)


def check(text):
    """Check text against the process's index of published claims."""
    return check_with_index(text, claim_index.current())


# Words before a name that make it something the clause compares with, combines with or
# recommends instead, not what the clause is about ("as well as minoxidil", "unlike retinol").
ASIDE_WORDS = frozenset(
    """with than like unlike vs versus alongside plus after following instead combines combine
    combined pair pairs paired recommend recommends replace replaces""".split()
)


@dataclass(slots=True)
class Mention:
    """A subject named in a clause (or carried into it), and how."""

    subjects: tuple
    strength: float
    own: range  # the words that name it; empty when carried from a heading or a sentence before
    key: tuple = ()
    aside: bool = False  # compared with or combined with, not the clause's subject


def check_with_index(text, index):
    if len(text) > MAX_CHARS:
        raise ValueError(f"The text is longer than {MAX_CHARS} characters.")
    clauses = words.clauses(text)
    result = CheckResult(text=text)
    # A regulator's, clinician's or editor's text discusses claims; it does not make them.
    explaining = voice.explainer_spans(text)
    if explaining:
        clauses = [c for c in clauses if not any(s <= c.start < e for s, e in explaining)]
    result.drug_claim_flags = drugclaims.flags(text, clauses)
    flag_starts = [f.start for f in result.drug_claim_flags]
    context = _Context()
    for clause in clauses:
        context.enter(clause)
        named = _named(clause, index, context)
        subjects = [m for m in named if not m.aside and _before_verb(clause, m)]
        if not subjects and clause.continues:
            # "Benefits of our exosome facial: - Boosts collagen", "It blocks UVB rays."
            subjects = context.carried()
        context.leave(clause, [m for m in named if not m.aside])
        if clause.question or clause.reported or clause.negated or clause.quotes:
            continue
        clause_concepts = words.concepts(clause.tokens)
        found = _clause_matches(text, clause, index, subjects, clause_concepts)
        result.matches.extend(found)
        if not found and _claim_like(clause, flag_starts, clause_concepts):
            quote = text[clause.start : clause.end]
            result.unchecked.append(Unchecked(clause.start, clause.end, quote))
    return result


class _Context:
    """The subjects a clause without its own may refer to: the last one named in the
    paragraph, else the lead-in ("Why clients love it:") its bullets hang from, else the
    last heading that named one."""

    def __init__(self):
        self.paragraph = None
        self.last = []
        self.lead = []
        self.heading = []

    def enter(self, clause):
        if clause.paragraph != self.paragraph:
            self.paragraph = clause.paragraph
            self.last = []
            if clause.kind != "bullet":
                self.lead = []

    def subjects(self):
        return {s for m in self.last or self.lead or self.heading for s in m.subjects}

    def carried(self):
        # The nearest subjects first; a lead-in's or heading's subject stays a candidate
        # ("Benefits of our exosome facial:" under a paragraph about its serum).
        out = {}
        for m in (*self.last, *self.lead, *self.heading):
            out.setdefault(m.subjects, Mention(m.subjects, m.strength, range(0), m.key))
        return list(out.values())

    def leave(self, clause, named):
        if named:
            self.last = named
        if clause.kind == "heading" and named:
            self.heading = named
        if clause.lead_in and clause.kind != "heading":
            self.lead = named or self.last or self.lead or self.heading


def _named(clause, index, context):
    """The subjects the clause names itself, each resolved to the subjects it can mean here:
    a name several subjects share ("exosomes", "microneedling") means the one the paragraph
    is about, else its usual one; a generic word ("collagen", "growth factors") names a
    subject only when the paragraph already does."""
    toks = clause.tokens
    raw = [
        (first, after, subjects, strength, key)
        for first, after, subjects, strength, key in _mentions(toks, index)
        if not _negated_mention(toks, first, after)
    ]
    specific = {s for *_, subjects, strength, key in raw if len(subjects) == 1 for s in subjects}
    around = specific | context.subjects()
    out = {}
    previous = None
    for first, after, subjects, strength, key in raw:
        if len(subjects) > 1 or key in index.generic:
            here = tuple(s for s in subjects if s in around)
            if here:
                subjects = here
            elif key in index.generic:
                continue
            elif index.usual.get(key) in subjects:
                subjects = (index.usual[key],)
        if previous and previous[1] == first and key not in index.generic:
            if previous[3]:
                out.pop(previous[4], None)  # "Collagen beauty drink": the drink is meant
            elif set(previous[4]) & set(subjects):
                # "Daily Sunscreen SPF 30": two names of one product, meaning either subject.
                out.pop(previous[4], None)
                subjects = tuple(sorted({*previous[4], *subjects}))
                first = previous[0]
            else:
                # "Platelet rich plasma microneedling": the second name only says how the
                # first is given.
                continue
        aside = _aside(toks, first, after)
        if (
            previous
            and previous[2]
            and first - previous[1] == 1
            and toks[first - 1].raw
            in (
                "or",
                "and",
            )
        ):
            aside = True  # "we recommend benzoyl peroxide or adapalene"
        previous = (first, after, aside, key in index.generic, subjects)
        out.setdefault(subjects, Mention(subjects, strength, range(first, after), key, aside))
    return list(out.values())


# Words before "with" that make what follows an ingredient, not a companion ("formulated
# with 10% azelaic acid, this cream...").
INGREDIENT_WORDS = frozenset(
    "formulated made powered packed infused enriched loaded blended created".split()
)


def _aside(toks, first, after):
    before = toks[max(0, first - 3) : first]
    if any(t.raw in ("which", "that") for t in toks[after : after + 3]):
        return False  # "combine it with a triple cream, which clears melasma"
    if first >= 2 and toks[first - 2].raw == "as" and toks[first - 1].raw == "well":
        return True
    for i, tok in enumerate(before):
        if tok.raw in ASIDE_WORDS and i >= len(before) - 2:
            if tok.raw == "with" and _ingredient(before[i - 1] if i else None, before[i + 1 :]):
                return False
            return True
    return False


def _ingredient(word_before, between):
    """Whether "with" introduces an ingredient: after a product noun or "formulated", or
    before a strength ("our wash with 4% benzoyl peroxide treats acne")."""
    if any(t.raw.isdigit() for t in between):
        return True
    return word_before is not None and (
        word_before.raw in INGREDIENT_WORDS or word_before.stem in words.PRODUCT_NOUNS
    )


def _before_verb(clause, mention):
    """Whether the name stands where a subject does: no claim verb between it and the start
    of its part of the clause (a comma, "which", "and" or "while" opens a new part), so
    "retinol boosts collagen" is about retinol, not collagen."""
    if not mention.own:
        return True
    toks = clause.tokens
    text_between = clause.text_between
    for i in range(mention.own.start - 1, -1, -1):
        tok = toks[i]
        if tok.concept in words.OPENING_VERB_CONCEPTS:
            return False
        if tok.raw in PART_OPENERS or "," in text_between(i):
            return True
    return True


PART_OPENERS = frozenset({"which", "and", "so", "while", "because", "why", "that", "but"})


def _mentions(toks, index):
    """(first, after, subjects, strength, key) for each subject name or alias in the tokens,
    the longest alias winning where several start at one word."""
    stems = [t.stem for t in toks]
    found = []
    i = 0
    longest = index.longest_alias
    while i < len(toks):
        hit = None
        if stems[i] in index.alias_first:
            for n in range(min(longest, len(toks) - i), 0, -1):
                key = tuple(stems[i : i + n])
                entry = index.aliases.get(key)
                if entry:
                    hit = (i, i + n, *entry, key)
                    break
        if hit is None and toks[i].raw in index.joined_prefixes:
            for n in (3, 2):
                if i + n <= len(toks):
                    joined = words.stem("".join(t.raw for t in toks[i : i + n]))
                    entry = index.aliases.get((joined,))
                    if entry:
                        hit = (i, i + n, *entry, (joined,))
                        break
        if hit is None:
            i += 1
            continue
        found.append(hit)
        i = hit[1]
    return found


def _negated_mention(toks, first, after):
    if words.negated_before(toks, first, window=4):
        return True
    # "exosome-free", "exosomes don't ...", "retinol is not ..."
    following = toks[after : after + 3]
    return any(t.raw in words.NEGATIONS for t in following)


def _clause_matches(text, clause, index, mentions, clause_concepts):
    best = {}  # claim number -> (score, mention, outcome concepts)
    verb = bool(clause_concepts & words.OPENING_VERB_CONCEPTS)
    comparing = words.COMPARISON_RE.search(text, clause.start, clause.end) is not None
    for mention in mentions:
        own_words = mention.own
        found = words.concepts(clause.tokens, skip=own_words) if own_words else clause_concepts
        scores = {}
        hits = {}  # claim number -> the concepts it shares with the clause
        for subject in mention.subjects:
            for concept in sorted(found):  # a fixed order: float sums must not depend on hashing
                postings = index.postings.get((subject, concept))
                if not postings:
                    continue
                weight = index.idf[concept]
                for number in postings:
                    scores[number] = scores.get(number, 0.0) + weight
                    hits.setdefault(number, set()).add(concept)
        picks = []
        for number, matched in scores.items():
            shared = hits[number]
            if index.claims[number].comparative and not comparing:
                continue  # "5% works better than 2%" needs a comparison in the clause
            outcomes = shared - words.ACTIONS - NOT_OUTCOMES
            if not outcomes:
                continue
            claim = index.claims[number]
            if claim.concepts & words.ACTIONS and not shared & words.ACTIONS:
                if outcomes <= WEAK_OUTCOMES:
                    continue  # "protect the collagen you have" is not "stimulates collagen"
                if not verb and len(outcomes - WEAK_OUTCOMES) < 2:
                    continue  # "FAQs from the skin cancer charity" says nothing happens
            score = round(
                SUBJECT_WEIGHT * mention.strength
                + (1 - SUBJECT_WEIGHT) * min(1.0, matched / claim.weight),
                9,
            )
            if score >= THRESHOLD:
                picks.append((score, number, outcomes, bool(shared & words.ACTIONS)))
        for score, number, outcomes, _ in _distinct(picks, index):
            if number not in best or best[number][0] < score:
                best[number] = (score, mention, outcomes)
    quote = text[clause.start : clause.end]
    return [
        Match(
            clause.start,
            clause.end,
            quote,
            index.claims[n].record,
            round(score, 2),
            subject=_subject_words(text, clause, mention),
            outcome=tuple(sorted(outcomes)),
            carried=not mention.own,
        )
        for n, (score, mention, outcomes) in sorted(
            best.items(), key=lambda item: (-item[1][0], item[0])
        )
    ]


def _distinct(picks, index):
    """The best claim, and any other whose outcome wording the better ones do not cover:
    "brightens skin and fades pigment, and smooths fine lines" makes two claims, but
    "prevents sunburn" does not make every sunscreen claim that mentions sunburn."""
    kept, covered = [], set()
    for pick in sorted(picks, key=lambda p: (-p[0], p[1])):
        _, number, outcomes, acted = pick
        new = outcomes - covered
        if not acted:
            new -= WEAK_OUTCOMES  # a weak outcome counts only with the claim's own action
        claim = index.claims[number]
        share = sum(index.idf[c] for c in sorted(new))
        if not kept or share >= FURTHER_CLAIM_SHARE * claim.weight:
            kept.append(pick)
            covered |= outcomes
    return kept


def _subject_words(text, clause, mention):
    """The words that named the subject, or (when carried) the subject's slug."""
    if mention.own:
        toks = clause.tokens
        return text[toks[mention.own.start].start : toks[mention.own.stop - 1].end]
    return ", ".join(mention.subjects)


def _claim_like(clause, flag_starts, found):
    first = bisect.bisect_left(flag_starts, clause.start)
    if first < len(flag_starts) and flag_starts[first] < clause.end:
        return True
    toks = clause.tokens
    actions = found & CLAIM_ACTIONS
    if not actions:
        return False
    if not (found & CLAIM_OUTCOMES) - (actions - STRONG_ACTIONS) and not (actions & STRONG_ACTIONS):
        return False
    first_action = next((i for i, t in enumerate(toks) if t.concept in CLAIM_ACTIONS), 0)
    return not words.negated_before(toks, first_action, window=4)
