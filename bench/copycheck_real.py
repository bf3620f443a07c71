"""Precision, recall and F1 of the copy checker on realistic web copy, by part and by topic.

    .venv/bin/python bench/copycheck_real.py [-v] [--part tuning|heldout]

Scores tests/claims/copycheck/real_copy_tuning.yaml (the part the checker is tuned on) and
real_copy_heldout.yaml (the held-out part) against the published starter claims, built in
memory as bench/copycheck_quality.py does (drafts left out, as the site leaves them out).
Prints matched-claim and flag scores per part and per topic, and what the negatives
(regulator, clinician and editorial passages) produced; -v lists every mistake.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

# copycheck_quality sets up Django (settings for a bench run) when imported.
import yaml  # noqa: E402
from copycheck_quality import STARTER  # noqa: E402

from claimcheck.claims.copycheck import check_with_index, evaluation  # noqa: E402
from claimcheck.claims.copycheck.index import Index  # noqa: E402

CASES = ROOT / "tests" / "claims" / "copycheck"
PARTS = {"tuning": CASES / "real_copy_tuning.yaml", "heldout": CASES / "real_copy_heldout.yaml"}


def published_records():
    return evaluation.starter_records(STARTER, published_only=True)


def line(name, score):
    return (
        f"{name:22}{score.precision:8.2f}{score.recall:8.2f}{score.f1:8.2f}"
        f"{score.true_positives:5}{score.false_positives:5}{score.false_negatives:5}"
    )


def main():
    index = Index(published_records())

    def check(text):
        return check_with_index(text, index)

    wanted = sys.argv[sys.argv.index("--part") + 1] if "--part" in sys.argv else None
    for part, path in PARTS.items():
        if wanted and part != wanted:
            continue
        cases = yaml.safe_load(path.read_text())
        report = evaluation.evaluate(cases, check)
        negatives = [case for case in cases if case["topic"] == "negative"]
        results = [check(case["text"]) for case in negatives]
        print(f"\n{part}: {len(cases)} passages ({len(negatives)} negatives)")
        print(f"{'':22}{'P':>8}{'R':>8}{'F1':>8}{'TP':>5}{'FP':>5}{'FN':>5}")
        print(line("claims", report.claims))
        print(line("flags", report.flags))
        print(
            f"negatives: {sum(len(r.matches) for r in results)} matches, "
            f"{sum(len(r.drug_claim_flags) for r in results)} flags"
        )
        print(f"\n  by topic{'':14}{'claims F1':>10}{'flags F1':>10}")
        for topic in sorted({case["topic"] for case in cases}):
            subset = [case for case in cases if case["topic"] == topic]
            by_topic = evaluation.evaluate(subset, check)
            print(f"  {topic:22}{by_topic.claims.f1:10.2f}{by_topic.flags.f1:10.2f}")
        if "-v" in sys.argv:
            for case_id, kind, detail in report.errors:
                print(f"    {case_id:14} {kind:13} {detail}")


if __name__ == "__main__":
    main()
