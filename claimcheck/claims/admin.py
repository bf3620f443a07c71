"""Staff curation. Saves go through the services; the full workflow admin is issue 5's."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
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
            instance=obj, by=request.user, changed=form.changed_data if change else None
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


@admin.register(Concern)
class ConcernAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["name", "credentials", "provisional"]
    search_fields = ["name", "credentials"]


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
class SourceAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
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


class EvidenceInline(admin.StackedInline):
    model = EvidenceLink
    extra = 0
    autocomplete_fields = ["source"]


class AppearanceInline(admin.TabularInline):
    model = ClaimAppearance
    extra = 0


@admin.register(Claim)
class ClaimAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["text", "subject", "status", "verdict", "score", "reviewer", "updated_at"]
    list_filter = ["status", "current_rating__verdict", "subject__kind", "regulatory_code"]
    list_select_related = ["subject", "current_rating", "reviewer"]
    search_fields = ["text", "slug", "subject__name"]
    autocomplete_fields = ["subject", "regulatory_records"]
    readonly_fields = [
        "status",
        "reviewer",
        "reviewed_at",
        "published_at",
        "current_rating",
        "override_verdict",
        "override_reason",
        "retraction_reason",
    ]
    inlines = [EvidenceInline, AppearanceInline]
    actions = ["rerate"]

    @admin.display(description="Verdict", ordering="current_rating__verdict")
    def verdict(self, obj):
        return obj.current_rating.verdict_label if obj.current_rating else "Not rated"

    @admin.display(description="Score", ordering="current_rating__score")
    def score(self, obj):
        return obj.current_rating.score if obj.current_rating else None

    @admin.action(description="Re-rate the selected claims from their stored evidence")
    def rerate(self, request, queryset):
        done = 0
        for claim in queryset:
            try:
                services.claim_rerate(
                    claim=claim, by=request.user, reason="Re-rated from the admin"
                )
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{claim}: {'; '.join(error.messages)}", messages.ERROR)
        self.message_user(request, f"Re-rated {done} claim(s).", messages.SUCCESS)


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
