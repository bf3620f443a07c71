"""Public HTML pages: thin views, one selector call each."""

from django.shortcuts import render

from claimcheck.claims import selectors


def home(request):
    return render(request, "web/home.html", {"claims": selectors.claim_list_published()})


def claim_detail(request, slug):
    page = selectors.claim_page(slug=slug)
    return render(request, "web/claim.html", page)


def subject_detail(request, slug):
    page = selectors.subject_page(slug=slug)
    return render(request, "web/subject.html", page)
