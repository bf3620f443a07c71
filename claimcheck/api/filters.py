"""Query-string filters and ordering for the list endpoints (django-filter FilterSets).

A malformed value is a 400 that names the parameter. Ordering accepts only the allow-listed
names below, and every ordering ends with the id so pages are stable.
"""

import hashlib
from datetime import UTC

import django_filters
from django import forms
from django.db.models import Case, IntegerField, When
from rest_framework.exceptions import ValidationError

from claimcheck.claims import search
from claimcheck.claims.models import (
    DOI_RE,
    FDA_NUMBER_RE,
    NCT_RE,
    PMID_RE,
    Claim,
    SafetySignal,
    Source,
    Subject,
)
from claimcheck.rubric import tables

VERDICTS = [(v.value, tables.VERDICT_LABELS[v]) for v in tables.Verdict]
GRADE_TO_VERDICT = {grade: verdict.value for verdict, grade in tables.GRADES.items()}


class SlugFilter(django_filters.CharFilter):
    field_class = forms.SlugField


SLUG_LENGTHS = {"concern": 60, "subject": 120}  # the longest slug each filter takes


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class RegexFilter(django_filters.CharFilter):
    field_class = forms.RegexField


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601, converted to UTC: PostgreSQL refuses offsets beyond +-15:59, which Python
    accepts, and a time at the edge of year 9999 may not convert at all (both a 400)."""

    def clean(self, value):
        parsed = super().clean(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError("Enter a date and time within range.") from error


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField

    def __init__(self, **kwargs):
        super().__init__(field_name="updated_at", lookup_expr="gte", **kwargs)


def _shown_verdict(queryset, value):
    """The verdict readers see (an override wins over the computed one), stored on the claim
    and indexed with the score (models.Claim.shown_verdict)."""
    return queryset.filter(shown_verdict=value)


class ClaimFilter(django_filters.FilterSet):
    verdict = django_filters.ChoiceFilter(choices=VERDICTS, method="filter_verdict")
    grade = django_filters.ChoiceFilter(choices=[(g, g) for g in "ABCDF"], method="filter_grade")
    subject_kind = django_filters.ChoiceFilter(
        field_name="subject__kind", choices=Subject.Kind.choices
    )
    concern = SlugFilter(field_name="subject__concerns__slug", max_length=SLUG_LENGTHS["concern"])
    subject = SlugFilter(field_name="subject__slug", max_length=SLUG_LENGTHS["subject"])
    route = django_filters.ChoiceFilter(choices=Claim.Route.choices)
    claim_type = django_filters.ChoiceFilter(choices=Claim.ClaimType.choices)
    regulatory_code = django_filters.ChoiceFilter(choices=Claim.RegulatoryCode.choices)
    min_score = IntegerFilter(
        field_name="shown_score", lookup_expr="gte", min_value=0, max_value=100
    )
    max_score = IntegerFilter(
        field_name="shown_score", lookup_expr="lte", min_value=0, max_value=100
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Claim
        fields = []

    def filter_verdict(self, queryset, name, value):
        return _shown_verdict(queryset, value)

    def filter_grade(self, queryset, name, value):
        return _shown_verdict(queryset, GRADE_TO_VERDICT[value])


class SubjectFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Subject.Kind.choices)
    concern = SlugFilter(field_name="concerns__slug", max_length=SLUG_LENGTHS["concern"])
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Subject
        fields = []


class SourceFilter(django_filters.FilterSet):
    pmid = RegexFilter(regex=PMID_RE, max_length=9)
    doi = RegexFilter(regex=DOI_RE, max_length=200)
    nct = RegexFilter(regex=NCT_RE, max_length=11)
    fda_number = RegexFilter(regex=FDA_NUMBER_RE, max_length=16)
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices)
    design = django_filters.ChoiceFilter(choices=Source.Design.choices)
    funding = django_filters.ChoiceFilter(choices=Source.Funding.choices)
    population = django_filters.ChoiceFilter(choices=Source.Population.choices)
    min_year = IntegerFilter(field_name="year", lookup_expr="gte", min_value=1900, max_value=2100)
    max_year = IntegerFilter(field_name="year", lookup_expr="lte", min_value=1900, max_value=2100)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Source
        fields = []


class SignalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SafetySignal.Status.choices)
    issuer = django_filters.ChoiceFilter(choices=SafetySignal.Issuer.choices)
    kind = django_filters.ChoiceFilter(choices=SafetySignal.Kind.choices)
    subject = SlugFilter(field_name="subjects__slug", max_length=SLUG_LENGTHS["subject"])

    class Meta:
        model = SafetySignal
        fields = []


def apply(filterset_class, request, queryset):
    if not any(name in request.query_params for name in filterset_class.base_filters):
        return queryset  # nothing to filter by: skip building and validating the form
    filterset = filterset_class(request.query_params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError({k: list(v) for k, v in filterset.errors.items()})
    return filterset.qs


def selection_key(filterset_class, request):
    """What decides which rows a filtered, searched list holds (its filters as given, and
    `q`), as a digest: the same for requests that differ only in page, ordering or
    parameters the list ignores. Call after apply(), which has validated the filters."""
    given = [
        (name, request.query_params.getlist(name))
        for name in sorted(filterset_class.base_filters)
        if name in request.query_params
    ]
    selection = repr((filterset_class.__name__, given, query_text(request)))
    return hashlib.sha256(selection.encode("utf-8", "replace")).hexdigest()


# Ordering: public name -> model fields. "-name" reverses. The id always breaks ties.
CLAIM_ORDERING = {
    "score": ["shown_score"],  # the current rating's score, stored on the claim (indexed)
    "updated": ["updated_at"],
    "name": ["text"],
}
SUBJECT_ORDERING = {"name": ["name"], "updated": ["updated_at"]}
SOURCE_ORDERING = {"year": ["year"], "updated": ["updated_at"], "title": ["title"]}
SIGNAL_ORDERING = {"date": ["date"], "title": ["title"]}
ARTICLE_ORDERING = {"published": ["published_at"], "title": ["title"]}


def ordering_choices(allowed):
    return [name for key in allowed for name in (key, f"-{key}")]


def order(request, queryset, allowed, default):
    """Order by `?ordering=` (one allow-listed name, "-" for descending) or the default."""
    raw = request.query_params.get("ordering")
    chosen = raw if raw else default
    name = chosen.removeprefix("-")
    if name not in allowed:
        raise ValidationError(
            {"ordering": [f"Use one of: {', '.join(ordering_choices(allowed))}."]}
        )
    sign = "-" if chosen.startswith("-") else ""
    return queryset.order_by(*[sign + field for field in allowed[name]], f"{sign}id")


def query_text(request):
    """`?q=`, cut to 200 characters; "" when absent."""
    return search.clean_query(request.query_params.get("q", ""))


def rank_by_search(request, queryset, *, kind, allowed, default):
    """With `?q=`: keep the search hits of `kind`, ordered by relevance unless `?ordering=`."""
    q = query_text(request)
    if not q:
        return order(request, queryset, allowed, default)
    ids = search.ranked_ids(q, kind=kind)
    queryset = queryset.filter(pk__in=ids)
    if request.query_params.get("ordering"):
        return order(request, queryset, allowed, default)
    if not ids:
        return queryset.order_by("id")
    rank = Case(
        *[When(pk=pk, then=position) for position, pk in enumerate(ids)],
        output_field=IntegerField(),
    )
    return queryset.order_by(rank, "id")
