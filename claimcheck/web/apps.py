from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "claimcheck.web"
    label = "web"
