"""The /check/ page: paste marketing copy, see known claims linked to their verdicts,
drug-claim wording flagged and unchecked claims offered as prefilled requests."""

import pytest
from django.test import Client

from claimcheck.claims.copycheck import MAX_CHARS, drugclaims
from claimcheck.web.forms import COPY_CHECKS_PER_WINDOW

from ..queries import COUNTED

pytestmark = pytest.mark.django_db

COPY = (
    "Our exosome serum stimulates collagen! "
    "Snake oil tonic reverses wrinkles overnight. "
    "Proudly FDA approved."
)


def test_a_claim_made_many_times_is_listed_once_with_its_places(client, site):
    claim = site["claims"][0]
    text = "Our exosome serum stimulates collagen! Proudly FDA approved. " * 3
    page = client.post("/check/", {"text": text}).content.decode()
    assert page.count(f'<a class="copy-link" href="/claims/{claim.slug}/">') == 3  # the text
    assert page.count(f'<a href="/claims/{claim.slug}/">{claim.text}</a>') == 1  # the list
    assert page.count("(in 3 places)") == 3  # the claim and its two drug-claim wordings
    assert page.count('<li id="flag-') == 2
    assert "1 checked claim, 6 drug-claim wordings," in page


@pytest.mark.parametrize(
    "sentence",
    ["Cures acne. ", "Heals scars, FDA approved! ", "Our exosome serum stimulates collagen! "],
)
def test_dense_copy_answers_a_page_a_small_multiple_of_the_text(client, site, sentence):
    # 20,000 characters of one short claim: the page was 14 to 54 times the text, and built in
    # time that grew with the square of the claims.
    text = (sentence * MAX_CHARS)[:MAX_CHARS]
    response = client.post("/check/", {"text": text})
    assert response.status_code == 200
    page = response.content.decode()
    assert len(response.content) < 4 * MAX_CHARS
    assert "only the first 200 are marked in it" in page
    assert page.count('<mark class="copy-') <= 200 + 3  # plus the legend's three
    assert page.count("<li><q>") <= 20 + 3
    assert text[-200:].strip() in page  # the end of the text is still there, unmarked


def test_the_page_offers_a_form_and_costs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/check/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<form method="post" action="/check/#results"' in page  # lands on the answer
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="text"' in page and 'maxlength="20000"' in page
    # The form carries a CSRF token: nothing that lets a shared cache keep the page.
    assert "Cache-Control" not in response and "Last-Modified" not in response


def test_checking_copy_links_known_claims_flags_drug_wording_and_lists_unchecked(client, site):
    claim = site["claims"][0]
    response = client.post("/check/", {"text": COPY})
    assert response.status_code == 200
    page = response.content.decode()
    # The known claim: highlighted in the text and linked to its verdict page.
    assert (
        f'<a class="copy-link" href="/claims/{claim.slug}/"><mark class="copy-match">Our exosome'
        in page
    )
    assert claim.text in page
    assert f"verdict-{claim.current_rating.verdict}" in page
    # Drug-claim wording: inside the highlighted span, and explained with a source.
    assert '<span class="copy-flag-words">stimulates collagen</span>' in page
    assert "Structure or function claim" in page
    assert "Regulatory status as a selling point" in page
    assert drugclaims.LANCOME_LETTER.url in page  # the structure/function flag's source
    assert drugclaims.MOCRA.url in page  # the regulatory-status flag's source
    # The unknown claim: offered as a prefilled check request.
    assert 'href="/requests/new/?claim=Snake+oil+tonic+reverses+wrinkles+overnight."' in page
    assert "1 checked claim, 2 drug-claim wordings, 2 claims not yet checked." in page


def test_checking_costs_one_query_to_build_the_index_then_only_version_and_limit(
    client, site, django_assert_num_queries
):
    # Each check also reads the content version and counts the address's checks (COUNTED).
    with django_assert_num_queries(COUNTED + 1):  # published claims, subjects, ratings (index)
        assert client.post("/check/", {"text": COPY}).status_code == 200
    with django_assert_num_queries(COUNTED):  # the index is reused; matches carry their verdicts
        response = client.post("/check/", {"text": COPY + " Exosomes heal acne scars."})
    assert response.status_code == 200
    assert "2 checked claims," in response.content.decode()  # the second claim, from the index
    with django_assert_num_queries(COUNTED):
        assert client.post("/check/", {"text": COPY * 50}).status_code == 200


def test_the_pasted_text_is_escaped_everywhere(client, site):
    text = '<script>alert("x")</script> Exosome serums stimulate collagen <b>now</b>.'
    page = client.post("/check/", {"text": text}).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;now&lt;/b&gt;" in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste some text to check: the box is empty."),
        ("   \n  ", "Paste some text to check: the box is empty."),
        ("x" * (MAX_CHARS + 1), "The text is too long: the limit is 20000 characters"),
        ("bad \x00 byte", "Null characters are not allowed."),
    ],
)
def test_empty_or_too_long_text_is_a_400_with_the_reason(client, site, text, message):
    response = client.post("/check/", {"text": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "What we found" not in response.content.decode()


def test_the_limit_counts_a_line_break_as_one_character_as_browsers_do(client, site):
    text = ("a\r\n" * (MAX_CHARS // 2))[: MAX_CHARS + MAX_CHARS // 2]
    assert client.post("/check/", {"text": text}).status_code == 200


def test_too_many_checks_from_one_address_are_refused_with_429(client, site):
    for _ in range(COPY_CHECKS_PER_WINDOW):
        assert client.post("/check/", {"text": COPY}).status_code == 200
    response = client.post("/check/", {"text": COPY})
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    other = client.post("/check/", {"text": COPY}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_a_post_without_the_csrf_token_is_refused(site):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/check/", {"text": COPY}).status_code == 403


def test_a_prefilled_request_form_shows_the_quote_escaped_and_cut_to_300(client):
    response = client.get("/requests/new/", {"claim": '<i>Snake oil</i> "heals" ' + "x" * 400})
    page = response.content.decode()
    assert "&lt;i&gt;Snake oil&lt;/i&gt; &quot;heals&quot; xxx" in page
    assert "x" * 300 not in page


def test_the_site_navigation_and_home_page_link_to_the_checker(client, site):
    page = client.get("/").content.decode()
    assert page.count('href="/check/"') >= 2


def test_the_answer_is_anchored_and_takes_focus_without_javascript(client, site):
    form = client.get("/check/").content.decode()
    assert 'action="/check/#results"' in form and 'id="results"' not in form
    body = client.post("/check/", {"text": COPY}).content.decode()
    section = body[body.index('id="results"') - 40 : body.index("What we found")]
    assert 'tabindex="-1"' in section and "autofocus" in section
    assert '<script src="/static/claimcheck/site.js" defer></script>' in body


def _section(page, heading):
    start = page.index(f"<h3>{heading}</h3>")
    return page[start : page.index("<h3>", start + 1)]


def test_each_claim_and_flag_shows_its_evidence_in_plain_words(client, site):
    text = "Exosome Serums\n\nOur best-selling formula boosts collagen overnight."
    page = client.post("/check/", {"text": text}).content.decode()
    claims = _section(page, "Claims we have checked")
    # What the clause is about (carried from the heading), what it promises, how close.
    assert '<dt>About</dt><dd>Exosome serums <span class="meta">(named earlier' in claims
    assert "<dt>Promises</dt><dd>boosts collagen</dd>" in claims
    assert "out of 100 for the subject and wording together" in claims
    flags = _section(page, "Drug-claim wording")
    # The sentence the wording is in, and the rule it meets, as well as the reason.
    assert "<dt>In</dt><dd><q>Our best-selling formula boosts collagen overnight.</q>" in flags
    assert "<dt>Rule</dt><dd>Changing how the skin or body works</dd>" in flags


def test_the_evidence_escapes_the_pasted_text(client, site):
    text = (
        'Exosome serums stimulate collagen "<img src=x onerror=alert(1)>" today.\n'
        "Heals acne scars <script>alert(2)</script> fast."
    )
    page = client.post("/check/", {"text": text}).content.decode()
    assert "<img src=x" not in page and "<script>alert(2)" not in page
    flags = _section(page, "Drug-claim wording")
    assert "&lt;img src=x onerror=alert(1)&gt;" in flags  # in the sentence shown as evidence
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in flags


def test_showing_the_evidence_costs_no_query(client, site, django_assert_num_queries):
    text = "Exosome Serums\n\nOur best-selling formula boosts collagen overnight. " * 20
    client.post("/check/", {"text": COPY})  # builds the index
    with django_assert_num_queries(COUNTED):  # the content version and the address's checks
        page = client.post("/check/", {"text": text}).content.decode()
    assert page.count('<dl class="copy-evidence"') == 2  # one per finding, not per place
