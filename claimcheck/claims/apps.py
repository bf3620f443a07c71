from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_staff_groups(sender, using="default", **kwargs):
    """Keep the Editor and Reviewer groups equal to roles.GROUPS after every migrate, and
    after the flush between transactional tests (which empties the migration's rows)."""
    from django.contrib.auth.models import Group, Permission

    from . import roles

    roles.sync_groups(
        group_model=Group.objects.db_manager(using).model,
        permission_model=Permission,
        strict=False,
    )


class ClaimsConfig(AppConfig):
    name = "claimcheck.claims"
    label = "claims"
    verbose_name = "Claims and evidence"

    def ready(self):
        post_migrate.connect(_sync_staff_groups, dispatch_uid="claims-sync-staff-groups")
