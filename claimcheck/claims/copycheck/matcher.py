"""Find known claims, drug-claim wording and unchecked claims in marketing copy.

A clause matches a claim when it mentions the claim's subject (a name or alias, tolerant of
plurals, hyphens, case and common misspellings) and repeats enough of the claim's outcome and
action wording. The score is

    SUBJECT_WEIGHT x alias strength + (1 - SUBJECT_WEIGHT) x outcome coverage

where alias strength is 1 for a specific alias, less for one shared by several subjects or
one that is itself an outcome word ("collagen"), and outcome coverage is the idf-weighted
share of the claim's concepts that the clause repeats. Each mention links to its best claim
when the score reaches THRESHOLD (tuned on tests/claims/copycheck/labelled_copy.yaml; see
bench/copycheck_quality.py). Questions, negated mentions ("we do not use exosomes",
"exosome-free") and reported claims ("some brands claim that...") never match.
"""

import bisect
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from . import drugclaims
from . import index as claim_index
from . import text as words

MAX_CHARS = 20_000
REQUEST_CLAIM_MAX = 300  # the request-a-check form's claim_text limit
SUBJECT_WEIGHT = 0.4
THRESHOLD = 0.5
STRONG_ALIAS = 0.5  # a weaker alias ("collagen") does not stop a clause inheriting its subject

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
# Outcome-like concepts that say something on their own ("rejuvenates", "heals").
STRONG_ACTIONS = frozenset({"REVERSE", "REJUVENATE", "REGENERATE", "HEAL"})


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    quote: str
    claim: claim_index.ClaimRecord
    confidence: float


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


def check_with_index(text, index):
    if len(text) > MAX_CHARS:
        raise ValueError(f"The text is longer than {MAX_CHARS} characters.")
    clauses = words.clauses(text)
    result = CheckResult(text=text)
    result.drug_claim_flags = drugclaims.flags(text, clauses)
    flag_starts = [f.start for f in result.drug_claim_flags]
    previous = []
    for clause in clauses:
        mentions = {}  # one scoring per subject group and clause, however often it is named
        for first, after, subjects, strength in _mentions(clause.tokens, index):
            if not _negated_mention(clause.tokens, first, after):
                mentions.setdefault((subjects, strength), range(first, after))
        mentions = [(subjects, strength, own) for (subjects, strength), own in mentions.items()]
        if clause.continues and all(strength < STRONG_ALIAS for _, strength, _ in mentions):
            # "Marine collagen powder: improves elasticity", "It boosts collagen."
            mentions += [(subjects, strength, range(0)) for subjects, strength, _ in previous]
        previous = mentions
        if clause.question or clause.distanced:
            continue
        clause_concepts = words.concepts(clause.tokens)
        found = _clause_matches(text, clause, index, mentions, clause_concepts)
        result.matches.extend(found)
        if not found and _claim_like(clause, flag_starts, clause_concepts):
            quote = text[clause.start : clause.end]
            result.unchecked.append(Unchecked(clause.start, clause.end, quote))
    return result


def _mentions(toks, index):
    """(first, after, subjects, strength) for each subject name or alias in the tokens,
    the longest alias winning where several start at one word."""
    stems = [t.stem for t in toks]
    found = []
    i = 0
    longest = index.longest_alias
    while i < len(toks):
        hit = None
        if stems[i] in index.alias_first:
            for n in range(min(longest, len(toks) - i), 0, -1):
                entry = index.aliases.get(tuple(stems[i : i + n]))
                if entry:
                    hit = (i, i + n, *entry)
                    break
        if hit is None and toks[i].raw in index.joined_prefixes:
            for n in (3, 2):
                if i + n <= len(toks):
                    joined = words.stem("".join(t.raw for t in toks[i : i + n]))
                    entry = index.aliases.get((joined,))
                    if entry:
                        hit = (i, i + n, *entry)
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
    best = {}  # claim number -> score
    for subjects, strength, own_words in mentions:
        found = words.concepts(clause.tokens, skip=own_words) if own_words else clause_concepts
        scores = {}
        outcome_hit = set()
        for subject in subjects:
            for concept in found:
                postings = index.postings.get((subject, concept))
                if not postings:
                    continue
                weight = index.idf[concept]
                for number in postings:
                    scores[number] = scores.get(number, 0.0) + weight
                    if concept not in words.ACTIONS:
                        outcome_hit.add(number)
        pick = None
        for number, matched in scores.items():
            if number not in outcome_hit:
                continue
            claim = index.claims[number]
            score = SUBJECT_WEIGHT * strength + (1 - SUBJECT_WEIGHT) * min(
                1.0, matched / claim.weight
            )
            key = (score, matched, claim.record.slug)
            if pick is None or key > pick[0]:
                pick = (key, number)
        if pick is not None and pick[0][0] >= THRESHOLD:
            number = pick[1]
            best[number] = max(best.get(number, 0.0), pick[0][0])
    quote = text[clause.start : clause.end]
    return [
        Match(clause.start, clause.end, quote, index.claims[n].record, round(score, 2))
        for n, score in sorted(best.items(), key=lambda item: (-item[1], item[0]))
    ]


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
