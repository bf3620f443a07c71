"""REST API v1. The only package that imports DRF.

One class per operation; a path served by two operations (a list and its create, a detail
and its update) combines their classes. Reads go through the selectors and are built as plain
dicts (representations.py); writes go through the services with input serializers.
"""

from functools import cached_property

from django.http import Http404, HttpResponse, HttpResponseNotModified
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import selectors as article_selectors
from claimcheck import freshness, rubric
from claimcheck.claims import copycheck, search, selectors, services
from claimcheck.claims.models import Claim, EvidenceLink, SafetySignal, Source, Subject
from claimcheck.webhooks import services as webhook_services
from claimcheck.webhooks.models import Endpoint as WebhookEndpoint

from . import conditional, docs, errors, filters, schema, throttling
from . import representations as rep
from . import serializers as inputs
from .errors import Conflict
from .pagination import Page, page_params, paginate, paginate_by_cursor
from .parsers import PlainTextJSONParser, StrictJSONParser
from .permissions import (
    KeyHolder,
    PublicCreate,
    PublicRead,
    Writer,
    acting_key,
    is_staff_session,
    may_see_unpublished,
)
from .throttling import (
    CheckRequestThrottle,
    ClientRateThrottle,
    CopyCheckThrottle,
    WriteRateThrottle,
)

# ---------------------------------------------------------------------------------------------
# Bases


class ApiView(APIView):
    """Query-string hygiene, JSON errors, validators and cache headers for every operation."""

    permission_classes = [PublicRead]
    throttle_classes = [ClientRateThrottle]
    last_modified = None
    # Keep whole anonymous answers per content version, keyed by the full address. A view whose
    # answer is a per-version document already (the claim detail) turns this off: its query
    # string changes nothing, so the document is the cached answer for every address.
    cache_answers = True

    def initial(self, request, *args, **kwargs):
        # DRF's APIView.initial, with the anonymous conditional read answered between the
        # permission check and the rate limit: a 304 costs no query and no body, so, as with
        # GitHub's API, it does not count against the limit. A cached answer still counts.
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(
            request
        )
        request.version, request.versioning_scheme = self.determine_version(
            request, *args, **kwargs
        )
        self.perform_authentication(request)
        self.check_permissions(request)
        for key, values in request.query_params.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise ValidationError(
                    {key.replace("\x00", "") or "query": ["NUL characters are not allowed."]}
                )
        anonymous_read = request.method in ("GET", "HEAD") and conditional.anonymous(request)
        if anonymous_read:
            conditional.answer_not_modified(request)  # a 304 to a current validator
        self.check_throttles(request)
        if anonymous_read and self.cache_answers:
            conditional.answer_from_cache(request)  # the whole answer, kept per version

    def handle_exception(self, exc):
        if isinstance(exc, conditional.Answered):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response = conditional.finish(request, response, last_modified=self.last_modified)
        if self.cache_answers and not isinstance(response, HttpResponseNotModified):
            conditional.cached_answer(request, response)
        for name, value in throttling.headers(request, self).items():
            response[name] = value
        return response

    @cached_property
    def urls(self):
        return rep.Urls(self.request)


class WriteView(ApiView):
    """Writes: a write-enabled key or a staff session with `write_permission`."""

    permission_classes = [Writer]
    throttle_classes = [ClientRateThrottle, WriteRateThrottle]
    write_permission = None

    def claim_if_match(self, request, slug, claim, *, required=True):
        """The claim's If-Match checked at the write (conditional.write_if_match): its detail
        re-read under the row lock, as this caller sees it."""

        def current():
            return conditional.etag_of(rep.claim_detail(_visible_claim(request, slug), self.urls))

        return conditional.write_if_match(request, Claim, claim.pk, current, required=required)

    def answer(self, data, *, status=200, location=None):
        response = Response(data, status=status)
        response["ETag"] = conditional.etag_of(data)
        if location:
            response["Location"] = location
        return response


def _sync_page(request, rows):
    """Cursor mode (`?cursor=`): oldest change first, for clients that sync by updated_since."""
    if request.query_params.get("ordering") or request.query_params.get("q"):
        raise ValidationError(
            {"cursor": ["Cursor pages are ordered by update time: drop ordering and q."]}
        )
    if request.query_params.get("page"):
        raise ValidationError({"page": ["Cursor pages are followed by next, not numbered."]})
    return paginate_by_cursor(request, rows)


def _visible_claim(request, slug):
    """The claim detail this caller may read: published for all; drafts for staff with the
    view permission, and for a partner the drafts it created. Others: the same 404."""
    detail = selectors.api_claim_detail(slug=slug, include_unpublished=may_see_unpublished(request))
    claim = detail["claim"]
    if claim.status != "published" and not is_staff_session(request):
        owner = selectors.claim_created_by(claim=claim)
        if request.user.pk is None or owner != request.user.pk:
            raise Http404("No published claim has this address.")
    return detail


def _check_claim_editable(request, claim):
    """Object-level write check: staff edit any draft; partners only the drafts they created
    (other partners' drafts are already a 404; a published claim is a 403)."""
    if not is_staff_session(request):
        if selectors.claim_created_by(claim=claim) != request.user.pk:
            raise _forbidden()
    if claim.status != "draft":
        raise Conflict(
            f"Only a draft claim can be changed through the API; this one is "
            f"{claim.get_status_display().lower()}."
        )


def _forbidden():
    return PermissionDenied("Partners may change only what they created.")


# ---------------------------------------------------------------------------------------------
# Examples for the description (abridged answers)

_EX_SUBJECT = {
    "slug": "exosomes",
    "name": "Exosomes",
    "kind": "ingredient_class",
    "url": "https://claimcheck.example.org/subjects/exosomes/",
    "api_url": "https://claimcheck.example.org/api/v1/subjects/exosomes/",
}
_EX_CLAIM = {
    "slug": "exosome-serum-boosts-collagen",
    "url": "https://claimcheck.example.org/claims/exosome-serum-boosts-collagen/",
    "api_url": "https://claimcheck.example.org/api/v1/claims/exosome-serum-boosts-collagen/",
    "text": "Exosome serums stimulate collagen production",
    "claimant": "Marketing in general",
    "subject": _EX_SUBJECT,
    "route": "topical_intact",
    "claim_type": "structure_function",
    "outcome": "collagen production",
    "regulatory_code": "R6",
    "verdict": "caution",
    "verdict_label": "Caution",
    "grade": "F",
    "score": 6,
    "overridden": False,
    "conclusion_summary": "No approved product; FDA warnings; no human trials of serums.",
    "published_at": "2026-11-24T10:00:00Z",
    "updated_at": "2026-11-24T10:00:00Z",
    "status": "published",
    "retracted_at": None,
    "retraction_reason": None,
}
_EX_SOURCE = {
    "id": 12,
    "api_url": "https://claimcheck.example.org/api/v1/sources/12/",
    "key": "PMID:35689936",
    "kind": "study",
    "title": "A randomised trial of ...",
    "authors": "Smith J, et al.",
    "publisher": "J Cosmet Dermatol",
    "year": 2022,
    "pmid": "35689936",
    "doi": "",
    "nct": "",
    "fda_number": "",
    "fda_reference": "",
    "links": [{"label": "PubMed", "url": "https://pubmed.ncbi.nlm.nih.gov/35689936/"}],
    "design": "rct",
    "population": "human",
    "participants": 120,
    "funding": "independent",
    "manufacturer_affiliated": False,
    "peer_reviewed": True,
    "registered": True,
    "retracted": False,
    "summary": "",
    "provisional_note": "",
    "updated_at": "2026-11-24T10:00:00Z",
}
_EX_CLAIM_DETAIL = {
    **_EX_CLAIM,
    "evidence_update_under_review": False,
    "regulatory_note": "No exosome product is FDA-approved.",
    "conclusion": "...",
    "rating": {
        "verdict": "caution",
        "verdict_label": "Caution",
        "grade": "F",
        "score": 6,
        "composite": 40,
        "verdict_rule": 1,
        "regulatory": {"code": "R6", "points": 20},
        "evidence": {
            "level": "NO_HUMAN",
            "direction": "supports",
            "points": 10,
            "independent_concordant": 0,
        },
        "transparency": {"points": 0},
        "factors": [
            {
                "code": "SAFETY_SIGNAL",
                "dimension": "SAFETY",
                "effect": None,
                "sentence": "An active FDA safety notification covers this product class.",
                "sources": ["signal:fda-exosome-2019"],
            }
        ],
        "safety_signals": ["signal:fda-exosome-2019"],
        "rubric_version": "1.0.0",
        "inputs_sha256": "0" * 64,
        "rated_at": "2026-11-24T10:00:00Z",
    },
    "override": None,
    "evidence": [
        {
            "source": _EX_SOURCE,
            "direction": "supports",
            "on_outcome": True,
            "direct": False,
            "below_mid": False,
            "risk_of_bias": "serious",
            "note": "",
            "provisional": False,
        }
    ],
    "safety_signals": [],
    "alternatives": [],
    "appearances": [],
    "regulatory_records": [],
    "reviewer": {"name": "A. Reviewer", "credentials": "MD, dermatologist"},
    "reviewed_at": "2026-11-24T10:00:00Z",
    "history_url": "https://claimcheck.example.org/api/v1/claims/exosome-serum-boosts-collagen/"
    "history/",
    "claim_review": {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://claimcheck.example.org/claims/exosome-serum-boosts-collagen/",
        "claimReviewed": "Exosome serums stimulate collagen production",
        "author": {"@type": "Organization", "name": "ClaimCheck"},
        "itemReviewed": {"@type": "Claim", "name": "Exosome serums stimulate collagen production"},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Caution",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
        },
        "datePublished": "2026-11-24",
    },
}


def _page(item):
    return {"count": 1, "next": None, "previous": None, "results": [item]}


# ---------------------------------------------------------------------------------------------
# Claims


class ClaimList(ApiView):
    schema_tags = ["claims"]

    @schema.read(
        summary="List published claims",
        description="Published claims with their verdicts. Filter, search with `q` (ranked by "
        "relevance unless `ordering` is given) and page through them.",
        response=docs.ClaimPage,
        example=_page(_EX_CLAIM),
        lists=True,
        parameters=[
            schema.enum("verdict", filters.GRADE_TO_VERDICT.values(), "Verdict shown."),
            schema.enum("grade", "ABCDF", "Grade shown (A well supported ... F caution)."),
            schema.enum("subject_kind", Subject.Kind.values, "The subject's kind."),
            schema.slug("concern", "Concern slug.", filters.SLUG_LENGTHS["concern"]),
            schema.slug("subject", "Subject slug.", filters.SLUG_LENGTHS["subject"]),
            schema.enum("route", Claim.Route.values, "Route of use claimed."),
            schema.enum("claim_type", Claim.ClaimType.values, "Kind of claim."),
            schema.enum("regulatory_code", Claim.RegulatoryCode.values, "Regulatory code."),
            schema.OpenApiParameter("min_score", {"type": "integer", "minimum": 0, "maximum": 100}),
            schema.OpenApiParameter("max_score", {"type": "integer", "minimum": 0, "maximum": 100}),
            schema.UPDATED_SINCE,
            schema.Q,
            schema.ordering(filters.CLAIM_ORDERING, "-updated"),
            schema.CURSOR,
        ],
    )
    def get(self, request):
        if "cursor" in request.query_params:
            claims = filters.apply(filters.ClaimFilter, request, selectors.api_claim_sync_list())
            page = _sync_page(request, claims)
        else:
            claims = filters.apply(filters.ClaimFilter, request, selectors.api_claim_list())
            claims = filters.rank_by_search(
                request, claims, kind="claim", allowed=filters.CLAIM_ORDERING, default="-updated"
            )
            if getattr(request, "content_version", None) is not None:
                # Anonymous: the page's ids from the database (live order and membership),
                # each claim's summary from its document (built once per content version).
                key = filters.selection_key(filters.ClaimFilter, request)
                page = paginate(request, claims.values_list("id", flat=True), count_key=key)
                return Response(page.envelope(self._summaries(page.rows)))
            page = paginate(request, claims)
        self.last_modified = conditional.newest(
            *(c.updated_at for c in page.rows), *(c.subject.updated_at for c in page.rows)
        )
        return Response(page.envelope([rep.claim_summary(c, self.urls) for c in page.rows]))

    def _summaries(self, ids):
        def build(missing):
            rows = selectors.api_claim_list().in_bulk(missing)
            return {pk: rep.claim_summary(rows[pk], self.urls) for pk in missing if pk in rows}

        names = {pk: f"claim-summary:{self.urls.base}:{pk}" for pk in ids}
        found = freshness.documents(names, build)
        return [found[pk] for pk in ids if pk in found]


class ClaimCreate(WriteView):
    schema_tags = ["claims"]
    write_permission = "claims.add_claim"

    @schema.write(
        summary="Create a draft claim",
        description="Creates a draft (never published directly: submit it for review). "
        "Workflow and rating fields cannot be set. A slug already in use is a 400 naming "
        "`slug`.",
        request=inputs.ClaimCreateInput,
        response=docs.ClaimDetailOut,
        example={**_EX_CLAIM_DETAIL, "status": "draft", "claim_review": None},
        status=201,
        update=False,
        conflict=False,
    )
    def post(self, request):
        data = inputs.ClaimCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        slug = fields.pop("slug")
        if Claim.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": ["A claim with this slug already exists."]})
        services.claim_upsert(by=request.user, slug=slug, fields=fields)
        detail = selectors.api_claim_detail(slug=slug, include_unpublished=True)
        return self.answer(
            rep.claim_detail(detail, self.urls),
            status=201,
            location=self.urls.api("claim", slug),
        )


class ClaimCollection(ClaimCreate, ClaimList):
    """claims/: GET lists (public), POST creates a draft (writers)."""


class ClaimDetail(ApiView):
    schema_tags = ["claims"]
    cache_answers = False  # anonymous: the claim's JSON document is the answer (see get)

    @schema.read(
        summary="A claim's verdict, rating and evidence",
        description="The full rating (verdict, grade, score, composite, R/E/T points, ordered "
        "factors with sentences and sources, rubric version, inputs hash), override, evidence "
        "with identifiers and links, matched safety signals, alternatives, reviewer, dates and "
        "a schema.org ClaimReview. Drafts are 404. A retracted claim is a 410 whose body adds "
        "`retraction`: when and why, with its history's address.",
        response=docs.ClaimDetailOut,
        example=_EX_CLAIM_DETAIL,
        gone=True,
    )
    def get(self, request, slug):
        try:
            return self._get(request, slug)
        except Http404:
            notice = selectors.claim_retraction(slug=slug)
            if notice is None:
                raise
            raise errors.Retracted(rep.retraction(notice, self.urls)) from None

    def _get(self, request, slug):
        renderer = request.accepted_renderer
        if getattr(request, "content_version", None) is not None:

            def build():
                return rep.claim_detail(_visible_claim(request, slug), self.urls)

            name = f"api-claim:{self.urls.base}:{slug}"
            if not isinstance(renderer, JSONRenderer):  # the browsable API (DEBUG only)
                return Response(freshness.document(name, build))
            # Anonymous: the published claim's JSON, rendered once per content version and
            # shared by every worker (one cache read instead of seven queries and a render).
            media = request.accepted_media_type
            body = freshness.document(
                f"{name}:{''.join(media.split())}",  # "application/json; indent=2": no spaces
                lambda: renderer.render(build(), media, self.get_renderer_context()),
            )
            return HttpResponse(body, content_type=renderer.media_type)
        detail = _visible_claim(request, slug)
        claim = detail["claim"]
        self.last_modified = conditional.newest(
            claim.updated_at,
            claim.subject.updated_at,
            *(link.source.updated_at for link in detail["evidence"]),
        )
        return Response(rep.claim_detail(detail, self.urls))


class ClaimUpdate(WriteView):
    schema_tags = ["claims"]
    write_permission = "claims.change_claim"

    @schema.write(
        summary="Edit a draft claim",
        description="Changes the given fields of a draft. Needs If-Match with the claim's "
        "ETag. Partners may edit only the drafts they created.",
        request=inputs.ClaimUpdateInput(partial=True),
        response=docs.ClaimDetailOut,
        example={**_EX_CLAIM_DETAIL, "status": "draft", "claim_review": None},
    )
    def patch(self, request, slug):
        detail = _visible_claim(request, slug)
        claim = detail["claim"]
        _check_claim_editable(request, claim)
        conditional.require_if_match(
            request, conditional.etag_of(rep.claim_detail(detail, self.urls))
        )
        data = inputs.ClaimUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with self.claim_if_match(request, slug, claim):
            services.claim_upsert(
                by=request.user, slug=claim.slug, fields=dict(data.validated_data)
            )
        detail = selectors.api_claim_detail(slug=slug, include_unpublished=True)
        return self.answer(rep.claim_detail(detail, self.urls))


class ClaimItem(ClaimUpdate, ClaimDetail):
    """claims/{slug}/: GET reads (public), PATCH edits a draft (writers)."""


class ClaimSubmit(WriteView):
    schema_tags = ["claims"]
    write_permission = "claims.change_claim"

    @schema.write(
        summary="Submit a draft claim for review",
        description="Rates the draft from its evidence and moves it to review, where a named "
        "medical reviewer decides. Needs If-Match with the claim's ETag.",
        request=None,
        response=docs.ClaimDetailOut,
        example={**_EX_CLAIM_DETAIL, "status": "in_review", "claim_review": None},
    )
    def post(self, request, slug):
        detail = _visible_claim(request, slug)
        claim = detail["claim"]
        _check_claim_editable(request, claim)
        conditional.require_if_match(
            request, conditional.etag_of(rep.claim_detail(detail, self.urls))
        )
        with self.claim_if_match(request, slug, claim):
            services.claim_submit_for_review(claim=claim, by=request.user)
        detail = selectors.api_claim_detail(slug=slug, include_unpublished=True)
        return self.answer(rep.claim_detail(detail, self.urls))


class ClaimHistory(ApiView):
    schema_tags = ["claims"]

    @schema.read(
        summary="A claim's public verdict history",
        description="Every published change of the verdict or score, newest first; a "
        "retracted claim's history stays readable, its retraction first.",
        response=docs.VerdictChangePage,
        example=_page(
            {
                "kind": "published",
                "old_verdict": None,
                "old_verdict_label": None,
                "new_verdict": "caution",
                "new_verdict_label": "Caution",
                "old_score": None,
                "new_score": 6,
                "rubric_version": "1.0.0",
                "reason": "Published after review by A. Reviewer",
                "changed_at": "2026-11-24T10:00:00Z",
            }
        ),
        lists=True,
    )
    def get(self, request, slug):
        claim, changes = selectors.api_claim_history(slug=slug)
        page = paginate(request, changes)
        self.last_modified = conditional.newest(
            claim.updated_at, *(c.changed_at for c in page.rows)
        )
        return Response(page.envelope([rep.verdict_change(c) for c in page.rows]))


class EvidenceCreate(WriteView):
    schema_tags = ["claims"]
    write_permission = "claims.add_evidencelink"

    @schema.write(
        summary="Link a source to a draft claim",
        description="Records what the source says about the claim. Answers the claim, with its "
        "new ETag. If-Match (the claim's ETag) is optional here.",
        request=inputs.EvidenceCreateInput,
        response=docs.ClaimDetailOut,
        example={**_EX_CLAIM_DETAIL, "status": "draft", "claim_review": None},
        status=201,
        update=False,
    )
    def post(self, request, slug):
        detail = _visible_claim(request, slug)
        claim = detail["claim"]
        _check_claim_editable(request, claim)
        conditional.check_if_match(
            request, conditional.etag_of(rep.claim_detail(detail, self.urls))
        )
        data = inputs.EvidenceCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        source = fields.pop("source")
        with self.claim_if_match(request, slug, claim, required=False):
            if EvidenceLink.objects.filter(claim=claim, source=source).exists():
                raise ValidationError(
                    {"source": ["This source is already linked; PATCH the link."]}
                )
            services.evidence_link(by=request.user, claim=claim, source=source, fields=fields)
        detail = selectors.api_claim_detail(slug=slug, include_unpublished=True)
        return self.answer(rep.claim_detail(detail, self.urls), status=201)


class EvidenceUpdate(WriteView):
    schema_tags = ["claims"]
    write_permission = "claims.change_evidencelink"

    @schema.write(
        summary="Edit what a linked source says about a draft claim",
        description="Needs If-Match with the claim's ETag (the link is part of the claim).",
        request=inputs.EvidenceUpdateInput(partial=True),
        response=docs.ClaimDetailOut,
        example={**_EX_CLAIM_DETAIL, "status": "draft", "claim_review": None},
    )
    def patch(self, request, slug, source_id):
        detail = _visible_claim(request, slug)
        claim = detail["claim"]
        link = next((e for e in detail["evidence"] if e.source_id == source_id), None)
        if link is None:
            raise Http404("This source is not linked to the claim.")
        _check_claim_editable(request, claim)
        conditional.require_if_match(
            request, conditional.etag_of(rep.claim_detail(detail, self.urls))
        )
        data = inputs.EvidenceUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with self.claim_if_match(request, slug, claim):
            services.evidence_link(
                by=request.user, claim=claim, source=link.source, fields=dict(data.validated_data)
            )
        detail = selectors.api_claim_detail(slug=slug, include_unpublished=True)
        return self.answer(rep.claim_detail(detail, self.urls))


# ---------------------------------------------------------------------------------------------
# Subjects

_EX_SUBJECT_SUMMARY = {
    **_EX_SUBJECT,
    "claim_count": 3,
    "brand": "",
    "aliases": ["extracellular vesicles", "EVs"],
    "summary": "Vesicles released by cells, sold in serums and after-procedure kits.",
    "concerns": [{"slug": "anti-ageing", "name": "Anti-ageing"}],
    "updated_at": "2026-11-24T10:00:00Z",
}


class SubjectList(ApiView):
    schema_tags = ["subjects"]

    @schema.read(
        summary="List subjects",
        description="Treatments, products, ingredients and devices with published claims.",
        response=docs.SubjectPage,
        example=_page(_EX_SUBJECT_SUMMARY),
        lists=True,
        parameters=[
            schema.enum("kind", Subject.Kind.values, "The subject's kind."),
            schema.slug("concern", "Concern slug.", filters.SLUG_LENGTHS["concern"]),
            schema.UPDATED_SINCE,
            schema.Q,
            schema.ordering(filters.SUBJECT_ORDERING, "name"),
        ],
    )
    def get(self, request):
        subjects = filters.apply(filters.SubjectFilter, request, selectors.api_subject_list())
        subjects = filters.rank_by_search(
            request, subjects, kind="subject", allowed=filters.SUBJECT_ORDERING, default="name"
        )
        page = paginate(request, subjects)
        self.last_modified = conditional.newest(*(s.updated_at for s in page.rows))
        return Response(
            page.envelope(
                [rep.subject_summary(s, self.urls, s.published_claims) for s in page.rows]
            )
        )


class SubjectDetail(ApiView):
    schema_tags = ["subjects"]

    @schema.read(
        summary="A subject with its claims, alternatives and checklist",
        description="Its published claims, alternatives, transparency checklist, regulatory "
        "records, safety signals and articles.",
        response=docs.SubjectDetailOut,
        example={
            **_EX_SUBJECT_SUMMARY,
            "source_origin": "undisclosed",
            "biologic": True,
            "claims": [],
            "alternatives": [],
            "transparency": [],
            "regulatory_records": [],
            "safety_signals": [],
            "articles": [],
        },
    )
    def get(self, request, slug):
        page = selectors.subject_page(slug=slug)
        self.last_modified = conditional.newest(
            page["subject"].updated_at, *(c.updated_at for c in page["claims"])
        )
        return Response(rep.subject_detail(page, self.urls))


# ---------------------------------------------------------------------------------------------
# Sources


def _source_queryset(request):
    return selectors.api_source_list(include_uncited=may_see_unpublished(request))


class SourceList(ApiView):
    schema_tags = ["sources"]

    @schema.read(
        summary="List sources, or look one up by identifier",
        description="Studies, reviews, trial registrations, regulatory documents and "
        "guidelines cited by published claims. `?pmid=`, `?doi=`, `?nct=` and `?fda_number=` "
        "look a source up (a malformed identifier is a 400).",
        response=docs.SourcePage,
        example=_page(_EX_SOURCE),
        lists=True,
        parameters=[
            schema.OpenApiParameter("pmid", OpenApiTypes.STR, pattern=r"^[1-9][0-9]{0,8}$"),
            schema.OpenApiParameter("doi", OpenApiTypes.STR, description="e.g. 10.1093/asj/x"),
            schema.OpenApiParameter("nct", OpenApiTypes.STR, pattern=r"^NCT[0-9]{8}$"),
            schema.OpenApiParameter("fda_number", OpenApiTypes.STR, description="e.g. K123456"),
            schema.enum("kind", Source.Kind.values, "Kind of source."),
            schema.enum("design", Source.Design.values, "Study design."),
            schema.enum("funding", Source.Funding.values, "Funding."),
            schema.enum("population", Source.Population.values, "Population studied."),
            schema.OpenApiParameter(
                "min_year", {"type": "integer", "minimum": 1900, "maximum": 2100}
            ),
            schema.OpenApiParameter(
                "max_year", {"type": "integer", "minimum": 1900, "maximum": 2100}
            ),
            schema.UPDATED_SINCE,
            schema.ordering(filters.SOURCE_ORDERING, "-updated"),
            schema.CURSOR,
        ],
    )
    def get(self, request):
        sources = filters.apply(filters.SourceFilter, request, _source_queryset(request))
        if "cursor" in request.query_params:
            page = _sync_page(request, sources)
        else:
            sources = filters.order(request, sources, filters.SOURCE_ORDERING, "-updated")
            page = paginate(request, sources)
        self.last_modified = conditional.newest(*(s.updated_at for s in page.rows))
        return Response(page.envelope([rep.source(s, self.urls) for s in page.rows]))


class SourceCreate(WriteView):
    schema_tags = ["sources"]
    write_permission = "claims.add_source"
    IDENTIFIERS = ("pmid", "doi", "nct", "fda_number", "url")

    @schema.write(
        summary="Add a source",
        description="A source with the same PMID, DOI, NCT or FDA number (or URL, or title "
        "when it has none) already exists: 400 naming the field; link that one instead.",
        request=inputs.SourceInput,
        response=docs.SourceOut,
        example=_EX_SOURCE,
        status=201,
        update=False,
        conflict=False,
    )
    def post(self, request):
        data = inputs.SourceInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        name = next((n for n in self.IDENTIFIERS if fields.get(n)), "title")
        lookup = {name: fields.pop(name)}
        existing = Source.objects.filter(**lookup).values_list("pk", flat=True).first()
        if existing is not None:
            raise ValidationError({name: [f"Source {existing} already has this {name}."]})
        source = services.source_upsert(by=request.user, lookup=lookup, fields=fields)
        return self.answer(
            rep.source(source, self.urls),
            status=201,
            location=self.urls.api("source", source.pk),
        )


class SourceCollection(SourceCreate, SourceList):
    """sources/: GET lists (public), POST adds a source (writers)."""


class SourceDetail(ApiView):
    schema_tags = ["sources"]

    @schema.read(
        summary="A source",
        description="One source with its identifiers, links and study design.",
        response=docs.SourceOut,
        example=_EX_SOURCE,
    )
    def get(self, request, pk):
        source = _source_queryset(request).filter(pk=pk).first()
        if source is None:
            raise Http404("No source has this address.")
        self.last_modified = source.updated_at
        return Response(rep.source(source, self.urls))


class SourceUpdate(WriteView):
    schema_tags = ["sources"]
    write_permission = "claims.change_source"

    @schema.write(
        summary="Edit a source",
        description="Needs If-Match with the source's ETag. Partners may edit only the sources "
        "they added, while no published claim cites them.",
        request=inputs.SourceInput(partial=True),
        response=docs.SourceOut,
        example=_EX_SOURCE,
    )
    def patch(self, request, pk):
        source = _source_queryset(request).filter(pk=pk).first()
        if source is None:
            raise Http404("No source has this address.")
        if not is_staff_session(request):
            cited = source.evidence.filter(claim__status="published").exists()
            if cited or selectors.source_created_by(source=source) != request.user.pk:
                raise _forbidden()
        conditional.require_if_match(request, conditional.etag_of(rep.source(source, self.urls)))
        data = inputs.SourceInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        current = _source_queryset(request).filter(pk=pk)
        with conditional.write_if_match(
            request, Source, pk, lambda: conditional.etag_of(rep.source(current.get(), self.urls))
        ):
            source = services.source_upsert(
                by=request.user, lookup={"pk": source.pk}, fields=dict(data.validated_data)
            )
        return self.answer(rep.source(source, self.urls))


class SourceItem(SourceUpdate, SourceDetail):
    """sources/{id}/: GET reads (public), PATCH edits (writers)."""


# ---------------------------------------------------------------------------------------------
# Signals, articles, rubric, search, check requests


_EX_SIGNAL = {
    "slug": "fda-exosome-2019",
    "api_url": "https://claimcheck.example.org/api/v1/signals/fda-exosome-2019/",
    "title": "FDA warns about exosome products",
    "issuer": "fda",
    "kind": "consumer_alert",
    "date": "2019-12-06",
    "status": "active",
    "url": "https://www.fda.gov/",
    "product_class": "Exosome products",
    "routes": [],
    "claim_types": [],
    "origins": [],
    "setting": "product",
    "summary": "",
    "subjects": [_EX_SUBJECT],
}


class SignalList(ApiView):
    schema_tags = ["signals"]

    @schema.read(
        summary="List official safety signals",
        description="FDA, CDC, state and EU warnings; an active signal caps the verdict of "
        "every claim it matches.",
        response=docs.SignalPage,
        example=_page(_EX_SIGNAL),
        lists=True,
        parameters=[
            schema.enum("status", SafetySignal.Status.values, "Active or resolved."),
            schema.enum("issuer", SafetySignal.Issuer.values, "Who issued it."),
            schema.enum("kind", SafetySignal.Kind.values, "Kind of notice."),
            schema.slug("subject", "Subject slug.", filters.SLUG_LENGTHS["subject"]),
            schema.ordering(filters.SIGNAL_ORDERING, "-date"),
        ],
    )
    def get(self, request):
        signals = filters.apply(filters.SignalFilter, request, selectors.api_signal_list())
        signals = filters.order(request, signals, filters.SIGNAL_ORDERING, "-date")
        page = paginate(request, signals)
        return Response(page.envelope([rep.signal(s, self.urls) for s in page.rows]))


class SignalDetail(ApiView):
    schema_tags = ["signals"]

    @schema.read(
        summary="A safety signal",
        description="One official warning with the subjects it covers.",
        response=docs.SignalOut,
        example=_EX_SIGNAL,
    )
    def get(self, request, slug):
        return Response(rep.signal(selectors.api_signal_get(slug=slug), self.urls))


_EX_ARTICLE = {
    "slug": "exosomes-what-the-evidence-says",
    "title": "Exosomes: what the evidence says",
    "url": "https://claimcheck.example.org/articles/exosomes-what-the-evidence-says/",
    "api_url": "https://claimcheck.example.org/api/v1/articles/exosomes-what-the-evidence-says/",
    "summary": "Why no exosome product is approved, and what works instead.",
    "author_name": "ClaimCheck editors",
    "reviewer": {"name": "A. Reviewer", "credentials": "MD, dermatologist", "provisional": False},
    "published_at": "2026-11-24T10:00:00Z",
    "reviewed_at": "2026-11-24T10:00:00Z",
    "updated_at": "2026-11-24T10:00:00Z",
}


class ArticleList(ApiView):
    schema_tags = ["articles"]

    @schema.read(
        summary="List published articles",
        description="Editorial explainers, newest first.",
        response=docs.ArticlePage,
        example=_page(_EX_ARTICLE),
        lists=True,
        parameters=[schema.Q, schema.ordering(filters.ARTICLE_ORDERING, "-published")],
    )
    def get(self, request):
        articles = filters.rank_by_search(
            request,
            article_selectors.article_list(),
            kind="article",
            allowed=filters.ARTICLE_ORDERING,
            default="-published",
        )
        page = paginate(request, articles)
        self.last_modified = conditional.newest(*(a.updated_at for a in page.rows))
        return Response(page.envelope([rep.article_summary(a, self.urls) for a in page.rows]))


class ArticleDetail(ApiView):
    schema_tags = ["articles"]

    @schema.read(
        summary="A published article",
        description="With its body (Markdown and sanitised HTML), subjects, claims and references.",
        response=docs.ArticleDetailOut,
        example={
            **_EX_ARTICLE,
            "body": "## Why\n...",
            "body_html": "<h2>Why</h2>",
            "subjects": [_EX_SUBJECT],
            "claims": [],
            "references": [],
        },
    )
    def get(self, request, slug):
        page = article_selectors.article_page(slug=slug)
        self.last_modified = page["article"].updated_at
        return Response(rep.article_detail(page, self.urls))


class RubricView(ApiView):
    """The current rubric, described by its own code."""

    schema_tags = ["rubric"]

    @extend_schema(
        summary="The current rating rubric",
        description="Generated from the rubric's code: tables, weights, rules, bands.",
        responses={
            200: OpenApiTypes.OBJECT,
            304: schema.NOT_MODIFIED,
            401: schema.UNAUTHORIZED,
            429: schema.THROTTLED,
        },
        parameters=[schema.IF_NONE_MATCH, *schema.RESPONSE_HEADERS],
    )
    def get(self, request):
        return Response(rubric.describe())


class SearchView(ApiView):
    schema_tags = ["search"]

    @schema.read(
        summary="Search subjects, claims and articles together",
        description='The site\'s search, as on the search page: questions ("is X safe", '
        '"does X work", "X vs Y", "how to get rid of Y"), brand names, lay words for '
        "skin concerns, typos and plurals are understood; a word such as acid, serum or cream "
        "never matches on its own. Each hit has its type, slug, title, snippet and page URL; "
        "a subject is followed by its claims. `reading` says how the query was read: when "
        "`confident` is false the results are the closest things checked (or none: we have "
        "not checked it), not an answer to the question as asked.",
        response=docs.SearchPage,
        example={
            "count": 1,
            "next": None,
            "previous": None,
            "query": "exozome serum",
            "reading": {
                "confident": False,
                "corrected": "exosome serum",
                "not_understood": [],
                "intent": "",
                "concerns": [],
                "compare_url": None,
            },
            "results": [
                {
                    "type": "subject",
                    "slug": "exosomes",
                    "title": "Exosomes",
                    "snippet": "Vesicles released by cells ...",
                    "url": "https://claimcheck.example.org/subjects/exosomes/",
                    "api_url": "https://claimcheck.example.org/api/v1/subjects/exosomes/",
                }
            ],
        },
        lists=True,
        parameters=[
            schema.OpenApiParameter(
                "q",
                {"type": "string", "pattern": r"^[^\u0000]*[^\s\u0000][^\u0000]*$"},
                required=True,
                description="What to look for (at least one visible character); cut to 200 "
                "characters.",
            ),
        ],
    )
    def get(self, request):
        q = filters.query_text(request)
        if not q:
            raise ValidationError({"q": ["Say what to search for."]})
        page_number, size = page_params(request)
        results = search.search(q, page=page_number, per_page=size)
        if page_number > 1 and not results.hits:
            raise Http404(f"There is no page {page_number}.")
        names = {"subject": "subject", "claim": "claim", "article": "article"}
        hits = [
            {
                "type": hit.type,
                "slug": hit.slug,
                "title": hit.title,
                "snippet": hit.snippet or "",
                "url": self.urls.base + hit.url,
                "api_url": self.urls.api(names[hit.type], hit.slug),
            }
            for hit in results.hits
        ]
        page = Page(request, hits, results.total, page_number, size)
        reading = {
            "confident": results.confident,
            "corrected": results.corrected or None,
            "not_understood": results.unmatched,
            "intent": results.intent,
            "concerns": [
                {
                    "slug": c.slug,
                    "name": c.name,
                    "url": self.urls.base + c.url,
                    "claim_count": c.claim_count,
                }
                for c in results.concerns
            ],
            "compare_url": self.urls.base + results.compare_url if results.compare_url else None,
        }
        return Response(page.envelope(hits, query=results.query, reading=reading))


# The two open POSTs also read JSON sent as text/plain (a web page's fetch() with a string
# body, which a browser sends cross-origin without a preflight); other writes take only
# application/json.
OPEN_POST_PARSERS = [StrictJSONParser, PlainTextJSONParser]


class CheckRequestCreate(ApiView):
    schema_tags = ["check requests"]
    permission_classes = [PublicCreate]
    parser_classes = OPEN_POST_PARSERS
    throttle_classes = [ClientRateThrottle, CheckRequestThrottle]

    @extend_schema(
        summary="Ask ClaimCheck to check a claim",
        description="Open to anyone, rate-limited per client address. Staff moderate requests; "
        "the answer links the public status page.",
        request=inputs.CheckRequestInput,
        responses={
            201: schema.OpenApiResponse(
                docs.CheckRequestOut,
                examples=[
                    schema.OpenApiExample(
                        "Example",
                        value={
                            "public_id": "6f1c3f3e-7b8a-4a53-9d9e-0c8e8f9d5a11",
                            "status": "new",
                            "status_url": "https://claimcheck.example.org/requests/"
                            "6f1c3f3e-7b8a-4a53-9d9e-0c8e8f9d5a11/",
                        },
                        response_only=True,
                    )
                ],
            ),
            400: schema.OPEN_BAD_REQUEST,
            401: schema.UNAUTHORIZED,
            406: schema.NOT_ACCEPTABLE,
            413: schema.PAYLOAD_TOO_LARGE,
            415: schema.UNSUPPORTED_OPEN,
            429: schema.THROTTLED,
        },
        parameters=schema.RATE_LIMIT_HEADERS,
    )
    def post(self, request):
        data = inputs.CheckRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.check_request_submit(**data.validated_data)
        return Response(
            {
                "public_id": created.public_id,
                "status": created.status,
                "status_url": self.urls.base + created.get_absolute_url(),
            },
            status=201,
        )


EMPTY_TEXT = "Send the marketing text to check: it is empty."


def _too_long(length):
    return (
        f"The text has {length:,} characters; the limit is {copycheck.MAX_CHARS:,}. "
        "Send it in parts."
    )


_EX_COPY_CHECK = {
    "counts": {"matches": 1, "drug_claim_flags": 1, "unchecked": 0},
    "truncated": False,
    "matches": [
        {
            "start": 0,
            "end": 74,
            "quote": "Our stem-cell exosome serum boosts collagen and reverses ageing in 7 days!",
            "claim": {
                "slug": "exosome-serums-stimulate-collagen",
                "text": "Exosome serums stimulate collagen and reverse skin ageing",
                "verdict": "caution",
                "grade": "F",
                "score": 3,
                "url": "https://claimcheck.example.org/claims/exosome-serums-stimulate-collagen/",
                "api_url": "https://claimcheck.example.org/api/v1/claims/exosome-serums-stimulate-collagen/",
            },
            "confidence": 1.0,
        }
    ],
    "drug_claim_flags": [
        {
            "start": 28,
            "end": 43,
            "quote": "boosts collagen",
            "category": "structure_function",
            "reason": "Saying a product makes the skin produce more collagen or elastin is a "
            "claim to change the body's structure or function, which makes it a drug (or a "
            "device) in FDA's eyes.",
            "citation": {
                "title": "FDA warning letter to Lancôme, 7 September 2012 (summary)",
                "url": "https://www.lexology.com/library/detail.aspx?g=abc4ba20-b7df-40e4-ae46-"
                "dcd8ddd8ded6",
            },
        }
    ],
    "unchecked": [],
}


class CopyCheck(ApiView):
    """Check pasted marketing copy (the /check/ page's engine)."""

    schema_tags = ["copy check"]
    permission_classes = [PublicCreate]
    parser_classes = OPEN_POST_PARSERS
    throttle_classes = [ClientRateThrottle, CopyCheckThrottle]

    @extend_schema(
        summary="Find known claims and drug-claim wording in marketing copy",
        description=(
            "Send up to 20,000 characters of marketing copy. The answer lists: `matches`, each "
            "clause that makes a claim ClaimCheck has checked (offsets into your text, the "
            "claim with its verdict, grade, score and page, and a match confidence from 0 to "
            "1); `drug_claim_flags`, wording that FDA treats as a drug or device claim "
            "(structure/function, disease, or FDA status as a selling point), each with a "
            "reason and a citation; and `unchecked`, claim-like clauses that match nothing "
            "checked, each with a prefilled request-a-check link. Each list holds at most its "
            "first 100 items, in text order; `counts` gives the totals and `truncated` says "
            "whether any list was cut. Offsets count Unicode code points. Nothing is stored. "
            "Open to anyone; rate-limited per client (`API_RATE_COPY_CHECK`, default 20 a "
            "minute). Matching is automatic and "
            "deterministic: read the verdict before relying on a match."
        ),
        request=inputs.CopyCheckInput,
        responses={
            200: schema.OpenApiResponse(
                docs.CopyCheckOut,
                examples=[
                    schema.OpenApiExample(
                        "Example",
                        value=_EX_COPY_CHECK,
                        response_only=True,
                    )
                ],
            ),
            400: schema.OpenApiResponse(
                docs.ErrorResponse,
                description="The text is missing, empty or not a string, or a text/plain body is "
                "not JSON.",
                examples=[
                    schema.OpenApiExample(
                        "invalid",
                        value=errors.body(
                            "invalid",
                            "The request has invalid values; see fields.",
                            {"text": [EMPTY_TEXT]},
                        ),
                    )
                ],
            ),
            401: schema.UNAUTHORIZED,
            406: schema.NOT_ACCEPTABLE,
            413: schema.OpenApiResponse(
                docs.ErrorResponse,
                description="The text is over 20,000 characters (or the body over 1 MB).",
                examples=[
                    schema.OpenApiExample(
                        "payload_too_large",
                        value=errors.body("payload_too_large", _too_long(25_000)),
                    )
                ],
            ),
            415: schema.UNSUPPORTED_OPEN,
            429: schema.THROTTLED,
        },
        parameters=schema.RATE_LIMIT_HEADERS,
    )
    def post(self, request):
        data = inputs.CopyCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["text"]
        if not text.strip():
            raise ValidationError({"text": [EMPTY_TEXT]})
        if len(text) > copycheck.MAX_CHARS:
            raise errors.PayloadTooLarge(_too_long(len(text)))
        result = copycheck.check(text)
        return Response(rep.copy_check(result, self.urls))


_EX_WEBHOOK = {
    "id": 7,
    "url": "https://shop.example.com/hooks/claimcheck",
    "events": ["claim.retracted", "claim.verdict_changed"],
    "description": "Take retracted verdicts off product pages",
    "active": True,
    "created_at": "2026-12-08T09:30:00Z",
    "api_url": "https://claimcheck.example.org/api/v1/webhooks/7/",
}


def _own_endpoints(request):
    return WebhookEndpoint.objects.filter(api_key=acting_key(request)).order_by("id")


class _Webhooks(ApiView):
    schema_tags = ["webhooks"]
    permission_classes = [KeyHolder]
    throttle_classes = [ClientRateThrottle, WriteRateThrottle]
    cache_answers = False

    def _endpoint(self, request, pk):
        endpoint = _own_endpoints(request).filter(pk=pk).first()
        if endpoint is None:
            raise Http404("Your key has no webhook endpoint with this address.")
        return endpoint


class WebhookList(_Webhooks):
    @schema.read(
        summary="Your webhook endpoints",
        description="The endpoints registered for the API key you send (at most "
        f"{webhook_services.MAX_ENDPOINTS_PER_KEY}). The developers page says how deliveries "
        "are signed and retried.",
        response=docs.WebhookListOut,
        example={"results": [_EX_WEBHOOK]},
    )
    def get(self, request):
        return Response({"results": [rep.webhook(e, self.urls) for e in _own_endpoints(request)]})


class WebhookCreate(_Webhooks):
    @schema.write(
        summary="Register a webhook endpoint",
        description="An https:// address outside private networks. The answer carries the "
        "signing secret, the only time it is shown. The same address twice, an unknown event "
        "or more than the limit is a 400 naming the field.",
        request=inputs.WebhookInput,
        response=docs.WebhookCreatedOut,
        example={**_EX_WEBHOOK, "secret": "whsec_" + "3f" * 24},
        status=201,
        update=False,
        conflict=False,
    )
    def post(self, request):
        data = inputs.WebhookInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = webhook_services.endpoint_create(
            key=acting_key(request),
            url=data.validated_data["url"],
            events=data.validated_data.get("events", []),
            description=data.validated_data.get("description", ""),
        )
        body = rep.webhook(endpoint, self.urls, secret=secret)
        response = Response(body, status=201)
        response["Location"] = body["api_url"]
        return response


class WebhookCollection(WebhookCreate, WebhookList):
    """webhooks/: the calling key's endpoints (GET) and a new one (POST)."""


class WebhookDetail(_Webhooks):
    @schema.read(
        summary="A webhook endpoint",
        description="One of your key's endpoints (another key's is a 404).",
        response=docs.WebhookOut,
        example=_EX_WEBHOOK,
    )
    def get(self, request, pk):
        return Response(rep.webhook(self._endpoint(request, pk), self.urls))


class WebhookDelete(_Webhooks):
    @extend_schema(
        summary="Remove a webhook endpoint",
        description="Nothing more is delivered to it; deliveries already made stay in our log.",
        responses={
            204: None,
            401: schema.UNAUTHORIZED,
            403: schema.FORBIDDEN,
            404: schema.NOT_FOUND,
            406: schema.NOT_ACCEPTABLE,
            429: schema.THROTTLED,
        },
        parameters=schema.RESPONSE_HEADERS,
    )
    def delete(self, request, pk):
        webhook_services.endpoint_delete(endpoint=self._endpoint(request, pk))
        return Response(status=204)


class WebhookItem(WebhookDelete, WebhookDetail):
    """webhooks/<id>/: one of the calling key's endpoints (GET), or its removal (DELETE)."""
