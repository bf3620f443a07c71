"""The two questions a reader asks, answered from a rating in plain words (rubric 2.0.0,
"Two questions for readers"). Presentation only: nothing here changes a verdict or a score,
and no answer contains a code (R1-R8, level names, checklist items)."""

from dataclasses import dataclass

from .tables import LEVEL_RANK, VERDICT_LABELS, Direction, Level, RCode, Verdict


@dataclass(frozen=True)
class Answer:
    """One question's answer: a short headline, one sentence of why, and a tone
    ("good", "mixed" or "bad") that the page's styling follows."""

    headline: str
    detail: str
    tone: str


_WORKS = {
    Level.HIGH: Answer(
        "Works",
        "Several good trials in people show it, and more are unlikely to change that.",
        "good",
    ),
    Level.MODERATE: Answer(
        "Probably works",
        "Good trials in people point this way, though further research could change the picture.",
        "good",
    ),
    Level.LOW: Answer(
        "May work",
        "Some studies in people point this way, but they are few, small or have flaws.",
        "mixed",
    ),
}

_UNKNOWN_DETAIL = {
    Level.VERY_LOW: "The only studies in people are weak, for example without a comparison group.",
    Level.NO_HUMAN: "No study in people has tested it; there is only laboratory or animal work.",
    Level.NONE: "We found no study of this claim.",
}


def does_it_work(*, level, direction):
    """From the evidence level and direction, as plain-language summaries phrase certainty."""
    level, direction = Level(level), Direction(direction)
    rank = LEVEL_RANK[level]
    if direction in (Direction.NO_EFFECT, Direction.CONTRADICTS) and rank >= LEVEL_RANK[Level.LOW]:
        detail = (
            "Good studies in people found no meaningful effect."
            if direction == Direction.NO_EFFECT
            else "Good studies in people found the opposite of what is claimed."
        )
        return Answer("Probably doesn't work", detail, "bad")
    if direction == Direction.MIXED and rank >= LEVEL_RANK[Level.VERY_LOW]:
        return Answer("We don't know", "Studies in people disagree with each other.", "mixed")
    if level in _WORKS and direction == Direction.SUPPORTS:
        return _WORKS[level]
    detail = _UNKNOWN_DETAIL.get(level, "The studies in people do not show whether it works.")
    return Answer("We don't know", detail, "mixed")


_STANDING = {
    RCode.R1: Answer(
        "Approved for this use",
        "FDA approved it as a drug, biologic or device for a use that covers this claim.",
        "good",
    ),
    RCode.R3: Answer(
        "Allowed for this use",
        "It is an over-the-counter medicine that meets FDA's published rules for this use.",
        "good",
    ),
    RCode.R2A: Answer(
        "Cleared for this use",
        "FDA authorised the device for this use after reviewing it as a new kind of device.",
        "good",
    ),
    RCode.R2B: Answer(
        "Cleared for this use",
        "FDA cleared the device for this use as like one already on the market.",
        "good",
    ),
    RCode.R4: Answer(
        "Allowed as a cosmetic",
        "Cosmetics need no approval before sale, and this claim is about appearance only, "
        "which a cosmetic may make.",
        "mixed",
    ),
    RCode.R5: Answer(
        "Sold as a supplement, not evaluated",
        "Supplements may make claims like this one without FDA checking them first.",
        "mixed",
    ),
    RCode.R6: Answer(
        "Sold for a use it is not approved for",
        "The product is legal, but not approved or cleared for this particular use.",
        "bad",
    ),
    RCode.R7: Answer(
        "Claims more than it is approved for",
        "The claim is one a medicine or medical device makes, and nothing sold this way is "
        "approved or cleared for it.",
        "bad",
    ),
    RCode.R8: Answer(
        "Not approved for any use",
        "Selling it for this needs an approval or licence it does not have.",
        "bad",
    ),
}


def safe_and_legal(*, r_code, warnings=0):
    """From the regulatory status and the number of official safety warnings that match the
    claim. A warning leads (harm dominates); the page names, dates and links the latest."""
    standing = _STANDING[RCode(r_code)]
    if not warnings:
        return standing
    headline = (
        "An official safety warning applies"
        if warnings == 1
        else f"{warnings} official safety warnings apply"
    )
    # The standing in a few words only: the warning's name, date and link come first.
    return Answer(headline, f"{standing.headline}.", "bad")


def caution_cause(*, verdict_rule, r_code):
    """Why a Caution verdict is Caution, naming which question caused it, or "" if the rule
    is not one of the two Caution rules."""
    if verdict_rule == 1:
        if RCode(r_code) == RCode.R8:
            return (
                "Caution because of safety: an official warning applies to this use, "
                "and it lacks an approval it needs."
            )
        return "Caution because of safety: an official warning applies to this use."
    if verdict_rule == 2:
        return "Caution because of the law: it is sold for a use that needs an approval it lacks."
    return ""


VERDICT_MEANINGS = {
    Verdict.WELL_SUPPORTED: "Good trials in people back the claim, and FDA reviewed the evidence "
    "or independent studies agree.",
    Verdict.SOME_EVIDENCE: "The evidence points the right way but is not yet strong or "
    "independent enough to call the claim well supported.",
    Verdict.UNPROVEN: "The evidence is too weak, too thin or too mixed to say whether the claim "
    "is true. This is not the same as shown false.",
    Verdict.NOT_SUPPORTED: "Good enough studies found no meaningful effect, or the opposite.",
    Verdict.CAUTION: "An official safety warning applies to this use, or the product is sold "
    "for a use that needs an approval it lacks. It may still have some effect.",
}


def describe():
    """The plain-language answers for the methodology page, with the codes they come from:
    evidence levels and directions to "Does it work?", regulatory codes to "Is it safe and
    legal?", and what each verdict means."""
    works = [{"level": level.value, "direction": Direction.SUPPORTS.value} for level in Level] + [
        {"level": Level.LOW.value, "direction": Direction.NO_EFFECT.value},
        {"level": Level.MODERATE.value, "direction": Direction.MIXED.value},
    ]
    for row in works:
        answer = does_it_work(level=row["level"], direction=row["direction"])
        row.update(headline=answer.headline, detail=answer.detail)
    legal = [
        {"code": code.value, "headline": answer.headline, "detail": answer.detail}
        for code, answer in _STANDING.items()
    ]
    verdicts = [
        {"verdict": verdict.value, "label": VERDICT_LABELS[verdict], "meaning": meaning}
        for verdict, meaning in VERDICT_MEANINGS.items()
    ]
    return {"does_it_work": works, "safe_and_legal": legal, "verdicts": verdicts}
