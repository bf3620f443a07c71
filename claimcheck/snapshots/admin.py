from django.contrib import admin

from .models import OpenDataSnapshot


@admin.register(OpenDataSnapshot)
class OpenDataSnapshotAdmin(admin.ModelAdmin):
    """Read-only: snapshots are taken and pruned only by `manage.py opendata_snapshot`."""

    list_display = ["date", "filename", "size", "format_version", "sha256"]
    fields = ["date", "taken_at", "filename", "size", "format_version", "sha256", "counts"]
    readonly_fields = fields
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
