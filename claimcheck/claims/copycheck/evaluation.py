"""Precision and recall of the copy checker on labelled snippets.

A labelled case is {"id", "text", "claims": [slug, ...], "flags": [{"quote", "category"}]}.
Claims are scored per snippet by slug; a flag is right when it overlaps a labelled flag's
words and has its category.
"""

from dataclasses import dataclass

import yaml

from .index import ClaimRecord


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self):
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self):
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self):
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Report:
    claims: Score
    flags: Score
    errors: tuple  # (case id, kind, detail) for each mistake, to read when tuning


def evaluate(cases, check):
    """Score `check(text) -> CheckResult` on the labelled cases."""
    counts = {"claims": [0, 0, 0], "flags": [0, 0, 0]}
    errors = []
    for case in cases:
        text = case["text"]
        result = check(text)
        expected = set(case.get("claims") or [])
        found = {m.claim.slug for m in result.matches}
        _add(counts["claims"], len(found & expected), len(found - expected), len(expected - found))
        errors += [(case["id"], "extra claim", slug) for slug in sorted(found - expected)]
        errors += [(case["id"], "missed claim", slug) for slug in sorted(expected - found)]

        labelled = []
        for flag in case.get("flags") or []:
            start = text.lower().find(flag["quote"].lower())
            if start < 0:
                raise ValueError(f"{case['id']}: flag quote {flag['quote']!r} is not in the text")
            labelled.append((start, start + len(flag["quote"]), flag["category"]))
        hit = set()
        for flag in result.drug_claim_flags:
            same = [
                i
                for i, (start, end, category) in enumerate(labelled)
                if flag.start < end and start < flag.end and category == flag.category
            ]
            if same:
                hit.update(same)
                counts["flags"][0] += 1
            else:
                counts["flags"][1] += 1
                errors.append((case["id"], "extra flag", f"{flag.category}: {flag.quote}"))
        for i, (start, end, category) in enumerate(labelled):
            if i not in hit:
                counts["flags"][2] += 1
                errors.append((case["id"], "missed flag", f"{category}: {text[start:end]}"))
    return Report(
        claims=Score(*counts["claims"]), flags=Score(*counts["flags"]), errors=tuple(errors)
    )


def _add(count, tp, fp, fn):
    count[0] += tp
    count[1] += fp
    count[2] += fn


def starter_records(directory, *, published_only=False):
    """The starter data's claims (claims.yaml and subjects.yaml in `directory`) as index
    records, without a database; verdicts are placeholders, since matching never reads
    them. With published_only, claims the loader keeps as drafts are left out, as the site
    leaves them out of its index."""
    subjects = {s["slug"]: s for s in yaml.safe_load((directory / "subjects.yaml").read_text())}
    records = []
    for claim in yaml.safe_load((directory / "claims.yaml").read_text()):
        if published_only and claim.get("draft_reason"):
            continue
        subject = subjects[claim["subject"]]
        records.append(
            ClaimRecord(
                slug=claim["slug"],
                text=claim["text"],
                outcome=claim.get("outcome", ""),
                subject_slug=subject["slug"],
                subject_name=subject["name"],
                # Trade names are detected like aliases, as the site's index does.
                aliases=(*(subject.get("aliases") or ()), *(subject.get("trade_names") or ())),
                verdict="unproven",
                verdict_label="Unproven",
                grade="C",
                score=0,
                url=f"/claims/{claim['slug']}/",
            )
        )
    return records
