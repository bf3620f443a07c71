#!/usr/bin/env python3
"""Where one request's time goes: cProfile over many identical requests, in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimcheck_benchapp \\
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/profile_request.py /claims/<slug>/

Calls the project's WSGI application directly (no server, no sockets) with production
settings (DEBUG off), as an anonymous reader: one request first so the answer is built and
kept, then `--requests` more under the profiler. Prints the time per request and the functions
with the most time of their own and in total. bench/run.py gives the ratios; this says what is
left in them. Use a database prepared by bench/run.py (starter data loaded).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def environ(path, headers):
    path_info, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8100",
        "HTTP_HOST": "127.0.0.1:8100",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for header in headers:
        name, _, value = header.partition(":")
        env["HTTP_" + name.strip().upper().replace("-", "_")] = value.strip()
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--conditional", action="store_true", help="send If-None-Match with the first ETag (304s)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("API_RATE_ANON", "100000000/min")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    from claimcheck.wsgi import application, prepare_worker

    prepare_worker()
    statuses, etags = [], []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)
        etags.extend(value for name, value in headers if name == "ETag")

    def one():
        headers = args.header + ([f"If-None-Match: {etags[0]}"] if args.conditional else [])
        body = application(environ(args.path, headers), start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    conditional, args.conditional = args.conditional, False
    one()  # the whole answer, built
    args.conditional = conditional
    for _ in range(3):  # kept, and the version pushed by now if it can be
        one()
        time.sleep(0.2)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.requests):
        one()
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"{args.path}: {statuses[-1]}, {elapsed / args.requests * 1e6:.0f} us per request "
        f"under the profiler ({args.requests} requests)"
    )
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
