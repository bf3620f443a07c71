from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from claimcheck.claims import freshness

        from .models import Article

        post_save.connect(
            freshness.on_content_saved, sender=Article, dispatch_uid="freshness-save-article"
        )
        post_delete.connect(
            freshness.on_content_saved, sender=Article, dispatch_uid="freshness-delete-article"
        )
