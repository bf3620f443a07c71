"""The article workflow through the services: who may do what, what each step records, and
what the body may contain."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.models import Article

pytestmark = pytest.mark.django_db


def test_editor_creates_and_edits_a_draft_and_submits_it(editor, draft):
    assert draft.status == Article.Status.DRAFT
    services.article_upsert(by=editor, slug=draft.slug, fields={"title": "Exosomes, explained"})
    services.article_submit_for_review(article=draft, by=editor)
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Exosomes, explained", Article.Status.IN_REVIEW)


def test_editor_cannot_publish_or_retract_and_a_reviewer_can(
    editor, reviewer_user, reviewer, draft
):
    services.article_submit_for_review(article=draft, by=editor)
    with pytest.raises(PermissionDenied, match="Only a reviewer"):
        services.article_publish(article=draft, by=editor, reviewer=reviewer)
    assert Article.objects.get(pk=draft.pk).status == Article.Status.IN_REVIEW

    services.article_publish(article=draft, by=reviewer_user, reviewer=reviewer)
    with pytest.raises(PermissionDenied, match="Only a reviewer"):
        services.article_retract(article=draft, by=editor, reason="Wrong.")
    assert Article.objects.get(pk=draft.pk).status == Article.Status.PUBLISHED

    services.article_retract(article=draft, by=reviewer_user, reason="Wrong.")
    assert Article.objects.get(pk=draft.pk).status == Article.Status.RETRACTED


def test_staff_without_a_role_cannot_create_an_article(django_user_model):
    nobody = django_user_model.objects.create_user("nobody", is_staff=True)
    with pytest.raises(PermissionDenied):
        services.article_upsert(
            by=nobody, slug="x", fields={"title": "x", "summary": "x", "body": "x"}
        )
    assert not Article.objects.exists()


def test_publishing_records_reviewer_and_dates_and_keeps_the_first_publication_date(
    editor, reviewer_user, reviewer, draft
):
    services.article_submit_for_review(article=draft, by=editor)
    services.article_publish(article=draft, by=reviewer_user, reviewer=reviewer)
    first = Article.objects.get(pk=draft.pk)
    assert first.reviewer == reviewer
    assert first.published_at == first.reviewed_at is not None

    services.article_retract(article=first, by=reviewer_user, reason="A source was misread.")
    retracted = Article.objects.get(pk=draft.pk)
    assert retracted.retraction_reason == "A source was misread."
    assert retracted.retracted_at is not None
    services.article_submit_for_review(article=retracted, by=editor)
    services.article_publish(article=retracted, by=reviewer_user, reviewer=reviewer)
    again = Article.objects.get(pk=draft.pk)
    assert again.published_at == first.published_at
    assert again.reviewed_at > first.reviewed_at
    assert (again.retraction_reason, again.retracted_at) == ("", None)


def test_publishing_needs_a_reviewer_profile_and_an_article_in_review(
    editor, reviewer_user, reviewer, draft
):
    with pytest.raises(ValidationError, match="in review"):
        services.article_publish(article=draft, by=reviewer_user, reviewer=reviewer)
    services.article_submit_for_review(article=draft, by=editor)
    with pytest.raises(ValidationError, match="named medical reviewer"):
        services.article_publish(article=draft, by=reviewer_user, reviewer=None)
    assert Article.objects.get(pk=draft.pk).status == Article.Status.IN_REVIEW


def test_retraction_needs_a_public_reason(reviewer_user, published):
    with pytest.raises(ValidationError, match="why"):
        services.article_retract(article=published, by=reviewer_user, reason="  ")
    assert Article.objects.get(pk=published.pk).status == Article.Status.PUBLISHED


def test_editor_cannot_change_a_published_article_but_a_reviewer_can(
    editor, reviewer_user, published
):
    with pytest.raises(PermissionDenied, match="Only a reviewer can change a published"):
        services.article_upsert(by=editor, slug=published.slug, fields={"title": "Edited"})
    with pytest.raises(PermissionDenied):
        services.article_upsert(by=editor, slug=published.slug, fields={}, claims=[])
    assert Article.objects.get(pk=published.pk).title == "Exosomes explained"

    services.article_upsert(by=reviewer_user, slug=published.slug, fields={"title": "Edited"})
    article = Article.objects.get(pk=published.pk)
    assert (article.title, article.status) == ("Edited", Article.Status.PUBLISHED)


def test_editor_may_rework_a_retracted_article_and_submit_it_again(
    editor, reviewer_user, published
):
    services.article_retract(article=published, by=reviewer_user, reason="Out of date.")
    article = services.article_upsert(by=editor, slug=published.slug, fields={"title": "New"})
    services.article_submit_for_review(article=article, by=editor)
    assert Article.objects.get(pk=published.pk).status == Article.Status.IN_REVIEW


def test_an_unchanged_upsert_writes_nothing(editor, draft, django_assert_num_queries):
    fields = {"title": draft.title, "summary": draft.summary, "body": draft.body}
    # The service's savepoint, the article by slug, the savepoint's release: no write (the
    # editor's permissions were cached on the user object by the fixture's first call).
    with django_assert_num_queries(3):
        services.article_upsert(by=editor, slug=draft.slug, fields=fields)
    assert draft.history.count() == 1


def test_service_calls_are_attributed_in_the_history(editor, reviewer_user, reviewer, draft):
    services.article_submit_for_review(article=draft, by=editor)
    services.article_publish(article=draft, by=reviewer_user, reviewer=reviewer)
    created, submitted, published = draft.history.order_by("history_date", "history_id")
    assert (created.history_user, created.history_type) == (editor, "+")
    assert (submitted.history_user, submitted.history_change_reason) == (editor, "Submitted")
    assert published.history_user == reviewer_user
    assert published.history_change_reason == f"Published after review by {reviewer.name}"


@pytest.mark.parametrize(
    "markdown, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
        ('<p style="color:red">red</p>', "style="),
        ("<iframe src='https://example.org'></iframe>", "<iframe"),
    ],
)
def test_body_html_strips_scripts_handlers_and_javascript_links(make_draft, markdown, forbidden):
    article = make_draft(body=f"Safe **text**.\n\n{markdown}\n")
    html = str(article.body_html())
    assert "<strong>text</strong>" in html
    assert forbidden not in html


def test_body_html_keeps_links_tables_and_relative_links(make_draft):
    article = make_draft(
        body="[FDA](https://www.fda.gov/) and [our verdict](/claims/x/).\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    html = str(article.body_html())
    assert '<a href="https://www.fda.gov/" rel="noopener nofollow">FDA</a>' in html
    assert '<a href="/claims/x/" rel="noopener nofollow">our verdict</a>' in html
    assert "<table>" in html


def test_a_published_article_cannot_be_deleted(reviewer_user, published, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x" * 16)
    with pytest.raises(ValidationError, match="retracted, not deleted"):
        services.article_delete(article=published, by=boss)
    with pytest.raises(PermissionDenied):
        services.article_delete(article=published, by=reviewer_user)
