"""The public article pages: what a reader sees, in a fixed number of queries, and the same
404 for an unpublished article as for a missing one."""

import pytest

from articles import services
from articles.models import Article

from ..queries import VERSION

pytestmark = pytest.mark.django_db


def test_article_page_shows_byline_reviewer_dates_references_and_verdicts(
    client, published, published_claim, django_assert_num_queries
):
    # 1. the article with its reviewer; 2. its subjects; 3. its published claims with their
    # ratings and subjects; 4. its references
    with django_assert_num_queries(VERSION + 4):
        response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "What is sold as an exosome, and what is known." in body  # standfirst
    assert "By Eddie Editor" in body
    assert "Medically reviewed by Dr Rita Reviewer, MD, board-certified dermatologist" in body
    assert "last reviewed" in body and "published" in body and "updated" in body
    assert "provisional" not in body
    assert "<strong>tiny vesicles</strong>" in body
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/12345678/"' in body
    assert 'href="https://doi.org/10.1000/xyz"' in body
    assert "FDA reference CBER 25-000001" in body and 'href="https://www.fda.gov/letter"' in body
    assert published_claim.get_absolute_url() in body
    assert published_claim.current_rating.verdict_label in body
    assert 'href="/subjects/retinol/"' in body


def test_provisional_reviewer_is_named_as_the_editorial_team_not_a_medical_reviewer(
    client, published, reviewer
):
    type(reviewer).objects.filter(pk=reviewer.pk).update(provisional=True)
    body = client.get(published.get_absolute_url()).content.decode()
    assert "Reviewed by the editorial team" in body and "not yet reviewed by a clinician" in body
    assert "Medically reviewed" not in body
    listing = client.get("/articles/").content.decode()
    assert "reviewed by the editorial team" in listing and "medical reviewers" not in listing


def test_query_count_does_not_grow_with_links(
    client, published, editor, reviewer_user, django_assert_num_queries
):
    from ..factories import SourceFactory, SubjectFactory

    services.article_upsert(
        by=reviewer_user,
        slug=published.slug,
        fields={},
        subjects=[SubjectFactory() for _ in range(4)],
        references=[SourceFactory() for _ in range(5)],
    )
    with django_assert_num_queries(VERSION + 4):
        assert client.get(published.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("step", ["draft", "in_review", "retracted"])
def test_unpublished_article_is_404_like_a_missing_one(
    client, draft, editor, reviewer_user, reviewer, step
):
    if step != "draft":
        services.article_submit_for_review(article=draft, by=editor)
    if step == "retracted":
        services.article_publish(article=draft, by=reviewer_user, reviewer=reviewer)
        services.article_retract(article=draft, by=reviewer_user, reason="Out of date.")
    assert Article.objects.get(pk=draft.pk).status == step
    hidden = client.get(draft.get_absolute_url())
    missing = client.get("/articles/no-such-article/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert client.get(f"/api/v1/articles/{draft.slug}/").status_code == 404


def test_retracted_article_is_announced_with_its_reason_on_the_list(
    client, published, reviewer_user, django_assert_num_queries
):
    services.article_retract(
        article=published, by=reviewer_user, reason="It misdescribed the FDA's position."
    )
    # 1. count of published articles for the paginator (none: no page query follows);
    # 2. the retractions with their reasons
    with django_assert_num_queries(VERSION + 2):
        body = client.get("/articles/").content.decode()
    assert "Retracted articles" in body
    assert "Exosomes explained" in body
    assert "It misdescribed the FDA&#x27;s position." in body
    assert published.get_absolute_url() not in body
