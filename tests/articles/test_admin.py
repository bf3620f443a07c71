"""The article admin: its pages open, saves and actions go through the services (so the roles
hold there too), retraction asks for a public reason, and staff can preview any article."""

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Article

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _act(client, action, *articles, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [a.pk for a in articles], **extra},
        follow=True,
    )


def _status(article):
    return Article.objects.get(pk=article.pk).status


def test_changelist_add_and_change_pages_open_for_an_editor(staff_client, editor, draft):
    client = staff_client(editor)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    change = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert change.status_code == 200
    body = change.content.decode()
    assert "Standfirst" in body
    assert reverse("admin:articles_article_preview", args=[draft.pk]) in body


def test_changelist_query_count_is_fixed_whatever_the_number_of_rows(
    staff_client, reviewer_user, make_draft, django_assert_num_queries
):
    client = staff_client(reviewer_user)
    for i in range(6):
        make_draft(slug=f"article-{i}")
    # 1. session; 2. user; 3. the user's TOTP device; 4-5. user and group permissions;
    # 6. reviewers for the reviewer filter; 7-8. count of all articles and of the filtered
    # list; 9. the page of articles with their reviewers (one join); 10-11. the date
    # hierarchy's range and its days.
    with django_assert_num_queries(11):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.content.decode().count('class="action-select"') == 6
    make_draft(slug="one-more")
    with django_assert_num_queries(11):
        assert client.get(CHANGELIST).status_code == 200


def test_admin_add_by_an_editor_creates_an_attributed_draft(staff_client, editor):
    client = staff_client(editor)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Peels explained",
            "slug": "peels-explained",
            "summary": "What peels do.",
            "body": "Peels **exfoliate**.",
            "author_name": "Eddie",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="peels-explained")
    assert (article.status, article.author) == (Article.Status.DRAFT, editor)
    assert article.history.get().history_user == editor


def test_admin_edit_is_attributed_and_writes_only_the_changed_field(staff_client, editor, draft):
    client = staff_client(editor)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["title"] = "Exosomes, explained again"
    data = {k: v for k, v in data.items() if v not in ("", [], None)}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "articles_article"')]
    assert len(updates) == 1
    assert '"title"' in updates[0] and '"body"' not in updates[0]
    latest = draft.history.order_by("-history_id").first()
    assert (latest.title, latest.history_user) == ("Exosomes, explained again", editor)


def test_editor_sees_a_published_article_read_only(staff_client, editor, published):
    client = staff_client(editor)
    url = reverse("admin:articles_article_change", args=[published.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert client.post(url, {"title": "Hijacked"}).status_code == 403
    assert Article.objects.get(pk=published.pk).title == "Exosomes explained"


def test_editor_submits_through_the_admin_but_cannot_publish_or_retract(
    staff_client, editor, draft, make_draft, reviewer_user, reviewer
):
    client = staff_client(editor)
    offered = [
        value for value, _ in client.get(CHANGELIST).context["action_form"].fields["action"].choices
    ]
    assert "submit_for_review" in offered
    assert "publish" not in offered and "retract" not in offered

    response = _act(client, "submit_for_review", draft)
    assert "1 article(s) submitted for review." in _messages(response)
    assert _status(draft) == Article.Status.IN_REVIEW

    _act(client, "publish", draft)
    assert _status(draft) == Article.Status.IN_REVIEW
    other = make_draft(slug="other")
    services.article_submit_for_review(article=other, by=editor)
    services.article_publish(article=other, by=reviewer_user, reviewer=reviewer)
    _act(client, "retract", other, apply="1", reason="Because.")
    assert _status(other) == Article.Status.PUBLISHED


def test_reviewer_publishes_through_the_admin_as_their_own_reviewer_profile(
    staff_client, editor, reviewer_user, reviewer, draft, make_draft
):
    services.article_submit_for_review(article=draft, by=editor)
    still_draft = make_draft(slug="still-draft")
    response = _act(staff_client(reviewer_user), "publish", draft, still_draft)
    article = Article.objects.get(pk=draft.pk)
    assert (article.status, article.reviewer) == (Article.Status.PUBLISHED, reviewer)
    assert article.history.order_by("-history_id").first().history_user == reviewer_user
    messages = _messages(response)
    assert "1 article(s) published." in messages
    assert any(
        m.startswith("“Exosomes explained” not published: Only an article in review")
        for m in messages
    )
    assert _status(still_draft) == Article.Status.DRAFT


def test_publishing_without_a_reviewer_profile_fails_clearly(
    staff_client, editor, draft, django_user_model
):
    from django.contrib.auth.models import Group

    unlinked = django_user_model.objects.create_user("ulla", is_staff=True)
    unlinked.groups.add(Group.objects.get(name="Reviewer"))
    services.article_submit_for_review(article=draft, by=editor)
    response = _act(staff_client(unlinked), "publish", draft)
    assert any("your account has no reviewer profile" in m for m in _messages(response))
    assert _status(draft) == Article.Status.IN_REVIEW


def test_retract_asks_for_a_public_reason_then_retracts(staff_client, reviewer_user, published):
    client = staff_client(reviewer_user)
    form_page = _act(client, "retract", published)
    assert form_page.status_code == 200
    assert "Public reason" in form_page.content.decode()
    assert _status(published) == Article.Status.PUBLISHED

    missing = _act(client, "retract", published, apply="1", reason="")
    assert "This field is required" in missing.content.decode()
    assert _status(published) == Article.Status.PUBLISHED

    done = _act(client, "retract", published, apply="1", reason="A study was misdescribed.")
    assert "1 article(s) retracted." in _messages(done)
    article = Article.objects.get(pk=published.pk)
    assert (article.status, article.retraction_reason) == (
        Article.Status.RETRACTED,
        "A study was misdescribed.",
    )


def test_preview_shows_a_draft_to_staff_while_the_public_page_is_404(
    client, staff_client, editor, draft
):
    cache.clear()
    assert client.get(draft.get_absolute_url()).status_code == 404
    preview = staff_client(editor).get(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Staff preview" in body and "draft" in body
    assert "<strong>tiny vesicles</strong>" in body
    assert "no-cache" in preview["Cache-Control"]


def test_preview_is_closed_to_anonymous_visitors_and_to_non_staff(
    client, staff_login, draft, django_user_model
):
    url = reverse("admin:articles_article_preview", args=[draft.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    member = django_user_model.objects.create_user("member", password="x" * 16)
    client.force_login(member)
    assert client.get(url).status_code == 302
    # Staff without a role that lets them see articles.
    staff_login(client, django_user_model.objects.create_user("nobody", is_staff=True))
    assert client.get(url).status_code == 403


def test_preview_escapes_staff_text(staff_client, editor, make_draft):
    article = make_draft(slug="xss", title="<script>alert(1)</script>", summary="<b>bold</b>")
    body = (
        staff_client(editor)
        .get(reverse("admin:articles_article_preview", args=[article.pk]))
        .content.decode()
    )
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body
