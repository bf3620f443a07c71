#!/usr/bin/env python3
"""Scale curve (issue #7): search and list latency and query counts at 1,000, 10,000 and
100,000 synthetic claims, on PostgreSQL.

    .venv/bin/python bench/scale.py                     # 1000,10000,100000 (tops up in turn)
    .venv/bin/python bench/scale.py --sizes 1000,10000 --duration 5

For each size: `generate_synthetic_data --claims N` (top-up), ANALYZE, then with gunicorn as
in bench/run.py: wrk on search (page and API, every query distinct) and the API claim list
(distinct URLs, so never a cached answer), median of --repeat runs; and the number of queries
each page and endpoint costs, counted in-process with a cold cache. Pass: search p95 and list
p95 at the largest size at most 2x those at the smallest; query counts identical at every
size. `generate_synthetic_data --remove` deletes the synthetic rows afterwards.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402

ROWS = ["search-uncached", "api-search-uncached", "api-list-uncached", "api-list-filtered"]
COUNT_SCRIPT = """
import json, sys
import django
django.setup()
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
out = {}
for name, url in json.loads(sys.argv[1]).items():
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    out[name] = [status, len(queries)]
print(json.dumps(out))
"""


def query_counts(env, slug):
    urls = {
        "claim page": f"/claims/{slug}/",
        "API claim detail": f"/api/v1/claims/{slug}/",
        "API claim list (20)": "/api/v1/claims/?page_size=20",
        "API claim list (100)": "/api/v1/claims/?page_size=100",
        "search page": "/search/?q=retinol",
        "API search": "/api/v1/search/?q=retinol",
        "home": "/",
    }
    counted_env = dict(
        env,
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="claimcheck.settings",
        CONTENT_VERSION_PUSH="0",  # nothing kept in the process: cache.clear() empties all
    )
    counted_env["PYTHONPATH"] = str(run.ROOT)
    output = subprocess.run(
        [run.PYTHON, "-c", COUNT_SCRIPT, json.dumps(urls)],
        cwd=run.ROOT,
        env=counted_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--database", default="claimcheck_benchscale")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    args.db, args.claims = "postgres", 0
    run.ARGS = args
    env = run.app_env(args)
    run.prepare(args, env)
    curve = {}
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.time()
        run.manage(env, "generate_synthetic_data", "--claims", str(size))
        generated = time.time() - started
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", args.database, "-qc", "ANALYZE"],
            check=True,
        )
        run.flush_cache(args)
        base = f"http://127.0.0.1:{args.port}"
        with run.Server(args, env):
            slug = run.all_claim_slugs(base, 1)[0]
            settings = dict(run.endpoints(base, copy_check=False))
            settings["api-list-filtered"] = {
                "BENCH_PATHS": "/api/v1/claims/?page_size=20&verdict=unproven&ordering=-score",
                "BENCH_BUST": "1",
            }
            runs = {name: [] for name in ROWS}
            for _ in range(args.repeat):
                for name in ROWS:
                    runs[name].append(run.wrk(args, base, settings[name]))
        counts = query_counts(env, slug)
        curve[size] = {
            "generate_seconds": round(generated, 1),
            "medians": {name: run.median_of(values) for name, values in runs.items()},
            "queries": counts,
        }
        print(f"{size} claims: generated in {generated:.0f} s", file=sys.stderr, flush=True)
        for name in ROWS:
            row = curve[size]["medians"][name]
            print(
                f"  {name:<22} {row['rps']:>7.0f} req/s  p50 {row['p50_ms']:>7.1f}  "
                f"p95 {row['p95_ms']:>7.1f}  p99 {row['p99_ms']:>7.1f} ms",
                file=sys.stderr,
                flush=True,
            )
    sizes = list(curve)
    print(
        f"Scale curve (PostgreSQL, wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s, median of {args.repeat}; load average {os.getloadavg()[0]:.2f})"
    )
    header = f"{'endpoint':<22}" + "".join(f" {f'p95 @{n:,}':>14}" for n in sizes) + "   growth"
    print(header)
    for name in ROWS:
        p95s = [curve[n]["medians"][name]["p95_ms"] for n in sizes]
        growth = p95s[-1] / p95s[0]
        cells = "".join(f" {p:>11.1f} ms" for p in p95s)
        print(f"{name:<22}{cells}   {growth:.2f}x {'ok' if growth <= 2 else 'OVER 2x'}")
    print(f"\n{'queries (cold cache)':<22}" + "".join(f" {f'@{n:,}':>10}" for n in sizes))
    for name in curve[sizes[0]]["queries"]:
        cells = "".join(f" {curve[n]['queries'][name][1]:>10}" for n in sizes)
        same = len({curve[n]["queries"][name][1] for n in sizes}) == 1
        print(f"{name:<22}{cells}   {'fixed' if same else 'GROWS'}")
    print(
        "generation: " + ", ".join(f"{n:,} in {curve[n]['generate_seconds']:.0f} s" for n in sizes)
    )
    out = BENCH / "results" / f"scale-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(curve, indent=2))
    print(f"(raw: {out.relative_to(run.ROOT)})")


if __name__ == "__main__":
    main()
