"""Every connector over the real starter catalogue (its stored PMIDs, DOIs, NCT and FDA
numbers, subjects and aliases), against a local server that knows none of them: each run is
ok, asks in the documented shapes, and records nothing."""

from claimcheck.claims.models import Source
from claimcheck.watch import jobs
from claimcheck.watch.models import Finding

from . import payloads as p
from .provider_server import Answer


def test_a_full_watch_of_the_starter_catalogue_runs_clean(provider, starter_data, settings):
    settings.WATCH_SOURCES = ["pubmed", "crossref", "clinicaltrials", "openfda", "fdaletters"]
    settings.WATCH_PUBMED_API_KEY = "test-key"
    settings.WATCH_OPENFDA_API_KEY = "test-fda-key"
    nothing = Answer(p.OPENFDA_NOT_FOUND, status=404)

    def anything(path, query):
        if path == "/eutils/esummary.fcgi":
            return Answer(p.esummary(unknown=query["id"].split(",")))
        if path.startswith("/crossref/works/"):
            return Answer("Resource not found.", status=404)
        if path == "/ctgov/api/v2/studies":
            return Answer(p.ctgov_studies())
        if path == "/fda/press/rss.xml":
            return Answer(p.rss(), content_type="application/rss+xml")
        return nothing

    provider._answer = anything
    summary = jobs.watch_run()
    assert {name: row["outcome"] for name, row in summary.items()} == dict.fromkeys(
        settings.WATCH_SOURCES, "ok"
    ), summary
    assert not Finding.objects.exists()
    # openFDA allows 1,000 requests a day without a key: recalls are searched 40 names at a
    # time, so a daily run of the whole starter catalogue fits many times over.
    assert summary["openfda"]["requests"] < 100

    stored = Source.objects.exclude(doi="").count()
    dois = [path for path, _, _ in provider.requests if path.startswith("/crossref/works/10.")]
    assert len(dois) == stored > 0  # one request per stored DOI, each a /works/{doi} path
    for path, query, _ in provider.requests:
        if path.startswith("/eutils/"):
            assert query["api_key"] == "test-key" and len(query["id"].split(",")) <= 200
        elif path.startswith("/crossref/"):
            assert query == {"mailto": "watch@claimcheck.example.org"}
        elif path.startswith("/openfda/"):
            assert query["api_key"] == "test-fda-key" and query["search"]
