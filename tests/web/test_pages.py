"""The public pages through HTTP: content, escaping, 404 parity and fixed query counts."""

import json
import re
import urllib.parse

import pytest
from django.core.cache import cache

from claimcheck.claims import services
from claimcheck.claims.models import Claim

from ..factories import EvidenceLinkFactory, SubjectFactory
from ..queries import VERSION
from .conftest import publish

pytestmark = pytest.mark.django_db


def get_counted(client, url, django_assert_num_queries, expected):
    cache.clear()  # measure the uncached render
    with django_assert_num_queries(VERSION + expected):
        response = client.get(url)
    assert response.status_code == 200, url
    return response


def grow(site, system_user):
    """More claims, alternatives and evidence: no page may need more queries for them."""
    extra = SubjectFactory(name="Niacinamide", slug="niacinamide")
    extra.concerns.add(site["concern"])  # so it is also a claim page's alternative
    site["main"].alternatives.add(extra)
    for i in range(3):
        link = EvidenceLinkFactory(claim__subject=site["main"], claim__slug=f"more-{i}")
        EvidenceLinkFactory(claim=link.claim)
        publish(link.claim, system_user, site["reviewer"])
    link = EvidenceLinkFactory(claim__subject=extra, claim__slug="niacinamide-claim")
    publish(link.claim, system_user, site["reviewer"])
    for claim in site["claims"]:
        EvidenceLinkFactory(claim=claim)
        services.claim_rerate(claim=claim, by=system_user)


PAGES = [
    # (url, queries): each count is listed query by query in the comments below; every
    # request also reads the content version (tests/queries.py).
    # home: latest verdict changes with claims; verdict counts; concerns with counts
    ("/", 3),
    # claim: claim+subject+rating+reviewer; evidence+sources; history; appearances; related
    # articles; the subject's concerns; alternatives for them (claims with subjects and
    # ratings, one query since issue 15); signals
    ("/claims/exosome-claim-0/", 8),
    # concern: the concern; its published claims with subjects and ratings
    ("/concerns/anti-ageing/", 2),
    # subject: subject; its concerns; claims+ratings; alternatives; their published claims;
    # transparency items; regulatory records; safety signals; articles
    ("/subjects/exosome-serums/", 9),
    # compare: subjects; their published claims; their transparency; the subject picker
    ("/compare/?subjects=exosome-serums,retinol", 4),
    # methodology is generated from the rubric code: no query
    ("/methodology/", 0),
    # the API's promises and changelog are text
    ("/developers/", 0),
    # corrections: every retraction with its date
    ("/corrections/", 1),
    # articles list: count for the paginator; the page of articles with reviewers; the
    # retracted articles with their public reasons (first page only)
    ("/articles/", 3),
    # article: article+reviewer; subjects; claims+ratings; references
    ("/articles/exosomes-explained/", 4),
    # feed: newest verdict changes with claims
    ("/feeds/verdicts.atom", 1),
    # sitemap: claims; subjects; concerns (three sections with pagination counts)
    ("/sitemap.xml", 6),
    # badge: the published claim with its rating
    ("/claims/exosome-claim-0/badge.svg", 1),
]


@pytest.mark.parametrize(("url", "queries"), PAGES)
def test_page_query_count_is_fixed_whatever_the_rows(
    client, site, system_user, django_assert_num_queries, url, queries
):
    get_counted(client, url, django_assert_num_queries, queries)
    grow(site, system_user)
    get_counted(client, url, django_assert_num_queries, queries)


def test_claim_page_leads_with_the_verdict_then_two_answers_then_the_labelled_score(client, site):
    # Rubric 2.0.0: the two answers come before any number, and the score (which used to sit
    # in the verdict line) follows them, labelled as certainty and standing, not effect size.
    claim = Claim.objects.select_related("current_rating").get(pk=site["claims"][0].pk)
    body = client.get(claim.get_absolute_url()).content.decode()
    verdict_at = body.index('class="verdict-line"')
    works_at = body.index("Does it work?", verdict_at)  # (the description in <head> has it too)
    safe_at = body.index("Is it safe and legal for this use?", verdict_at)
    score_at = body.index(f"{claim.current_rating.score}/100", verdict_at)
    assert verdict_at < works_at < safe_at < score_at < body.index('id="evidence-heading"')
    line = body[verdict_at : body.index("</p>", verdict_at)]
    assert "Caution" in line and "/100" not in line and "grade" not in line
    assert 'aria-hidden="true">⚠</span>' in line  # the icon repeats the words, never alone
    assert "Caution because of safety: an official warning applies to this use" in body
    score_line = body[body.rindex("<p", 0, score_at) : body.index("</p>", score_at)]
    assert "grade F" in score_line and "not</em> how much it helps" in score_line


def test_claim_page_explains_each_factor_and_links_out(client, site):
    for alternative in site["alternatives"]:
        alternative.concerns.add(site["concern"])
    claim = site["claims"][0]
    body = client.get(claim.get_absolute_url()).content.decode()
    for factor in claim.current_rating.factors:
        if factor["dimension"] == "SAFETY":
            continue  # the warnings are listed once, in their own section (checked below)
        assert factor["sentence"].split(":")[0].replace("'", "&#x27;") in body
    assert "https://pubmed.ncbi.nlm.nih.gov/" in body
    assert "FDA safety notification on exosome products" in body
    assert "Dr Ada Reviewer" in body and "MD, dermatologist" in body  # a named reviewer
    assert "not yet reviewed by a clinician" not in body
    assert "Retinol" in body and "Microneedling" in body  # alternatives, with verdicts
    assert "Exosomes: what the evidence says" in body  # related article


def test_claim_page_carries_one_claimreview_with_escaped_markup(
    client, site, system_user, django_capture_on_commit_callbacks
):
    claim = site["claims"][0]
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_upsert(
            by=system_user,
            slug=claim.slug,
            fields={"conclusion_summary": "Unproven </script><script>alert(1)</script> & risky"},
        )
    body = client.get(claim.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert len(blocks) == 1
    assert "<" not in blocks[0] and "\\u003C/script" in blocks[0]
    review = json.loads(blocks[0])
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text
    assert review["url"] == "http://testserver" + claim.get_absolute_url()
    assert review["reviewRating"]["alternateName"] == "Caution"
    assert (review["reviewRating"]["ratingValue"], review["reviewRating"]["worstRating"]) == (1, 1)
    assert review["reviewRating"]["bestRating"] == 5
    assert review["reviewRating"]["ratingExplanation"].startswith("Unproven </script>")
    assert '<meta property="og:title"' in body
    assert f'<link rel="canonical" href="http://testserver{claim.get_absolute_url()}">' in body


def test_stored_text_is_escaped_on_every_page(
    client, site, system_user, django_capture_on_commit_callbacks
):
    claim = site["claims"][0]
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_upsert(
            by=system_user,
            slug=claim.slug,
            fields={"text": "Serum <img src=x onerror=alert(1)>"},
        )
    # Search by the subject's name: its result lists the claim inside it.
    by_name = "/search/?q=" + urllib.parse.quote(claim.subject.name)
    for url in (claim.get_absolute_url(), "/", site["main"].get_absolute_url(), by_name):
        cache.clear()
        body = client.get(url).content.decode()
        assert "<img src=x" not in body, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in body, url


def test_article_markdown_is_rendered_and_sanitised(client, site):
    body = client.get(site["article"].get_absolute_url()).content.decode()
    assert "<strong>tiny vesicles</strong>" in body
    assert "<script>alert(1)</script>" not in body


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_unpublished_claim_is_404_like_a_missing_one(
    client, site, system_user, status, django_capture_on_commit_callbacks
):
    # Made through the services and committed (the content version moves), beside the
    # published claims of the same subject.
    with django_capture_on_commit_callbacks(execute=True):
        claim = EvidenceLinkFactory(
            claim__subject=site["main"], claim__slug="exosome-claim-2", claim__text="Exosomes firm"
        ).claim
        if status == "in_review":
            services.claim_submit_for_review(claim=claim, by=system_user)
    assert Claim.objects.get(pk=claim.pk).status == status
    hidden = client.get(claim.get_absolute_url())
    # A missing address as close to the published claims as the draft's: the 404 suggests
    # the nearest published claims, so it must read the same, and never name the draft.
    missing = client.get("/claims/exosome-claim-9/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert claim.get_absolute_url().encode() not in hidden.content
    assert client.get(claim.get_absolute_url() + "badge.svg").status_code == 404


def test_subject_without_published_claims_is_404(client, site):
    lonely = SubjectFactory(slug="lonely")
    assert client.get(lonely.get_absolute_url()).status_code == 404


def test_home_offers_search_latest_verdicts_and_browsing(client, site):
    body = client.get("/").content.decode()
    assert 'role="search"' in body
    assert "Exosome serums stimulate collagen" in body
    assert 'href="/concerns/anti-ageing/"' in body and "?verdict=caution" in body
    assert "?kind=product" in body


def test_compare_shows_subjects_side_by_side_and_reports_unknown_ones(client, site):
    body = client.get("/compare/?subjects=exosome-serums,retinol,nope").content.decode()
    assert "Exosome serums" in body and "Retinol" in body
    assert "We have no published page for: nope" in body
    one = client.get("/compare/?subjects=retinol").content.decode()
    assert "Add one more to see them side by side." in one
    assert "Pick at least two" in client.get("/compare/").content.decode()


def test_compare_form_redirects_to_the_stable_address(client, site):
    response = client.get("/compare/?pick=retinol&pick=microneedling")
    assert response.status_code == 302
    assert response["Location"] == "/compare/?subjects=retinol,microneedling"


@pytest.mark.parametrize("typed", ["Microneedling", "microneedling", "MICRONEEDLING", "microneed"])
def test_compare_adds_a_subject_typed_by_name(client, site, typed):
    response = client.get("/compare/", {"subjects": "retinol", "add": typed})
    assert response.status_code == 302
    assert response["Location"] == "/compare/?subjects=retinol,microneedling"


def test_compare_says_so_when_the_typed_name_matches_nothing(client, site):
    response = client.get("/compare/", {"subjects": "retinol", "add": "<b>Snake oil</b>"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "We have no page for “&lt;b&gt;Snake oil&lt;/b&gt;”" in body
    assert "<b>Snake oil" not in body


def test_compare_rows_answer_the_two_questions_per_claim(client, site):
    body = client.get("/compare/?subjects=exosome-serums,retinol").content.decode()
    for row in (
        "Verdict",
        "Does it work?",
        "Safe and legal?",
        "Safety warnings",
        "Evidence strength",
    ):
        assert f"<dt>{row}</dt>" in body
    assert 'href="/compare/?subjects=retinol">Remove' in body  # drop exosome serums
    assert '<option value="Microneedling">' in body  # offered in the picker
    assert '<option value="Retinol">' not in body  # already compared


def test_methodology_is_generated_from_the_rubric(client):
    from claimcheck import rubric

    body = client.get("/methodology/").content.decode()
    described = rubric.describe()
    assert f"version {described['version']}" in body
    for row in described["regulatory"]:
        assert row["meaning"].replace("'", "&#x27;") in body
    for band in described["bands"]:
        assert f"{band['min']}–{band['max']}" in body


def test_static_pages_and_robots(client, site):
    assert "Corrections policy" in client.get("/corrections/").content.decode()
    assert "Independence" in client.get("/about/").content.decode()
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots


def test_feed_lists_new_verdicts_as_atom(client, site):
    response = client.get("/feeds/verdicts.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Exosome serums stimulate collagen: Caution" in body


def test_developers_page_says_how_versions_change_and_lists_changes_by_date(client, site):
    page = client.get("/developers/").content.decode()
    assert "Within <code>/api/v1/</code>, changes are additive." in page
    assert "<code>Deprecation</code> header" in page and "<code>Sunset</code> header" in page
    assert '<time datetime="2026-12-02">' in page
    assert 'href="/api/schema/?format=json"' in page
    assert '<a href="/developers/">API</a>' in client.get("/").content.decode()  # footer


def test_feed_is_valid_atom_with_tag_uri_ids_and_an_author(client, site):
    """RFC 4287: ids are IRIs, never reused (tag URIs, RFC 4151), and the feed has an author;
    an entry's summary does not repeat its kind."""
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(client.get("/feeds/verdicts.atom").content)  # noqa: S314
    assert feed.find(f"{atom}author/{atom}name").text == "ClaimCheck"
    entries = feed.findall(f"{atom}entry")
    assert entries
    ids = [entry.find(f"{atom}id").text for entry in entries]
    assert len(set(ids)) == len(ids)
    for value in ids:
        assert re.fullmatch(r"tag:testserver,\d{4}-\d{2}-\d{2}:verdict-change/\d+", value), value
    for entry in entries:
        summary = entry.find(f"{atom}summary").text
        assert not summary.startswith("Published. Published"), summary


def claim_review_on_page(client, claim):
    from claimcheck import freshness

    cache.clear()  # tests never commit, so the content version does not move on its own
    freshness.local.clear()
    body = client.get(claim.get_absolute_url()).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return json.loads(block)


def test_claim_review_on_the_page_says_when_it_was_published_and_last_changed(client, site):
    import datetime

    claim = site["claims"][0]
    review = claim_review_on_page(client, claim)
    today = claim.published_at.date().isoformat()
    assert (review["datePublished"], review["dateModified"]) == (today, today)
    # Published on an earlier day, rated and edited today: the two differ.
    published = claim.published_at - datetime.timedelta(days=40)
    Claim.objects.filter(pk=claim.pk).update(published_at=published)
    review = claim_review_on_page(client, claim)
    assert review["datePublished"] == published.date().isoformat()
    assert review["dateModified"] == today  # its rating and last edit
    assert review["dateModified"] > review["datePublished"]


@pytest.mark.parametrize(
    ("claimant", "author"),
    [
        ("Marketing in general", None),
        ("  marketing in  GENERAL ", None),  # the default, however it was typed
        ("Allergan", {"@type": "Organization", "name": "Allergan"}),
    ],
)
def test_claim_review_names_a_named_claimant_and_invents_no_author_for_a_generic_one(
    client, site, system_user, claimant, author
):
    claim = site["claims"][0]
    services.claim_upsert(by=system_user, slug=claim.slug, fields={"claimant": claimant})
    item = claim_review_on_page(client, claim)["itemReviewed"]
    assert item["name"] == claim.text
    assert item.get("author") == author


def feed_entries(client, **headers):
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(client.get("/feeds/verdicts.atom", **headers).content)  # noqa: S314
    ids = [entry.find(f"{atom}id").text for entry in feed.findall(f"{atom}entry")]
    return feed.find(f"{atom}author/{atom}uri").text, ids


def test_feed_entry_ids_are_the_sites_own_tag_uris_whichever_host_is_asked(
    client, site, settings, system_user
):
    """An entry's id never changes: not with the address a reader uses (SITE_URL names the
    site), nor when newer entries arrive; the author's uri is absolute."""
    from .conftest import add_new_trial

    about, ids = feed_entries(client)
    assert about == "http://testserver/about/"
    assert all(value.startswith("tag:testserver,") for value in ids)
    settings.SITE_URL = "https://claimcheck.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "www.claimcheck.example.org"]
    cache.clear()
    _, as_site = feed_entries(client)
    cache.clear()
    about, via_www = feed_entries(client, HTTP_HOST="www.claimcheck.example.org:8443")
    assert about == "http://www.claimcheck.example.org:8443/about/"
    assert (
        as_site
        == via_www
        == [value.replace("tag:testserver,", "tag:claimcheck.example.org,") for value in ids]
    )
    add_new_trial(site["claims"][0], system_user)
    cache.clear()
    _, later = feed_entries(client)
    assert len(later) == len(as_site) + 1 and later[1:] == as_site  # the new one first


def test_sitemap_lists_published_claims_subjects_and_concerns(client, site):
    body = client.get("/sitemap.xml").content.decode()
    assert "/claims/exosome-claim-0/" in body and "/subjects/exosome-serums/" in body
    concern = site["claims"][0].subject.concerns.first()
    assert f"/concerns/{concern.slug}/" in body


def test_badge_is_an_accessible_svg_anyone_may_embed(client, site):
    response = client.get(site["claims"][0].get_absolute_url() + "badge.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    body = response.content.decode()
    claim = site["claims"][0]
    assert "<title" in body
    assert f"ClaimCheck verdict on “{claim.text}”: Caution, grade F" in body
    assert f">{claim.text}</text>" in body  # visibly named, not only in the title


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_claim_page_weighs_under_60_kb_with_no_external_assets(client, site):
    from pathlib import Path

    from django.conf import settings

    body = client.get(site["claims"][0].get_absolute_url()).content
    css = (Path(settings.BASE_DIR) / "claimcheck/static/claimcheck/site.css").read_bytes()
    assert len(body) + len(css) < 60_000
    text = body.decode()
    # One small same-origin script (site.js: the copy-link button), which the page does not
    # need to work; nothing from elsewhere.
    assert text.count("<script src") == 1
    assert '<script src="/static/claimcheck/site.js" defer></script>' in text
    assert "fonts.googleapis" not in text
    for attr in ('src="http', 'href="http'):
        external = [
            chunk for chunk in text.split(attr)[1:] if not chunk.startswith("://testserver")
        ]
        # outbound links to sources are fine; stylesheets, scripts and images are not
        assert all('rel="stylesheet"' not in chunk[:200] for chunk in external)


def test_pages_send_a_content_security_policy_without_unsafe_inline(client, site):
    response = client.get(site["claims"][0].get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_every_page_links_the_site_chrome(client, site):
    """The header's and footer's links (resolved once per process, not per page) are the
    addresses of their views."""
    from django.urls import reverse

    from claimcheck.web.context_processors import CHROME

    for path in ("/", "/search/?q=exosomes", site["claims"][0].get_absolute_url()):
        body = client.get(path).content.decode()
        for name in CHROME.values():
            assert f'href="{reverse(name)}"' in body, (path, name)
