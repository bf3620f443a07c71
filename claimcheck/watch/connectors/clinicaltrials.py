"""ClinicalTrials.gov API v2: status changes and posted results for stored NCT numbers.

What the provider documents (clinicaltrials.gov/data-api/api, the v2 OpenAPI description):
`GET /api/v2/studies?filter.ids=NCT...,NCT...&fields=...&pageSize=...` answers
`{"studies": [{"protocolSection": {"identificationModule": {"nctId", "briefTitle"},
"statusModule": {"overallStatus", "resultsFirstPostDateStruct": {"date"}}},
"hasResults": bool}], "nextPageToken": ...}` (a page without `nextPageToken` is the last).
It publishes no request rate limit and sends no rate-limit headers; its robots.txt asks for a
crawl delay of 1 second, and third-party guides to the API cite about 50 requests a minute,
so we keep the stricter: 1.2 seconds between requests. We ask for up to 100 ids a page.

A trial's status is compared with the one seen last time (Observation): a change is a
finding; the first time, only a stopped trial (terminated, withdrawn, suspended) is one.
Posted results are a finding once.
"""

from . import Connector, batches

BATCH = 100
STOPPED = {"TERMINATED", "WITHDRAWN", "SUSPENDED"}
FIELDS = "NCTId,BriefTitle,OverallStatus,HasResults,ResultsFirstPostDate"
STUDY = "https://clinicaltrials.gov/study/{}"


def fetch_studies(client, ncts):
    """{nct: {"title", "status", "has_results", "results_date"}} for the trials found."""
    out = {}
    params = {"filter.ids": ",".join(ncts), "fields": FIELDS, "pageSize": len(ncts)}
    while True:
        answer = client.get_json("/studies", params=params)
        for study in answer["studies"]:
            protocol = study["protocolSection"]
            status = protocol.get("statusModule") or {}
            nct = protocol["identificationModule"]["nctId"]
            out[nct] = {
                "title": protocol["identificationModule"].get("briefTitle", ""),
                "status": status.get("overallStatus", ""),
                "has_results": bool(study.get("hasResults")),
                "results_date": (status.get("resultsFirstPostDateStruct") or {}).get("date", ""),
            }
        token = answer.get("nextPageToken")
        if not token:
            return out
        params = {**params, "pageToken": token}


def changes(nct, study, previous):
    """[(kind, key, title, detail)] given what was seen before (None the first time)."""
    out = []
    status = study["status"]
    if study["has_results"]:
        out.append(
            (
                "results_posted",
                "results",
                f"{nct} posted results",
                f"Results first posted {study['results_date'] or '(date not given)'}.",
            )
        )
    before = (previous or {}).get("status")
    if previous is None and status in STOPPED:
        out.append(("status_changed", f"status:{status}", f"{nct} is {status.lower()}", ""))
    elif before is not None and before != status:
        out.append(
            (
                "status_changed",
                f"status:{before}->{status}",
                f"{nct} changed status: {before.lower()} to {status.lower()}",
                "",
            )
        )
    return out


class ClinicalTrials(Connector):
    name = "clinicaltrials"
    url_setting = "WATCH_CLINICALTRIALS_URL"
    min_interval = 1.2  # 50 a minute

    def units(self):
        from claimcheck.claims.models import Source

        sources = Source.objects.exclude(nct="").order_by("nct").only("pk", "nct", "title")
        return batches(sources, BATCH)

    def check(self, client, unit, report):
        from .. import services

        by_nct = {s.nct: s for s in unit}
        for nct, study in fetch_studies(client, list(by_nct)).items():
            source = by_nct.get(nct)
            if source is None:
                continue
            value = {"status": study["status"], "has_results": study["has_results"]}
            previous = services.observation_update(provider=self.name, key=nct, value=value)
            report.add(
                [
                    (kind, key, title, detail or study["title"][:300])
                    for kind, key, title, detail in changes(nct, study, previous)
                ],
                external_id=nct,
                url=STUDY.format(nct),
                source=source,
            )
