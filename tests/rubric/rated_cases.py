"""The rated cases behind test_rated_cases.py: every input the other rubric tests rate, with
the whole rating the engine gave it (verdict, points, and each factor's code and sentence).

    python -m tests.rubric.rated_cases      # re-record, after a deliberate rubric change

Re-recording runs tests/rubric with `rate` wrapped, so the cases are the golden rows, the
branch cases and one fixed-seed draw of the property tests. Review the diff of the JSON file
before committing it: every changed line is a change readers would see."""

import gzip
import json
from collections import Counter
from dataclasses import fields
from pathlib import Path

from claimcheck.rubric import ClaimInput, SignalInput, StudyInput

CASES = Path(__file__).with_name("rated_cases.json.gz")


def claim_from_json(text):
    data = json.loads(text)
    data["studies"] = tuple(StudyInput(**s) for s in data["studies"])
    data["signals"] = tuple(
        SignalInput(**{**s, **{k: tuple(s[k]) for k in ("routes", "claim_types", "origins")}})
        for s in data["signals"]
    )
    data["r_sources"] = tuple(data["r_sources"])
    names = {f.name for f in fields(ClaimInput)}
    return ClaimInput(**{k: v for k, v in data.items() if k in names})


def load():
    with gzip.open(CASES, "rt", encoding="utf-8") as file:
        return json.load(file)


def record():
    import pytest

    from claimcheck.rubric import engine

    seen = {}
    original = engine.rate

    def recording(claim):
        key = engine.canonical_json(claim)
        if key not in seen:
            # Rated as the test reads it back: studies and signals in canonical order.
            seen[key] = json.loads(json.dumps(original(claim_from_json(key)).as_dict()))
        return original(claim)

    engine.rate = recording
    import claimcheck.rubric as package

    package.rate = recording
    try:
        pytest.main(
            [
                "tests/rubric",
                "-q",
                "-p",
                "no:randomly",
                "-p",
                "no:cacheprovider",
                "--hypothesis-seed=23",
                "--ignore=tests/rubric/test_rated_cases.py",
            ]
        )
    finally:
        engine.rate = package.rate = original
    before = {case["input"]: case["rating"] for case in load()} if CASES.exists() else {}
    cases = [{"input": key, "rating": seen[key]} for key in sorted(seen)]
    text = json.dumps(cases, sort_keys=True, separators=(",", ":"))
    with open(CASES, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as file:
        file.write(text.encode("utf-8"))  # mtime 0: the same cases give the same bytes
    moved = Counter(
        field
        for key, rating in seen.items()
        if key in before
        for field in rating
        if rating[field] != before[key][field]
    )
    print(f"{len(cases)} rated cases written to {CASES}")
    print(
        f"  new {len(set(seen) - set(before))}, gone {len(set(before) - set(seen))}, "
        f"changed fields: {dict(moved) or 'none'}"
    )


if __name__ == "__main__":
    record()
