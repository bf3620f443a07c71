#!/usr/bin/env python3
"""Outages under a running server (issue #7): stop PostgreSQL, then Redis, and watch.

    .venv/bin/python bench/outage.py

Uses its own throwaway PostgreSQL 15 cluster (initdb + pg_ctl on port 5499, as the
`postgres` user) and its own redis-server (port 6399), so the machine's PostgreSQL and Redis
are never touched. Starts gunicorn against them, then probes three addresses every 0.2 s:
a claim page already in the page cache, a claim page that misses the page cache (a unique
?_b= each time) but whose data document is built, a search page that always needs the
database (unique ?_b=), and /readyz. Timeline: database stopped at 5 s and started at
15 s; Redis stopped at 30 s and started at 40 s; end at 50 s. Prints what each probe
answered in each phase, the slowest answer, and how long recovery took after each restart.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT, REDIS_PORT, APP_PORT = 5499, 6399, 8101


def as_postgres(*command):
    prefix = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL)


def probe(url):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - http only
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = "no answer"
    return status, time.monotonic() - started


def main():
    data = Path(tempfile.mkdtemp(prefix="claimcheck-outage-"))
    shutil.chown(data, "postgres") if os.geteuid() == 0 else None
    cluster = data / "pg"
    as_postgres(str(PG_BIN / "initdb"), "-D", str(cluster), "-U", "postgres", "-A", "trust")
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(cluster), "-w", "-l", str(data / "pg.log")]
    start_pg = [*pg_ctl, "-o", f"-p {PG_PORT} -k {data}", "start"]
    as_postgres(*start_pg)
    redis = None
    try:
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "outage"],
            check=True,
        )
        env = dict(
            run.app_env(
                type(
                    "Args",
                    (),
                    {
                        "db": "postgres",
                        "database": "outage",
                        "redis": "",
                        "port": APP_PORT,
                        "workers": 2,
                    },
                )
            ),
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{PG_PORT}/outage",
            REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        )
        redis_cmd = ["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"]
        redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
        run.manage(env, "migrate", "--no-input")
        run.manage(env, "load_starter_data")
        args = type("Args", (), {"port": APP_PORT})
        with run.Server(args, env):
            base = f"http://127.0.0.1:{APP_PORT}"
            slugs = run.all_claim_slugs(base, 2)
            cached = f"{base}/claims/{slugs[0]}/"
            probe(cached)  # now in the page cache
            events = {
                5: "stop database",
                15: "start database",
                30: "stop redis",
                40: "start redis",
                50: "end",
            }
            log, started, n = [], time.monotonic(), 0
            while True:
                t = time.monotonic() - started
                due = [at for at in events if at <= t]
                for at in due:
                    action = events.pop(at)
                    log.append((t, "event", action, 0))
                    if action == "stop database":
                        as_postgres(*pg_ctl, "-m", "fast", "stop")
                    elif action == "start database":
                        as_postgres(*start_pg)
                    elif action == "stop redis":
                        redis.terminate()
                        redis.wait()
                    elif action == "start redis":
                        redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
                if "end" not in events.values() and not events:
                    break
                n += 1
                for name, url in (
                    ("cached page", cached),
                    ("uncached page", f"{base}/search/?q=retinol&_b={n}"),
                    ("claim doc page", f"{base}/claims/{slugs[-1]}/?_b={n}"),
                    ("readyz", f"{base}/readyz"),
                ):
                    status, seconds = probe(url)
                    log.append((time.monotonic() - started, name, status, seconds))
                time.sleep(0.2)
        report(log)
    finally:
        if redis and redis.poll() is None:
            redis.terminate()
        subprocess.run(
            [
                *(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
                *pg_ctl,
                "-m",
                "immediate",
                "stop",
            ],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(data, ignore_errors=True)


def report(log):
    phases = [
        (0, 5, "normal"),
        (5, 15, "database down"),
        (15, 30, "database back"),
        (30, 40, "redis down"),
        (40, 50, "redis back"),
    ]
    events = {action: t for t, kind, action, _ in log if kind == "event"}
    print(f"{'phase':<15} {'probe':<14} answers (status x count)            slowest")
    for start, end, phase in phases:
        lo = events.get(
            {5: "stop database", 15: "start database", 30: "stop redis", 40: "start redis"}.get(
                start, ""
            ),
            start,
        )
        hi = events.get(
            {15: "start database", 30: "stop redis", 40: "start redis", 50: "end"}.get(end, ""), end
        )
        for name in ("cached page", "claim doc page", "uncached page", "readyz"):
            rows = [(s, d) for t, k, s, d in log if k == name and lo <= t < hi]
            counts = {}
            for status, _ in rows:
                counts[status] = counts.get(status, 0) + 1
            slowest = max((d for _, d in rows), default=0)
            text = ", ".join(f"{s} x{c}" for s, c in sorted(counts.items(), key=str))
            print(f"{phase:<15} {name:<14} {text:<36} {slowest * 1000:>6.0f} ms")
    for action, back in (("start database", "uncached page"), ("start redis", "readyz")):
        t0 = events.get(action)
        ok = next((t for t, k, s, _ in log if k == back and t >= t0 and s == 200), None)
        if t0 is not None:
            print(
                f"recovered after '{action}': "
                f"{'not within the run' if ok is None else f'{ok - t0:.1f} s'} ({back} 200)"
            )


if __name__ == "__main__":
    main()
