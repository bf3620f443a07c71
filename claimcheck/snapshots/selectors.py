"""Reads for dated open-data dumps."""

from .models import OpenDataSnapshot

LISTED = ("date", "filename", "sha256", "size", "format_version", "counts", "taken_at")


def opendata_snapshot_list():
    """Every stored snapshot, newest first, without the zips (one query)."""
    return list(OpenDataSnapshot.objects.only(*LISTED))


def opendata_snapshot_get(*, day):
    """The snapshot of `day` without its zip (read it with `.content`: one query more, so a
    304 never loads it), or None."""
    return OpenDataSnapshot.objects.defer("content").filter(date=day).first()
