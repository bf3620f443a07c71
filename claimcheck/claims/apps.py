from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claimcheck.claims"
    label = "claims"
    verbose_name = "Claims and evidence"
