"""The checked text as segments for the /check/ template: plain runs, highlighted clauses
(linked to a verdict, or to a prefilled check request) and drug-claim wording inside them.

The template escapes every piece; nothing here builds HTML.
"""

from dataclasses import dataclass, field


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
    clauses); flags always lie inside one clause."""
    text = result.text
    spans = {}  # (start, end) -> ("match", [matches]) or ("unchecked", Unchecked)
    for match in result.matches:
        spans.setdefault((match.start, match.end), ("match", []))[1].append(match)
    for item in result.unchecked:
        spans.setdefault((item.start, item.end), ("unchecked", item))
    flag_numbers = {id(f): n for n, f in enumerate(result.drug_claim_flags, start=1)}
    out = []
    position = 0
    number = 0
    for (start, end), (kind, found) in sorted(spans.items()):
        if start < position:
            continue
        if start > position:
            out.append(Segment("plain", _parts(text, position, start, result, flag_numbers)))
        number += 1
        segment = Segment(kind, _parts(text, start, end, result, flag_numbers), number=number)
        segment.quote = text[start:end]
        if kind == "match":
            segment.matches = found
            segment.href = found[0].claim.url
        else:
            segment.href = found.request_path
        out.append(segment)
        position = end
    if position < len(text):
        out.append(Segment("plain", _parts(text, position, len(text), result, flag_numbers)))
    return out


def _parts(text, start, end, result, flag_numbers):
    parts = []
    position = start
    for flag in result.drug_claim_flags:
        if flag.start < position or flag.end > end:
            continue
        if flag.start > position:
            parts.append(Part(text[position : flag.start]))
        parts.append(Part(text[flag.start : flag.end], flag, flag_numbers[id(flag)]))
        position = flag.end
    if position < end:
        parts.append(Part(text[position:end]))
    return parts
