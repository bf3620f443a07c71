"""Public HTML pages: thin views, one selector call each, cached for anonymous readers."""

import json
import sys

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from claimcheck import freshness, rubric
from claimcheck.claims import claimreview, copycheck, selectors, services
from claimcheck.claims import search as search_engine
from claimcheck.rubric import answers, tables

from . import cards, highlight, middleware
from .caching import public_page
from .forms import (
    CheckRequestForm,
    CopyCheckForm,
    RateLimited,
    check_request_allowed,
    copy_check_allowed,
)


def _base_url(request):
    return f"{request.scheme}://{request.get_host()}"


@require_GET
@public_page
def home(request):
    return render(request, "web/home.html", selectors.home_page())


@require_GET
@public_page
def claim_detail(request, slug):
    try:
        return _claim_detail(request, slug)
    except Http404:
        notice = selectors.claim_retraction(slug=slug)
        if notice is None:
            # A mistyped address: offer the nearest claims (not cached; 404s are rare).
            suggestions = selectors.claim_suggestions(slug=slug)
            return render(request, "404.html", {"suggestions": suggestions}, status=404)
    # Not cached: a 410 is rare, and its page is two queries.
    return render(
        request, "web/retracted.html", {"claim": notice.claim, "notice": notice}, status=410
    )


def _claim_detail(request, slug):
    base = _base_url(request)
    if getattr(request, "public_page", False):
        # Anonymous: the page depends only on the content, the site's address and the slug
        # (not on the query string or the reader), so it is rendered once per content
        # version and shared by every worker, like the API's claim document.
        return HttpResponse(
            freshness.document(
                f"claim-html:{base}:{slug}", lambda: _claim_html(request, slug, base)
            )
        )
    return HttpResponse(_claim_html(request, slug, base))


def _claim_html(request, slug, base):
    # The page's data, built once per content version and shared by every worker.
    page = dict(freshness.document(f"claim-page:{slug}", lambda: selectors.claim_page(slug=slug)))
    claim, rating = page["claim"], page["rating"]
    review = claimreview.claim_review(claim=claim, rating=rating, base_url=base)
    verdict = tables.Verdict(claim.override_verdict or rating.verdict)
    page.update(
        claim_review_json=_json_for_script(review),
        canonical=base + claim.get_absolute_url(),
        badge_url=base + claim.get_absolute_url() + "badge.svg",
        card_url=base + claim.get_absolute_url() + "card.png",
        badge_width=_badge_size(tables.VERDICT_LABELS[verdict], tables.GRADES[verdict], claim.text)[
            0
        ],
        badge_height=BADGE_HEIGHT,
        factor_groups=_group_factors(rating.factors),
        shown_verdict=verdict.value,
        verdict_label=tables.VERDICT_LABELS[verdict],
        shown_grade=tables.GRADES[verdict],
        e_level_label=LEVEL_LABELS.get(rating.e_level, rating.e_level),
        e_direction_label=rating.e_direction.replace("_", " "),
        # The two questions readers ask (rubric 2.0.0), answered before any number.
        works=answers.does_it_work(level=rating.e_level, direction=rating.e_direction),
        safe=answers.safe_and_legal(r_code=rating.r_code, warnings=len(page["signals"])),
        caution_cause=answers.caution_cause(verdict_rule=rating.verdict_rule, r_code=rating.r_code)
        if verdict == tables.Verdict.CAUTION
        else "",
    )
    # One line why per alternative: its own two answers (better rated, so no warning). Built
    # beside the shared page data, which must not be changed.
    page["alternative_rows"] = [
        {"claim": alternative, "why": _why_line(alternative.current_rating)}
        for alternative in page["alternatives"]
    ]
    return render_to_string("web/claim.html", page, request)


def _why_line(rating):
    works = answers.does_it_work(level=rating.e_level, direction=rating.e_direction)
    safe = answers.safe_and_legal(r_code=rating.r_code)
    return f"{works.headline}; {safe.headline[0].lower()}{safe.headline[1:]}."


LEVEL_LABELS = {
    "HIGH": "High certainty",
    "MODERATE": "Moderate certainty",
    "LOW": "Low certainty",
    "VERY_LOW": "Very low certainty",
    "NO_HUMAN": "No human studies",
    "NONE": "No studies found",
}


def _json_for_script(data):
    """JSON safe inside a <script> element: <, > and & are escaped as Unicode escapes."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    escaped = text.translate({ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"})
    return mark_safe(escaped)  # noqa: S308 - every markup character is escaped above


def _group_factors(factors):
    """Factors by dimension, in the rubric's order, for the why-this-verdict section."""
    names = {
        "R": "Regulatory status",
        "E": "Clinical evidence",
        "T": "Source transparency",
        "SAFETY": "Safety warnings",
        "VERDICT": "Verdict",
        "SCORE": "Score",
    }
    groups = {}
    for factor in factors:
        if factor["dimension"] == "SAFETY":
            # The warnings are listed once, in their own section; here they are only counted.
            continue
        groups.setdefault(factor["dimension"], []).append(factor)
    return [(names.get(dim, dim), items) for dim, items in groups.items()]


@require_GET
@public_page
def subject_detail(request, slug):
    return render(request, "web/subject.html", selectors.subject_page(slug=slug))


@require_GET
@public_page
def concern_detail(request, slug):
    return render(request, "web/concern.html", selectors.concern_page(slug=slug))


@require_GET
@public_page
def search(request):
    filters = {name: request.GET.get(name, "")[:40] for name in ("concern", "kind", "verdict")}
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    results = search_engine.search(
        request.GET.get("q", ""), page=min(max(page, 1), 1000), filters=filters
    )
    return render(
        request,
        "web/search.html",
        {
            "results": results,
            "query": results.query,
            "filters": filters,
            "filtered": any(filters.values()),
            "inline_claims": search_engine.INLINE_CLAIMS,
            "terms": search_engine.words(results.query),
        },
    )


@require_GET
@public_page
def compare(request):
    raw = request.GET.get("subjects", "")[:400]
    slugs = [s.strip() for s in raw.split(",") if s.strip()]
    picked = request.GET.getlist("pick")  # the old checkbox form's links still work
    added = request.GET.get("add", "").strip()[:200]
    choices = selectors.subject_choices()
    not_found = ""
    if picked or added:
        chosen = slugs + [p[:120] for p in picked[:8]]
        if added:
            slug = _subject_named(added, choices)
            if slug is None:
                not_found = added
            else:
                chosen.append(slug)
        if not not_found:
            # The stable address is ?subjects=a,b (what "remove" links and shares use).
            unique = list(dict.fromkeys(chosen))[: selectors.MAX_COMPARE]
            return redirect(f"{request.path}?subjects={','.join(unique)}")
    page = selectors.compare_page(slugs=slugs)
    shown = [s.slug for s in page["subjects"]]
    for subject in page["subjects"]:
        # The checklist in words ("2 of 4"), never its item codes.
        items = [item for item in subject.transparency.all() if item.status != "n/a"]
        subject.disclosed = sum(item.status == "pass" for item in items)
        subject.checked = len(items)
        subject.remove_query = ",".join(s for s in shown if s != subject.slug)
        for claim in subject.published_claims:
            rating = claim.current_rating
            claim.works = answers.does_it_work(level=rating.e_level, direction=rating.e_direction)
            claim.warnings = len(rating.safety_signals)
            claim.safe = answers.safe_and_legal(r_code=rating.r_code, warnings=claim.warnings)
            claim.strength = LEVEL_LABELS.get(rating.e_level, "")
    page.update(
        choices=[(slug, name) for slug, name in choices if slug not in shown],
        selected=shown,
        selected_query=",".join(shown),
        too_few=len(page["subjects"]) < 2,
        full=len(page["subjects"]) >= selectors.MAX_COMPARE,
        max=selectors.MAX_COMPARE,
        not_found=not_found,
    )
    return render(request, "web/compare.html", page, status=400 if not_found else 200)


def _subject_named(text, choices):
    """The slug of the subject the reader typed: its name or slug, whatever the case, or the
    one subject whose name contains the text; None if none or several."""
    wanted = text.casefold()
    for slug, name in choices:
        if wanted in (name.casefold(), slug):
            return slug
    partial = [slug for slug, name in choices if wanted in name.casefold()]
    return partial[0] if len(partial) == 1 else None


@require_GET
@public_page
def methodology(request):
    return render(
        request,
        "web/methodology.html",
        {"rubric": rubric.describe(), "plain": answers.describe()},
    )


@require_GET
@public_page
def developers(request):
    return render(request, "web/developers.html")


@require_GET
@public_page
def about(request):
    return render(request, "web/about.html")


@require_GET
@public_page
def corrections(request):
    return render(request, "web/corrections.html", selectors.corrections_page())


@require_http_methods(["GET", "POST"])
def request_new(request):
    """The request-a-check form: a honeypot and a per-address limit keep robots out."""
    initial = {"claim_text": request.GET.get("claim", "")[:300]}
    form = CheckRequestForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_robot():
            # Pretend success so the robot learns nothing; store nothing.
            return redirect("web:home")
        try:
            check_request_allowed(request)
        except RateLimited as limit:
            form.add_error(None, str(limit))
            status = 429
        else:
            check = services.check_request_submit(**form.cleaned_data_for_service())
            return redirect(check.get_absolute_url())
    elif request.method == "POST":
        status = 400
    return render(request, "web/request_new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def copy_check(request):
    """Check pasted marketing copy: known claims linked to their verdicts, drug-claim wording
    flagged, unchecked claims offered as prefilled check requests. Not page-cached: the form
    carries a CSRF token and the answer depends on the text."""
    form = CopyCheckForm(request.POST or None)
    status = 200
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            copy_check_allowed(request)
        except RateLimited as limit:
            form.add_error(None, str(limit))
            status = 429
        else:
            result = copycheck.check(form.cleaned_data["text"])
    elif request.method == "POST":
        status = 400
    context = {"form": form, "result": result}
    if result is not None:
        context["segments"] = highlight.segments(result)
        context["findings"] = highlight.findings(result)
    return render(request, "web/check.html", context, status=status)


@require_GET
def request_status(request, public_id):
    return render(
        request, "web/request_status.html", selectors.check_request_page(public_id=public_id)
    )


@require_GET
@public_page
def badge(request, slug):
    """The verdict as an SVG badge for other sites; a retracted claim's badge says so (an
    embedded image that broke would leave the old verdict in the page's text around it)."""
    try:
        claim = selectors.claim_get_published(slug=slug)
    except Http404:
        notice = selectors.claim_retraction(slug=slug)
        if notice is None:
            raise
        claim = notice.claim
        label, grade, colour = "Retracted", "", RETRACTED_COLOUR
    else:
        rating = claim.current_rating
        verdict = tables.Verdict(claim.override_verdict or rating.verdict)
        label, grade = tables.VERDICT_LABELS[verdict], tables.GRADES[verdict]
        colour = BADGE_COLOURS[verdict]
    # The second line names the claim, so the badge makes sense on someone else's page.
    named = _badge_claim_text(claim.text)
    width, height = _badge_size(label, grade, claim.text)
    response = render(
        request,
        "web/badge.svg",
        {
            "label": label,
            "grade": grade,
            "claim_text": named,
            "full_text": claim.text,
            "width": width,
            "height": height,
            "right": width - BADGE_SPLIT,
            "split": BADGE_SPLIT,
            "colour": colour,
        },
        content_type="image/svg+xml",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@public_page
def card(request, slug):
    """The claim's social card (og:image): a PNG drawn once per content version."""
    return HttpResponse(
        freshness.document(f"claim-card:{slug}", lambda: _card_png(slug)),
        content_type="image/png",
    )


def _card_png(slug):
    claim = selectors.claim_get_published(slug=slug)
    rating = claim.current_rating
    verdict = tables.Verdict(claim.override_verdict or rating.verdict)
    matched = len(rating.safety_signals)
    return cards.card_png(
        claim_text=claim.text,
        verdict_label=tables.VERDICT_LABELS[verdict],
        colour=BADGE_COLOURS[verdict],
        works=answers.does_it_work(level=rating.e_level, direction=rating.e_direction).headline,
        safe=answers.safe_and_legal(r_code=rating.r_code, warnings=matched).headline,
    )


BADGE_SPLIT = 80  # width of the "ClaimCheck" half
BADGE_COLOURS = {
    tables.Verdict.WELL_SUPPORTED: "#1b6b2f",
    tables.Verdict.SOME_EVIDENCE: "#2f5b7c",
    tables.Verdict.UNPROVEN: "#6b5a00",
    tables.Verdict.NOT_SUPPORTED: "#8a3b00",
    tables.Verdict.CAUTION: "#a3141b",
}
RETRACTED_COLOUR = "#555"


BADGE_CLAIM_CHARS = 60
BADGE_HEIGHT = 36  # a 20 px verdict row and a 16 px row naming the claim


def _badge_claim_text(text):
    return text if len(text) <= BADGE_CLAIM_CHARS else text[: BADGE_CLAIM_CHARS - 1] + "…"


def _badge_size(label, grade, claim_text):
    """Width and height for the verdict row and the claim row, from rough per-character
    widths of Verdana at 11 px and 10 px."""
    text = f"{label} · {grade}" if grade else label
    verdict_row = BADGE_SPLIT + 16 + 7 * len(text)
    claim_row = 12 + 6 * len(_badge_claim_text(claim_text))
    return max(verdict_row, claim_row), BADGE_HEIGHT


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /requests/",
        f"Sitemap: {_base_url(request)}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Django's 500 handler, also reached when middleware fails before any view: a database
    outage there (a session or a signed-in user being loaded) is the friendly 503."""
    error = sys.exc_info()[1]
    if isinstance(error, middleware.UNAVAILABLE):
        return middleware.database_unavailable(request, error)
    return render(request, "500.html", status=500)
