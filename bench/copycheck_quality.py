"""Precision, recall and F1 of the copy checker on the labelled snippets.

    .venv/bin/python bench/copycheck_quality.py [-v]

Builds the matcher's index in memory from the starter data's YAML (the 26 published starter
claims; no database), checks every snippet of tests/claims/copycheck/labelled_copy.yaml and
prints the scores for matched claims and for drug-claim flags; -v lists every mistake.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimcheck.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

import yaml  # noqa: E402

from claimcheck.claims.copycheck import check_with_index, evaluation  # noqa: E402
from claimcheck.claims.copycheck.index import Index  # noqa: E402

STARTER = ROOT / "claimcheck" / "claims" / "starter_data"
LABELLED = ROOT / "tests" / "claims" / "copycheck" / "labelled_copy.yaml"


def starter_records():
    """The starter claims as index records (verdicts are not needed to measure matching)."""
    return evaluation.starter_records(STARTER)


def main():
    cases = yaml.safe_load(LABELLED.read_text())
    index = Index(starter_records())
    print(f"{len(cases)} labelled snippets, {len(index)} claims")
    held_out = [case for case in cases if case["id"].startswith("held-")]
    for title, subset in (
        ("all snippets", cases),
        ("tuning snippets", [case for case in cases if case not in held_out]),
        ("held-out snippets (written after tuning)", held_out),
    ):
        report = evaluation.evaluate(subset, lambda text: check_with_index(text, index))
        print(f"\n{title} ({len(subset)})")
        print(f"{'':18}{'precision':>10}{'recall':>10}{'F1':>10}{'TP':>6}{'FP':>6}{'FN':>6}")
        for name, score in (("matched claims", report.claims), ("drug-claim flags", report.flags)):
            print(
                f"{name:18}{score.precision:10.3f}{score.recall:10.3f}{score.f1:10.3f}"
                f"{score.true_positives:6}{score.false_positives:6}{score.false_negatives:6}"
            )
        if "-v" in sys.argv:
            for case_id, kind, detail in report.errors:
                print(f"  {case_id:10} {kind:13} {detail}")


if __name__ == "__main__":
    main()
