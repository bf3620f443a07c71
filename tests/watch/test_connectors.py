"""Each connector through watch_run, against answers in its provider's documented format
served over HTTP by the local server: what it finds, that a re-run finds nothing new, and
that a failing provider is recorded without stopping the others."""

import re

import pytest

from claimcheck.watch import jobs
from claimcheck.watch.models import Finding, WatchRun

from . import payloads as p
from .provider_server import Answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def enable(settings):
    def enable(*names):
        settings.WATCH_SOURCES = list(names)

    return enable


def test_pubmed_reports_a_retraction_and_an_erratum_on_stored_pmids(provider, catalogue, enable):
    enable("pubmed")
    provider.route(
        "/eutils/esummary.fcgi",
        Answer(
            p.esummary(
                p.pubmed_record(
                    "99000001",
                    pubtype=["Journal Article", "Retracted Publication"],
                    references=[
                        {
                            "refsource": "Retraction in: J Fake",
                            "reftype": "Retraction in",
                            "pmid": "99000009",
                        }
                    ],
                ),
                p.pubmed_record(
                    "99000002",
                    references=[
                        {
                            "refsource": "Erratum in: J Fake",
                            "reftype": "Erratum in",
                            "pmid": "99000008",
                        }
                    ],
                ),
            )
        ),
    )
    summary = jobs.watch_run()
    assert summary["pubmed"]["outcome"] == "ok"
    assert summary["pubmed"]["new"] == 2
    found = {(f.kind, f.source_id) for f in Finding.objects.all()}
    assert found == {("retracted", catalogue["study"].pk), ("corrected", catalogue["other"].pk)}
    ((_, query, _),) = provider.hits("/eutils/esummary.fcgi")
    assert query["db"] == "pubmed" and query["retmode"] == "json"
    assert set(query["id"].split(",")) == {"99000001", "99000002"}
    assert query["tool"] == "claimcheck" and query["email"] == "watch@claimcheck.example.org"


def test_a_second_run_records_no_duplicate(provider, catalogue, enable):
    enable("pubmed")
    provider.route(
        "/eutils/esummary.fcgi",
        Answer(p.esummary(p.pubmed_record("99000001", pubtype=["Retracted Publication"]))),
    )
    jobs.watch_run()
    again = jobs.watch_run()
    assert again["pubmed"] == {"outcome": "ok", "requests": 1, "findings": 1, "new": 0, "error": ""}
    assert Finding.objects.count() == 1
    assert WatchRun.objects.filter(provider="pubmed", outcome="ok").count() == 2


def test_pubmed_batches_at_most_200_pmids_a_request(provider, system_user, enable, settings):
    from tests.factories import SourceFactory

    SourceFactory.create_batch(201)
    enable("pubmed")
    provider.route("/eutils/esummary.fcgi", Answer(p.esummary()))
    assert jobs.watch_run()["pubmed"]["requests"] == 2
    sizes = sorted(len(q["id"].split(",")) for _, q, _ in provider.hits("/eutils/esummary.fcgi"))
    assert sizes == [1, 200]


def test_crossref_reports_updated_by_and_relation_notices(provider, catalogue, enable):
    enable("crossref")
    provider.route(
        "/crossref/works/10.99999/fake.1",
        Answer(
            p.crossref_work(
                "10.99999/fake.1",
                updated_by=[
                    {
                        "DOI": "10.99999/fake.notice",
                        "type": "retraction",
                        "source": "retraction-watch",
                    }
                ],
                relation={
                    "is-corrected-by": [
                        {"id": "10.99999/fake.fix", "id-type": "doi", "asserted-by": "subject"}
                    ]
                },
            )
        ),
    )
    summary = jobs.watch_run()
    assert summary["crossref"]["outcome"] == "ok"
    kinds = sorted(Finding.objects.values_list("kind", flat=True))
    assert kinds == ["corrected", "retracted"]
    assert Finding.objects.get(kind="retracted").url == "https://doi.org/10.99999/fake.1"


def test_crossref_skips_a_doi_it_does_not_know(provider, catalogue, enable):
    enable("crossref")
    provider.route("/crossref/works/10.99999/fake.1", Answer("Resource not found.", status=404))
    assert jobs.watch_run()["crossref"]["outcome"] == "ok"
    assert not Finding.objects.exists()


def test_clinicaltrials_reports_results_and_a_later_status_change(provider, catalogue, enable):
    enable("clinicaltrials")
    path = "/ctgov/api/v2/studies"
    provider.route(path, Answer(p.ctgov_studies(p.ctgov_study("NCT99000001"))))
    jobs.watch_run()
    assert not Finding.objects.exists()  # first look: a recruiting trial is the baseline
    provider.route(
        path,
        Answer(
            p.ctgov_studies(
                p.ctgov_study(
                    "NCT99000001", status="COMPLETED", has_results=True, results_date="2026-11-02"
                )
            )
        ),
    )
    jobs.watch_run()
    found = {f.kind: f for f in Finding.objects.all()}
    assert set(found) == {"results_posted", "status_changed"}
    assert found["status_changed"].title == ("NCT99000001 changed status: recruiting to completed")
    assert "2026-11-02" in found["results_posted"].detail
    _, query, _ = provider.hits(path)[-1]
    assert query["filter.ids"] == "NCT99000001"


def test_clinicaltrials_follows_next_page_tokens(provider, catalogue, enable):
    enable("clinicaltrials")
    provider.route(
        "/ctgov/api/v2/studies",
        Answer(p.ctgov_studies(next_page="tok2")),
        Answer(p.ctgov_studies(p.ctgov_study("NCT99000001", status="TERMINATED"))),
    )
    assert jobs.watch_run()["clinicaltrials"]["requests"] == 2
    assert Finding.objects.get().title == "NCT99000001 is terminated"


def test_openfda_reports_a_changed_510k_decision_and_recalls_naming_a_subject(
    provider, catalogue, enable
):
    enable("openfda")
    record = {"k_number": "K999001", "decision_code": "SESE", "decision_date": "2020-01-01"}

    def recalls(path, query):
        if '"exotest serum"' in query["search"]:
            return Answer(
                p.openfda(
                    {
                        "recall_number": "Z-9999-2026",
                        "product_description": "Exotest Serum, 30 ml vials",
                        "classification": "Class II",
                        "status": "Ongoing",
                        "report_date": "20261101",
                        "recalling_firm": "Fake Labs",
                        "reason_for_recall": "Microbial contamination",
                    }
                )
            )
        return Answer(p.OPENFDA_NOT_FOUND, status=404)

    provider.route("/openfda/device/510k.json", Answer(p.openfda(record)))
    provider.route("/openfda/device/enforcement.json", recalls)
    provider.route("/openfda/drug/enforcement.json", Answer(p.OPENFDA_NOT_FOUND, status=404))
    first = jobs.watch_run()["openfda"]
    assert first["outcome"] == "ok"
    assert list(Finding.objects.values_list("kind", "external_id")) == [("recall", "Z-9999-2026")]
    assert Finding.objects.get().subject == catalogue["subject"]

    provider.route(
        "/openfda/device/510k.json", Answer(p.openfda({**record, "decision_code": "SESU"}))
    )
    jobs.watch_run()
    kinds = sorted(Finding.objects.values_list("kind", flat=True))
    assert kinds == ["new_fda_record", "recall", "status_changed"]
    _, query, _ = provider.hits("/openfda/device/510k.json")[-1]
    assert query["search"] == 'k_number:"K999001"'


def test_fda_feed_items_naming_a_subject_become_findings(provider, catalogue, enable):
    enable("fdaletters")
    provider.route(
        "/fda/press/rss.xml",
        Answer(
            p.rss(
                {
                    "title": "FDA issues warning letter to firm selling Exotest products",
                    "link": "https://www.fda.gov/fake/exotest-letter",
                    "description": "Unapproved exotest serum marketed for skin rejuvenation.",
                },
                {"title": "FDA approves a new vaccine", "link": "https://www.fda.gov/fake/other"},
            ),
            content_type="application/rss+xml",
        ),
    )
    assert jobs.watch_run()["fdaletters"]["outcome"] == "ok"
    finding = Finding.objects.get()
    assert (finding.kind, finding.subject) == ("warning_letter", catalogue["subject"])
    assert finding.url == "https://www.fda.gov/fake/exotest-letter"


def test_a_feed_that_is_not_rss_fails_the_run_with_the_reason(provider, catalogue, enable):
    enable("fdaletters")
    provider.route(
        "/fda/press/rss.xml",
        Answer("<html><body>Maintenance</body></html>", content_type="text/html"),
    )
    result = jobs.watch_run()["fdaletters"]
    assert result["outcome"] == "failed"
    assert "not an RSS 2.0 feed" in result["error"]


def test_a_failing_provider_is_recorded_and_the_others_still_run(provider, catalogue, enable):
    enable("pubmed", "crossref")
    provider.route("/eutils/esummary.fcgi", Answer({"error": "down"}, status=500))
    provider.route(
        "/crossref/works/10.99999/fake.1",
        Answer(
            p.crossref_work(
                "10.99999/fake.1", updated_by=[{"DOI": "10.99999/n", "type": "retraction"}]
            )
        ),
    )
    summary = jobs.watch_run()
    assert summary["pubmed"]["outcome"] == "failed"
    assert "HTTP 500" in summary["pubmed"]["error"]
    assert summary["pubmed"]["requests"] == 3
    assert summary["crossref"]["outcome"] == "ok"
    run = WatchRun.objects.get(provider="pubmed")
    assert run.outcome == "failed" and "HTTP 500" in run.error and run.finished is not None
    assert Finding.objects.get().provider == "crossref"


def test_malformed_json_fails_only_its_batch(provider, catalogue, enable, settings):
    from claimcheck.watch.connectors import pubmed

    enable("pubmed")
    settings.WATCH_RETRIES = 0
    provider.route("/eutils/esummary.fcgi", Answer(b'{"result": {"uids": ["99'))
    result = jobs.watch_run()["pubmed"]
    assert result["outcome"] == "failed" and "not JSON" in result["error"]
    assert pubmed.BATCH == 200


def test_an_answer_missing_documented_fields_is_reported_as_such(provider, catalogue, enable):
    enable("pubmed")
    provider.route("/eutils/esummary.fcgi", Answer({"header": {}, "esummaryresult": ["error"]}))
    result = jobs.watch_run()["pubmed"]
    assert result["outcome"] == "failed"
    assert "not in the documented format" in result["error"]


def test_a_slow_provider_is_recorded_as_failed(provider, catalogue, enable, settings):
    enable("crossref")
    settings.WATCH_RETRIES = 0
    provider.route("/crossref/works/10.99999/fake.1", Answer({}, delay=0.6))
    result = jobs.watch_run()["crossref"]
    assert result["outcome"] == "failed" and "ReadTimeout" in result["error"]


def test_a_rate_limited_provider_answered_after_retry_after_is_ok(provider, catalogue, enable):
    enable("pubmed")
    provider.route(
        "/eutils/esummary.fcgi",
        Answer({}, status=429, headers={"Retry-After": "0"}),
        Answer(p.esummary(p.pubmed_record("99000001", pubtype=["Retracted Publication"]))),
    )
    result = jobs.watch_run()["pubmed"]
    assert (result["outcome"], result["requests"], result["new"]) == ("ok", 2, 1)


def test_a_connector_not_enabled_does_not_run(provider, catalogue, enable):
    enable("crossref")
    with pytest.raises(jobs.UnknownSource, match="not enabled"):
        jobs.watch_run(source="pubmed")
    enable()
    assert jobs.watch_run() == {}
    assert provider.requests == []


def test_a_failed_request_fails_only_its_unit_and_the_run_is_partial(provider, catalogue, enable):
    from tests.factories import SourceFactory

    SourceFactory(pmid="", doi="10.99999/fake.2")
    enable("crossref")
    provider.route("/crossref/works/10.99999/fake.1", Answer({}, status=502))
    provider.route(
        "/crossref/works/10.99999/fake.2",
        Answer(
            p.crossref_work(
                "10.99999/fake.2", updated_by=[{"DOI": "10.99999/n", "type": "retraction"}]
            )
        ),
    )
    result = jobs.watch_run()["crossref"]
    assert (result["outcome"], result["new"]) == ("partial", 1)
    assert "HTTP 502" in result["error"]
    assert WatchRun.objects.get().outcome == "partial"


def test_a_provider_still_rate_limiting_after_the_retries_is_not_asked_again_this_run(
    provider, catalogue, enable
):
    from tests.factories import SourceFactory

    SourceFactory(pmid="", doi="10.99999/fake.2")
    enable("crossref")
    limited = Answer({}, status=429, headers={"Retry-After": "0"})
    provider.route("/crossref/works/10.99999/fake.1", limited)
    provider.route("/crossref/works/10.99999/fake.2", limited)
    result = jobs.watch_run()["crossref"]
    assert result["outcome"] == "failed"
    assert result["requests"] == 3  # one DOI's three attempts; the second DOI is not asked
    assert "rate limit is reached" in result["error"]


def test_a_rerun_that_finds_nothing_new_leaves_the_content_version_alone(
    provider, catalogue, enable, django_capture_on_commit_callbacks
):
    enable("pubmed")
    provider.route(
        "/eutils/esummary.fcgi",
        Answer(p.esummary(p.pubmed_record("99000001", pubtype=["Retracted Publication"]))),
    )
    with django_capture_on_commit_callbacks() as first:
        jobs.watch_run()
    assert first  # the new finding moves the version (its notice is public)
    with django_capture_on_commit_callbacks() as again:
        jobs.watch_run()
    assert again == []  # last_seen moved without a signal: pages stay warm
    assert Finding.objects.get().last_seen > Finding.objects.get().first_seen


def test_a_feed_with_a_dtd_is_refused_before_it_is_parsed(provider, catalogue, enable):
    enable("fdaletters")
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "exotest exotest">]>'
        '<rss version="2.0"><channel><item><title>&a;</title></item></channel></rss>'
    )
    provider.route("/fda/press/rss.xml", Answer(bomb, content_type="application/rss+xml"))
    result = jobs.watch_run()["fdaletters"]
    assert result["outcome"] == "failed" and "DTD" in result["error"]
    assert not Finding.objects.exists()


def test_recall_searches_or_the_names_and_follow_every_page(provider, catalogue, enable):
    enable("openfda")
    pages = []

    def recalls(path, query):
        pages.append(int(query["skip"]))
        number = f"Z-999{query['skip']}-2026"
        page = p.openfda({"recall_number": number, "product_description": "Exotest serum"})
        page["meta"]["results"]["total"] = 2  # two reports, one a page
        return Answer(page)

    provider.route("/openfda/device/510k.json", Answer(p.OPENFDA_NOT_FOUND, status=404))
    provider.route("/openfda/device/enforcement.json", recalls)
    provider.route("/openfda/drug/enforcement.json", Answer(p.OPENFDA_NOT_FOUND, status=404))
    jobs.watch_run()
    assert pages == [0, 1]
    _, query, _ = provider.hits("/openfda/device/enforcement.json")[0]
    names, dates = query["search"].split(") AND ")
    clauses = re.findall(r'product_description:"[^"]*"', names)
    assert names == "(" + " ".join(clauses)  # one search, the names OR-ed
    assert {'product_description:"exotest serum"', 'product_description:"exotest"'} <= set(clauses)
    assert dates.startswith("report_date:[")
    assert sorted(Finding.objects.values_list("external_id", flat=True)) == [
        "Z-9990-2026",
        "Z-9991-2026",
    ]


def test_pubmed_reviews_reports_new_reviews_of_a_subject_not_stored_yet(
    provider, catalogue, enable
):
    subject = catalogue["subject"]
    subject.review_query = "exotest[tiab] AND skin[tiab]"
    subject.save(update_fields=["review_query"])
    enable("pubmedreviews")
    found = {"esearchresult": {"count": "2", "idlist": ["99000001", "99000077"]}}
    provider.route("/eutils/esearch.fcgi", Answer(found))
    summary = jobs.watch_run()["pubmedreviews"]
    assert (summary["outcome"], summary["new"]) == ("ok", 1)  # 99000001 is stored already
    finding = Finding.objects.get(kind="new_review")
    assert finding.subject == subject and finding.external_id == "PMID:99000077"
    assert "https://pubmed.ncbi.nlm.nih.gov/99000077/" == finding.url
    ((_, query, _),) = provider.hits("/eutils/esearch.fcgi")
    assert query["term"] == (
        "(exotest[tiab] AND skin[tiab]) AND (systematic review[pt] OR meta-analysis[pt])"
    )
    assert (query["datetype"], query["reldate"]) == ("edat", "90")
    assert jobs.watch_run()["pubmedreviews"]["new"] == 0  # a re-run records it once


def test_pubmed_reviews_asks_nothing_for_subjects_without_a_query(provider, catalogue, enable):
    enable("pubmedreviews")
    assert jobs.watch_run()["pubmedreviews"]["requests"] == 0
    assert not provider.hits("/eutils/esearch.fcgi")
