"""The matcher's index: published claims, their subjects' names and aliases, and their
outcome wording, prepared once so that checking a text costs time in proportion to the text.

- `aliases` maps a normalised alias (a tuple of stems) to the subjects it names, so a text is
  scanned word by word with dictionary look-ups;
- `postings` maps (subject, concept) to that subject's claims whose wording has the concept,
  so scoring a mention only touches claims of the subjects mentioned;
- every claim keeps the public fields a match shows (verdict, grade, score, address), so a
  check needs no query beyond the one that (re)builds the index.

`current()` returns the process's index, rebuilt when the content version
(freshness), which moves after every public change, differs from the one it was built
with. A retracted or re-rated claim therefore leaves the index on the next check.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

from claimcheck import freshness

from . import text as words

MAX_ALIAS_WORDS = 6

# Aliases that are ordinary skincare words: on their own they say what a text talks about,
# not which product it sells ("growth factors" are in PRP, exosome and TNS copy alike), so a
# clause naming one links to its subject only when the paragraph already names the subject.
GENERIC_ALIASES = (
    "collagen",
    "growth factors",
    "growth factor",
    "secretome",
    "peptide",
    "peptides",
    "signal peptide",
    "serum",
    "facial",
    "acid",
    "skin",
    "hyaluronic",
    "ha",
    "filler",
    "fillers",
    "moisturiser",
    "moisturizer",
    "emollient",
    "barrier cream",
    "brightening serum",
    "neurotoxin",
    "neuromodulator",
    "skin booster",
)
# The subject a name shared by several subjects usually means when nothing around it says
# otherwise: plain microneedling is SkinPen-type needling, not the radiofrequency kind, and
# plain "exosomes" in a shop's copy are an exosome serum. A subject missing from the index
# is simply not preferred.
USUAL_SUBJECT = {
    "microneedling": "skinpen-microneedling",
    "micro-needling": "skinpen-microneedling",
    "micro needling": "skinpen-microneedling",
    "collagen induction therapy": "skinpen-microneedling",
    "exosome": "exosome-serums",
    "exosomes": "exosome-serums",
    "exozome": "exosome-serums",
    "extracellular vesicles": "exosome-serums",
}


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """What the index needs of one published claim."""

    slug: str
    text: str
    outcome: str
    subject_slug: str
    subject_name: str
    aliases: tuple
    verdict: str
    verdict_label: str
    grade: str
    score: int
    url: str


@dataclass(slots=True)
class IndexedClaim:
    record: ClaimRecord
    concepts: frozenset
    weight: float  # sum of the concepts' idf: what full coverage scores
    comparative: bool = False  # the claim compares its subject with another


class Index:
    def __init__(self, records, version=None):
        self.version = version
        self.records = list(records)
        self.subjects = {}  # subject slug -> list of claim numbers
        alias_subjects = defaultdict(set)
        subject_alias_keys = defaultdict(set)
        for number, record in enumerate(self.records):
            self.subjects.setdefault(record.subject_slug, []).append(number)
        seen_subjects = set()
        for record in self.records:
            if record.subject_slug in seen_subjects:
                continue
            seen_subjects.add(record.subject_slug)
            for alias in (record.subject_name, *record.aliases):
                for key in alias_keys(alias):
                    alias_subjects[key].add(record.subject_slug)
                    subject_alias_keys[record.subject_slug].add(key)

        # Claim concepts: the words of the claim and its outcome, less its subject's names.
        raw = []
        document_frequency = defaultdict(int)
        for record in self.records:
            toks = words.tokens(f"{record.text}. {record.outcome}")
            names = _name_positions(toks, subject_alias_keys[record.subject_slug])
            found = frozenset(c for c in words.concepts(toks, skip=names) if not c.isdigit())
            raw.append(found)
            for c in found:
                document_frequency[c] += 1
        total = max(len(self.records), 1)
        self.idf = {c: math.log(1 + total / df) for c, df in document_frequency.items()}

        self.claims = []
        self.postings = defaultdict(list)
        for number, (record, found) in enumerate(zip(self.records, raw, strict=True)):
            weight = sum(self.idf[c] for c in found) or 1.0
            comparative = words.COMPARISON_RE.search(record.text) is not None
            self.claims.append(IndexedClaim(record, found, weight, comparative))
            for c in found:
                self.postings[(record.subject_slug, c)].append(number)

        # A generic alias ("collagen", "growth factors") is weak evidence that its subject is
        # meant; a name another claim happens to mention ("as well as Botox") is not generic.
        self.generic = frozenset(k for alias in GENERIC_ALIASES for k in alias_keys(alias))
        self.aliases = {}
        for key, subjects in alias_subjects.items():
            if key in self.generic:
                strength = 0.35
            elif len(key) > 1 or len(subjects) == 1:
                strength = 1.0
            else:
                strength = 0.8
            self.aliases[key] = (tuple(sorted(subjects)), strength)
        self.usual = {
            key: subject
            for alias, subject in USUAL_SUBJECT.items()
            for key in alias_keys(alias)
            if subject in self.subjects
        }
        self.longest_alias = max((len(k) for k in self.aliases), default=1)
        # Quick refusals while scanning a text: stems that can start an alias, and beginnings
        # of aliases written as one word ("micro" of "microneedling").
        self.alias_first = frozenset(k[0] for k in self.aliases)
        self.joined_prefixes = frozenset(
            k[0][:n] for k in self.aliases if len(k) == 1 for n in range(2, len(k[0]))
        )

    def __len__(self):
        return len(self.records)


def _name_positions(toks, keys):
    """The positions of the tokens that spell one of the subject's names (a whole alias,
    not a word of one: "Kybella injections reduce a double chin" keeps "double chin",
    though "double chin injection" is an alias of Kybella)."""
    stems = [t.stem for t in toks]
    out = set()
    for key in keys:
        n = len(key)
        for i in range(len(stems) - n + 1):
            if tuple(stems[i : i + n]) == key:
                out.update(range(i, i + n))
    return out


def alias_keys(alias):
    """The normalised forms of an alias: its stems, and the stems written as one word
    ("micro-needling" and "microneedling" are the same alias)."""
    toks = words.tokens(alias)
    if not toks or len(toks) > MAX_ALIAS_WORDS:
        return set()
    keys = {tuple(t.stem for t in toks)}
    if len(toks) > 1:
        keys.add((words.stem("".join(t.raw for t in toks)),))
    return keys


def _build(version):
    return Index(load_records(), version=version)


_index = freshness.PerVersion(_build)


def current():
    """The process's index, rebuilt when the public content has changed since it was built."""
    return _index.get()


def reset():
    """Forget the index (tests that change claims without a committed transaction)."""
    _index.reset()


def load_records():
    """Every published claim, with its subject and current rating, in one query."""
    from claimcheck.claims import selectors

    return [
        ClaimRecord(
            slug=row["slug"],
            text=row["text"],
            outcome=row["outcome"],
            subject_slug=row["subject_slug"],
            subject_name=row["subject_name"],
            aliases=tuple(a for a in row["aliases"] if isinstance(a, str)),
            verdict=row["verdict"],
            verdict_label=row["verdict_label"],
            grade=row["grade"],
            score=row["score"],
            url=row["url"],
        )
        for row in selectors.copycheck_claims()
    ]
