"""The findings queue and the run log. Decisions go through the services (accept, dismiss
with a reason); findings and runs are otherwise read-only."""

from django import forms
from django.contrib import admin, messages

from claimcheck.claims import roles
from claimcheck.claims.admin import run_action

from . import selectors, services
from .models import Finding, WatchRun


def _never(modeladmin, request, obj=None):
    return False


class DismissForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea, max_length=2000, help_text="Why (staff only).")


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "provider",
        "kind",
        "touched_claims",
        "status",
        "first_seen",
        "source",
        "subject",
    ]
    list_filter = ["status", "provider", "kind"]
    list_select_related = ["source", "subject"]
    search_fields = ["title", "external_id", "detail", "source__title", "subject__name"]
    date_hierarchy = "first_seen"
    readonly_fields = [
        "provider",
        "kind",
        "source",
        "subject",
        "external_id",
        "url",
        "title",
        "detail",
        "first_seen",
        "last_seen",
        "status",
        "decided_by",
        "decided_at",
        "decision_reason",
    ]
    actions = ["accept", "dismiss"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(touched=selectors.touched_claims_count())

    @admin.display(description="claims touched", ordering="touched")
    def touched_claims(self, obj):
        return obj.touched or 0

    # Findings come from the connectors and are decided with the actions, never edited.
    has_add_permission = has_change_permission = has_delete_permission = _never

    def has_decide_permission(self, request):
        return roles.can(request.user, roles.DECIDE_FINDING)

    @admin.action(description="Accept the selected findings (reviewers)", permissions=["decide"])
    def accept(self, request, queryset):
        def apply(finding):
            decided = services.finding_accept(finding=finding, by=request.user)
            step = services.next_step(decided)
            if step:
                self.message_user(request, f"“{decided}”: accepted. Next: {step}", messages.INFO)

        return run_action(self, request, queryset, title="Accept", form_class=None, apply=apply)

    @admin.action(
        description="Dismiss the selected findings, with a reason", permissions=["decide"]
    )
    def dismiss(self, request, queryset):
        return run_action(
            self,
            request,
            queryset,
            title="Dismiss",
            form_class=DismissForm,
            apply=lambda finding, reason: services.finding_dismiss(
                finding=finding, by=request.user, reason=reason
            ),
        )


@admin.register(WatchRun)
class WatchRunAdmin(admin.ModelAdmin):
    list_display = [
        "provider",
        "started",
        "finished",
        "outcome",
        "requests",
        "findings",
        "new_findings",
        "short_error",
    ]
    list_filter = ["provider", "outcome"]
    date_hierarchy = "started"

    @admin.display(description="error")
    def short_error(self, obj):
        return obj.error.splitlines()[0][:120] if obj.error else ""

    # Runs are written by watch_run only.
    has_add_permission = has_change_permission = has_delete_permission = _never
