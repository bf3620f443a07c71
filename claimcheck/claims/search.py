"""Site search: what a consumer types, understood before anything is matched.

A query is read in three steps, the same on every database:

1. **Its form.** Question words and filler ("is ... safe", "does ... work", "how to get rid
   of ...", "best ... for ...") are set aside, and what they ask is kept as the intent:
   safety, whether it works, a comparison ("X vs Y"), or help with a concern.
2. **The names in it.** The words are matched, longest phrase first, against the lexicon:
   every subject's name, trade names and aliases, and every concern's name and lay words
   (data, edited in the admin, never code). A word that names nothing is corrected to the
   closest lexicon word only when it is close enough, and the page then says what it searched
   for instead.
3. **What is left.** Generic words (acid, serum, cream, facial ...) never match anything on
   their own. Any other word must be found in the wording of the claims found (an outcome:
   "retinol wrinkles" ranks the wrinkle claim first), or, when the query names no subject or
   concern, every such word must be in a claim's text or outcome. A word nothing explains
   makes the answer partial, and a query whose words explain nothing is an honest miss:
   "we have not checked this yet", with the concerns it may belong to and the request form.

The lexicon is built once per content version in each process (like the copy checker's
index), so a search costs a few indexed queries: the claims of the subjects found, a
concern's best claims, the claims whose wording has the remaining words (PostgreSQL: the
stored full-text documents of migration 0008 through their GIN index; elsewhere LIKE), the
articles, and the hits of the page.

Used by the web search page and the API's search endpoint alike.
"""

import difflib
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse

from claimcheck import freshness
from claimcheck.rubric import tables as rubric_tables

from .models import Claim, Concern, Subject

logger = logging.getLogger(__name__)

MAX_QUERY = 200
MAX_WORDS = 16  # words of a query that are read; the rest are ignored
MAX_CANDIDATES = 200  # ranked hits considered per query; pages are cut from these
MAX_TEXT_MATCHES = 200  # claims matched on their wording, at most
MAX_WORDING_MATCHES = 2000  # PostgreSQL: full-text matches read before ranking, at most
INLINE_CLAIMS = 4  # a subject's claims listed inside its result, best rated first
CONCERN_CLAIMS = 20  # a concern's best claims listed under it
SUGGESTION_FLOOR = 0.8  # "Did you mean": similarity to the whole query, at least

# Words that carry the question, not its subject. "safe", "work" and friends also set the
# intent below.
STOP_WORDS = frozenset(
    """
    a about actually after all also am an and any anyone anything are as at be been before
    being best better but buy by can cheap cheapest could cost costs did do does doing done
    dont either ever every for from get gets getting give go good great guide had has have
    help helps how i if in into is it its just know legit like long make me more most much my
    need needed new no not now of off ok on one only or our out over people price prices
    really reddit result results review reviews rid right s should so some someone still
    such take taking than that the their them then there these they thing things this those
    to too top true try trying u uk up us use used using very vs versus want was way we
    well were what whats when where which while who why will with without work worked works
    working worth would yes you your yours
    safe safer safety dangerous danger risk risks side effect effects harm harmful unsafe
    toxic bad okay effective proven really ok benefit benefits during while pregnancy
    pregnant breastfeeding nursing everyday daily
    """.split()
)
SAFETY_WORDS = frozenset(
    """safe safer safety dangerous danger risk risks side harm harmful unsafe toxic bad
    pregnancy pregnant breastfeeding nursing""".split()
)
EFFICACY_WORDS = frozenset("work works worked working effective proven worth legit".split())
# Words that describe a form or a setting, never what a product is: they never match alone.
GENERIC_WORDS = frozenset(
    """
    acid acids serum serums cream creams lotion lotions gel gels oil oils mask masks facial
    facials face skin skincare treatment treatments therapy therapies product products
    injection injections injectable injectables shot shots pill pills tablet tablets
    supplement supplements vitamin vitamins peel peels procedure procedures device devices
    machine machines home clinic natural organic extract extracts water spray sprays drop
    drops balm balms toner cleanser wash routine brand brands kit cosmetic cosmetics
    dermatologist derm aesthetic aesthetics beauty anti care body lift lifting booster
    boosters tool tools method methods option options remedy remedies solution solutions
    thing type types kind kinds stuff formula formulas ingredient ingredients
    creme lotion ointment
    """.split()
)
# Generic words that name a kind of product: beside a concern, they ask about a product.
FORM_WORDS = frozenset(
    """serum cream lotion gel oil mask pill tablet supplement vitamin peel injection
    injectable shot balm spray drop toner cleanser wash extract acid creme ointment""".split()
)
SAFETY_STEMS = ("safe", "risk", "danger", "harm", "side effect", "toxic", "benzene", "cancer")
_WORD = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_COMPARE = re.compile(
    r"\s+(?:vs\.?|versus|compared (?:to|with)|against|or)\s+|\bdifference between\s+(.+?)\s+and\s+"
)


@dataclass
class Hit:
    type: str
    slug: str
    title: str
    snippet: str
    url: str
    score: float
    # What the page shows of it (_materialise): for a subject its best claims and their
    # count, for a claim its verdict and subject.
    card: dict = field(default_factory=dict)
    # A claim hit shown inside its subject's result just above it (the web page lists it
    # there, with its verdict; the API lists it as a hit of its own).
    folded: bool = False
    pk: int = 0


@dataclass
class ConcernAnswer:
    slug: str
    name: str
    url: str
    summary: str
    claim_count: int


@dataclass
class Results:
    query: str
    hits: list = field(default_factory=list)
    total: int = 0  # hits, including the claims listed inside their subject's result
    listed: int = 0  # results as the page lists them (a subject with its claims is one)
    page: int = 1
    per_page: int = 20
    intent: str = ""  # "safety", "efficacy", "compare", "concern" or ""
    concerns: list = field(default_factory=list)  # ConcernAnswer, the concerns named
    compare: list = field(default_factory=list)  # (slug, name) of two or more subjects
    corrected: str = ""  # the query as searched, when a word was read as another
    unmatched: list = field(default_factory=list)  # words nothing explains
    suggestions: list = field(default_factory=list)  # (name, url), only for a miss
    miss_concerns: list = field(default_factory=list)  # (name, url) it may belong to
    concerns_follow: bool = False  # claims matching the words closely lead the concerns

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def found(self):
        return bool(self.hits or self.concerns or self.compare)

    @property
    def confident(self):
        """An answer to the question as asked: something found, every word understood, no
        word read as another."""
        return self.found and not self.unmatched and not self.corrected

    @property
    def compare_url(self):
        if len(self.compare) < 2:
            return ""
        return reverse("web:compare") + "?subjects=" + ",".join(s for s, _ in self.compare)

    def answers(self):
        """What the page shows, in order, as "kind:slug" targets: the comparison offered;
        the concerns named, when no subject is; the hits (a subject's result lists its best
        claims inside it, and those claims are not listed again); then the concerns named
        beside a subject."""
        out = []
        if self.compare_url:
            out.append(["compare:" + ",".join(sorted(s for s, _ in self.compare))])
        concerns_first = self.concerns_first
        if concerns_first:
            out += [[f"concern:{c.slug}"] for c in self.concerns]
        for hit in self.hits:
            if hit.folded:
                continue
            group = [f"{hit.type}:{hit.slug}"]
            if hit.type == "subject":
                group += [f"claim:{c['slug']}" for c in hit.card["claims"]]
            out.append(group)
        if not concerns_first:
            out += [[f"concern:{c.slug}"] for c in self.concerns]
        return out

    @property
    def concerns_first(self):
        """A concern named without a subject leads; beside a subject, or after claims that
        match the query's words more closely, it follows."""
        return (
            bool(self.concerns)
            and not self.concerns_follow
            and not any(h.type == "subject" for h in self.hits)
        )


def clean_query(raw):
    """Cut to 200 characters, drop control characters, fold case and spacing."""
    text = unicodedata.normalize("NFKC", str(raw or ""))[:MAX_QUERY]
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def _stem(word):
    """Plural to singular, enough for product words (exosomes, peptides, retinoids, scars)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("sses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _with_stems(listed):
    """The words and their stems (queries are compared after stemming: does -> doe)."""
    return frozenset(listed) | {_stem(w) for w in listed}


STOP_WORDS = _with_stems(STOP_WORDS)
SAFETY_WORDS = _with_stems(SAFETY_WORDS)
EFFICACY_WORDS = _with_stems(EFFICACY_WORDS)
GENERIC_WORDS = _with_stems(GENERIC_WORDS)
FORM_WORDS = _with_stems(FORM_WORDS)


def tokens(text):
    """The words of a text in order: lower case, apostrophes and accents folded, hyphenated
    words split, plurals stemmed."""
    folded = text.lower()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = _POSSESSIVE.sub("", folded)
    return [_stem(w) for w in _WORD.findall(folded)]


def words(text):
    """Normalised distinct words (for highlighting): the tokens, and hyphenated words joined."""
    joined = tokens(re.sub(r"(?<=\w)-(?=\w)", "", text.lower()))
    return list(dict.fromkeys(tokens(text) + joined))


# ---------------------------------------------------------------------------------------------
# The lexicon: subjects' and concerns' names, built once per content version


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str  # "subject" or "concern"
    id: int
    rank: int  # 0 its own name, 1 a trade name, 2 an alias


class Lexicon:
    def __init__(self, subjects, concerns, outcomes=(), version=None):
        self.version = version
        # Words of the claims' outcomes: real words of the catalogue, never "corrected"
        # into a name (brown spots are not brows).
        self.known = {t for outcome in outcomes for t in tokens(outcome)}
        self.phrases = {}  # tuple of tokens -> [Entry]
        self.vocabulary = set()
        self.subject_names = {}  # id -> (slug, name)
        self.subject_concerns = {}  # id -> [concern id]
        self.concern_names = {}  # id -> (slug, name, summary)
        self.concern_phrases = {}  # id -> the words of its name and of each alias
        self.concern_counts = {}  # id -> its published claims
        self.word_subjects = {}  # token -> subject ids whose names have it
        for sid, slug, name, trade_names, aliases, concern_ids in subjects:
            self.subject_names[sid] = (slug, name)
            self.subject_concerns[sid] = concern_ids
            self._add("subject", sid, 0, [name, re.sub(r"\s*\(.*?\)", "", name)])
            self._add("subject", sid, 1, trade_names)
            self._add("subject", sid, 2, aliases)
        for cid, slug, name, summary, aliases in concerns:
            self.concern_names[cid] = (slug, name, summary)
            self.concern_phrases[cid] = [
                key
                for p in [name, *re.split(r"\s+and\s+", name), *(aliases or [])]
                if isinstance(p, str) and (key := tuple(t for t in tokens(p) if _specific(t)))
            ]
            self._add("concern", cid, 0, [name, *re.split(r"\s+and\s+", name)])
            self._add("concern", cid, 2, aliases)
        self.longest = max((len(k) for k in self.phrases), default=1)
        # Phrases of two or more words by their words, to find them in any order ("is
        # sunscreen toxic": "toxic sunscreen"; "dry itchy skin": "dry skin").
        self.by_word = {}
        for key in self.phrases:
            if 1 < len(key) <= 4:
                for tok in set(key):
                    self.by_word.setdefault(tok, []).append(key)
        self.by_initial = {}
        for word in sorted(self.vocabulary):
            if len(word) >= 4 and word.isalpha():
                self.by_initial.setdefault(word[0], []).append(word)

    def _add(self, kind, pk, rank, phrases):
        for phrase in phrases or []:
            if not isinstance(phrase, str):
                continue
            toks = tokens(phrase)
            if not toks:
                continue
            keys = {tuple(toks)}
            if len(toks) > 1:
                keys.add(("".join(toks),))
            for key in keys:
                entries = self.phrases.setdefault(key, [])
                if not any(e.kind == kind and e.id == pk and e.rank <= rank for e in entries):
                    entries.append(Entry(kind, pk, rank))
            for tok in toks:
                if not tok.isdigit():
                    self.vocabulary.add(tok)
                if kind == "subject":
                    self.word_subjects.setdefault(tok, set()).add(pk)

    def lookup(self, toks):
        """Entries of the longest phrase starting at toks[0], and its length in tokens."""
        for n in range(min(self.longest, len(toks)), 0, -1):
            entries = self.phrases.get(tuple(toks[:n]))
            if entries is None and n > 1:
                entries = self.phrases.get(("".join(toks[:n]),))
            if entries:
                return entries, n
        return [], 0

    def close_word(self, word):
        """The lexicon word a misspelling most likely meant: at most one edit away for a
        word of five to seven letters, two for a longer one (a swap of neighbours counts
        as one), with the same first letter; "" when none is. Of equally close words, a name
        on its own first, then the one in the most names (retinl: retinol, not retinyl)."""
        if len(word) < 5 or not word.isalpha() or word in self.known:
            return ""
        allowed = 1 if len(word) < 8 else 2
        closest, best_distance = [], allowed + 1
        for candidate in self.by_initial.get(word[0], ()):
            if abs(len(candidate) - len(word)) > allowed:
                continue
            distance = _edit_distance(word, candidate, allowed)
            if distance > allowed:
                continue
            if distance < best_distance:
                closest, best_distance = [candidate], distance
            elif distance == best_distance:
                closest.append(candidate)
        if not closest:
            return ""
        return min(
            closest,
            key=lambda c: ((c,) not in self.phrases, -len(self.word_subjects.get(c, ())), c),
        )


def _edit_distance(a, b, limit):
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours),
    stopping early once it must exceed `limit`."""
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def lexicon():
    """The process's lexicon, rebuilt when the public content has changed since it was built
    (five queries then, none otherwise)."""
    return _lexicon.get()


def reset():
    """Forget the lexicon (tests that change subjects without a committed transaction)."""
    _lexicon.reset()


def warm():
    """Build the lexicon now (a web worker, before it takes requests: at 100,000 claims the
    build takes about a second, which should not fall on the first reader). A database that
    is not there yet is not an error: the first search builds it instead."""
    from django.db import DatabaseError

    try:
        lexicon()
    except DatabaseError:
        logger.warning("search lexicon not warmed: the database did not answer")


def _build(version):
    visible = Subject.objects.filter(claims__status="published").values("id").distinct()
    concern_links = {}
    for sid, cid in Subject.concerns.through.objects.filter(subject_id__in=visible).values_list(
        "subject_id", "concern_id"
    ):
        concern_links.setdefault(sid, []).append(cid)
    subjects = [
        (pk, slug, name, trade_names, aliases, sorted(concern_links.get(pk, [])))
        for pk, slug, name, trade_names, aliases in Subject.objects.filter(
            id__in=visible
        ).values_list("id", "slug", "name", "trade_names", "aliases")
    ]
    used = {c for cids in concern_links.values() for c in cids}
    concerns = list(
        Concern.objects.filter(id__in=used).values_list("id", "slug", "name", "summary", "aliases")
    )
    outcomes = Claim.objects.published().order_by().values_list("outcome", flat=True).distinct()
    lexicon = Lexicon(subjects, concerns, outcomes=list(outcomes), version=version)
    lexicon.concern_counts = dict(
        Claim.objects.published()
        .filter(subject__concerns__isnull=False)
        .order_by()
        .values_list("subject__concerns")
        .annotate(n=Count("id"))
        .values_list("subject__concerns", "n")
    )
    return lexicon


_lexicon = freshness.PerVersion(_build)


# ---------------------------------------------------------------------------------------------
# Reading the query


@dataclass
class Reading:
    intent: str = ""
    subjects: list = field(default_factory=list)  # [(id, rank, position)], in query order
    concerns: list = field(default_factory=list)  # [concern id]
    concern_terms: list = field(default_factory=list)  # the words that named them
    subject_terms: dict = field(default_factory=dict)  # subject id -> the words naming it
    rest: list = field(default_factory=list)  # specific words left over
    corrections: dict = field(default_factory=dict)  # typed word -> lexicon word
    compare: bool = False
    sides: list = field(default_factory=list)  # the subject ids compared, one per side
    generic: list = field(default_factory=list)  # generic words left over


def _intent(lowered, toks):
    if _COMPARE.search(f" {lowered} "):
        return "compare"
    if any(t in SAFETY_WORDS for t in toks):
        return "safety"
    if re.search(
        r"\b(get rid of|how (?:to|do i|can i) (?:treat|fix|stop|reduce|cure|clear|"
        r"remove|fade|prevent|lose|get)|what (?:helps|works|is good) for|"
        r"best (?:\w+ )?for|help with|treatment for|remedies for|cure for)\b",
        lowered,
    ):
        return "concern"
    if any(t in EFFICACY_WORDS for t in toks) or lowered.startswith(("does ", "do ", "can ")):
        return "efficacy"
    return ""


def read(query, lex):
    lowered = query.lower()
    toks = tokens(query)[:MAX_WORDS]
    reading = Reading(intent=_intent(lowered, toks))
    spans = _recognise(toks, lex, reading)
    # A word the lexicon does not know may be a misspelling of one it does (exozome,
    # tretinon): read it as that word, and say so, when it is close enough.
    changed = False
    for i, tok in enumerate(toks):
        if spans[i] is None and _specific(tok) and tok not in lex.vocabulary:
            close = lex.close_word(tok)
            if close:
                reading.corrections[tok] = close
                toks[i] = close
                changed = True
    if changed:
        retry = Reading(intent=reading.intent)
        spans = _recognise(toks, lex, retry)
        # Keep a correction only where the word, corrected, is part of a name found.
        kept = {}
        for i, tok in enumerate(toks):
            typed = next((t for t, c in reading.corrections.items() if c == tok), None)
            if typed is not None and spans[i] is not None:
                kept[typed] = tok
        if kept != reading.corrections:
            toks = [
                next((t for t, c in reading.corrections.items() if c == tok and t not in kept), tok)
                for tok in toks
            ]
            retry = Reading(intent=reading.intent)
            spans = _recognise(toks, lex, retry)
        retry.corrections = kept
        reading = retry
    for i, tok in enumerate(toks):
        if spans[i] is None:
            if tok in GENERIC_WORDS:
                reading.generic.append(tok)
            elif _specific(tok):
                reading.rest.append(tok)
    if reading.intent == "compare":
        reading.sides = _sides(lowered, lex, reading.corrections)
        reading.compare = len(reading.sides) >= 2
    return reading


def _sides(lowered, lex, corrections):
    """The best subject named on each side of "X vs Y" (or "difference between X and Y")."""
    between = re.search(r"\bdifference between\s+(.+?)\s+and\s+(.+)", lowered)
    if between:
        parts = [between.group(1), between.group(2)]
    else:
        parts = re.split(r"\s+(?:vs\.?|versus|compared (?:to|with)|against|or)\s+", lowered)
    sides = []
    for part in parts[:4]:
        side = Reading()
        part_tokens = [corrections.get(t, t) for t in tokens(part)[:MAX_WORDS]]
        _recognise(part_tokens, lex, side)
        if side.subjects:
            best = min(
                side.subjects,
                key=lambda s: (s[1], -_closeness(part, lex.subject_names[s[0]][1]), s[2], s[0]),
            )
            if best[0] not in sides:
                sides.append(best[0])
    return sides


def _specific(tok):
    return len(tok) > 1 and tok not in STOP_WORDS and tok not in GENERIC_WORDS and not tok.isdigit()


def _recognise(toks, lex, reading):
    """Mark each token with the phrase that covers it (None: none does). Candidates are the
    lexicon phrases found as consecutive words (or run together: "micro needling" is
    "microneedling"), and those of two to four words found in any order ("is sunscreen
    toxic": "toxic sunscreen"); the longest win, in order, and a phrase of generic or
    question words alone ("face mask") names nothing."""
    candidates = []
    for i in range(len(toks)):
        for n in range(1, min(lex.longest, len(toks) - i) + 1):
            window = tuple(toks[i : i + n])
            key = window if window in lex.phrases else ("".join(window),)
            if key in lex.phrases and _names_something(window):
                candidates.append((n, 0, i, tuple(range(i, i + n)), key))
    where = {}
    for i, tok in enumerate(toks):
        where.setdefault(tok, i)
    for key in {key for tok in where for key in lex.by_word.get(tok, ())}:
        if all(t in where for t in key) and _names_something(key):
            positions = tuple(sorted({where[t] for t in key}))
            if len(positions) == len(key):
                candidates.append((len(key), 1, positions[0], positions, key))
    spans = [None] * len(toks)
    for _, _, first, positions, key in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if any(spans[p] is not None for p in positions):
            continue
        for p in positions:
            spans[p] = lex.phrases[key]
        for entry in lex.phrases[key]:
            if entry.kind == "subject":
                reading.subject_terms.setdefault(entry.id, []).extend(toks[p] for p in positions)
                if entry.id not in {s[0] for s in reading.subjects}:
                    reading.subjects.append((entry.id, entry.rank, first))
            elif entry.id not in reading.concerns:
                reading.concerns.append(entry.id)
        if any(e.kind == "concern" for e in lex.phrases[key]):
            reading.concern_terms += [toks[p] for p in positions if _specific(toks[p])]
    return spans


def _names_something(words_):
    return not all(t in GENERIC_WORDS or t in STOP_WORDS for t in words_)


# ---------------------------------------------------------------------------------------------
# Finding and ranking


def search(raw, *, page=1, per_page=20, filters=None):
    """Ranked hits for `raw` (and optional filters: concern, kind, verdict slugs)."""
    query = clean_query(raw)
    filters = {k: v for k, v in (filters or {}).items() if v}
    results = Results(query=query, page=max(1, page), per_page=per_page)
    if not query and not filters:
        return results
    if query:
        ranked = _ranked(query, filters, results)
    else:
        ranked = _browse(filters)
    results.total = len(ranked)
    results.listed = sum(1 for hit in ranked if not hit[3])
    start = (results.page - 1) * per_page
    results.hits = _materialise(ranked[start : start + per_page])
    if query and not results.confident:
        lex = lexicon()
        if not results.found:
            results.suggestions = suggestions(query, lex=lex)
        results.miss_concerns = _miss_concerns(query, lex)
    return results


def _claim_filter(filters):
    q = Q(status="published")
    if "concern" in filters:
        q &= Q(subject__concerns__slug=filters["concern"])
    if "kind" in filters:
        q &= Q(subject__kind=filters["kind"])
    if "verdict" in filters:
        q &= Q(shown_verdict=filters["verdict"])  # the verdict shown, override included
    return q


def _browse(filters):
    """No words, only filters: the matching claims, best score first."""
    ids = (
        Claim.objects.filter(_claim_filter(filters))
        .order_by("-shown_score", "text")
        .values_list("id", flat=True)
        .distinct()[:MAX_CANDIDATES]
    )
    return [("claim", pk, 1.0, False) for pk in ids]


def _ranked(query, filters, results):
    """[(kind, id, score, folded)] best first, and the reading recorded on `results`."""
    lex = lexicon()
    reading = read(query, lex)
    results.intent = reading.intent
    subject_ids = [sid for sid, _, _ in reading.subjects]
    explained = set()
    ranked = []
    off_topic = []
    forms = [w for w in reading.generic if w in FORM_WORDS]
    if subject_ids:
        claims = _known_claims("subjects", subject_ids, filters, MAX_TEXT_MATCHES)
        ranked = _rank_subjects(query, reading, lex, claims, explained)
        # "X for Y" where X is neither sold for Y nor claimed to help it: we have not
        # checked X for Y, so the answer is partial.
        if reading.concerns and not (
            any(
                c in lex.subject_concerns.get(sid, ())
                for sid in subject_ids
                for c in reading.concerns
            )
            or any(_covered(reading.concern_terms, claim["words"]) for claim in claims)
        ):
            off_topic = reading.concern_terms
    elif reading.concerns:
        # A concern named, no subject: its best-rated claims, those with the other words
        # first.
        claims = _known_claims("concerns", reading.concerns, filters, CONCERN_CLAIMS)
        phrases = [key for cid in reading.concerns for key in lex.concern_phrases[cid]]
        # A form named beside the concern ("vitamin e oil for scars", "best cream for
        # acne") must be in some claim's wording, or the product asked about is unknown.
        for claim in claims:
            covered = _covered(reading.rest + forms, claim["words"])
            explained |= covered
            asked = len(_covered(reading.concern_terms, claim["words"]))
            on_topic = any(len(_covered(k, claim["words"])) == len(set(k)) for k in phrases)
            score = 10 + len(covered) + 3 * asked + 2 * on_topic + (claim["shown_score"] or 0) / 100
            ranked.append(("claim", claim["id"], score, False))
        ranked.sort(key=lambda r: (-r[2], r[1]))
        leftover = [w for w in reading.rest if w not in explained]
        if leftover:
            # Words the concern's claims do not have ("brown spots" read as the acne sense
            # of "spots"): claims anywhere whose wording has them and the concern's words
            # come first, and the concern follows them.
            exact = _claims_with_every_word(leftover + reading.concern_terms, filters)
            if exact:
                explained |= set(leftover)
                ranked = [
                    ("claim", c["id"], 100 + (c["shown_score"] or 0) / 100, False) for c in exact
                ] + ranked
                results.concerns_follow = True
    elif reading.rest:
        # Nothing named: the claims whose own wording has every remaining word.
        exact = _claims_with_every_word(reading.rest, filters)
        if exact:
            explained |= set(reading.rest)
        ranked = [("claim", c["id"], 10 + (c["shown_score"] or 0) / 100, False) for c in exact]
    if reading.concerns:
        results.concerns = _concern_answers(lex, reading.concerns)
    if reading.compare:
        results.compare = [lex.subject_names[sid] for sid in reading.sides]
    unexplained = reading.rest + forms if not subject_ids and reading.concerns else reading.rest
    results.unmatched = [w for w in dict.fromkeys(unexplained) if w not in explained]
    results.unmatched += [w for w in dict.fromkeys(off_topic) if w not in results.unmatched]
    if reading.corrections:
        results.corrected = " ".join(reading.corrections.get(t, t) for t in tokens(query))
    if not subject_ids and not reading.concerns and results.unmatched:
        return []  # the words that would name it matched nothing: an honest miss
    if ranked and _articles_allowed(filters):
        ranked += _articles(reading, lex, subject_ids)
    return _dedupe(ranked)[:MAX_CANDIDATES]


def _rank_subjects(query, reading, lex, claims, explained):
    """Claims that name the outcome asked about first, then each subject named with its
    claims (the ones about safety first when that is the question)."""
    by_subject = {}
    for claim in claims:
        by_subject.setdefault(claim["subject_id"], []).append(claim)
    asked = reading.rest + reading.concern_terms
    order = sorted(
        reading.subjects,
        key=lambda s: (s[1], -_closeness(query, lex.subject_names[s[0]][1]), s[2], s[0]),
    )
    leading, rest = [], []
    for position, (sid, _, _) in enumerate(order):
        own = by_subject.get(sid, [])
        # Words that named another subject may be this one's outcome ("retinol collagen").
        others = [
            t
            for other, terms in reading.subject_terms.items()
            if other != sid and not set(terms) & set(reading.subject_terms.get(sid, ()))
            for t in terms
            if _specific(t)
        ]
        outcome_words = asked + others
        explained |= _covered(reading.rest, set(tokens(lex.subject_names[sid][1])))
        for claim in own:
            explained |= _covered(reading.rest, claim["words"])
        scored = sorted(
            own,
            key=lambda c: (
                -len(_covered(outcome_words, c["words"])),
                -(reading.intent == "safety" and c["safety"]),
                -(c["shown_score"] or 0),
                c["id"],
            ),
        )
        named = [c for c in scored if _covered(outcome_words, c["words"])]
        if reading.intent == "safety":
            named += [c for c in scored if c["safety"] and c not in named]
        base = 100 - position
        leading += [("claim", c["id"], base + 50, False) for c in named]
        rest.append(("subject", sid, base, False))
        rest += [("claim", c["id"], base - 0.5, True) for c in scored if c not in named]
    return leading + rest


def _dedupe(ranked):
    seen, out = set(), []
    for kind, pk, score, folded in ranked:
        if (kind, pk) not in seen:
            seen.add((kind, pk))
            out.append((kind, pk, score, folded))
    return out


def _closeness(query, name):
    return difflib.SequenceMatcher(None, query.lower(), name.lower()).ratio()


def _covered(wanted, claim_words):
    """The wanted words found in a claim's words (a word also matches a longer form of it:
    scar, scarring)."""
    found = set()
    for w in wanted:
        if w in claim_words or (
            len(w) >= 4 and any(cw.startswith(w) and len(cw) - len(w) <= 4 for cw in claim_words)
        ):
            found.add(w)
    return found


def _known_claims(kind, ids, filters, limit):
    """The claims of subjects or concerns the lexicon found: the same for every query that
    names them ("acne", "best cream for acne", "how to get rid of acne"), so kept per content
    version in the shared cache like a document (one query the first time, none after).
    Callers must not change the rows."""
    ids = sorted(set(ids))
    where = Q(subject_id__in=ids) if kind == "subjects" else Q(subject__concerns__id__in=ids)
    wanted = repr((kind, ids, sorted(filters.items()), limit)).encode()
    name = "search-claims:" + hashlib.sha256(wanted).hexdigest()[:32]
    return freshness.document(name, lambda: _claims_of(where, filters, limit=limit))


def _claims_of(where, filters, *, limit=MAX_TEXT_MATCHES):
    """Published claims matching `where`, best rated first, with the words of their text and
    outcome (one query)."""
    rows = (
        Claim.objects.filter(_claim_filter(filters))
        .filter(where)
        .order_by("-shown_score", "id")
        .values("id", "subject_id", "text", "outcome", "shown_score")[: 2 * limit]
    )
    out, seen = [], set()
    for row in rows:  # a join through concerns may list a claim twice: keep it once
        if row["id"] in seen or len(out) >= limit:
            continue
        seen.add(row["id"])
        wording = f"{row['text']} {row['outcome']}".lower()
        row["words"] = set(tokens(wording))
        row["safety"] = any(stem in wording for stem in SAFETY_STEMS)
        out.append(row)
    return out


def _claims_with_every_word(wanted, filters):
    """Published claims whose own text and outcome have every word of `wanted` (one query;
    none when no word can be looked up)."""
    where = _wording_matches(wanted)
    if where is None:
        return []
    every = set(wanted)
    return [c for c in _claims_of(where, filters) if _covered(wanted, c["words"]) == every]


def _wording_matches(rest):
    """Claims whose text or outcome has every word: PostgreSQL's stored documents (weight B
    is the text and outcome) through their GIN index; LIKE elsewhere."""
    unique = list(dict.fromkeys(rest))[:6]
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{w}:*B" for w in unique if _WORD.fullmatch(w))
        if not tsquery:
            return None
        # The matches first, by the GIN index, as an array of ids looked up by primary key:
        # as a plain IN (subquery) the planner may walk every claim in score order instead
        # and probe each (measured: 0.5 s at 100,000 claims for a word nothing has).
        return Q(
            RawSQL(
                '"claims_claim"."id" = ANY (ARRAY (SELECT m.id FROM claims_claim m '
                "WHERE m.search_doc @@ to_tsquery('english', %s) LIMIT %s))",
                [tsquery, MAX_WORDING_MATCHES],
                output_field=BooleanField(),
            )
        )
    where = Q()
    for w in unique:
        where &= Q(text__icontains=w) | Q(outcome__icontains=w)
    return where


def _concern_answers(lex, concern_ids):
    """Each concern named, with how many published claims it has (counted with the
    lexicon, so no query here)."""
    answers = []
    for cid in concern_ids:
        slug, name, summary = lex.concern_names[cid]
        count = lex.concern_counts.get(cid, 0)
        answers.append(ConcernAnswer(slug, name, _concern_url(slug), summary, count))
    return answers


def _concern_url(slug):
    try:
        return reverse("web:concern", kwargs={"slug": slug})
    except NoReverseMatch:  # before concern pages: the concern's filtered search
        return reverse("web:search") + f"?concern={slug}"


def _articles_allowed(filters):
    return not filters


def _articles(reading, lex, subject_ids):
    """Published articles whose title or summary names a subject found or every remaining
    word (one query)."""
    from articles.models import Article

    names = [lex.subject_names[sid][1] for sid in subject_ids[:5]]
    wanted = [t for name in names for t in tokens(re.sub(r"\s*\(.*?\)", "", name)) if _specific(t)]
    wanted += reading.rest
    if not wanted:
        return []
    where = Q()
    for w in dict.fromkeys(wanted[:8]):
        where |= Q(title__icontains=w) | Q(summary__icontains=w)
    out = []
    for pk, title, summary in Article.objects.filter(where, status="published").values_list(
        "id", "title", "summary"
    )[:20]:
        text = set(tokens(f"{title} {summary}"))
        share = len(_covered(wanted, text)) / len(set(wanted))
        if share >= 0.5:
            out.append(("article", pk, share, False))
    return sorted(out, key=lambda a: (-a[2], a[1]))


# ---------------------------------------------------------------------------------------------
# Misses: a near name only above a floor, and the concerns a query may belong to


def suggestions(query, *, limit=3, lex=None):
    """Subject names (and trade names or aliases) close to the whole query, for an empty
    result: only above SUGGESTION_FLOOR, so an unrelated name is never offered."""
    lex = lex or lexicon()
    wanted = " ".join(t for t in tokens(query) if _specific(t))
    if len(wanted) < 4:
        return []
    best = {}
    for key, entries in lex.phrases.items():
        phrase = " ".join(key)
        if abs(len(phrase) - len(wanted)) > max(4, len(wanted) // 2):
            continue
        ratio = difflib.SequenceMatcher(None, wanted, phrase).ratio()
        if ratio < SUGGESTION_FLOOR:
            continue
        for entry in entries:
            if entry.kind == "subject" and ratio > best.get(entry.id, 0):
                best[entry.id] = ratio
    ranked = sorted(best, key=lambda sid: (-best[sid], sid))[:limit]
    return [
        (
            lex.subject_names[sid][1],
            reverse("web:subject", kwargs={"slug": lex.subject_names[sid][0]}),
        )
        for sid in ranked
    ]


def _miss_concerns(query, lex, limit=3):
    """Concerns of the subjects that share a word with the query (generic words included),
    most shared first; none when nothing is shared."""
    counts = {}
    for tok in tokens(query):
        if tok in STOP_WORDS:
            continue
        for sid in lex.word_subjects.get(tok, ()):
            for cid in lex.subject_concerns.get(sid, ()):
                counts[cid] = counts.get(cid, 0) + 1
    ranked = sorted(counts, key=lambda c: (-counts[c], lex.concern_names[c][1]))[:limit]
    out = []
    for cid in ranked:
        slug, name, _ = lex.concern_names[cid]
        out.append((name, _concern_url(slug)))
    return out


# ---------------------------------------------------------------------------------------------
# Hits: a fixed number of queries whatever the page size


# A hit's card is what the page and the API show of it, the same whatever the query: kept
# per content version in the shared cache (freshness.documents), so a page of hits costs one
# cache read once its cards are built, and their queries (below) only the first time.
CARD_TIMEOUT = 600


def _verdict_card(row):
    """The verdict readers see (the override's, if any), as _verdict.html shows it."""
    verdict = row["shown_verdict"] or row["current_rating__verdict"] or ""
    label = (
        rubric_tables.VERDICT_LABELS[rubric_tables.Verdict(verdict)] if verdict in _VERDICTS else ""
    )
    return {
        "verdict": verdict,
        "verdict_label": label,
        "grade": rubric_tables.GRADES.get(row["shown_verdict"], "")
        or row["current_rating__grade"]
        or "",
        "score": row["current_rating__score"],
    }


_VERDICTS = {v.value for v in rubric_tables.Verdict}
_CARD_CLAIM_FIELDS = (
    "slug",
    "text",
    "shown_verdict",
    "current_rating__verdict",
    "current_rating__score",
    "current_rating__grade",
)


def _subject_cards(ids):
    """Subjects with their published claims, best rated first (two queries)."""
    cards = {}
    for row in Subject.objects.filter(id__in=ids).values("id", "slug", "name", "summary"):
        cards[row["id"]] = {
            "slug": row["slug"],
            "title": row["name"],
            "snippet": row["summary"],
            "url": reverse("web:subject", kwargs={"slug": row["slug"]}),
            "subject_slug": row["slug"],
            "claims": [],
            "claim_count": 0,
        }
    rows = (
        Claim.objects.published()
        .filter(subject_id__in=list(cards))
        .order_by("-shown_score", "text")
        .values("subject_id", *_CARD_CLAIM_FIELDS)
    )
    for row in rows:
        card = cards[row["subject_id"]]
        card["claim_count"] += 1
        if len(card["claims"]) < INLINE_CLAIMS:
            card["claims"].append(
                {
                    "slug": row["slug"],
                    "text": row["text"],
                    "url": reverse("web:claim", kwargs={"slug": row["slug"]}),
                    **_verdict_card(row),
                }
            )
    return cards


def _claim_cards(ids):
    """Claims with their subject's name and their verdict (one query)."""
    cards = {}
    rows = Claim.objects.filter(id__in=ids).values(
        "id", "conclusion_summary", "subject__name", "subject__slug", *_CARD_CLAIM_FIELDS
    )
    for row in rows:
        cards[row["id"]] = {
            "slug": row["slug"],
            "title": row["text"],
            "snippet": row["conclusion_summary"] or row["subject__name"],
            "url": reverse("web:claim", kwargs={"slug": row["slug"]}),
            "subject_name": row["subject__name"],
            "subject_slug": row["subject__slug"],
            **_verdict_card(row),
        }
    return cards


def _article_cards(ids):
    from articles.models import Article

    return {
        row["id"]: {
            "slug": row["slug"],
            "title": row["title"],
            "snippet": row["summary"],
            "url": reverse("articles:detail", kwargs={"slug": row["slug"]}),
        }
        for row in Article.objects.filter(id__in=ids).values("id", "slug", "title", "summary")
    }


_CARD_BUILDERS = {"subject": _subject_cards, "claim": _claim_cards, "article": _article_cards}


def _build_cards(keys):
    """{(kind, id): card} for the cards no cache holds: one or two queries per kind."""
    built = {}
    for kind, build in _CARD_BUILDERS.items():
        ids = [pk for k, pk in keys if k == kind]
        if ids:
            built.update({(kind, pk): card for pk, card in build(ids).items()})
    return built


def _materialise(ranked):
    """The page's hits with their cards, in rank order (a hit whose card is gone, because
    its subject or claim was removed since the ranking, is left out)."""
    names = {(kind, pk): f"search-card:{kind}:{pk}" for kind, pk, _, _ in ranked}
    cards = freshness.documents(names, _build_cards, timeout=CARD_TIMEOUT) if names else {}
    hits = []
    for kind, pk, score, folded in ranked:
        card = cards.get((kind, pk))
        if card is not None:
            hits.append(
                Hit(
                    kind,
                    card["slug"],
                    card["title"],
                    card["snippet"],
                    card["url"],
                    score,
                    card,
                    folded,
                    pk,
                )
            )
    return hits


def ranked_ids(raw, *, kind):
    """Ids of the `kind` hits ("subject", "claim" or "article") for `raw`, best first: the
    same ranking as search(), for the API's list endpoints with `?q=`."""
    query = clean_query(raw)
    if not query:
        return []
    ranked = _ranked(query, {}, Results(query=query))
    return [pk for hit_kind, pk, _, _ in ranked if hit_kind == kind]
