"""API keys and two-factor enrollment codes are issued here: each is shown once, in a message,
then only its record."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from . import services, two_factor
from .models import ApiKey, EnrollmentCode


@admin.register(ApiKey)
class ApiKeyAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "prefix",
        "user",
        "can_write",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["can_write", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username", "email"]
    autocomplete_fields = ["user"]
    # email: the confirmed address of a self-serve read key (blank for staff-issued keys).
    readonly_fields = ["prefix", "email", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # The acting account of an existing key never changes: issue a new key instead.
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            services.api_key_update(
                by=request.user,
                key=ApiKey.objects.get(pk=obj.pk),
                name=obj.name,
                can_write=obj.can_write,
            )
            return
        key, plaintext = services.api_key_create(
            by=request.user, name=obj.name, user=obj.user, can_write=obj.can_write
        )
        obj.pk, obj.prefix, obj.hashed_key, obj.created_at = (
            key.pk,
            key.prefix,
            key.hashed_key,
            key.created_at,
        )
        obj._state.adding = False
        self.message_user(
            request,
            f"The new API key is {plaintext} . Copy it now: it is stored only as a hash and "
            "will not be shown again.",
            messages.WARNING,
        )

    def delete_model(self, request, obj):
        services.api_key_revoke(by=request.user, key=obj)

    def has_delete_permission(self, request, obj=None):
        return False  # keys are revoked, not deleted, so their history stays

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(by=request.user, key=key)
        self.message_user(request, f"Revoked {queryset.count()} key(s).", messages.SUCCESS)


class EnrollmentCodeForm(forms.ModelForm):
    hours = forms.IntegerField(
        min_value=1,
        max_value=72,
        initial=two_factor.ENROLLMENT_HOURS,
        help_text="How long the code stays valid (it works once).",
    )

    class Meta:
        model = EnrollmentCode
        fields = ["user"]


@admin.register(EnrollmentCode)
class EnrollmentCodeAdmin(admin.ModelAdmin):
    """Administrators issue the single-use code a staff member needs to set up their first
    authenticator app; it is shown once, in a message. Codes are never edited."""

    form = EnrollmentCodeForm
    list_display = ["user", "issued_by", "issued_at", "expires_at", "used_at"]
    list_select_related = ["user", "issued_by"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        try:
            code, plaintext = two_factor.enrollment_code_issue(
                user=obj.user, by=request.user, hours=form.cleaned_data["hours"]
            )
        except two_factor.TwoFactorError as error:
            raise PermissionDenied(str(error)) from error
        obj.pk, obj.issued_at, obj.expires_at = code.pk, code.issued_at, code.expires_at
        self.message_user(
            request,
            f"Enrollment code for {obj.user.username}: {plaintext} (valid once, until "
            f"{code.expires_at:%Y-%m-%d %H:%M} UTC). Give it to them out of band; it is not "
            "shown again.",
            messages.WARNING,
        )
