"""Concern pages, the concern tags that link to them, and a claim's alternatives for the
same concern (issue 15)."""

import pytest

from claimcheck.claims import selectors
from claimcheck.claims.models import Claim, Concern

from ..factories import EvidenceLinkFactory, SubjectFactory
from .conftest import publish

pytestmark = pytest.mark.django_db


def test_a_concern_page_is_titled_with_the_concern_and_lists_only_its_claims(client, site):
    Concern.objects.filter(pk=site["concern"].pk).update(
        summary="Lines, wrinkles and loss of firmness.", aliases=["wrinkels"]
    )
    site["alternatives"][0].concerns.add(site["concern"])  # retinol; microneedling is not
    response = client.get("/concerns/anti-ageing/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Anti-ageing: claims we checked · ClaimCheck</title>" in body
    assert "<h1>Anti-ageing</h1>" in body and "Lines, wrinkles and loss of firmness." in body
    for claim in site["claims"] + site["alt_claims"][:1]:
        assert claim.get_absolute_url() in body
    assert site["alt_claims"][1].get_absolute_url() not in body  # microneedling's
    assert "wrinkels" not in body  # aliases are for search only


def test_an_unknown_concern_is_a_404(client, site):
    assert client.get("/concerns/no-such-concern/").status_code == 404


def test_concern_tags_on_subject_and_claim_pages_link_to_the_concern(client, site):
    link = 'href="/concerns/anti-ageing/"'
    assert link in client.get("/subjects/exosome-serums/").content.decode()
    assert link in client.get(site["claims"][0].get_absolute_url()).content.decode()
    assert site["concern"].get_absolute_url() == "/concerns/anti-ageing/"


def test_alternatives_share_a_concern_are_better_rated_and_carry_a_verdict_and_why(
    client, site, system_user
):
    other = Concern.objects.create(slug="acne", name="Acne")
    retinol, microneedling = site["alternatives"]
    retinol.concerns.add(site["concern"])
    microneedling.concerns.add(other)  # listed by curators, but for another concern
    body = client.get(site["claims"][0].get_absolute_url()).content.decode()
    section = body[body.index('id="alternatives-heading"') :]
    section = section[: section.index("</section>")]
    assert "Better-supported options for anti-ageing" in section
    assert site["alt_claims"][0].get_absolute_url() in section
    assert site["alt_claims"][1].get_absolute_url() not in section
    assert 'class="verdict verdict-' in section and 'class="why-line"' in section


def test_at_most_five_alternatives_one_per_subject_ranked_by_shared_concerns_then_score(
    starter_data,
):
    claim = Claim.objects.select_related("subject").get(slug="exosome-serums-stimulate-collagen")
    concerns = list(claim.subject.concerns.all())
    chosen = selectors.claim_alternatives(claim=claim, concerns=concerns)
    assert 0 < len(chosen) <= selectors.MAX_ALTERNATIVES
    assert len({c.subject_id for c in chosen}) == len(chosen)
    wanted = {c.pk for c in concerns}
    for alternative in chosen:
        assert alternative.subject_id != claim.subject_id
        assert alternative.shown_score > claim.shown_score
        assert alternative.shown_verdict in selectors.ALTERNATIVE_VERDICTS
        assert wanted & set(alternative.subject.concerns.values_list("pk", flat=True))
    ranks = [(-c.shared, -c.curated, -c.shown_score) for c in chosen]
    assert ranks == sorted(ranks)


def test_the_alternatives_take_one_query_whatever_the_catalogue(
    site, system_user, django_assert_num_queries
):
    claim = Claim.objects.select_related("subject").get(pk=site["claims"][0].pk)
    concerns = [site["concern"]]
    # one query: the candidate claims with their subjects and ratings, ranked
    with django_assert_num_queries(1):
        selectors.claim_alternatives(claim=claim, concerns=concerns)
    for i in range(8):
        subject = SubjectFactory(slug=f"more-{i}")
        subject.concerns.add(site["concern"])
        for j in range(2):
            link = EvidenceLinkFactory(claim__subject=subject, claim__slug=f"more-{i}-{j}")
            publish(link.claim, system_user, site["reviewer"])
    with django_assert_num_queries(1):
        chosen = selectors.claim_alternatives(claim=claim, concerns=concerns)
    assert len(chosen) <= selectors.MAX_ALTERNATIVES
    with django_assert_num_queries(0):  # no concern, nothing to match: no query at all
        assert selectors.claim_alternatives(claim=claim, concerns=[]) == []
