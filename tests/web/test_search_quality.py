"""Search scored on consumer queries (issue 15): what people type, labelled by hand.

Two sets in this folder: search_queries.yaml (the tuning set, which decided what aliases,
trade names and concern words the starter data carries) and search_queries_heldout.yaml
(written blind before any of that, and only scored). A query is answered when any of its
expected targets is among the first three things the results page shows (a comparison
offered, a concern, a subject with the claims listed in it, a claim, an article); a query
about something not in the catalogue must be an honest miss, never a confident answer.

The numbers print with `pytest -s` or in bench/search_quality.py; the thresholds below are
what CI holds on both databases.
"""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from claimcheck.claims import search

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent
TUNING = HERE / "search_queries.yaml"
HELDOUT = HERE / "search_queries_heldout.yaml"
HELDOUT2 = HERE / "search_queries_heldout2.yaml"
TOP = 3


def _target(text):
    if text.startswith("compare:"):
        return "compare:" + ",".join(sorted(text.removeprefix("compare:").split(",")))
    return text


def _public_targets():
    """Targets a reader can reach: subjects and concerns with a published claim, published
    claims and articles. A labelled target outside these (a subject whose every claim is
    still a draft) is dropped, and a query left with none must be an honest miss."""
    from articles.models import Article
    from claimcheck.claims.models import Claim

    claims = Claim.objects.published().values_list("slug", "subject__slug")
    public = {f"claim:{c}" for c, _ in claims} | {f"subject:{s}" for _, s in claims}
    public |= {
        f"concern:{c}"
        for c in Claim.objects.published().values_list("subject__concerns__slug", flat=True)
        if c
    }
    public |= {
        f"article:{a}"
        for a in Article.objects.filter(status="published").values_list("slug", flat=True)
    }
    return public


def _reachable(target, public):
    if target.startswith("compare:"):
        return all(f"subject:{s}" in public for s in target.removeprefix("compare:").split(","))
    return target in public


def score(path):
    """Answered and confident-wrong counts by kind, and the failures (query, top three)."""
    entries = yaml.safe_load(path.read_text())
    public = _public_targets()
    answered, total, failures = Counter(), Counter(), []
    confident_misses = []
    for entry in entries:
        kind = entry["kind"]
        results = search.search(entry["q"])
        top = results.answers()[:TOP]
        shown = {t for group in top for t in group}
        total[kind] += 1
        expect = entry["expect"]
        if expect != "miss":
            expect = [t for t in expect if _reachable(_target(t), public)] or "miss"
        if expect == "miss":
            if results.confident:
                confident_misses.append((entry["q"], top))
            else:
                answered[kind] += 1
            continue
        if shown & {_target(t) for t in expect}:
            answered[kind] += 1
        else:
            failures.append((entry["q"], [g[0] for g in top]))
    return answered, total, failures, confident_misses


def report(name, answered, total, failures, confident_misses):
    lines = [f"{name}: {sum(answered.values())}/{sum(total.values())} answered in the top three"]
    for kind in sorted(total):
        lines.append(f"  {kind:9} {answered[kind]:3}/{total[kind]:3}")
    lines += [f"  MISSED {q!r}: {top}" for q, top in failures]
    lines += [f"  CONFIDENT ON A MISS {q!r}: {top}" for q, top in confident_misses]
    return "\n".join(lines)


@pytest.fixture
def scored(starter_data):
    return {path.name: score(path) for path in (TUNING, HELDOUT, HELDOUT2)}


def test_consumer_queries_are_answered_in_the_top_three(scored):
    """At least 90% of each set answered; not one out-of-catalogue query given a confident
    answer, in any."""
    summary = "\n".join(report(name, *numbers) for name, numbers in scored.items())
    print(summary)
    for name, floor in ((TUNING.name, 0.90), (HELDOUT.name, 0.90), (HELDOUT2.name, 0.90)):
        answered, total, _, confident_misses = scored[name]
        share = sum(answered.values()) / sum(total.values())
        assert share >= floor, summary
        assert not confident_misses, summary
