"""Every starter claim page in real Chromium on a phone (390 x 844), and on a desktop
(1280 x 800) the ones whose opening is longest and one of each verdict:
the verdict and both answers above the fold, no internal code outside "How we scored this",
and on the phone the evidence list within three screens."""

import re

import pytest

pytestmark = pytest.mark.browser

# The same codes as tests/web/test_claim_page.py looks for in the HTML, here in rendered text.
INTERNAL_CODE = re.compile(
    r"\b(R[1-8][AB]?|C[1-4]|VERY_LOW|NO_HUMAN|NO_EFFECT|CONTRADICTS|MODERATE|HIGH|LOW|NONE)\b"
    r"|composite|match confidence",
)
# The text a reader sees in <main>, less the closed disclosure and cited papers' own titles.
VISIBLE_TEXT = """() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('details.how-scored, .source-title').forEach(e => e.remove());
  return main.innerText;
}"""
BOTTOM = "e => e.getBoundingClientRect().bottom + window.scrollY"
TOP = "e => e.getBoundingClientRect().top + window.scrollY"


def _hardest_for_the_fold(slugs, count=24):
    """On a desktop the fold is reached only by the longest openings: the claims whose text
    above the answers is longest, and one claim of each verdict (every one is walked on the
    phone, where the fold is three times as easy to reach)."""
    from django.db.models.functions import Length

    from claimcheck.claims.models import Claim

    claims = Claim.objects.published().annotate(
        opening=Length("text") + Length("conclusion_summary") + Length("regulatory_note")
    )
    longest = claims.order_by("-opening", "slug").values_list("slug", flat=True)[:count]
    one_each = dict(claims.order_by("-slug").values_list("shown_verdict", "slug"))
    chosen = set(longest) | set(one_each.values())
    return [slug for slug in slugs if slug in chosen]


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_every_claim_shows_its_verdict_and_both_answers_above_the_fold_in_plain_words(
    browser, starter_site, width, height
):
    from claimcheck.claims.models import Claim

    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = []
    slugs = list(Claim.objects.published().order_by("slug").values_list("slug", flat=True))
    if width > 500:
        slugs = _hardest_for_the_fold(slugs)
    for slug in slugs:
        page.goto(starter_site.url(f"/claims/{slug}/"))
        for what in (".verdict-line .verdict-label", "#does-it-work", "#safe-and-legal"):
            if page.locator(what).evaluate(BOTTOM) > height:
                problems.append(f"{slug}: {what} is below the fold")
        codes = {m.group(0) for m in INTERNAL_CODE.finditer(page.evaluate(VISIBLE_TEXT))}
        if codes:
            problems.append(f"{slug}: shows {sorted(codes)}")
        if width < 500 and page.locator("#evidence-heading").evaluate(TOP) > 3 * height:
            problems.append(f"{slug}: the evidence starts after three screens")
        if page.locator("details.how-scored").get_attribute("open") is not None:
            problems.append(f"{slug}: the disclosure is open")
    context.close()
    assert len(slugs) >= (100 if width < 500 else 24)
    assert not problems, "\n".join(problems)


def test_how_we_scored_this_opens_on_demand_and_holds_the_codes(page, starter_site):
    page.goto(starter_site.url(starter_site.pages["claim"]))
    disclosure = page.locator("details.how-scored")
    codes = disclosure.locator(".subscores")
    assert not codes.is_visible()
    disclosure.locator("summary").click()
    assert codes.is_visible()
    assert re.search(r"\bR[1-8][AB]?\b", codes.inner_text())


def test_no_other_consumer_page_shows_an_internal_code(page, starter_site):
    # The methodology page is where the codes are explained; every other page speaks plainly.
    shown = {}
    for name, path in starter_site.pages.items():
        if name == "methodology":
            continue
        page.goto(starter_site.url(path))
        codes = {m.group(0) for m in INTERNAL_CODE.finditer(page.evaluate(VISIBLE_TEXT))}
        if codes:
            shown[name] = sorted(codes)
    page.goto(starter_site.url("/check/"))
    page.get_by_label("Marketing text to check").fill(
        "Our exosome serum stimulates collagen and reverses skin ageing. FDA approved!"
    )
    page.get_by_role("button", name="Check the text").click()
    codes = {m.group(0) for m in INTERNAL_CODE.finditer(page.evaluate(VISIBLE_TEXT))}
    if codes:
        shown["copy check answer"] = sorted(codes)
    assert not shown, shown
