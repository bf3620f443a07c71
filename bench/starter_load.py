"""How long `load_starter_data` takes on a fresh SQLite database, and on a second run (issue 16).

Migrates a throwaway SQLite file, then times the first load (every claim written, rated and,
unless kept in draft, published through the services), and a second load (which must write
nothing). Prints seconds and the number of claims. Target: the first load under 60 s on SQLite.

    .venv/bin/python bench/starter_load.py
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60


def manage(env, *args):
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, done.stdout


def main():
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "SECRET_KEY": "bench-only",
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
        }
        manage(env, "migrate", "--no-input", "-v0")
        first, out = manage(env, "load_starter_data")
        second, again = manage(env, "load_starter_data")
    print(out.strip().splitlines()[0])
    print(f"first load:  {first:6.1f} s (target under {TARGET_SECONDS} s)")
    print(f"second load: {second:6.1f} s ({again.strip().splitlines()[0]})")
    return 0 if first < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
