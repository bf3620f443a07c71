"""The two questions for readers (rubric 2.0.0): every level, direction and regulatory code
has a plain answer, none of which contains a code."""

import re

import pytest

from claimcheck.rubric import answers
from claimcheck.rubric.tables import Direction, Level, RCode

CODE = re.compile(r"\b(R[1-8][AB]?|[A-Z]+_[A-Z]+|HIGH|MODERATE|LOW|NONE|C[1-4]|P[1-8])\b")


@pytest.mark.parametrize(
    ("level", "direction", "headline"),
    [
        ("HIGH", "supports", "Works"),
        ("MODERATE", "supports", "Probably works"),
        ("LOW", "supports", "May work"),
        ("VERY_LOW", "supports", "We don't know"),
        ("NO_HUMAN", "supports", "We don't know"),
        ("NONE", "none", "We don't know"),
        ("MODERATE", "mixed", "We don't know"),
        ("LOW", "no_effect", "Probably doesn't work"),
        ("HIGH", "contradicts", "Probably doesn't work"),
        # Too little evidence to say it does not work either.
        ("VERY_LOW", "no_effect", "We don't know"),
    ],
)
def test_does_it_work_follows_the_plain_language_certainty_words(level, direction, headline):
    assert answers.does_it_work(level=level, direction=direction).headline == headline


def test_every_level_and_direction_has_a_plain_answer_without_codes():
    for level in Level:
        for direction in Direction:
            answer = answers.does_it_work(level=level, direction=direction)
            assert answer.tone in {"good", "mixed", "bad"}
            assert not CODE.search(answer.headline + answer.detail), (level, direction)


def test_every_regulatory_code_has_a_plain_answer_and_a_warning_leads():
    for code in RCode:
        answer = answers.safe_and_legal(r_code=code)
        assert answer.headline and not CODE.search(answer.headline + answer.detail), code
    assert answers.safe_and_legal(r_code="R1").headline == "Approved for this use"
    assert answers.safe_and_legal(r_code="R4").headline == "Allowed as a cosmetic"
    warned = answers.safe_and_legal(r_code="R1", warnings=1)
    assert warned.headline == "An official safety warning applies" and warned.tone == "bad"
    assert warned.detail == "Approved for this use."
    assert answers.safe_and_legal(r_code="R8", warnings=3).headline == (
        "3 official safety warnings apply"
    )


def test_caution_names_which_question_caused_it():
    assert answers.caution_cause(verdict_rule=1, r_code="R6").startswith(
        "Caution because of safety"
    )
    assert "lacks an approval" in answers.caution_cause(verdict_rule=1, r_code="R8")
    assert answers.caution_cause(verdict_rule=2, r_code="R8").startswith(
        "Caution because of the law"
    )
    assert answers.caution_cause(verdict_rule=5, r_code="R1") == ""


def test_the_methodology_description_covers_every_code_and_verdict():
    described = answers.describe()
    assert {row["code"] for row in described["safe_and_legal"]} == {c.value for c in RCode}
    assert len(described["verdicts"]) == 5
