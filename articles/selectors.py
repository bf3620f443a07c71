"""Reads for the article pages."""

from django.db.models import Prefetch
from django.http import Http404

from claimcheck.claims.models import Claim

from .models import Article


def article_list():
    return (
        Article.objects.filter(status="published")
        .select_related("reviewer")
        .order_by("-published_at", "title")
    )


def article_page(*, slug):
    """A published article with its reviewer, subjects, claims (with verdicts) and references."""
    article = (
        Article.objects.filter(status="published", slug=slug)
        .select_related("reviewer")
        .prefetch_related(
            "subjects",
            Prefetch(
                "claims",
                queryset=Claim.objects.published().select_related("current_rating"),
                to_attr="published_claims",
            ),
            "references",
        )
        .first()
    )
    if article is None:
        raise Http404("No published article has this address.")
    return {"article": article, "body_html": article.body_html()}
