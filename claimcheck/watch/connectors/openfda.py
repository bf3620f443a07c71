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
drug/enforcement searched by `product_description` for each watched subject's names,
reported in the last WATCH_RECALL_DAYS days.

Not done: De Novo numbers (DEN...) are not looked up (we have not confirmed which openFDA
endpoint carries them), and device/classification needs a product code, which Source does not
store.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from . import Connector, Seen, mentions, subject_terms, watched_subjects

RECALL_LIMIT = 100
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


def fetch_recalls(client, endpoint, term, since):
    """Enforcement reports whose product description matches `term`, reported since `since`."""
    search = f'product_description:"{term}" AND report_date:[{since:%Y%m%d} TO 29991231]'
    answer = client.get_json(
        endpoint, params={"search": search, "limit": RECALL_LIMIT}, missing_ok=True
    )
    return [] if answer is None else answer["results"]


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
        for subject in watched_subjects():
            for term in subject_terms(subject):
                units.extend(("recall", (endpoint, subject, term)) for endpoint in RECALL_ENDPOINTS)
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

    def _recalls(self, client, endpoint, subject, term, report):
        since = (timezone.now() - datetime.timedelta(days=settings.WATCH_RECALL_DAYS)).date()
        for recall in fetch_recalls(client, endpoint, term, since):
            description = recall.get("product_description", "")
            if not mentions(description, [term]):
                continue  # openFDA matches tokens; we want the whole name
            number = recall["recall_number"]
            report.found(
                Seen(
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
            )
