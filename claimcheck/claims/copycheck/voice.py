"""Whose voice a pasted text is in: a seller's, or a regulator's, clinician's or editor's.

An FDA consumer page, a safety notice, a hospital leaflet or a magazine review quotes and
discusses claims ("some sellers claim that their pens heal acne scars") without making them,
so the copy checker reports nothing for such a text. The test is a balance of markers, not a
model: phrases that explain, warn, advise or report (the agency, warning letters, "consumers
should", "ask your dermatologist", "the brand says", studies and reviews) against phrases
that sell (prices, booking, our product, how to use). A text is an explainer when it has at
least EXPLAINER_MIN explaining markers and more of them than selling ones; a long paste is
judged section by section.
"""

import bisect
import re

from . import text as words

EXPLAINER_MIN = 2

EXPLAINING_RE = re.compile(
    r"\b(?:the\s+(?:fda|agency|law|mhra|regulator)|fda\s+(?:says|said|warns|is\s+warning|sent|"
    r"considers|defines|regulates)|regulators?|warning\s+letters?|consumers?\s+(?:should|and)|"
    r"be\s+wary|beware|public\s+health|recall|safety\s+notice|medwatch|report\s+(?:problems|"
    r"side\s+effects)|patient\s+(?:guide|information)|this\s+leaflet|hospital|department|"
    r"(?:ask|talk\s+to|speak\s+to|see)\s+(?:your|a)\s+(?:dermatologist|doctor|gp|pharmacist)|"
    r"(?:some|many)\s+(?:sellers|brands|products|clinics|companies)|claims?\s+such\s+as|"
    r"the\s+(?:brand|box|website|marketing|company)\s+(?:says|promises|calls|claims|leans)|"
    r"we\s+tried|our\s+tester|editorial|review(?:ed)?|evidence|studies|trials?|"
    r"(?:is|are)\s+(?:a\s+drug|drugs|regulated|unapproved)|dermatologists?\s+(?:advise|say|"
    r"recommend)|faqs?|q&a|first-line|grey\s+zone|trade\s+press|guide\s+from)\b"
)
SELLING_RE = re.compile(
    r"[£$\u20ac]\s?\d|\b(?:book(?:\s+now|\s+a|\s+your)?|shop|add\s+to\s+(?:bag|basket|cart)|"
    r"order\s+now|buy\s+now|free\s+consultation|how\s+to\s+use|\d+\s?ml|servings|"
    r"our\s+(?:serum|cream|gel|clinic|treatment|formula|signature|oil|mask|essence|facial|"
    r"practitioners?|plan|doctors|nurse|bestselling|best-selling|most)|suitable\s+for|"
    r"apply\s+(?:to|twice|once|a\s+thin|morning|nightly)|results\s+in)\b"
)


def explainer_spans(text):
    """The (start, end) parts of text in an explainer's voice. A long paste may hold a
    seller's page and a news story, so each section (from one heading to the next) is
    judged on its own; a section too short to judge that sells nothing follows the text as a
    whole."""
    lower = text.lower()  # both patterns are lower case: faster than IGNORECASE
    explaining = [m.start() for m in EXPLAINING_RE.finditer(lower)]
    if not explaining:
        return []
    selling = [m.start() for m in SELLING_RE.finditer(lower)]
    whole = len(explaining) >= EXPLAINER_MIN and len(explaining) > len(selling)
    starts = [line.start for line in words.lines(text) if line.kind == "heading"]
    bounds = sorted({0, *starts})
    out = []
    for start, end in zip(bounds, [*bounds[1:], len(text)], strict=True):
        says = _count(explaining, start, end)
        sells = _count(selling, start, end)
        if (says >= EXPLAINER_MIN and says > sells) or (whole and not sells):
            if out and out[-1][1] == start:
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
    return out


def _count(positions, start, end):
    return bisect.bisect_left(positions, end) - bisect.bisect_left(positions, start)
