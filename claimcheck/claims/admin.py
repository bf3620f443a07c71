"""Staff curation. Every save, delete and action goes through the services, which check the
actor's role (roles.py) and attribute the change in the history tables."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from . import roles, selectors, services
from .admin_import import ImportAdminMixin
from .models import (
    CheckRequest,
    Claim,
    ClaimAppearance,
    Concern,
    EvidenceLink,
    Rating,
    RegulatoryRecord,
    ReviewerProfile,
    SafetySignal,
    Source,
    Subject,
    TransparencyItem,
    VerdictChange,
)


class ServiceSaveMixin:
    """Admin saves and deletes go through the services: validated and attributed."""

    def save_model(self, request, obj, form, change):
        services.staff_save(
            instance=obj, by=request.user, changed=_changed_fields(obj, form) if change else None
        )

    def delete_model(self, request, obj):
        services.staff_delete(instance=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.staff_delete(instance=obj, by=request.user)
        for obj in formset.new_objects:
            services.staff_save(instance=obj, by=request.user)
        for obj, changed in formset.changed_objects:
            services.staff_save(instance=obj, by=request.user, changed=changed)
        formset.save_m2m()


def _changed_fields(obj, form):
    """The fields that differ from the stored row. form.changed_data compares with the form's
    initial values, which on simple-history's revert page are the old version's: there the
    form looks unchanged although the row would change."""
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
    stored = type(obj)._base_manager.filter(pk=obj.pk).values(*[f.attname for f in fields])
    stored = stored.first() or {}
    differs = [f.name for f in fields if stored.get(f.attname) != getattr(obj, f.attname)]
    return sorted(set(differs) | set(form.changed_data))


@admin.register(Concern)
class ConcernAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["name", "credentials", "provisional"]
    search_fields = ["name", "credentials"]
    autocomplete_fields = ["user"]


class TransparencyInline(admin.TabularInline):
    model = TransparencyItem
    extra = 0


@admin.register(Subject)
class SubjectAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "source_origin", "brand", "updated_at"]
    list_filter = ["kind", "source_origin", "concerns"]
    search_fields = ["name", "slug", "brand"]
    autocomplete_fields = ["concerns", "alternatives"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TransparencyInline]


@admin.register(Source)
class SourceAdmin(ImportAdminMixin, ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "year",
        "design",
        "participants",
        "funding",
        "pmid",
        "doi",
        "nct",
        "fda_number",
    ]
    list_filter = ["design", "funding", "kind", "retracted"]
    search_fields = ["title", "pmid", "doi", "nct", "fda_number", "authors"]


@admin.register(RegulatoryRecord)
class RegulatoryRecordAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["title", "subject", "kind", "date"]
    list_filter = ["kind"]
    list_select_related = ["subject"]
    search_fields = ["title", "slug", "subject__name"]
    autocomplete_fields = ["subject", "source"]


@admin.register(SafetySignal)
class SafetySignalAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["title", "issuer", "kind", "date", "status"]
    list_filter = ["issuer", "kind", "status"]
    search_fields = ["title", "product_class"]
    autocomplete_fields = ["subjects"]


class PublishedClaimGuard:
    """A published claim and its parts change only under review: for staff without the
    reviewer's right, its change page and inlines are read-only (the services refuse too)."""

    def _locked(self, request, claim):
        return (
            claim is not None
            and claim.status == "published"
            and not roles.can(request.user, roles.PUBLISH)
        )

    def has_change_permission(self, request, obj=None):
        claim = obj if isinstance(obj, Claim) else getattr(obj, "claim", obj)
        if isinstance(claim, Claim) and self._locked(request, claim):
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if isinstance(obj, Claim) and self._locked(request, obj):
            return False
        args = (request, obj) if isinstance(self, admin.options.InlineModelAdmin) else (request,)
        return super().has_add_permission(*args)

    def has_delete_permission(self, request, obj=None):
        claim = obj if isinstance(obj, Claim) else getattr(obj, "claim", obj)
        if isinstance(claim, Claim) and self._locked(request, claim):
            return False
        return super().has_delete_permission(request, obj)


class EvidenceInline(PublishedClaimGuard, admin.StackedInline):
    model = EvidenceLink
    extra = 0
    autocomplete_fields = ["source"]
    fieldsets = [
        (None, {"fields": ["source", "on_outcome", "direction", "note", "provisional"]}),
        (
            "Extraction",
            {
                "fields": [
                    "below_mid",
                    "restricted_direction",
                    "relative_effect",
                    "dose_response",
                    "studies_exact_product",
                ]
            },
        ),
        (
            "Judgement flags (reviewers; each lowering flag needs its public reason)",
            {"fields": services.JUDGEMENT_FIELDS},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Editors extract; only reviewers judge risk of bias, inconsistency and indirectness.
        if roles.can(request.user, roles.JUDGE):
            return []
        return list(services.JUDGEMENT_FIELDS)


class AppearanceInline(PublishedClaimGuard, admin.TabularInline):
    model = ClaimAppearance
    extra = 0


class VerdictFilter(admin.SimpleListFilter):
    title = "verdict"
    parameter_name = "verdict"

    def lookups(self, request, model_admin):
        return Claim.Verdict.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value in Claim.Verdict.values:
            # The verdict shown (an override wins over the computed one), stored on the claim.
            return queryset.filter(shown_verdict=value)
        return queryset


class ActiveSignalFilter(admin.SimpleListFilter):
    title = "active safety signal"
    parameter_name = "signal"

    def lookups(self, request, model_admin):
        return [("yes", "Has an active safety signal"), ("no", "No active safety signal")]

    def queryset(self, request, queryset):
        active = Exists(
            SafetySignal.objects.filter(subjects=OuterRef("subject_id"), status="active")
        )
        if self.value() == "yes":
            return queryset.filter(active)
        if self.value() == "no":
            return queryset.filter(~active)
        return queryset


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text="Shown publicly.",
    )


class PublishForm(forms.Form):
    # Only profiles whose account may sign a verdict (the service checks the same).
    reviewer = forms.ModelChoiceField(
        queryset=ReviewerProfile.objects.filter(user__is_active=True)
        .filter(Q(user__is_superuser=True) | Q(user__groups__name=roles.REVIEWER))
        .distinct()
        .order_by("name"),
        help_text="The medical reviewer named on the verdict page (your own profile unless "
        "a colleague reviewed it).",
    )


class OverrideForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=[("", "Remove the override")] + list(Claim.Verdict.choices), required=False
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text="Shown publicly next to the computed verdict, and in the verdict history.",
    )


def run_action(modeladmin, request, queryset, *, title, form_class, apply, initial=None):
    """An admin action that may ask for input first (a reason, a reviewer) on an intermediate
    page, then calls `apply(obj, **cleaned_data)` (a service) for each selected object and
    reports each failure by name. Returns a response for the form page, else None."""
    form = None
    if form_class is not None:
        if "apply" in request.POST:
            form = form_class(request.POST)
        if form is None or not form.is_valid():
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": title,
                "form": form or form_class(initial=initial),
                "objects": queryset,
                "action": request.POST["action"],
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "opts": modeladmin.model._meta,
                "media": modeladmin.media + (form or form_class()).media,
            }
            return TemplateResponse(request, "admin/claims/action_form.html", context)
    data = form.cleaned_data if form is not None else {}
    done = 0
    for obj in queryset:
        try:
            apply(obj, **data)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            modeladmin.message_user(request, f"“{obj}”: {text}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{title}: {done} done.", messages.SUCCESS)
    return None


@admin.register(Claim)
class ClaimAdmin(ImportAdminMixin, PublishedClaimGuard, ServiceSaveMixin, SimpleHistoryAdmin):
    import_kinds = ("claims", "dump")
    list_display = [
        "text",
        "subject",
        "status",
        "verdict",
        "grade",
        "score",
        "reviewer",
        "updated_at",
    ]
    list_filter = [
        "status",
        VerdictFilter,
        "subject__kind",
        ("subject__concerns", admin.RelatedOnlyFieldListFilter),
        "regulatory_code",
        ActiveSignalFilter,
    ]
    list_select_related = ["subject", "current_rating", "reviewer"]
    list_per_page = 50
    search_fields = [
        "text",
        "slug",
        "outcome",
        "subject__name",
        "subject__aliases",
        "evidence__source__pmid",
        "evidence__source__doi",
        "evidence__source__nct",
        "evidence__source__fda_number",
    ]
    search_help_text = "Claim text, subject names and aliases, or a PMID, DOI, NCT or FDA number."
    autocomplete_fields = ["subject", "regulatory_records", "effect_size_source", "label_source"]
    readonly_fields = [
        "rating_preview",
        "status",
        "reviewer",
        "reviewed_at",
        "published_at",
        "override_verdict",
        "override_reason",
        "retraction_reason",
    ]
    fieldsets = [
        ("Rating preview", {"fields": ["rating_preview"]}),
        (
            None,
            {
                "fields": [
                    "slug",
                    "subject",
                    "text",
                    "claimant",
                    "route",
                    "claim_type",
                    "outcome",
                    "regulatory_code",
                    "regulatory_note",
                    "regulatory_records",
                    "conclusion_summary",
                    "conclusion",
                    "draft_reason",
                ]
            },
        ),
        (
            "How much it helps (shown, not scored)",
            {"fields": ["effect_size", "effect_size_text", "effect_size_source"]},
        ),
        (
            "Before you use it (from the label)",
            {
                "fields": [
                    "label_pregnancy",
                    "label_do_not_use",
                    "label_side_effects",
                    "label_source",
                ]
            },
        ),
        (
            "Workflow (changed by the actions on the claim list)",
            {
                "fields": [
                    "status",
                    "reviewer",
                    "reviewed_at",
                    "published_at",
                    "override_verdict",
                    "override_reason",
                    "retraction_reason",
                ]
            },
        ),
    ]
    inlines = [EvidenceInline, AppearanceInline]
    actions = ["submit", "publish", "retract", "rerate", "override"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # nothing to preview before the claim exists
            return self.fieldsets[1:]
        return self.fieldsets

    @admin.display(description="Verdict", ordering="shown_verdict")
    def verdict(self, obj):
        if obj.override_verdict:
            return f"{Claim.Verdict(obj.override_verdict).label} (override)"
        return obj.current_rating.verdict_label if obj.current_rating else "Not rated"

    @admin.display(description="Grade", ordering="current_rating__grade")
    def grade(self, obj):
        return obj.current_rating.grade if obj.current_rating else None

    @admin.display(description="Score", ordering="shown_score")
    def score(self, obj):
        return obj.current_rating.score if obj.current_rating else None

    @admin.display(description="Rating now and from the stored inputs")
    def rating_preview(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        context = selectors.claim_rating_preview(claim=obj)
        return render_to_string("admin/claims/claim/rating_preview.html", context)

    @admin.action(description="Submit the selected claims for review", permissions=["change"])
    def submit(self, request, queryset):
        return run_action(
            self,
            request,
            queryset,
            title="Submit for review",
            form_class=None,
            apply=lambda claim: services.claim_submit_for_review(claim=claim, by=request.user),
        )

    @admin.action(description="Publish the selected claims (reviewers)", permissions=["publish"])
    def publish(self, request, queryset):
        own = ReviewerProfile.objects.filter(user=request.user).first()
        return run_action(
            self,
            request,
            queryset,
            title="Publish",
            form_class=PublishForm,
            initial={"reviewer": own},
            apply=lambda claim, reviewer: services.claim_publish(
                claim=claim, by=request.user, reviewer=reviewer
            ),
        )

    @admin.action(description="Retract the selected claims (reviewers)", permissions=["publish"])
    def retract(self, request, queryset):
        return run_action(
            self,
            request,
            queryset,
            title="Retract",
            form_class=ReasonForm,
            apply=lambda claim, reason: services.claim_retract(
                claim=claim, by=request.user, reason=reason
            ),
        )

    @admin.action(description="Re-rate the selected claims from their stored evidence")
    def rerate(self, request, queryset):
        return run_action(
            self,
            request,
            queryset,
            title="Re-rate",
            form_class=None,
            apply=lambda claim: services.claim_rerate(
                claim=claim, by=request.user, reason="Re-rated from the admin"
            ),
        )

    @admin.action(description="Override the verdict (reviewers)", permissions=["override"])
    def override(self, request, queryset):
        return run_action(
            self,
            request,
            queryset,
            title="Override the verdict",
            form_class=OverrideForm,
            apply=lambda claim, verdict, reason: services.claim_override(
                claim=claim, by=request.user, verdict=verdict, reason=reason
            ),
        )

    def has_publish_permission(self, request):
        return roles.can(request.user, roles.PUBLISH)

    def has_override_permission(self, request):
        return roles.can(request.user, roles.OVERRIDE)


@admin.register(CheckRequest)
class CheckRequestAdmin(SimpleHistoryAdmin):
    """The moderation queue: decisions are made with the actions, through the services."""

    list_display = ["claim_text", "status", "created_at", "claim", "seen_at"]
    list_filter = ["status"]
    list_select_related = ["claim"]
    search_fields = ["claim_text", "details", "seen_at"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "public_id",
        "claim_text",
        "seen_at",
        "details",
        "status",
        "decision_reason",
        "claim",
        "created_at",
        "updated_at",
    ]
    actions = ["accept", "mark_duplicate", "decline"]

    def has_add_permission(self, request):
        return False  # requests come from the public form and API

    @admin.action(description="Accept: link the new claim being checked", permissions=["change"])
    def accept(self, request, queryset):
        return run_action(
            self,
            request,
            queryset,
            title="Accept",
            form_class=ModerationClaimForm,
            apply=lambda check, claim, reason: services.check_request_accept(
                check=check, by=request.user, claim=claim, reason=reason
            ),
        )

    @admin.action(description="Duplicate: link the published claim", permissions=["change"])
    def mark_duplicate(self, request, queryset):
        return run_action(
            self,
            request,
            queryset,
            title="Mark as duplicate",
            form_class=ModerationClaimForm,
            apply=lambda check, claim, reason: services.check_request_mark_duplicate(
                check=check, by=request.user, claim=claim, reason=reason
            ),
        )

    @admin.action(description="Decline, with a public reason", permissions=["change"])
    def decline(self, request, queryset):
        return run_action(
            self,
            request,
            queryset,
            title="Decline",
            form_class=ReasonForm,
            apply=lambda check, reason: services.check_request_decline(
                check=check, by=request.user, reason=reason
            ),
        )


class ModerationClaimForm(forms.Form):
    claim = forms.ModelChoiceField(
        queryset=Claim.objects.all(),
        widget=AutocompleteSelect(CheckRequest._meta.get_field("claim"), admin.site),
        help_text="Type to search claims by text, subject or identifier.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        max_length=2000,
        required=False,
        help_text="Optional; shown publicly.",
    )


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Ratings are immutable records: viewable, never editable."""

    list_display = ["claim", "verdict", "score", "composite", "rubric_version", "created_at"]
    list_filter = ["verdict", "rubric_version"]
    list_select_related = ["claim"]
    search_fields = ["claim__text", "inputs_sha256"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VerdictChange)
class VerdictChangeAdmin(admin.ModelAdmin):
    list_display = ["claim", "kind", "old_verdict", "new_verdict", "changed_at", "changed_by"]
    list_filter = ["kind"]
    list_select_related = ["claim", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
