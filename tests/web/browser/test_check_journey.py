"""A reader pastes an advert into /check/, follows a highlighted claim to its verdict and
asks for an unchecked claim to be checked, all without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ADVERT = (
    "Our stem-cell exosome serum boosts collagen and reverses ageing in 7 days!\n"
    "Snake oil tonic erases wrinkles overnight. Proudly FDA approved."
)


@pytest.fixture
def no_script_page(browser):
    """A desktop page with JavaScript switched off: the checker must not need it."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    yield context.new_page()
    context.close()


def test_pasted_copy_is_highlighted_and_leads_to_the_verdict_and_a_prefilled_request(
    no_script_page, starter_site
):
    from claimcheck.claims.copycheck import index

    index.reset()  # the live server's data is new to this process
    page = no_script_page
    page.goto(starter_site.url("/"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Check a text").click()
    expect(page).to_have_url(re.compile(r"/check/$"))
    page.get_by_label("Marketing text to check").fill(ADVERT)
    page.get_by_role("button", name="Check the text").click()

    expect(page.get_by_role("heading", name="What we found")).to_be_visible()
    highlighted = page.locator(".copy-text a.copy-link mark.copy-match")
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_contain_text("exosome serum boosts collagen")
    expect(page.locator(".copy-text .copy-flag-words").first).to_have_text("boosts collagen")
    expect(page.locator(".copy-findings").nth(1)).to_contain_text("Structure or function claim")
    expect(page.locator(".copy-findings").nth(1)).to_contain_text("FDA approved")

    highlighted.click()
    expect(page).to_have_url(re.compile(r"/claims/exosome-serums-stimulate-collagen/$"))
    expect(page.locator(".verdict-line .verdict-label")).to_have_text(re.compile("Caution"))

    page.go_back()
    page.get_by_role("button", name="Check the text").click()
    page.get_by_role("link", name="Ask us to check this").first.click()
    expect(page).to_have_url(re.compile(r"/requests/new/\?claim=Snake"))
    expect(page.get_by_label("The claim you want checked")).to_have_value(
        "Snake oil tonic erases wrinkles overnight."
    )


@pytest.mark.parametrize("scripts", [False, True], ids=["without-javascript", "with-javascript"])
def test_after_submit_the_phone_reader_lands_on_the_focused_results(browser, starter_site, scripts):
    from claimcheck.claims.copycheck import index

    index.reset()
    context = browser.new_context(
        java_script_enabled=scripts, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.goto(starter_site.url("/check/"))
    page.get_by_label("Marketing text to check").fill(ADVERT)
    page.get_by_role("button", name="Check the text").click()

    expect(page).to_have_url(re.compile(r"/check/#results$"))
    results = page.locator("#results")
    expect(results).to_be_focused()
    top = results.evaluate("e => e.getBoundingClientRect().top")
    assert -2 <= top < 844, f"the results start at {top} px, outside the first screen"
    context.close()


def test_on_a_phone_the_evidence_fits_the_screen_and_reads_as_label_and_value(
    browser, starter_site
):
    from claimcheck.claims.copycheck import index

    index.reset()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(starter_site.url("/check/"))
    page.get_by_label("Marketing text to check").fill(ADVERT)
    page.get_by_role("button", name="Check the text").click()

    evidence = page.locator("dl.copy-evidence")
    expect(evidence.first).to_be_visible()
    assert evidence.count() >= 2  # a checked claim and a drug-claim wording
    expect(evidence.first.get_by_text("About", exact=True)).to_be_visible()
    expect(
        page.locator("#results").get_by_text("Changing how the skin or body works")
    ).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    for box in evidence.evaluate_all("els => els.map(e => e.getBoundingClientRect().right)"):
        assert box <= 390
    context.close()
