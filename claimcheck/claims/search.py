"""Site search: subjects, claims and articles ranked together.

One interface, two engines. On PostgreSQL: weighted full-text search (subject names and
aliases weigh most, then claim text, then summaries) on the stored documents of migration 0008,
plus pg_trgm similarity for misspellings (migration 0004), all served by GIN indexes. On SQLite
(the embedded default): the query is normalised the same way (plurals, hyphens, case), misspelt
words are corrected against the vocabulary of subject names and aliases, and matches are found
with LIKE and ranked with the same weights. Both give the same top results on the starter data
(tests/web/test_search.py).

Used by the web search page and the API's search endpoint alike.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from .models import Claim, Subject

MAX_QUERY = 200
MAX_CANDIDATES = 200  # ranked hits considered per query; pages are cut from these
MAX_MATCHES = 1000  # PostgreSQL: full-text matches per kind ranked at most (bounded cost)
CLOSE_SUBJECTS = 50  # PostgreSQL: subjects closest by name whose claims are ranked
WEIGHTS = {"name": 1.0, "alias": 0.9, "claim": 0.6, "summary": 0.3}
TYPE_ORDER = {"subject": 0, "claim": 1, "article": 2}
EXACT_NAME_BONUS = 1  # the query is exactly a subject's name or one of its aliases
NAME_CLOSENESS = 0.5  # weight of how close the query is to the subject's own name (ties)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Hit:
    type: str
    slug: str
    title: str
    snippet: str
    url: str
    score: float
    obj: object = None


@dataclass
class Results:
    query: str
    hits: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    suggestions: list = field(default_factory=list)

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))


def clean_query(raw):
    """Cut to 200 characters, drop control characters, fold case and spacing."""
    text = unicodedata.normalize("NFKC", str(raw or ""))[:MAX_QUERY]
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def _stem(word):
    """Plural to singular, enough for product words (exosomes, peptides, retinoids, scars)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text):
    """Normalised words: lower case, hyphens joined and split, plurals stemmed."""
    lowered = text.lower()
    found = _WORD.findall(lowered)
    joined = _WORD.findall(re.sub(r"(?<=\w)-(?=\w)", "", lowered))
    return list(dict.fromkeys(_stem(w) for w in found + joined))


def search(raw, *, page=1, per_page=20, filters=None):
    """Ranked hits for `raw` (and optional filters: concern, kind, verdict slugs)."""
    query = clean_query(raw)
    filters = {k: v for k, v in (filters or {}).items() if v}
    results = Results(query=query, page=max(1, page), per_page=per_page)
    if not query and not filters:
        return results
    if query:
        ranked = (_postgres if connection.vendor == "postgresql" else _fallback)(query, filters)
    else:
        ranked = _browse(filters)
    results.total = len(ranked)
    start = (results.page - 1) * per_page
    results.hits = _materialise(ranked[start : start + per_page], query)
    if not ranked:
        results.suggestions = suggestions(query)
    return results


# ---------------------------------------------------------------------------------------------
# Filters shared by both engines


def _claim_filter(filters):
    q = Q(status="published")
    if "concern" in filters:
        q &= Q(subject__concerns__slug=filters["concern"])
    if "kind" in filters:
        q &= Q(subject__kind=filters["kind"])
    if "verdict" in filters:
        q &= Q(shown_verdict=filters["verdict"])  # the verdict shown, override included
    return q


def _subject_filter(filters):
    q = Q(claims__status="published")
    if "concern" in filters:
        q &= Q(concerns__slug=filters["concern"])
    if "kind" in filters:
        q &= Q(kind=filters["kind"])
    if "verdict" in filters:
        q &= Q(claims__shown_verdict=filters["verdict"])
    return q


def _articles_allowed(filters):
    return not filters


def _browse(filters):
    """No words, only filters: the matching claims, best score first."""
    ids = (
        Claim.objects.filter(_claim_filter(filters))
        .order_by("-shown_score", "text")
        .values_list("id", flat=True)
        .distinct()[:MAX_CANDIDATES]
    )
    return [("claim", pk, 1.0) for pk in ids]


# ---------------------------------------------------------------------------------------------
# PostgreSQL: full text with weights, plus trigram similarity


# Full-text documents: stored generated columns (`search_doc`) of migration 0008, each with a
# GIN index; its docstring has the expressions (those of migration 0004's expression indexes).
# Stored, they are matched and ranked without rebuilding any row's document per query.
SUBJECT_MATCH = "lower(s.name || ' ' || s.aliases::text)"  # trigram index of migration 0004


def _subquery(queryset):
    # No ordering: with .distinct(), ordering columns would join the subquery's select list.
    sql, params = queryset.values("id").order_by().query.sql_with_params()
    return sql, list(params)


def _postgres(query, filters):
    """One statement. Candidates first, through the GIN indexes (the stored full-text
    documents of migration 0008, the trigram indexes of migration 0004), with the query as
    plan-time values so the indexes apply; then only the candidates are ranked, and each
    per-row function runs once per candidate: ts_rank on the stored document, and the trigram
    similarities once per subject (shared by the subject's own hit and its claims). The cost
    follows the matches, which are bounded, not the table (bench/scale.py measures it at 1,000
    to 100,000 claims)."""
    normalised = " ".join(words(query))
    tsquery = "(websearch_to_tsquery('english', %s) || plainto_tsquery('english', %s))"
    tsquery_params = [query, normalised]
    params = [*tsquery_params, query, normalised]
    if filters:
        subject_sql, subject_params = _subquery(
            Subject.objects.filter(_subject_filter(filters)).distinct()
        )
        subject_visible = f"s.id IN ({subject_sql})"
        claim_sql, claim_params = _subquery(Claim.objects.filter(_claim_filter(filters)))
        claim_visible = f"c.id IN ({claim_sql})"
    else:  # checked per candidate, not by listing every subject with a published claim
        subject_visible = (
            "EXISTS (SELECT 1 FROM claims_claim pc WHERE pc.subject_id = s.id "
            "AND pc.status = 'published')"
        )
        claim_visible = "c.status = 'published'"
        subject_params, claim_params = [], []
    # Candidates are bounded, so a word that matches a tenth of a large catalogue costs the
    # same as a rare one: the CLOSE_SUBJECTS subjects closest by name (trigram indexes), and at
    # most MAX_MATCHES full-text matches per kind (GIN indexes). The CTEs are MATERIALIZED so
    # each is computed once however often it is read.
    # The f-string splices only this module's constant SQL and the SQL Django compiled for the
    # filter subqueries; every user value travels as a parameter.
    sql = f"""
        WITH q AS (SELECT {tsquery} AS tsq, lower(%s) AS raw, lower(%s) AS norm),
        -- Subjects close by name or alias (trigram indexes; word_similarity finds "exozome"
        -- among the aliases), each with both similarities, computed once. Two index scans,
        -- not one OR, so each match is rechecked once and not filtered again.
        trigram AS MATERIALIZED (
            SELECT s.id, similarity(lower(s.name), q.raw) AS sim,
                   word_similarity(q.norm, {SUBJECT_MATCH}) AS wsim
            FROM claims_subject s, q
            WHERE s.id = ANY (ARRAY(
                SELECT s.id FROM claims_subject s WHERE lower(s.name) %% lower(%s)
                UNION SELECT s.id FROM claims_subject s WHERE lower(%s) <%% {SUBJECT_MATCH}))),
        close_subjects AS MATERIALIZED (
            SELECT id FROM trigram ORDER BY greatest(sim, wsim) DESC, id
            LIMIT {CLOSE_SUBJECTS}),
        -- Subject candidates: full text on names, aliases and summary, and the close ones.
        -- (= ANY (ARRAY(...)): the candidates are looked up by primary key, never by a join
        -- that reads the whole table.)
        subjects_found AS MATERIALIZED (
            SELECT s.id, 2 * ts_rank(s.search_doc, q.tsq) AS text_rank,
                   CASE WHEN lower(s.name) = q.raw OR EXISTS (
                       SELECT 1 FROM jsonb_array_elements_text(s.aliases) alias
                       WHERE lower(alias) = q.raw) THEN {EXACT_NAME_BONUS} ELSE 0 END AS bonus
            FROM claims_subject s, q
            WHERE s.id = ANY (ARRAY(
                    (SELECT s.id FROM claims_subject s WHERE s.search_doc @@ {tsquery}
                     LIMIT {MAX_MATCHES})
                    UNION SELECT id FROM close_subjects))
                  AND {subject_visible}),
        -- Claim candidates: full text on text, outcome and conclusion, and the close
        -- subjects' claims.
        claims_found AS MATERIALIZED (
            SELECT c.id, c.subject_id, ts_rank(c.search_doc, q.tsq) AS text_rank
            FROM claims_claim c, q
            WHERE c.id = ANY (ARRAY(
                    (SELECT c.id FROM claims_claim c WHERE c.search_doc @@ {tsquery}
                     LIMIT {MAX_MATCHES})
                    UNION
                    (SELECT c.id FROM claims_claim c
                     WHERE c.subject_id IN (SELECT id FROM close_subjects)
                     LIMIT {MAX_MATCHES})))
                  AND {claim_visible}),
        -- Name similarities of every subject either part ranks, once each (those of the
        -- trigram matches are known already).
        name_scores AS MATERIALIZED (
            SELECT s.id, coalesce(t.sim, similarity(lower(s.name), q.raw)) AS sim,
                   coalesce(t.wsim, word_similarity(q.norm, {SUBJECT_MATCH})) AS wsim
            FROM claims_subject s LEFT JOIN trigram t ON t.id = s.id, q
            WHERE s.id = ANY (ARRAY(
                SELECT id FROM subjects_found UNION SELECT subject_id FROM claims_found)))
        SELECT 'subject' AS type, f.id,
               f.text_rank + n.wsim + {NAME_CLOSENESS} * n.sim + f.bonus AS rank
        FROM subjects_found f JOIN name_scores n ON n.id = f.id
        UNION ALL
        SELECT 'claim', f.id, f.text_rank + 0.6 * greatest(n.sim, n.wsim)
        FROM claims_found f JOIN name_scores n ON n.id = f.subject_id
    """
    params += [query, normalised] + tsquery_params + subject_params
    params += tsquery_params + claim_params
    if _articles_allowed(filters):
        sql += """
        UNION ALL
        SELECT 'article', a.id, 2 * ts_rank(a.search_doc, q.tsq)
        FROM articles_article a, q
        WHERE a.status = 'published' AND (a.search_doc @@ q.tsq OR q.norm <%% lower(a.title))
        """
    sql += " ORDER BY rank DESC, type, id LIMIT %s"
    params.append(MAX_CANDIDATES)
    # The planner prices the trigram and full-text functions as nearly free, so on a large
    # catalogue it prefers scanning every row and calling them per row (measured at 46,000
    # claims: 460-1,080 ms) over the GIN indexes (43-290 ms). For this statement, prefer the
    # indexes. Sent in the same query string, SET LOCAL lasts only for its implicit
    # transaction (or the surrounding one), and costs no extra round trip.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; " + sql, params)
        rows = cursor.fetchall()
    return _order([(kind, pk, float(rank)) for kind, pk, rank in rows])


# ---------------------------------------------------------------------------------------------
# SQLite and any other database: normalised words, corrected spellings, LIKE matching


def _vocabulary():
    """Words of subject names and aliases (one query), for spelling correction."""
    vocab = {}
    for name, aliases in Subject.objects.values_list("name", "aliases"):
        for phrase in [name, *(aliases or [])]:
            for word in words(phrase):
                vocab.setdefault(word, phrase)
    return vocab


def _corrected(query_words, vocab):
    out = []
    for word in query_words:
        if word in vocab or len(word) < 4:
            out.append(word)
            continue
        close = difflib.get_close_matches(word, list(vocab), n=1, cutoff=0.75)
        out.append(close[0] if close else word)
    return out


def _phrase_score(query_words, phrase):
    """Share of the query's words found in the phrase (1.0: all of them)."""
    target = set(words(phrase))
    if not query_words or not target:
        return 0.0
    return sum(1 for w in query_words if w in target) / len(query_words)


def _fallback(query, filters):
    from articles.models import Article

    vocab = _vocabulary()
    qwords = _corrected(words(query), vocab)
    if not qwords:
        return []
    ranked = []
    subjects = list(
        Subject.objects.filter(_subject_filter(filters))
        .distinct()
        .only("id", "name", "aliases", "summary")
    )
    subject_scores = {}
    for subject in subjects:
        name = _phrase_score(qwords, subject.name)
        alias = max((_phrase_score(qwords, a) for a in subject.aliases or []), default=0.0)
        summary = _phrase_score(qwords, subject.summary)
        score = (
            2 * max(WEIGHTS["name"] * name, WEIGHTS["alias"] * alias) + WEIGHTS["summary"] * summary
        )
        names = {subject.name.lower(), *(a.lower() for a in subject.aliases or [])}
        if query.lower() in names:
            score += EXACT_NAME_BONUS
        closeness = difflib.SequenceMatcher(None, query.lower(), subject.name.lower()).ratio()
        score += NAME_CLOSENESS * closeness
        if score >= 0.9:  # most of the words name the subject, or all are in its summary
            subject_scores[subject.id] = max(name, alias)
            ranked.append(("subject", subject.id, score))
    word_q = Q()
    for word in qwords:
        word_q |= Q(text__icontains=word) | Q(outcome__icontains=word)
    claims = (
        Claim.objects.filter(_claim_filter(filters))
        .filter(word_q | Q(subject_id__in=list(subject_scores)))
        .distinct()
        .only("id", "text", "outcome", "conclusion_summary", "subject_id")
    )
    for claim in claims:
        text = _phrase_score(qwords, f"{claim.text} {claim.outcome}")
        score = WEIGHTS["claim"] * text + 0.6 * subject_scores.get(claim.subject_id, 0.0)
        if score > 0.2:
            ranked.append(("claim", claim.id, score))
    if _articles_allowed(filters):
        article_q = Q()
        for word in qwords:
            article_q |= Q(title__icontains=word) | Q(summary__icontains=word)
        for article in Article.objects.filter(article_q, status="published").only(
            "id", "title", "summary"
        ):
            score = 2 * _phrase_score(qwords, article.title) + WEIGHTS["summary"] * (
                _phrase_score(qwords, article.summary)
            )
            if score > 0.2:
                ranked.append(("article", article.id, score))
    return _order(ranked)[:MAX_CANDIDATES]


def _order(ranked):
    return sorted(ranked, key=lambda hit: (-round(hit[2], 6), TYPE_ORDER[hit[0]], hit[1]))


# ---------------------------------------------------------------------------------------------
# Hits: three queries whatever the page size


def _materialise(ranked, query):
    from articles.models import Article

    ids = {"subject": [], "claim": [], "article": []}
    for kind, pk, _ in ranked:
        ids[kind].append(pk)
    subjects = Subject.objects.in_bulk(ids["subject"]) if ids["subject"] else {}
    claims = (
        Claim.objects.select_related("subject", "current_rating").in_bulk(ids["claim"])
        if ids["claim"]
        else {}
    )
    articles = Article.objects.in_bulk(ids["article"]) if ids["article"] else {}
    hits = []
    for kind, pk, score in ranked:
        if kind == "subject" and pk in subjects:
            s = subjects[pk]
            hits.append(Hit("subject", s.slug, s.name, s.summary, s.get_absolute_url(), score, s))
        elif kind == "claim" and pk in claims:
            c = claims[pk]
            snippet = c.conclusion_summary or c.subject.name
            hits.append(Hit("claim", c.slug, c.text, snippet, c.get_absolute_url(), score, c))
        elif kind == "article" and pk in articles:
            a = articles[pk]
            hits.append(Hit("article", a.slug, a.title, a.summary, a.get_absolute_url(), score, a))
    return hits


def suggestions(query, *, limit=5):
    """Subject names close to what was typed, for an empty result (one query)."""
    names = dict(
        Subject.objects.filter(claims__status="published").distinct().values_list("name", "slug")
    )
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(query.lower(), list(lowered), n=limit, cutoff=0.4)
    return [(lowered[c], names[lowered[c]]) for c in close]


def ranked_ids(raw, *, kind):
    """Ids of the `kind` hits ("subject", "claim" or "article") for `raw`, best first: the
    same ranking as search(), for the API's list endpoints with `?q=`."""
    query = clean_query(raw)
    if not query:
        return []
    ranked = (_postgres if connection.vendor == "postgresql" else _fallback)(query, {})
    return [pk for hit_kind, pk, _ in ranked if hit_kind == kind]
