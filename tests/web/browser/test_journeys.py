"""What a reader does, in a real browser: search, compare, ask for a check, embed a badge,
move by keyboard, read on a 360 px phone."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_searching_exosome_facial_from_the_home_page_reaches_an_exosome_verdict(page, starter_site):
    page.goto(starter_site.url("/"))
    page.get_by_role("searchbox", name="Search a treatment, product or ingredient").fill(
        "exosome facial"
    )
    page.get_by_role("button", name="Check").click()

    expect(page).to_have_url(re.compile(r"/search/\?q=exosome\+facial$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("exosome facial")
    # Subject results list their claims, each with its verdict.
    page.locator(".results a[href^='/claims/']").filter(
        has_text=re.compile("exosome", re.I)
    ).first.click()

    expect(page).to_have_url(re.compile(r"/claims/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("exosome", re.I))
    verdict = page.locator(".verdict-line .verdict-label")
    expect(verdict).to_be_visible()
    expect(verdict).to_have_text(
        re.compile(r"^(Well supported|Some evidence|Unproven|Not supported|Caution)")
    )
    expect(page.locator(".verdict-box .summary")).to_be_visible()


def test_the_compare_form_puts_two_subjects_side_by_side(page, starter_site):
    first, second = starter_site.subject, starter_site.alternative
    page.goto(starter_site.url("/compare/"))
    page.get_by_label("Choose a treatment or product").fill(first.name)
    page.get_by_role("button", name="Add").click()
    page.get_by_label("Add another treatment or product").fill(second.name)
    page.get_by_role("button", name="Add").click()

    expect(page).to_have_url(re.compile(r"/compare/\?subjects=[\w-]+,[\w-]+$"))
    subjects = page.locator(".compare-card h2 a")
    expect(subjects).to_have_count(2)
    assert sorted(subjects.all_inner_texts()) == sorted([first.name, second.name])
    expect(page.locator(".compare-card .verdict").first).to_be_visible()


def test_compare_on_a_360_px_phone_picks_by_typing_and_never_scrolls_sideways(
    phone_page, starter_site
):
    page = phone_page
    page.goto(starter_site.url(starter_site.pages["compare"]))
    field = page.get_by_label("Add another treatment or product")
    box = field.bounding_box()
    assert box is not None and box["y"] < 740, "the picker is on the first screen"
    field.fill("Tretinoin")
    field.press("Enter")
    expect(page.locator(".compare-card")).to_have_count(3)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    first_row = page.locator(".compare-rows").first
    expect(first_row).to_contain_text("Does it work?")
    expect(first_row).to_contain_text("Safe and legal?")


def test_a_check_request_sent_through_the_form_lands_on_its_status_page(page, starter_site):
    page.goto(starter_site.url("/requests/new/"))
    page.get_by_label("The claim you want checked").fill("Snail mucin erases acne scars")
    page.get_by_label("Where you saw it (optional)").fill("https://shop.example/snail")
    page.get_by_role("button", name="Send request").click()

    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your check request")
    expect(page.locator(".requested-claim")).to_have_text("Snail mucin erases acne scars")
    expect(page.locator(".status")).to_contain_text("Received")


def test_the_verdict_badge_on_the_claim_page_renders_as_an_image(page, starter_site):
    page.goto(starter_site.url(starter_site.pages["claim"]))
    badge = page.locator('img[src$="badge.svg"]')
    expect(badge).to_be_visible()
    expect(badge).to_have_attribute(
        "alt", re.compile(r"^ClaimCheck verdict on “.+”: .+, grade [A-F]$")
    )
    loaded = badge.evaluate("img => img.decode().then(() => [img.complete, img.naturalWidth])")
    assert loaded[0] is True
    assert loaded[1] > 0


def test_tab_from_the_top_reaches_the_skip_link_first_and_it_moves_focus_to_main(
    page, starter_site
):
    page.goto(starter_site.url(starter_site.pages["claim"]))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to content")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is shown"

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_focused_links_and_buttons_show_a_focus_outline(page, starter_site):
    page.goto(starter_site.url("/"))
    for _ in range(3):  # skip link, brand, first navigation link
        page.keyboard.press("Tab")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] == "A"
    assert outline[1] != "none" and outline[2] >= 2, outline


# Every public page a reader can reach from the navigation, on a 360 px wide phone.
NARROW_PAGES = [
    "home",
    "search results",
    "subject",
    "claim",
    "compare",
    "methodology",
    "articles",
    "article",
    "request form",
]


def test_pages_fit_a_360_px_screen_without_sideways_scrolling(phone_page, starter_site):
    too_wide = {}
    for name in NARROW_PAGES:
        phone_page.goto(starter_site.url(starter_site.pages[name]))
        width = phone_page.evaluate("document.scrollingElement.scrollWidth")
        if width > 360:
            # Name the widest elements that stick out, to say what to fix.
            too_wide[name] = (width, phone_page.evaluate(WIDEST_ELEMENTS))
    assert not too_wide, "\n".join(
        f"{name}: scrollWidth {width}px; sticking out: {culprits}"
        for name, (width, culprits) in too_wide.items()
    )


WIDEST_ELEMENTS = """(() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    const cls = typeof el.className === 'string' ? el.className.trim() : '';
    const name = el.tagName.toLowerCase() + (cls ? '.' + cls.split(/\\s+/).join('.') : '');
    if (r.right > 360.5) out.push([Math.round(r.right), name]);
  }
  out.sort((a, b) => b[0] - a[0]);
  return out.slice(0, 5);
})()"""


def test_the_copy_link_button_copies_the_verdict_address(browser, starter_site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(starter_site.url(starter_site.pages["claim"]))
    button = page.get_by_role("button", name="Copy link")
    expect(button).to_be_visible()  # shown by site.js; hidden without it
    button.click()
    expect(page.locator("#share-status")).to_have_text("Link copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == starter_site.url(starter_site.pages["claim"])
    context.close()


def test_without_javascript_the_link_is_there_to_select_and_no_dead_button_shows(
    browser, starter_site
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(starter_site.url(starter_site.pages["claim"]))
    expect(page.get_by_label("Link to this page")).to_have_value(
        starter_site.url(starter_site.pages["claim"])
    )
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    context.close()
