"""Crossref REST API: retractions, corrections and expressions of concern on stored DOIs.

What the provider documents (crossref.org, "REST API: access and authentication"): no key is
needed; a `mailto=` parameter or a contact address in the User-Agent puts requests in the
"polite" pool; the public and polite pools allow 50 requests per second and 5 concurrent
requests, 429 beyond (Crossref announced revised public and polite limits from 1 December
2025; we pace at 10 per second, one at a time, well inside either). `GET /works/{doi}`
answers `{"status": "ok", "message-type": "work", "message": {...}}`, 404 for an unknown
DOI. In `message`, `updated-by` lists the notices that update this work (Crossmark, now
including the Retraction Watch records Crossref distributes), `update-to` the works a
notice updates, each `{"DOI", "type": "retraction" | "correction" | "erratum" |
"expression_of_concern" | ..., "updated": {"date-parts": ...}}`; `relation` may carry
`is-retracted-by` / `is-corrected-by` style links to such notices. One DOI per request.
"""

from urllib.parse import quote

from django.conf import settings

from . import Connector

TYPES = {
    "retraction": "retracted",
    "withdrawal": "retracted",
    "removal": "retracted",
    "correction": "corrected",
    "erratum": "corrected",
    "corrigendum": "corrected",
    "expression_of_concern": "concern",
    "expression-of-concern": "concern",
}
RELATIONS = {
    "is-retracted-by": "retracted",
    "is-corrected-by": "corrected",
    "has-expression-of-concern": "concern",
}
WORDS = {
    "retracted": "was retracted",
    "corrected": "was corrected",
    "concern": "has an expression of concern",
}


def fetch_work(client, doi):
    """The `message` of /works/{doi}, or None if Crossref does not know the DOI."""
    answer = client.get_json(f"/works/{quote(doi, safe='/')}", missing_ok=True)
    if answer is None:
        return None
    return answer["message"]


def updates(doi, work):
    """[(kind, key, title, detail)] for one work."""
    out = []
    for entry in work.get("updated-by") or []:
        kind = TYPES.get(str(entry.get("type", "")).lower())
        if kind:
            notice = entry.get("DOI", "")
            out.append((kind, f"by:{notice}", f"DOI {doi} {WORDS[kind]}", f"Notice: {notice}"))
    for entry in work.get("update-to") or []:
        kind = TYPES.get(str(entry.get("type", "")).lower())
        if kind:
            target = entry.get("DOI", "")
            out.append(
                (
                    "concern",
                    f"to:{target}",
                    f"DOI {doi} is itself a {entry.get('type')} notice",
                    f"It updates {target}",
                )
            )
    for relation, kind in RELATIONS.items():
        for entry in (work.get("relation") or {}).get(relation) or []:
            notice = entry.get("id", "")
            key = f"by:{notice}"
            if not any(o[1] == key for o in out):
                out.append((kind, key, f"DOI {doi} {WORDS[kind]}", f"Notice: {notice}"))
    return out


class Crossref(Connector):
    name = "crossref"
    url_setting = "WATCH_CROSSREF_URL"
    min_interval = 0.1

    def params(self):
        return {"mailto": settings.WATCH_CONTACT_EMAIL} if settings.WATCH_CONTACT_EMAIL else {}

    def units(self):
        from claimcheck.claims.models import Source

        return list(Source.objects.exclude(doi="").order_by("doi").only("pk", "doi", "title"))

    def check(self, client, source, report):
        work = fetch_work(client, source.doi)
        if work is None:
            return
        report.add(
            updates(source.doi, work),
            external_id=f"DOI:{source.doi}",
            url=f"https://doi.org/{source.doi}",
            source=source,
        )
