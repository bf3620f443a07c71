"""The checked text as segments for the /check/ template: plain runs, highlighted clauses
(linked to a verdict, or to a prefilled check request) and drug-claim wording inside them;
and the findings below it, grouped so the page grows with the text, not with the number of
times one claim or one rule recurs in it.

The template escapes every piece; nothing here builds HTML.
"""

import re
from dataclasses import dataclass, field

from claimcheck.claims.copycheck import matcher
from claimcheck.claims.copycheck import text as words

# How many wordings one finding quotes, and how many unchecked clauses the page lists: a long
# paste that makes one claim 200 times lists it once, "in 200 places". Every place is still
# highlighted in the text itself.
QUOTES_PER_FINDING = 3
UNCHECKED_LISTED = 20


@dataclass
class Part:
    text: str
    flag: object = None  # a drugclaims.Flag, or None for plain words
    flag_number: int = 0


@dataclass
class Segment:
    kind: str  # "plain", "match" or "unchecked"
    parts: list = field(default_factory=list)
    number: int = 0
    href: str = ""
    matches: list = field(default_factory=list)
    quote: str = ""


def segments(result):
    """Cut the text into segments at clause boundaries, then each segment into parts at
    drug-claim flags. Matches and unchecked clauses never overlap each other (both are whole
    clauses); flags always lie inside one clause. After HIGHLIGHTS marks the rest of the text
    is shown plain, so the page stays a small multiple of the text however dense the claims."""
    text = result.text
    spans = {}  # (start, end) -> ("match", [matches]) or ("unchecked", Unchecked)
    for match in result.matches:
        spans.setdefault((match.start, match.end), ("match", []))[1].append(match)
    for item in result.unchecked:
        spans.setdefault((item.start, item.end), ("unchecked", item))
    marks = _Marks(text, result.drug_claim_flags)
    out = []
    position = 0
    number = 0
    for (start, end), (kind, found) in sorted(spans.items()):
        if marks.left <= 0:
            break
        if start < position:
            continue
        if start > position:
            out.append(Segment("plain", marks.parts(position, start)))
        number += 1
        marks.left -= 1
        segment = Segment(kind, marks.parts(start, end), number=number)
        segment.quote = text[start:end]
        if kind == "match":
            segment.matches = found
            segment.href = found[0].claim.url
        else:
            segment.href = found.request_path
        out.append(segment)
        position = end
    if position < len(text):
        out.append(Segment("plain", marks.parts(position, len(text))))
    return out


# Highlighted clauses and flagged words shown in the text; the lists below cover every one.
HIGHLIGHTS = 200


class _Marks:
    """The flags in text order, consumed as the segments move forward."""

    def __init__(self, text, flags):
        self.text = text
        self.flags = sorted(flags, key=lambda flag: flag.start)
        self.next = 0
        self.numbers = _rule_numbers(flags)
        self.left = HIGHLIGHTS

    def parts(self, start, end):
        parts = []
        position = start
        while self.next < len(self.flags) and self.flags[self.next].start < start:
            self.next += 1
        while self.left > 0 and self.next < len(self.flags):
            flag = self.flags[self.next]
            if flag.end > end:
                break
            self.next += 1
            if flag.start < position:
                continue
            if flag.start > position:
                parts.append(Part(self.text[position : flag.start]))
            parts.append(Part(self.text[flag.start : flag.end], flag, self.numbers[flag.rule]))
            self.left -= 1
            position = flag.end
        if position < end:
            parts.append(Part(self.text[position:end]))
        return parts


@dataclass
class Finding:
    """One claim, or one drug-claim rule, with the places the text makes it."""

    first: object  # the first match or flag: its claim, or its rule's reason and citation
    quotes: list = field(default_factory=list)  # the first few distinct wordings
    count: int = 0  # every place, repeats included
    number: int = 0
    evidence: object = None  # an Evidence for the first place


@dataclass(frozen=True)
class Evidence:
    """Why the checker reports a finding, in the text's own words, so a reader can judge it:
    for a claim, what the clause is about and what it promises; for drug-claim wording, the
    sentence it is in and the rule it meets."""

    clause: str = ""  # flags: the sentence or bullet holding the wording
    subject: str = ""  # matches: the words naming what the clause is about
    carried: bool = False  # the subject was named earlier (a heading, a lead-in, a sentence)
    outcome: str = ""  # matches: the clause's words for what changes, and how
    strength: int = 0  # matches: the match score, out of 100
    rule: str = ""  # flags: the rule's title


# The drug-claim rules (drugclaims.RULES) by code, as a reader would name them.
RULE_TITLES = {
    "structure-function": "Changing how the skin or body works",
    "hair-growth": "Making hair grow",
    "hair-loss": "Treating hair loss",
    "wounds": "Healing wounds",
    "disease": "Treating, curing or preventing a disease or injury",
    "fda-status": "FDA status used to sell",
}
# A flag's sentence, cut to this many characters either side of the wording.
CLAUSE_REACH = 120
# A sentence ends at a stop before a space ("0.5% retinol" goes on) or at a line break.
SENTENCE_END_RE = re.compile(r"[.!?](?=\s)|\n")


def match_evidence(text, match):
    """The subject and outcome words of a match. The outcome is the clause's words whose
    concepts the claim shares, with its claim verbs, as written ("reduce a double chin")."""
    toks = words.tokens(text, match.start, match.end)
    wanted = set(match.outcome) | matcher.CLAIM_ACTIONS
    picked = [i for i, tok in enumerate(toks) if tok.concept in wanted]
    runs = []
    for i in picked:
        if runs and i - runs[-1][1] <= 2:  # one word between two picked ones joins them
            runs[-1][1] = i
        else:
            runs.append([i, i])
    outcome = " \u2026 ".join(text[toks[a].start : toks[b].end] for a, b in runs)
    subject = match.claim.subject_name if match.carried else match.subject
    return Evidence(
        subject=subject,
        carried=match.carried,
        outcome=outcome,
        strength=round(match.confidence * 100),
    )


def flag_evidence(text, flag):
    """The sentence around a flag's wording (within CLAUSE_REACH), and its rule's title."""
    start = max(0, flag.start - CLAUSE_REACH)
    for end in SENTENCE_END_RE.finditer(text, start, flag.start):
        start = end.end()
    stop = min(len(text), flag.end + CLAUSE_REACH)
    end = SENTENCE_END_RE.search(text, flag.end, stop)
    if end:
        stop = end.end()
    clause = " ".join(text[start:stop].split())
    return Evidence(clause=clause, rule=RULE_TITLES.get(flag.rule, flag.rule))


@dataclass
class Findings:
    claims: list
    flags: list
    unchecked: list
    unchecked_more: int
    highlights_cut: int  # HIGHLIGHTS when the text above shows only that many marks, else 0


def findings(result):
    """The three lists under the text: checked claims by claim, drug-claim wording by rule,
    and the first unchecked clauses."""
    unchecked = list(result.unchecked)
    text = result.text
    return Findings(
        claims=_grouped(
            result.matches,
            lambda match: match.claim.slug,
            lambda match: match_evidence(text, match),
        ),
        flags=_grouped(
            result.drug_claim_flags, lambda flag: flag.rule, lambda flag: flag_evidence(text, flag)
        ),
        unchecked=unchecked[:UNCHECKED_LISTED],
        unchecked_more=max(0, len(unchecked) - UNCHECKED_LISTED),
        highlights_cut=HIGHLIGHTS if _marks(result) > HIGHLIGHTS else 0,
    )


def _marks(result):
    clauses = {(match.start, match.end) for match in result.matches}
    return len(clauses) + len(result.unchecked) + len(result.drug_claim_flags)


def _grouped(items, key, evidence):
    groups = {}
    for item in items:
        group = groups.get(key(item))
        if group is None:
            group = groups[key(item)] = Finding(item, number=len(groups) + 1)
            group.evidence = evidence(item)
        group.count += 1
        if item.quote not in group.quotes and len(group.quotes) < QUOTES_PER_FINDING:
            group.quotes.append(item.quote)
    return list(groups.values())


def _rule_numbers(flags):
    numbers = {}
    for flag in flags:
        numbers.setdefault(flag.rule, len(numbers) + 1)
    return numbers
