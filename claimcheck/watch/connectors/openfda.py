"""openFDA: status changes and new submissions for stored FDA numbers, and recalls
(enforcement reports) that name a watched subject.

What the provider documents (open.fda.gov/apis/authentication and /apis/query-syntax): 240
requests a minute and 1,000 a day per address without a key; with a free key (`api_key=`)
240 a minute and 120,000 a day; 429 beyond. Every endpoint answers `{"meta": {"results":
{"skip", "limit", "total"}}, "results": [...]}` and a search with no match answers 404 with
`{"error": {"code": "NOT_FOUND"}}`; `limit` is at most 1,000. We pace at one request every
0.25 s (240 a minute); the daily cap without a key (1,000) is the real bound on a full run
(bench/watch.py).

Stored numbers and their endpoints: K... -> device/510k (`k_number`: decision code and date);
P... -> device/pma (`pma_number`: its supplements); NDA.../BLA... -> drug/drugsfda
(`application_number`: its submissions). A change since the last run (Observation) is a
finding; the first run only records what it saw. Recalls: device/enforcement and
drug/enforcement searched by `product_description` for the watched subjects' names (up to 40
names a search, OR-ed), reported in the last WATCH_RECALL_DAYS days, every page (`skip`, up to
openFDA's 25,000); each report is then matched to a subject by a whole name.

Not done: De Novo numbers (DEN...) are not looked up (we have not confirmed which openFDA
endpoint carries them), and device/classification needs a product code, which Source does not
store.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from . import Connector, Seen, mentions, subject_terms, watched_subjects

RECALL_LIMIT = 1000  # openFDA's largest page
RECALL_TERMS = 40  # subject names per search (the URL stays a few kilobytes)
MAX_SKIP = 25_000  # openFDA's pagination cap
RECALL_ENDPOINTS = ("/device/enforcement.json", "/drug/enforcement.json")


def record_endpoint(number):
    """(endpoint, search) for a stored FDA number, or None if it is not looked up."""
    if number.startswith("K"):
        return "/device/510k.json", f'k_number:"{number}"'
    if number.startswith("P"):
        return "/device/pma.json", f'pma_number:"{number.split("/")[0]}"'
    if number.startswith(("NDA", "BLA")):
        return "/drug/drugsfda.json", f'application_number:"{number}"'
    return None


def fetch_record(client, number):
    """The state openFDA holds for a stored number: a sorted list of strings (one per
    decision, supplement or submission), or None if openFDA has no record."""
    endpoint, search = record_endpoint(number)
    answer = client.get_json(endpoint, params={"search": search, "limit": 100}, missing_ok=True)
    if answer is None:
        return None
    results = answer["results"]
    if endpoint == "/device/510k.json":
        return sorted(
            f"{r['k_number']}:{r.get('decision_code', '')}:{r.get('decision_date', '')}"
            for r in results
        )
    if endpoint == "/device/pma.json":
        return sorted(
            f"{r.get('supplement_number') or 'original'}:{r.get('decision_code', '')}:"
            f"{r.get('decision_date', '')}"
            for r in results
        )
    return sorted(
        f"{s.get('submission_type', '')}-{s.get('submission_number', '')}:"
        f"{s.get('submission_status', '')}:{s.get('submission_status_date', '')}"
        for r in results
        for s in r.get("submissions") or []
    )


def fetch_recalls(client, endpoint, terms, since):
    """Enforcement reports whose product description matches any of `terms` (openFDA reads
    space-separated clauses as OR), reported since `since`, every page of them."""
    names = " ".join(f'product_description:"{term}"' for term in terms)
    search = f"({names}) AND report_date:[{since:%Y%m%d} TO 29991231]"
    results = []
    while True:
        params = {"search": search, "limit": RECALL_LIMIT, "skip": len(results)}
        answer = client.get_json(endpoint, params=params, missing_ok=True)
        if answer is None:
            return results
        results.extend(answer["results"])
        total = answer["meta"]["results"]["total"]
        if not answer["results"] or len(results) >= min(total, MAX_SKIP):
            return results


def recall_groups(subjects):
    """[(subject, terms)] lists of at most RECALL_TERMS names in all: one search each."""
    groups, current, size = [], [], 0
    for subject in subjects:
        terms = subject_terms(subject)
        if current and size + len(terms) > RECALL_TERMS:
            groups.append(current)
            current, size = [], 0
        current.append((subject, terms))
        size += len(terms)
    return groups + ([current] if current else [])


class OpenFDA(Connector):
    name = "openfda"
    url_setting = "WATCH_OPENFDA_URL"
    min_interval = 0.25

    def params(self):
        return {"api_key": settings.WATCH_OPENFDA_API_KEY} if settings.WATCH_OPENFDA_API_KEY else {}

    def units(self):
        from claimcheck.claims.models import Source

        sources = Source.objects.exclude(fda_number="").order_by("fda_number")
        units = [
            ("record", s)
            for s in sources.only("pk", "fda_number", "url")
            if record_endpoint(s.fda_number)
        ]
        for group in recall_groups(watched_subjects()):
            units.extend(("recall", (endpoint, group)) for endpoint in RECALL_ENDPOINTS)
        return units

    def check(self, client, unit, report):
        kind, target = unit
        if kind == "record":
            self._record(client, target, report)
        else:
            self._recalls(client, *target, report)

    def _record(self, client, source, report):
        from claimcheck.claims.models import fda_database_url

        from .. import services

        state = fetch_record(client, source.fda_number)
        if state is None:
            return
        previous = services.observation_update(
            provider=self.name, key=source.fda_number, value=state
        )
        if previous is None:
            return  # first look: the baseline
        added = [item for item in state if item not in previous]
        gone = [item for item in previous if item not in state]
        for item in added:
            report.found(
                Seen(
                    kind="new_fda_record",
                    title=f"New openFDA entry for {source.fda_number}: {item}"[:500],
                    detail=f"Not there at the last run: {item}",
                    external_id=source.fda_number,
                    url=fda_database_url(source.fda_number),
                    source=source,
                    key=item,
                )
            )
        if gone:
            report.found(
                Seen(
                    kind="status_changed",
                    title=f"openFDA entries for {source.fda_number} changed",
                    detail="No longer listed: " + "; ".join(gone),
                    external_id=source.fda_number,
                    url=fda_database_url(source.fda_number),
                    source=source,
                    key="gone:" + "|".join(gone),
                )
            )

    def _recalls(self, client, endpoint, group, report):
        since = (timezone.now() - datetime.timedelta(days=settings.WATCH_RECALL_DAYS)).date()
        terms = [term for _, names in group for term in names]
        for recall in fetch_recalls(client, endpoint, terms, since):
            description = recall.get("product_description", "")
            for subject, names in group:
                if mentions(description, names):  # openFDA matches tokens; we want the name
                    report.found(self._recall(endpoint, recall, subject, description))

    def _recall(self, endpoint, recall, subject, description):
        number = recall["recall_number"]
        return Seen(
            kind="recall",
            title=f"Recall {number} names {subject.name}: {description[:200]}",
            detail=(
                f"{recall.get('classification', '')}, {recall.get('status', '')}, "
                f"reported {recall.get('report_date', '')} by "
                f"{recall.get('recalling_firm', '')}. Reason: "
                f"{recall.get('reason_for_recall', '')}"
            ),
            external_id=number,
            url="https://www.accessdata.fda.gov/scripts/ires/index.cfm",
            subject=subject,
            key=endpoint,
        )
