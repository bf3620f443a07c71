"""Reads for the article pages, the API and the admin preview."""

from django.db.models import Prefetch
from django.http import Http404

from claimcheck.claims.models import Claim, Source

from .models import Article


def article_list():
    return (
        Article.objects.filter(status="published")
        .select_related("reviewer")
        .order_by("-published_at", "title")
    )


def article_retractions():
    """Retracted articles with their public reasons, newest retraction first (the notice on
    the articles list: a retraction is announced, not hidden)."""
    return (
        Article.objects.filter(status="retracted")
        .only("slug", "title", "retracted_at", "retraction_reason")
        .order_by("-retracted_at", "title")
    )


def _with_page_data(articles):
    """The article with its reviewer, subjects, published claims (with their current ratings
    and subjects) and references: four queries whatever the number of links."""
    return articles.select_related("reviewer").prefetch_related(
        "subjects",
        Prefetch(
            "claims",
            queryset=Claim.objects.published().select_related("current_rating", "subject"),
            to_attr="published_claims",
        ),
        Prefetch("references", queryset=Source.objects.order_by("-year", "title", "pk")),
    )


def article_page(*, slug):
    """A published article for its public page and the API; drafts, articles in review and
    retracted articles raise the same 404 as a missing one."""
    article = _with_page_data(Article.objects.filter(status="published", slug=slug)).first()
    if article is None:
        raise Http404("No published article has this address.")
    return {"article": article, "body_html": article.body_html()}


def article_preview(*, pk):
    """Any article, whatever its status, for the staff preview in the admin."""
    article = _with_page_data(Article.objects.filter(pk=pk)).first()
    if article is None:
        raise Http404("No article has this id.")
    return {"article": article, "body_html": article.body_html(), "preview": True}
