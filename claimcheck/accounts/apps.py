from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "claimcheck.accounts"
    label = "accounts"
    verbose_name = "API keys"
