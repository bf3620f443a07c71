"""The articles app's own pages: the list and each article."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimcheck.web.caching import public_page

from . import selectors

PER_PAGE = 20


@require_GET
@public_page
def article_list(request):
    paginator = Paginator(selectors.article_list(), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    # Retractions are announced with their reasons on the first page (one more query).
    retractions = list(selectors.article_retractions()[:50]) if page.number == 1 else []
    return render(request, "articles/list.html", {"page": page, "retractions": retractions})


@require_GET
@public_page
def article_detail(request, slug):
    return render(request, "articles/detail.html", selectors.article_page(slug=slug))
