"""PubMed E-utilities: retractions, errata and expressions of concern on stored PMIDs.

What the provider documents (NCBI, "A General Introduction to the E-utilities", NBK25497, and
the NLM support article KA-05510 on request rates): no more than 3 requests per second per
address without an API key, 10 per second with one (`api_key=`), 429 beyond that; `tool=` and
`email=` identify the caller. `esummary.fcgi?db=pubmed&id=...&retmode=json` answers
`{"result": {"uids": [...], "<pmid>": {"uid", "title", "pubtype": [...], "references":
[{"reftype": "Retraction in", "pmid": ...}], ...}}}`, an entry with `"error"` for an unknown
id; we send up to 200 PMIDs a request. A PubMed record of a retracted article carries the
publication type "Retracted Publication" and a "Retraction in" reference; a retraction
notice itself is typed "Retraction of Publication"; errata are "Erratum in" references (or
the type "Published Erratum"); expressions of concern are "Expression of concern in".

New systematic reviews (PubMedReviews, below): for each watched subject with a saved query
(Subject.review_query), `esearch.fcgi?db=pubmed&term=(<query>) AND (systematic review[pt] OR
meta-analysis[pt])&datetype=edat&reldate=<days>&retmode=json` answers `{"esearchresult":
{"count", "idlist": [...]}}`: the reviews entered in the last WATCH_REVIEW_DAYS days that the
catalogue does not store yet each become a finding on the subject.
"""

from django.conf import settings

from . import Connector, batches

BATCH = 200
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"

# reftype -> (kind, how the title says it)
REFERENCES = {
    "Retraction in": ("retracted", "was retracted"),
    "Erratum in": ("corrected", "has an erratum"),
    "Expression of concern in": ("concern", "has an expression of concern"),
}


def interval():
    return 0.1 if settings.WATCH_PUBMED_API_KEY else 1 / 3


def fetch_summaries(client, pmids):
    """{pmid: summary dict} for the PMIDs PubMed knows (unknown ones are left out)."""
    answer = client.get_json(
        "/esummary.fcgi", params={"db": "pubmed", "id": ",".join(pmids), "retmode": "json"}
    )
    result = answer["result"]
    return {uid: result[uid] for uid in result["uids"] if "error" not in result[uid]}


def notices(pmid, summary):
    """[(kind, key, title, detail)] for one PubMed summary."""
    out = []
    types = summary.get("pubtype") or []
    label = summary.get("title", "")[:200]
    if "Retracted Publication" in types:
        out.append(("retracted", "pubtype", f"PMID {pmid} was retracted", label))
    if "Retraction of Publication" in types:
        out.append(("concern", "notice", f"PMID {pmid} is itself a retraction notice", label))
    if "Published Erratum" in types:
        out.append(("corrected", "erratum", f"PMID {pmid} is an erratum notice", label))
    for ref in summary.get("references") or []:
        kind_title = REFERENCES.get(ref.get("reftype"))
        if kind_title is None:
            continue
        kind, words = kind_title
        if kind == "retracted" and any(o[0] == "retracted" for o in out):
            continue  # the type and the reference say the same thing once
        notice = ref.get("pmid") or ref.get("refsource", "")
        out.append((kind, f"ref:{notice}", f"PMID {pmid} {words}", ref.get("refsource", "")))
    return out


class PubMed(Connector):
    name = "pubmed"
    url_setting = "WATCH_PUBMED_URL"

    @property
    def min_interval(self):
        return interval()

    def params(self):
        params = {"tool": "claimcheck"}
        if settings.WATCH_CONTACT_EMAIL:
            params["email"] = settings.WATCH_CONTACT_EMAIL
        if settings.WATCH_PUBMED_API_KEY:
            params["api_key"] = settings.WATCH_PUBMED_API_KEY
        return params

    def units(self):
        from claimcheck.claims.models import Source

        sources = Source.objects.exclude(pmid="").order_by("pmid").only("pk", "pmid", "title")
        return batches(sources, BATCH)

    def check(self, client, unit, report):
        by_pmid = {s.pmid: s for s in unit}
        for pmid, summary in fetch_summaries(client, list(by_pmid)).items():
            source = by_pmid.get(str(pmid))
            if source is None:
                continue
            report.add(
                notices(pmid, summary),
                external_id=f"PMID:{pmid}",
                url=PUBMED.format(pmid),
                source=source,
            )


REVIEW_TYPES = "(systematic review[pt] OR meta-analysis[pt])"
REVIEWS_PER_SUBJECT = 100  # esearch's retmax: more than that in a window is a query to narrow


class PubMedReviews(PubMed):
    name = "pubmedreviews"

    def units(self):
        from . import watched_subjects

        return [s for s in watched_subjects() if s.review_query.strip()]

    def check(self, client, unit, report):
        from claimcheck.claims.models import Source

        answer = client.get_json(
            "/esearch.fcgi",
            params={
                "db": "pubmed",
                "term": f"({unit.review_query}) AND {REVIEW_TYPES}",
                "datetype": "edat",
                "reldate": settings.WATCH_REVIEW_DAYS,
                "retmax": REVIEWS_PER_SUBJECT,
                "retmode": "json",
            },
        )
        found = [str(pmid) for pmid in answer["esearchresult"]["idlist"]]
        stored = set(Source.objects.filter(pmid__in=found).values_list("pmid", flat=True))
        for pmid in found:
            if pmid in stored:
                continue
            title = f"New review on {unit.name}: PMID {pmid}"
            report.add(
                [("new_review", "review", title, f"matches {unit.review_query}")],
                external_id=f"PMID:{pmid}",
                url=PUBMED.format(pmid),
                subject=unit,
            )
