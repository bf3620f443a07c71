"""Search on a phone (390 x 844, issue 15): for a query that matches a claim, the first verdict
is on the first screen, whatever form the question takes."""

import pytest

pytestmark = pytest.mark.browser

QUERIES = [
    "botox",
    "is botox safe",
    "exosome facial",
    "dark spots",
    "how to get rid of acne",
    "retinol vs tretinoin",
    "thinning hair",
    "frown lines",
    "does rosemary oil really work for hair growth",
    "rosemerry oil",
]

FIRST_VERDICT = """(() => {
  const v = document.querySelector('main .results .verdict');
  if (!v) return null;
  const r = v.getBoundingClientRect();
  return r.top + window.scrollY;
})()"""


@pytest.fixture
def phone_390(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    yield context.new_page()
    context.close()


def test_the_first_verdict_is_on_the_first_phone_screen(phone_390, starter_site):
    below = {}
    for query in QUERIES:
        phone_390.goto(starter_site.url("/search/?q=" + query.replace(" ", "+")))
        top = phone_390.evaluate(FIRST_VERDICT)
        if top is None or top + 24 > 844:
            below[query] = top
    assert not below, f"first verdict not on the first screen (its top, CSS px): {below}"


def test_a_miss_says_so_on_the_first_screen(phone_390, starter_site):
    phone_390.goto(starter_site.url("/search/?q=mandelic+acid+peel"))
    miss = phone_390.locator("main .miss")
    assert "We have not checked" in miss.inner_text()
    box = miss.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844
    link = phone_390.get_by_role("link", name="Ask us to check “mandelic acid peel”")
    assert link.get_attribute("href") == "/requests/new/?claim=mandelic%20acid%20peel"
