"""How long an import of a file at the admin's size limit takes (issue #14, F7).

Builds a sources CSV of about 512 kB (the admin upload limit; realistic rows: long titles and
author lists, a PMID and DOI each, design, population, participants, funding), then times a
dry run and a commit of it through `imports.run` as a reviewer would, on a fresh database
(SQLite file by default; `--postgres` for a throwaway PostgreSQL database). Prints seconds and
milliseconds per row. Targets: dry run under 10 s, commit under 20 s.

    .venv/bin/python bench/import_speed.py [--postgres] [--kb 512]
"""

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_KB = 512
DESIGNS = ["rct", "sr_ma", "cohort_case_control", "case_series", "in_vitro"]


def build_csv(kb):
    columns = ["kind", "title", "authors", "publisher", "year", "pmid", "doi", "design"]
    columns += ["population", "participants", "funding", "peer_reviewed", "summary"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    n = 0
    while out.tell() < kb * 1024 - 700:
        n += 1
        writer.writerow(
            [
                "study",
                f"A randomised split-face trial of topical agent {n} for photoaged facial skin "
                "over 24 weeks, with blinded photographic assessment",
                "; ".join(f"Author{n}{i} A" for i in range(8)),
                "Journal of Cosmetic Dermatology",
                2000 + n % 25,
                str(30_000_000 + n),
                f"10.1111/jocd.{100000 + n}",
                DESIGNS[n % len(DESIGNS)],
                "human" if n % 5 != 4 else "in_vitro",
                40 + n % 300,
                ["independent", "manufacturer", "mixed", "undisclosed"][n % 4],
                "true",
                "Participants applied the product twice daily; wrinkles and texture were graded.",
            ]
        )
    return out.getvalue().encode(), n


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--kb", type=int, default=LIMIT_KB)
    parser.add_argument("--profile", action="store_true", help="print the dry run's profile")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, DEBUG="0", LOG_LEVEL="WARNING")
        env["SECRET_KEY"] = "bench-only-not-secret"  # noqa: S105 - a throwaway database
        name = f"cc_import_bench_{os.getpid()}"
        if args.postgres:
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        try:
            manage = [sys.executable, str(ROOT / "manage.py")]
            subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
            subprocess.run(
                [sys.executable, __file__, "--child", "run", "--kb", str(args.kb)]
                + (["--profile"] if args.profile else []),
                env=env,
                cwd=ROOT,
                check=True,
            )
        finally:
            if args.postgres:
                subprocess.run(
                    ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name],
                    check=False,
                )


def child(args):
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimcheck.settings")
    django.setup()
    from django.db import connection

    from claimcheck.claims import imports
    from claimcheck.claims.services import system_user

    content, rows = build_csv(args.kb)
    by = system_user()
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(imports.run, "sources.csv", content, kind="sources", by=by)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
        return
    print(f"{connection.vendor}: {len(content) / 1024:.0f} kB, {rows} source rows")
    for commit in (False, True):
        started = time.perf_counter()
        report = imports.run("sources.csv", content, kind="sources", by=by, commit=commit)
        took = time.perf_counter() - started
        assert report.ok, (report.file_errors, [r.errors for r in report.error_rows][:3])
        target = 20 if commit else 10
        verdict = "met" if took < target else "NOT met"
        label = "commit" if commit else "dry run"
        print(
            f"{label:<8} {took:6.2f} s  {1000 * took / rows:6.1f} ms/row"
            f"  (target < {target} s: {verdict})"
        )


if __name__ == "__main__":
    main()
