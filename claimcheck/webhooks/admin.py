from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html_join

from . import services
from .models import Attempt, Delivery, Endpoint, Event


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event.",
    )

    class Meta:
        model = Endpoint
        fields = ["api_key", "url", "events", "description", "active"]

    def clean(self):
        data = super().clean()
        # Field errors (a private address, an unknown event) are shown on their fields.
        if self.instance.pk is None and data.get("api_key") and data.get("url"):
            data["events"] = services.endpoint_check(
                key=data["api_key"], url=data["url"], events=data.get("events", [])
            )
        return data


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["url", "api_key", "events_shown", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "api_key__name", "api_key__prefix"]
    list_select_related = ["api_key"]
    autocomplete_fields = ["api_key"]
    readonly_fields = ["secret_hint", "disabled_reason", "created_at"]
    fields = ["api_key", "url", "events", "description", "active", "secret_hint"]

    @admin.display(description="events")
    def events_shown(self, obj):
        return ", ".join(obj.events) or "all"

    @admin.display(description="signing secret")
    def secret_hint(self, obj):
        return (obj.secret[:10] + "…") if obj.secret else "shown once, when saved"

    def get_readonly_fields(self, request, obj=None):
        # The address and its key are fixed once registered (a new address is a new endpoint).
        return [*self.readonly_fields, *(["api_key", "url"] if obj else [])]

    def save_model(self, request, obj, form, change):
        if change:
            services.endpoint_update(
                endpoint=obj,
                events=obj.events,
                description=obj.description,
                active=obj.active,
                reason=f"paused by {request.user}",
            )
            return
        endpoint, secret = services.endpoint_create(
            key=obj.api_key, url=obj.url, events=obj.events, description=obj.description
        )
        obj.pk, obj.secret = endpoint.pk, endpoint.secret
        self.message_user(
            request,
            f"Signing secret (shown once; give it to the partner): {secret}",
            messages.WARNING,
        )

    def delete_model(self, request, obj):
        services.endpoint_delete(endpoint=obj)


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ["at", "status_code", "error", "duration_ms", "manual"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event"]
    search_fields = ["endpoint__url", "source"]
    list_select_related = ["endpoint"]
    readonly_fields = [
        "endpoint",
        "event",
        "event_id",
        "source",
        "payload_shown",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
    ]
    exclude = ["payload"]
    inlines = [AttemptInline]
    actions = ["redeliver"]

    @admin.display(description="payload")
    def payload_shown(self, obj):
        return format_html_join("", "<pre>{}</pre>", [(_pretty(obj.payload),)])

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Deliver again now", permissions=["view"])
    def redeliver(self, request, queryset):
        from .tasks import deliver

        for delivery in queryset:
            services.delivery_redeliver(delivery=delivery)
            transaction.on_commit(lambda pk=delivery.pk: deliver.delay(pk, manual=True))
        self.message_user(request, f"{queryset.count()} deliveries queued again.")


def _pretty(payload):
    import json

    return json.dumps(payload, indent=2, sort_keys=True)
