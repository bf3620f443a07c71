"""Every recorded input rated exactly as recorded: the verdict, the points, and each factor's
code, effect, sentence and sources. The other rubric tests check rules and invariants; this
one catches a change to anything a reader is shown, such as a reason's wording or the order
of the factors, that none of them looks at. A deliberate change re-records the cases
(tests/rubric/rated_cases.py) and shows up in review as a diff of the ratings."""

import json

from claimcheck.rubric import rate

from .rated_cases import claim_from_json, load


def test_every_recorded_case_is_rated_exactly_as_recorded():
    cases = load()
    assert len(cases) > 500
    changed = []
    for case in cases:
        claim = claim_from_json(case["input"])
        now = json.loads(json.dumps(rate(claim).as_dict()))
        if now != case["rating"]:
            changed.append((case["input"], case["rating"], now))
    assert not changed, _describe(changed)


def _describe(changed):
    input_, was, now = changed[0]
    lines = [f"{len(changed)} of the recorded cases are rated differently; the first:", input_]
    for key in sorted(set(was) | set(now)):
        if was.get(key) != now.get(key):
            lines += [f"  {key}: recorded {was.get(key)!r}", f"  {key}:      now {now.get(key)!r}"]
    return "\n".join(lines)
