#!/usr/bin/env python3
"""ClaimCheck benchmark harness: one command, every ratio target of issues #7 and #21.

    .venv/bin/python bench/run.py                     # PostgreSQL, 3 repeats of 10 s each
    .venv/bin/python bench/run.py --db sqlite --redis none   # the embedded default
    .venv/bin/python bench/run.py --only page-hit,api-304 --repeat 5
    .venv/bin/python bench/run.py --nginx             # also through the nginx edge cache

It prepares a database (migrate, starter data, optional synthetic claims), starts gunicorn
in production mode (DEBUG off, sync, 5 workers, Redis cache, BENCH_ENDPOINTS on for the floor
views) and, beside it under the same gunicorn settings, the bare floor (bench/bare.py: Django
with no middleware), drives each endpoint with `wrk -t2 -c16 -d10s`, repeats the whole round
(the floors first in each round, so they alternate with the project), and prints the medians:
requests per second, p50, p95 and p99 latency and the ratio to each floor measured in the same
run: the bare floor (issue #21's targets) and floor-json, a plain view behind the project's
whole middleware stack (issue #7's targets). Results are also written to bench/results/.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DRIVE = str(BENCH / "wrk" / "drive.lua")

ARGS = None
# Issue #21: minimum ratios to the bare floor (bench/bare.py: Django with no middleware).
BARE_TARGETS = {
    "page-hit": 0.75,
    "page-304": 0.70,
    "api-detail-hit": 0.40,
    "api-304": 0.70,
    "api-list-hit": 0.20,
}
TARGETS = {  # issue #7: minimum ratios to floor-json (the project's whole middleware stack)
    "page-hit": 0.75,
    "page-uncached": 0.25,
    "page-304": 0.60,
    "api-304": 0.60,
    "api-detail-uncached": 0.30,
    "page-cold": 0.25,
    "api-detail-cold": 0.30,
    "api-list-uncached": 0.12,
    # Issue #19: every claim in turn right after a publish, once its warm pass has finished.
    "page-after-publish": 0.25,
    "api-after-publish": 0.30,
}
SEARCH_TERMS = [
    "retinol",
    "exosome",
    "collagen",
    "niacinamide",
    "vitamin c",
    "peptide",
    "hyaluronic",
    "wrinkles",
    "acne",
    "sunscreen",
    "retinl",
    "microneedling",
]


def app_env(args):
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-only-not-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SECURE_COOKIES="0",
        BENCH_ENDPOINTS="1",
        # The anonymous API limit (60/min) would answer the benchmark with 429s.
        API_RATE_ANON="100000000/min",
        API_RATE_COPY_CHECK="100000000/min",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(ROOT / "staticfiles"),
        BENCH_BIND=f"127.0.0.1:{args.port}",
        BENCH_WORKERS=str(args.workers),
    )
    if args.db == "postgres":
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{BENCH / 'results' / (args.database + '.sqlite3')}"
    env["REDIS_URL"] = args.redis if args.redis != "none" else ""
    # Warm after a change: with Redis, a job worker (Worker below) builds the pages again
    # after each publish, for readers of this address (wrk's Host).
    env["SITE_URL"] = f"http://127.0.0.1:{args.port}"
    env["WARM_AFTER_CHANGE"] = "worker" if args.redis != "none" else "off"
    if args.redis != "none":
        env["JOBS_BROKER_URL"] = args.redis.rsplit("/", 1)[0] + "/6"
    return env


def manage(env, *command, quiet=True):
    out = subprocess.DEVNULL if quiet else None
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=out)


def prepare(args, env):
    (BENCH / "results").mkdir(exist_ok=True)
    if args.db == "postgres":
        exists = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname = '{args.database}'",  # noqa: S608
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=True
            )
    manage(env, "migrate", "--no-input")
    manage(env, "load_starter_data")
    if args.claims:
        manage(env, "generate_synthetic_data", "--claims", str(args.claims), quiet=False)
    manage(env, "collectstatic", "--no-input")


VERSION_CHANNEL = "claimcheck:content-version:changed"  # freshness/__init__.py CHANNEL


def flush_cache(args):
    """Empty the shared cache and move the content version on, as a publish would: every
    worker re-reads the version and drops what it kept in its own memory. Without Redis the
    version is in the database (`manage.py content_version --bump`)."""
    if args.redis != "none":
        for command in (["FLUSHDB"], ["PUBLISH", VERSION_CHANNEL, ""]):
            subprocess.run(
                ["redis-cli", "-u", args.redis, *command], check=True, stdout=subprocess.DEVNULL
            )
    else:
        manage(app_env(args), "content_version", "--bump")


class Server:
    def __init__(self, args, env):
        self.args, self.env, self.process = args, env, None

    def __enter__(self):
        self.process = subprocess.Popen(
            [GUNICORN, "claimcheck.wsgi", "-c", str(BENCH / "gunicorn.conf.py")],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        wait_ready(f"http://127.0.0.1:{self.args.port}/healthz")
        return self

    def worker_pids(self):
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        return [int(p) for p in found]

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class BareServer:
    """The bare floor (bench/bare.py) under the same gunicorn settings, one port up."""

    def __init__(self, args, env):
        self.port = args.port + 1
        self.env = dict(env, BENCH_APP="bare", BENCH_BIND=f"127.0.0.1:{self.port}")
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = None
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.process = subprocess.Popen(
            [GUNICORN, "bare:application", "--chdir", str(BENCH), "-c", "gunicorn.conf.py"],
            cwd=BENCH,
            env=self.env,
            start_new_session=True,
        )
        wait_ready(f"{self.base}/bench/json")
        return self

    def __exit__(self, *exc):
        Server.__exit__(self, *exc)


class Worker:
    """The job queue's worker (celery), as the compose stack runs it, for the rows measured
    right after a publish. Only with Redis (without it a pass runs in the web process whose
    request made the change, and the bench's publish is a command)."""

    def __init__(self, args, env):
        self.args, self.env, self.process = args, env, None

    def __enter__(self):
        if self.args.redis == "none":
            return self
        subprocess.run(
            ["redis-cli", "-u", self.env["JOBS_BROKER_URL"], "FLUSHDB"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "celery"),
                "-A",
                "claimcheck",
                "worker",
                "--concurrency=2",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        return self

    def __exit__(self, *exc):
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


PUBLISH = """
import time
from claimcheck import freshness
from claimcheck.claims import services
from claimcheck.claims.models import Claim
claim = Claim.objects.filter(status="published").order_by("slug").first()
services.appearance_add(
    by=services.system_user(), claim=claim, url=f"https://example.org/bench/{time.time_ns()}"
)
print(f"{freshness.current():x}")
"""
WARMED = (
    "SELECT count(*) FROM django_celery_results_taskresult WHERE status = 'SUCCESS' "
    "AND task_name = 'freshness.warm_after_change' AND result LIKE '%{version}%done%'"
)
PASSES = []  # seconds from each bench publish to the end of its warm pass


def publish_and_wait(args, env, timeout=600):
    """A real publish-side change (an appearance added to a published claim, through the
    services), then wait for the worker's warm pass of the version it made to finish."""
    started = time.monotonic()
    version = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", PUBLISH],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    query = WARMED.format(version=version)
    while time.monotonic() - started < timeout:
        if args.db == "postgres":
            found = subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", args.database, "-tAc", query],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        else:
            import sqlite3

            with sqlite3.connect(BENCH / "results" / (args.database + ".sqlite3")) as db:
                found = str(db.execute(query).fetchone()[0])
        if found not in ("", "0"):
            PASSES.append(time.monotonic() - started)
            return
        time.sleep(0.5)
    raise SystemExit(f"the warm pass of {version} did not finish in {timeout} s")


def wait_ready(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - http only
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"server did not become ready: {url}")


def fetch(url, *, method="GET", data=None, headers=None):
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def all_claim_slugs(base, limit=2000):
    slugs, page = [], 1
    while len(slugs) < limit:
        status, _, body = fetch(f"{base}/api/v1/claims/?page_size=100&page={page}")
        if status != 200:
            break
        data = json.loads(body)
        slugs += [c["slug"] for c in data["results"]]
        if not data.get("next"):
            break
        page += 1
    return slugs


def endpoints(base, edge=None, copy_check=True, bare=None):
    """Every endpoint of the table: (name, wrk environment, or a function giving it).
    copy_check=False leaves out the copy checker (bench/scale.py measures only search and
    lists, and at 100,000 claims the checker's first index build can outlast the probe)."""
    claims = all_claim_slugs(base)
    starter = [s for s in claims if not s.startswith("synthetic-")] or claims
    slug = sorted(starter)[0]
    page = f"/claims/{slug}/"
    api = f"/api/v1/claims/{slug}/"

    def conditional(path):
        def settings():  # the validator current now (a cold row may have emptied the cache)
            _, headers, _ = fetch(base + path)
            return {"BENCH_PATHS": path, "BENCH_HEADERS": f"If-None-Match: {headers['ETag']}"}

        return settings

    def cold(paths):
        def settings():  # as right after a publish: nothing cached, nothing built
            flush_cache(ARGS)
            return {"BENCH_PATHS": "|".join(paths), "BENCH_BUST": "1"}

        return settings

    result = [("floor-bare", {"BENCH_PATHS": "/bench/json", "BENCH_BASE": bare})] if bare else []
    result += [
        ("floor-json", {"BENCH_PATHS": "/bench/json"}),
        ("floor-row", {"BENCH_PATHS": "/bench/row"}),
        ("page-hit", {"BENCH_PATHS": page}),
        ("page-uncached", {"BENCH_PATHS": page, "BENCH_BUST": "1"}),
        ("page-304", conditional(page)),
        ("api-detail-hit", {"BENCH_PATHS": api}),
        ("api-detail-uncached", {"BENCH_PATHS": api, "BENCH_BUST": "1"}),
        ("api-304", conditional(api)),
        ("api-list-hit", {"BENCH_PATHS": "/api/v1/claims/?page_size=20"}),
        ("api-list-uncached", {"BENCH_PATHS": "/api/v1/claims/?page_size=20", "BENCH_BUST": "1"}),
        (
            "search-uncached",
            {
                "BENCH_PATHS": "|".join(f"/search/?q={t.replace(' ', '+')}" for t in SEARCH_TERMS),
                "BENCH_BUST": "1",
            },
        ),
        (
            "api-search-uncached",
            {
                "BENCH_PATHS": "|".join(
                    f"/api/v1/search/?q={t.replace(' ', '+')}" for t in SEARCH_TERMS
                ),
                "BENCH_BUST": "1",
            },
        ),
    ]
    check = copy_checker(base) if copy_check else None
    if check:
        result.append(("copy-check", check))
    if edge:
        result += [
            ("nginx-static", {"BENCH_PATHS": edge["static"], "BENCH_BASE": edge["base"]}),
            ("nginx-page-hit", {"BENCH_PATHS": page, "BENCH_BASE": edge["base"]}),
            ("nginx-api-hit", {"BENCH_PATHS": api, "BENCH_BASE": edge["base"]}),
        ]
    # Last in each round, since they empty the cache: every claim in turn, nothing prebuilt.
    result += [
        ("page-cold", cold([f"/claims/{s}/" for s in claims])),
        ("api-detail-cold", cold([f"/api/v1/claims/{s}/" for s in claims])),
    ]
    if ARGS.redis != "none":

        def after_publish(paths, bust=False):
            def settings():  # a real publish, and its warm pass finished (Worker)
                publish_and_wait(ARGS, app_env(ARGS))
                return {"BENCH_PATHS": "|".join(paths), **({"BENCH_BUST": "1"} if bust else {})}

            return settings

        result += [
            ("page-after-publish", after_publish([f"/claims/{s}/" for s in claims])),
            ("api-after-publish", after_publish([f"/api/v1/claims/{s}/" for s in claims])),
            (
                "page-after-publish-bust",
                after_publish([f"/claims/{s}/" for s in claims], bust=True),
            ),
        ]
    return result


COPY_TEXT = (
    "Our exosome serum stimulates collagen and reverses wrinkles in 7 days. "
    "Clinically proven retinol alternative."
)


def copy_checker(base):
    """The copy checker (POST /api/v1/check/) if it exists in this build, else None."""
    body = json.dumps({"text": COPY_TEXT}).encode()
    status, _, _ = fetch(
        f"{base}/api/v1/check/",
        method="POST",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    if status in (404, 405):
        return None
    return {
        "BENCH_PATHS": "/api/v1/check/",
        "BENCH_METHOD": "POST",
        "BENCH_BODY": json.dumps({"text": COPY_TEXT}),
        "BENCH_CTYPE": "application/json",
    }


LINE = re.compile(r"BENCH p50=(\d+) p95=(\d+) p99=(\d+) errors5xx=(\d+) requests=(\d+)")


def wrk(args, base, settings, *, duration=None, connections=None, threads=None):
    env = dict(os.environ, **settings)
    url = env.pop("BENCH_BASE", base)
    command = [
        "wrk",
        f"-t{threads or args.threads}",
        f"-c{connections or args.connections}",
        f"-d{duration or args.duration}s",
        "--timeout",
        "10s",
        "-s",
        DRIVE,
        url,
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    p50, p95, p99, errors, total = (int(v) for v in LINE.search(output).groups())
    return {
        "rps": rps,
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "errors5xx": errors,
        "non2xx3xx": int(non_ok.group(1)) if non_ok else 0,
        "requests": total,
    }


def median_of(runs):
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _against(row, floor, targets, name):
    """(ratio, target, met) as table cells, for one floor."""
    if floor is None:
        return "", "", ""
    ratio = row["rps"] / floor["rps"]
    target = targets.get(name)
    met = "" if target is None else ("yes" if ratio >= target else "NO")
    return f"{ratio:.0%}", "" if target is None else f"{target:.0%}", met


def table(results):
    """Every row against the bare floor (issue #21's targets) and against floor-json, the
    project's whole middleware stack (issue #7's targets)."""
    bare, stack = results.get("floor-bare"), results.get("floor-json")
    lines = [
        f"{'endpoint':<22} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'/bare':>6} {'target':>7} {'ok':<3} {'/stack':>7} {'target':>7} {'ok':<3} non-2xx/3xx",
        "-" * 110,
    ]
    for name, row in results.items():
        ratio_b, target_b, met_b = _against(row, bare, BARE_TARGETS, name)
        ratio_s, target_s, met_s = _against(row, stack, TARGETS, name)
        lines.append(
            f"{name:<22} {row['rps']:>9.0f} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
            f"{row['p99_ms']:>8.2f} {ratio_b:>6} {target_b:>7} {met_b:<3} {ratio_s:>7} "
            f"{target_s:>7} {met_s:<3} {row['non2xx3xx']:.0f}"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--database",
        default="claimcheck_benchapp",
        help="PostgreSQL database name (or SQLite file stem) to use",
    )
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/5",
        help="Redis URL for the shared cache ('none': in-process cache)",
    )
    parser.add_argument(
        "--claims", type=int, default=0, help="first generate this many synthetic claims"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument("--skip-prepare", action="store_true")
    parser.add_argument(
        "--nginx",
        action="store_true",
        help="also run docker/nginx.conf locally in front of gunicorn",
    )
    args = parser.parse_args()
    global ARGS  # noqa: PLW0603 - the cold rows flush the bench cache between runs
    ARGS = args
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    env = app_env(args)
    if not args.skip_prepare:
        prepare(args, env)
    flush_cache(args)
    base = f"http://127.0.0.1:{args.port}"
    with (
        Server(args, env),
        BareServer(args, env) as bare,
        EdgeCache(args) as edge,
        Worker(args, env),
    ):
        chosen = endpoints(base, edge.info if edge else None, bare=bare.base)
        if args.only:
            wanted = {"floor-bare", "floor-json", *args.only.split(",")}
            chosen = [(n, s) for n, s in chosen if n in wanted]
        runs = {name: [] for name, _ in chosen}
        for round_number in range(1, args.repeat + 1):
            for name, settings in chosen:
                runs[name].append(wrk(args, base, settings() if callable(settings) else settings))
                print(
                    f"round {round_number} {name:<22} {runs[name][-1]['rps']:>9.0f} req/s",
                    file=sys.stderr,
                    flush=True,
                )
    results = {name: median_of(values) for name, values in runs.items()}
    load = os.getloadavg()
    header = (
        f"ClaimCheck bench: {args.db}, gunicorn sync x{args.workers}, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
        f"median of {args.repeat}; load average {load[0]:.2f} {load[1]:.2f} "
        f"on {os.cpu_count()} cores"
    )
    print(header)
    print(table(results))
    if PASSES:
        print(
            "seconds from a publish to the end of its warm pass: "
            + ", ".join(f"{seconds:.1f} s" for seconds in PASSES)
        )
    stamp = time.strftime("%Y%m%dT%H%M%S")
    out = BENCH / "results" / f"run-{args.db}-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "header": header,
                "args": vars(args),
                "runs": runs,
                "medians": results,
                "warm_passes": PASSES,
            },
            indent=2,
        )
    )
    print(f"(raw runs: {out.relative_to(ROOT)})")


class EdgeCache:
    """nginx with docker/nginx.conf, rewritten to point at the local gunicorn (--nginx)."""

    def __init__(self, args):
        self.args, self.process, self.info = args, None, None

    def __enter__(self):
        if not self.args.nginx:
            return None
        from edge import start_nginx  # bench/edge.py

        self.process, self.info = start_nginx(upstream=f"127.0.0.1:{self.args.port}")
        return self

    def __exit__(self, *exc):
        if self.process:
            self.process.terminate()
            self.process.wait(10)


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    main()
