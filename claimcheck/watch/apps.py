from django.apps import AppConfig


class WatchConfig(AppConfig):
    """Evidence watch: connectors to public sources write findings for staff to decide."""

    name = "claimcheck.watch"
    label = "watch"
    verbose_name = "Evidence watch"

    def ready(self):
        # The claims domain reads this flag on every claim detail without importing this app
        # (claims.selectors.CLAIM_FLAGS): one EXISTS in the claim's own query, no extra query.
        from claimcheck.claims import selectors as claim_selectors

        from . import selectors

        claim_selectors.CLAIM_FLAGS["evidence_update_under_review"] = selectors.claim_under_review
