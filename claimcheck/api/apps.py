from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "claimcheck.api"
    label = "api"
