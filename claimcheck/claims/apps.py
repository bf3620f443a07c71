from django.apps import AppConfig
from django.core.signals import setting_changed
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


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

    # Models whose changes can alter a public page or API answer.
    PUBLIC_MODELS = (
        "Claim",
        "Rating",
        "VerdictChange",
        "Subject",
        "Source",
        "EvidenceLink",
        "TransparencyItem",
        "RegulatoryRecord",
        "SafetySignal",
        "ReviewerProfile",
        "Concern",
        "ClaimAppearance",
        "CheckRequest",
    )

    def ready(self):
        from . import freshness

        for name in self.PUBLIC_MODELS:
            model = self.get_model(name)
            post_save.connect(
                freshness.on_content_saved, sender=model, dispatch_uid=f"freshness-save-{name}"
            )
            post_delete.connect(
                freshness.on_content_saved, sender=model, dispatch_uid=f"freshness-delete-{name}"
            )
        m2m_changed.connect(freshness.on_content_saved, dispatch_uid="freshness-m2m")
        # Tests that point the cache elsewhere get a watcher for the new one.
        setting_changed.connect(freshness.restart_watcher, dispatch_uid="freshness-settings")
        post_migrate.connect(_sync_staff_groups, dispatch_uid="claims-sync-staff-groups")
