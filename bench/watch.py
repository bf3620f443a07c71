"""How long a full evidence watch of the catalogue takes at 1,000 and 100,000 stored
identifiers (issue 19).

Two numbers per provider:
- **within the published rate limit**: the requests a full pass needs (identifiers / batch
  size) times the connector's minimum interval between requests, the provider's published
  limit (claimcheck/watch/connectors/*.py cite it). This is the floor of a run's wall time;
  openFDA without a key is bound by its 1,000 requests a day instead.
- **own overhead**: the connectors' fetch functions timed against a local HTTP server
  answering in each provider's documented format, with the interval set to zero, so what is
  left is the client (requests, retries bookkeeping, JSON or XML parsing) and the local
  server. Measured at --measure identifiers (default 1,000) and scaled linearly to 100,000
  (marked "scaled") unless --measure is 100000.

No database and no network: the fetch functions take identifiers, not rows.

    .venv/bin/python bench/watch.py [--measure 1000]
"""

import argparse
import math
import os
import sys
import time
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimcheck.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("WATCH_MIN_INTERVAL", "0")

import django  # noqa: E402

django.setup()

from claimcheck.watch.client import Client  # noqa: E402
from claimcheck.watch.connectors import clinicaltrials, crossref, openfda, pubmed  # noqa: E402
from tests.watch import payloads as p  # noqa: E402
from tests.watch.provider_server import Answer, ProviderServer  # noqa: E402

SIZES = (1_000, 100_000)
DAY = 86_400

# provider -> (identifiers per request, seconds between requests, requests a day or None)
LIMITS = {
    "pubmed (no key, 3/s)": (pubmed.BATCH, 1 / 3, None),
    "pubmed (key, 10/s)": (pubmed.BATCH, 0.1, None),
    "crossref (10/s of 50/s)": (1, crossref.Crossref.min_interval, None),
    "clinicaltrials (50/min)": (
        clinicaltrials.BATCH,
        clinicaltrials.ClinicalTrials.min_interval,
        None,
    ),
    "openfda (no key, 240/min, 1,000/day)": (1, openfda.OpenFDA.min_interval, 1_000),
    "openfda (key, 240/min, 120,000/day)": (1, openfda.OpenFDA.min_interval, 120_000),
}


def wall(requests, interval, per_day):
    seconds = requests * interval
    if per_day is not None and requests > per_day:
        days = math.ceil(requests / per_day)
        return f"{days} days (daily cap)"
    return duration(seconds)


def duration(seconds):
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def serve():
    server = ProviderServer().start()

    def esummary(path, query):
        ids = query["id"].split(",")
        return Answer(p.esummary(*(p.pubmed_record(i) for i in ids)))

    def work(path, query):
        doi = unquote(path.split("/works/", 1)[1])
        return Answer(p.crossref_work(doi))

    def studies(path, query):
        ids = query["filter.ids"].split(",")
        return Answer(p.ctgov_studies(*(p.ctgov_study(i) for i in ids)))

    def k510(path, query):
        number = query["search"].split('"')[1]
        record = {"k_number": number, "decision_code": "SESE", "decision_date": "2020-01-01"}
        return Answer(p.openfda(record))

    server.route("/eutils/esummary.fcgi", esummary)
    server.routes["/crossref/works"] = []  # answered by prefix below
    server.route("/ctgov/studies", studies)
    server.route("/openfda/device/510k.json", k510)
    answer = server._answer

    def by_prefix(path, query):
        if path.startswith("/crossref/works/"):
            return work(path, query)
        return answer(path, query)

    server._answer = by_prefix
    return server


def measure(server, n):
    """{provider: (requests, seconds)} for n fake identifiers each."""
    pmids = [str(90_000_000 + i) for i in range(n)]
    dois = [f"10.99999/bench.{i}" for i in range(n)]
    ncts = [f"NCT9{i:07d}" for i in range(n)]
    ks = [f"K9{i:05d}" for i in range(n)]
    runs = {
        "pubmed": (
            "/eutils",
            lambda c: [pubmed.fetch_summaries(c, b) for b in chunks(pmids, pubmed.BATCH)],
        ),
        "crossref": ("/crossref", lambda c: [crossref.fetch_work(c, d) for d in dois]),
        "clinicaltrials": (
            "/ctgov",
            lambda c: [
                clinicaltrials.fetch_studies(c, b) for b in chunks(ncts, clinicaltrials.BATCH)
            ],
        ),
        "openfda": ("/openfda", lambda c: [openfda.fetch_record(c, k) for k in ks]),
    }
    out = {}
    for name, (prefix, run) in runs.items():
        client = Client(provider=name, base_url=server.url + prefix, min_interval=0)
        started = time.perf_counter()
        run(client)
        out[name] = (client.requests, time.perf_counter() - started)
        client.close()
    return out


def chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--measure", type=int, default=1_000)
    n = parser.parse_args().measure

    print("Full watch within the published rate limits (identifiers of one kind):")
    print(f"{'provider':<40}{'batch':>6}" + "".join(f"{f'{s:,} ids':>36}" for s in SIZES))
    for name, (batch, interval, per_day) in LIMITS.items():
        cells = []
        for size in SIZES:
            requests = math.ceil(size / batch)
            cells.append(f"{requests:,} req, {wall(requests, interval, per_day)}")
        print(f"{name:<40}{batch:>6}" + "".join(f"{c:>36}" for c in cells))

    server = serve()
    try:
        measured = measure(server, n)
    finally:
        server.stop()
    print()
    print(f"Connectors' own overhead against a local server, no pacing (measured at {n:,}):")
    print(
        f"{'provider':<16}{'requests':>10}{'ms/request':>12}{f'{n:,} ids':>12}{'100,000 ids':>22}"
    )
    for name, (requests, seconds) in measured.items():
        scaled = seconds * 100_000 / n
        label = duration(scaled) + ("" if n == 100_000 else " (scaled)")
        print(
            f"{name:<16}{requests:>10,}{seconds / requests * 1000:>12.2f}"
            f"{duration(seconds):>12}{label:>22}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
