#!/usr/bin/env python3
"""Held load (issue #7): mixed traffic at 80% of the measured capacity for five minutes.

    .venv/bin/python bench/hold.py                      # PostgreSQL app DB claimcheck_benchapp
    .venv/bin/python bench/hold.py --minutes 1 --skip-prepare

Traffic: search 30% (every query distinct, so never a page-cache hit), claim pages 40%
(100 claims, cached after their first view, as when a verdict goes viral), API 25% (claim
details, the claim list and API search), copy checker 5% (POST /api/v1/check/). First the
capacity of that mix is measured flat out (wrk -t2 -c16), then wrk holds 80% of it (a
per-connection pace, adjusted once a second). Worker memory (RSS of each gunicorn worker) is
sampled every 10 s. Pass: zero 5xx, p99 under 10x p50, memory after warm-up grows < 10%.
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402 - bench/run.py: server, wrk and preparation

WARM_UP = 60  # seconds before the memory baseline is taken


def mix(base):
    claims = run.all_claim_slugs(base, limit=100)
    paths = []

    def group(weight, entries):
        each = max(1, round(weight * 100 / len(entries)))
        paths.extend(f"{entry}*{each}" for entry in entries)

    group(30, [f"/search/?q={t.replace(' ', '+')}!" for t in run.SEARCH_TERMS])
    group(40, [f"/claims/{slug}/" for slug in claims])
    group(
        25,
        [f"/api/v1/claims/{slug}/" for slug in claims[:50]]
        + ["/api/v1/claims/?page_size=20!"] * 25
        + [f"/api/v1/search/?q={t.replace(' ', '+')}!" for t in run.SEARCH_TERMS] * 2,
    )
    if run.copy_checker(base):
        group(5, ["POST /api/v1/check/"])
    else:
        print("copy checker not in this build: its 5% slot is empty", file=sys.stderr)
    return {
        "BENCH_PATHS": "|".join(paths),
        "BENCH_BODY": json.dumps({"text": run.COPY_TEXT}),
        "BENCH_CTYPE": "application/json",
    }


def rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def sample_memory(server, samples, stop):
    started = time.time()
    while not stop.wait(10):
        pids = server.worker_pids()
        samples.append(
            {
                "t": round(time.time() - started),
                "workers": {pid: rss_kib(pid) for pid in pids},
            }
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--database", default="claimcheck_benchapp")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--claims", type=int, default=0)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--load", type=float, default=0.8, help="share of capacity to hold")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--duration", type=int, default=20, help="capacity run, seconds")
    parser.add_argument("--skip-prepare", action="store_true")
    args = parser.parse_args()
    run.ARGS = args

    env = run.app_env(args)
    if not args.skip_prepare:
        run.prepare(args, env)
    run.flush_cache(args)
    base = f"http://127.0.0.1:{args.port}"
    with run.Server(args, env) as server:
        traffic = mix(base)
        capacity = run.wrk(args, base, traffic)
        target = capacity["rps"] * args.load
        print(
            f"capacity of the mix: {capacity['rps']:.0f} req/s (p50 {capacity['p50_ms']:.1f} ms, "
            f"p99 {capacity['p99_ms']:.1f} ms); holding {target:.0f} req/s for "
            f"{args.minutes:g} min",
            flush=True,
        )
        held = dict(
            traffic,
            BENCH_RATE=f"{target / args.threads:.3f}",
            BENCH_CONNS=str(args.connections // args.threads),
        )
        samples, stop = [], threading.Event()
        sampler = threading.Thread(target=sample_memory, args=(server, samples, stop))
        sampler.start()
        try:
            result = run.wrk(args, base, held, duration=int(args.minutes * 60))
        finally:
            stop.set()
            sampler.join()

    def total(sample):
        return sum(v for v in sample["workers"].values() if v)

    baseline = next((s for s in samples if s["t"] >= WARM_UP), samples[0] if samples else None)
    last = samples[-1] if samples else None
    growth = (total(last) / total(baseline) - 1) if baseline and last else float("nan")
    ratio = result["p99_ms"] / result["p50_ms"] if result["p50_ms"] else float("inf")
    verdicts = {
        "zero 5xx": result["errors5xx"] == 0,
        "p99 < 10x p50": ratio < 10,
        "memory growth < 10% after warm-up": growth < 0.10,
    }
    print(
        f"held: {result['rps']:.0f} req/s ({result['rps'] / capacity['rps']:.0%} of capacity), "
        f"{result['requests']} requests, p50 {result['p50_ms']:.1f} ms, p95 "
        f"{result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms (p99/p50 {ratio:.1f}), "
        f"5xx {result['errors5xx']}, non-2xx/3xx {result['non2xx3xx']}"
    )
    if baseline and last:
        print(
            f"worker memory (RSS, {len(last['workers'])} workers): "
            f"{total(baseline) / 1024:.1f} MiB at {baseline['t']} s -> "
            f"{total(last) / 1024:.1f} MiB at {last['t']} s "
            f"({growth:+.1%})"
        )
    for name, ok in verdicts.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    out = BENCH / "results" / f"hold-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {"capacity": capacity, "held": result, "memory": samples, "verdicts": verdicts},
            indent=2,
        )
    )
    print(f"(raw: {out.relative_to(run.ROOT)}; load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
