from django.apps import AppConfig


class SnapshotsConfig(AppConfig):
    name = "claimcheck.snapshots"
    label = "snapshots"
    verbose_name = "Open-data snapshots"
