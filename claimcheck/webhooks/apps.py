from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed webhooks for partners: claim published, changed, retracted, verdict changed."""

    name = "claimcheck.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"
