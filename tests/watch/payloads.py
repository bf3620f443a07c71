"""Answers in each provider's documented format (see the connector modules' docstrings),
about the obviously fake identifiers of the test catalogue."""


def esummary(*records, unknown=()):
    """E-utilities esummary.fcgi?retmode=json."""
    result = {"uids": [r["uid"] for r in records] + list(unknown)}
    for record in records:
        result[record["uid"]] = record
    for uid in unknown:
        result[uid] = {"uid": uid, "error": "cannot get document summary"}
    return {"header": {"type": "esummary", "version": "0.3"}, "result": result}


def pubmed_record(pmid, *, pubtype=("Journal Article",), references=()):
    return {
        "uid": pmid,
        "pubdate": "2020 Jan",
        "source": "J Fake Dermatol",
        "title": f"A randomised trial of a fake serum ({pmid})",
        "pubtype": list(pubtype),
        "references": list(references),
        "articleids": [{"idtype": "pubmed", "idtypen": 1, "value": pmid}],
    }


def crossref_work(doi, *, updated_by=(), update_to=(), relation=None):
    """Crossref /works/{doi}."""
    message = {"DOI": doi, "type": "journal-article", "title": ["A fake study"]}
    if updated_by:
        message["updated-by"] = list(updated_by)
    if update_to:
        message["update-to"] = list(update_to)
    if relation:
        message["relation"] = relation
    return {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}


def ctgov_studies(*studies, next_page=None):
    """ClinicalTrials.gov /api/v2/studies."""
    answer = {"studies": list(studies)}
    if next_page:
        answer["nextPageToken"] = next_page
    return answer


def ctgov_study(nct, *, status="RECRUITING", has_results=False, results_date=None):
    status_module = {"overallStatus": status}
    if results_date:
        status_module["resultsFirstPostDateStruct"] = {"date": results_date}
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct, "briefTitle": f"Trial {nct}"},
            "statusModule": status_module,
        },
        "hasResults": has_results,
    }


def openfda(*results):
    return {
        "meta": {"results": {"skip": 0, "limit": 100, "total": len(results)}},
        "results": list(results),
    }


OPENFDA_NOT_FOUND = {"error": {"code": "NOT_FOUND", "message": "No matches found!"}}


def rss(*items):
    """An RSS 2.0 feed as FDA publishes its listings."""
    body = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link>"
        f"<description>{i.get('description', '')}</description>"
        f"<pubDate>Mon, 01 Dec 2026 12:00:00 EST</pubDate><guid>{i['link']}</guid></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Press Announcements</title><link>https://www.fda.gov/</link>"
        f"<description>FDA</description>{body}</channel></rss>"
    )
