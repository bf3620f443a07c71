from django.apps import AppConfig, apps
from django.core.signals import setting_changed
from django.db.models.signals import m2m_changed, post_delete, post_save

# Models whose changes can alter a public page or API answer ("app_label.Model").
PUBLIC_MODELS = (
    "claims.Claim",
    "claims.Rating",
    "claims.VerdictChange",
    "claims.Subject",
    "claims.Source",
    "claims.EvidenceLink",
    "claims.TransparencyItem",
    "claims.RegulatoryRecord",
    "claims.SafetySignal",
    "claims.ReviewerProfile",
    "claims.Concern",
    "claims.ClaimAppearance",
    "claims.CheckRequest",
    "articles.Article",
    "snapshots.OpenDataSnapshot",  # the open-data page lists the dated dumps
    "watch.Finding",  # an open finding shows "evidence update under review"
)


class FreshnessConfig(AppConfig):
    """The content version and the caches keyed by it. It watches the domain apps' models
    (signals, for invalidation only: STYLE.md), so the domain never imports it."""

    name = "claimcheck.freshness"
    label = "freshness"
    verbose_name = "Content version"

    def ready(self):
        from claimcheck import freshness

        for label in PUBLIC_MODELS:
            model = apps.get_model(label)
            post_save.connect(
                freshness.on_content_saved, sender=model, dispatch_uid=f"freshness-save-{label}"
            )
            post_delete.connect(
                freshness.on_content_saved, sender=model, dispatch_uid=f"freshness-delete-{label}"
            )
        m2m_changed.connect(freshness.on_content_saved, dispatch_uid="freshness-m2m")
        # Tests that point the cache elsewhere get a watcher for the new one.
        setting_changed.connect(freshness.restart_watcher, dispatch_uid="freshness-settings")
