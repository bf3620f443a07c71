"""API keys are created here: the full key is shown once, in a message, then only its prefix."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ApiKey


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
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
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
