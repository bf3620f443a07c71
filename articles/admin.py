from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from claimcheck.claims.admin import ServiceSaveMixin

from .models import Article


@admin.register(Article)
class ArticleAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    list_display = ["title", "status", "author_name", "reviewer", "published_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["reviewer"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["subjects", "claims", "references"]
    readonly_fields = ["status", "reviewer", "published_at"]
