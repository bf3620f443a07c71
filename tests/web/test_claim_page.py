"""The claim page in a reader's words (rubric 2.0.0, issue 15): two answers before any number,
no internal codes outside "How we scored this", safety warnings once, honest review lines."""

import re
from html import unescape

import pytest

from claimcheck.claims.models import Claim, ReviewerProfile, Source

from ..factories import EvidenceLinkFactory
from .conftest import publish

pytestmark = pytest.mark.django_db

# What the rubric and the checklists call things internally; readers never see these outside
# the closed "How we scored this" disclosure (and the methodology page).
INTERNAL_CODE = re.compile(
    r"\b(R[1-8][AB]?|C[1-4]|VERY_LOW|NO_HUMAN|NO_EFFECT|CONTRADICTS|MODERATE|HIGH|LOW|NONE)\b"
    r"|composite|match confidence",
)


def consumer_text(html):
    """The page's main text without the disclosure and without source titles (a cited paper's
    title is quoted as published, and may contain anything)."""
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'<details class="how-scored">.*?</details>', " ", main, flags=re.S)
    main = re.sub(r'<p class="source-title">.*?</p>', " ", main, flags=re.S)
    main = re.sub(r"<script.*?</script>", " ", main, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_safety_warnings_are_summarised_once_and_listed_in_full_only_on_demand(client, site):
    claim = site["claims"][0]
    html = client.get(claim.get_absolute_url()).content.decode()
    section = html[html.index('id="signals-heading"') : html.index('id="evidence-heading"')]
    assert "One official warning applies to this use." in section
    assert "No exosome product is approved." in section  # what it says
    # The scoring disclosure counts the warnings instead of repeating them.
    details = html[html.index('<details class="how-scored">') :]
    details = details[: details.index("</details>")]
    assert "Safety warning applies:" not in details
    assert "1 matching official warning, listed under Safety warnings above." in details


def test_curation_notes_never_reach_the_public_page(client, site):
    claim = site["claims"][0]
    source = claim.evidence.first().source
    Source.objects.filter(pk=source.pk).update(
        provisional_note="Participant number not yet extracted."
    )
    from django.core.cache import cache

    cache.clear()
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "not yet extracted" not in html and "To be confirmed" not in html


def test_a_provisional_reviewer_is_reported_as_the_editorial_team_not_a_clinician(
    client, site, system_user
):
    team = ReviewerProfile.objects.create(
        slug="editorial-team",
        name="ClaimCheck editorial team",
        credentials="Provisional review, pending sign-off by a named medical reviewer",
        provisional=True,
    )
    link = EvidenceLinkFactory(claim__subject=site["main"], claim__slug="provisional-claim")
    claim = publish(link.claim, system_user, team)
    text = consumer_text(client.get(claim.get_absolute_url()).content.decode())
    assert "Reviewed by the editorial team on" in text
    assert "not yet reviewed by a clinician" in text
    assert "Provisional review" not in text and "medically reviewed" not in text.lower()


def test_about_promises_only_what_pages_show(client):
    text = consumer_text(client.get("/about/").content.decode())
    assert "names its reviewer" not in text
    assert "not yet by a clinician" in text


def test_methodology_opens_in_plain_words_and_ends_with_the_formulas(client):
    html = client.get("/methodology/").content.decode()
    plain = html.index('id="plain-words"')
    assert plain < html.index("Does it work?") < html.index("R8")
    assert html.index("What each verdict means") < html.index("round_half_up")
    from claimcheck import rubric

    composite = html.index(rubric.describe()["composite"].replace("'", "&#x27;"))
    assert html.index("Changes to the rubric") < composite  # the formulas come last


def test_consumer_pages_show_no_checklist_codes_or_match_confidence(client, site):
    from claimcheck.claims.models import TransparencyItem

    TransparencyItem.objects.create(subject=site["main"], code="C1", status="fail")
    TransparencyItem.objects.create(
        subject=site["main"], code="C4", status="pass", source_url="https://example.org/"
    )
    for url in ("/subjects/exosome-serums/", "/compare/?subjects=exosome-serums,retinol"):
        text = consumer_text(client.get(url).content.decode())
        assert not INTERNAL_CODE.search(text), url
    compare = consumer_text(
        client.get("/compare/?subjects=exosome-serums,retinol").content.decode()
    )
    assert "1 of the 2 things we check" in compare
    check = client.post("/check/", {"text": "Exosome serums stimulate collagen, says the ad."})
    assert check.status_code == 200
    assert "confidence" not in consumer_text(check.content.decode()).lower()


def test_subject_page_shows_trade_names_and_never_its_search_aliases(client, site):
    site["main"].trade_names = ["ExoGlow"]
    site["main"].save(update_fields=["trade_names"])
    text = consumer_text(client.get("/subjects/exosome-serums/").content.decode())
    assert "Also sold as: ExoGlow" in text
    assert "extracellular vesicles" not in text and "Also called" not in text


@pytest.mark.usefixtures("starter_catalogue")
class TestOnTheStarterData:
    """One load of the starter data for these tests; each still runs in its own savepoint."""

    def test_every_starter_claim_answers_both_questions_in_plain_words_before_any_number(
        self, client, starter_catalogue
    ):
        claims = list(Claim.objects.published().select_related("current_rating").order_by("slug"))
        assert len(claims) > 20
        for claim in claims:
            html = client.get(claim.get_absolute_url()).content.decode()
            text = consumer_text(html)
            works = text.index("Does it work?")
            safe = text.index("Is it safe and legal for this use?")
            score = text.index(f"{claim.current_rating.score}/100")
            assert works < safe < score, claim.slug
            codes = {m.group(0) for m in INTERNAL_CODE.finditer(text)}
            assert not codes, f"{claim.slug} shows {codes}"
            # The codes are still there for those who open the disclosure.
            details = html[html.index('<details class="how-scored">') :]
            assert "<details open" not in html
            assert claim.current_rating.r_code in details[: details.index("</details>")]

    def test_caution_names_its_cause_and_the_safety_answer_names_the_latest_warning(
        self, client, starter_catalogue
    ):
        claim = Claim.objects.get(slug="exosome-serums-stimulate-collagen")
        text = consumer_text(client.get(claim.get_absolute_url()).content.decode())
        assert "Caution because of safety" in text
        assert re.search(
            r"\d+ official safety warnings apply\. The latest: FDA warning letter", text
        )
        hydroquinone = Claim.objects.get(slug="otc-hydroquinone-fades-dark-spots")
        text = consumer_text(client.get(hydroquinone.get_absolute_url()).content.decode())
        # Harm dominates, and the law is named too: the verdict is not "it doesn't work".
        assert "Caution because of safety" in text and "lacks an approval it needs" in text
        assert "Does it work? May work" in text

    def test_effect_size_is_given_in_words_under_does_it_work(self, client, starter_catalogue):
        claim = Claim.objects.exclude(effect_size="not_known").published().order_by("slug").first()
        html = client.get(claim.get_absolute_url()).content.decode()
        answer = html[html.index('id="does-it-work"') : html.index('id="safe-and-legal"')]
        assert claim.get_effect_size_display().lower() in answer
        assert unescape(html).count(claim.effect_size_text) == 1

    def test_several_warnings_are_counted_and_the_full_list_sits_in_a_closed_disclosure(
        self, client, starter_catalogue
    ):
        claim = Claim.objects.get(slug="exosome-serums-stimulate-collagen")
        html = client.get(claim.get_absolute_url()).content.decode()
        count = len(claim.current_rating.safety_signals)
        assert count > 1
        assert f"{count} official warnings apply to this use, the latest from" in html
        assert (
            f'<details class="all-signals">\n      <summary>All {count} warnings</summary>' in html
        )
        assert html.count("Safety warning applies:") == 0
