"""Dated open-data dumps: one stored zip per day, so every past dump keeps a permanent,
immutable address (/open-data/YYYY-MM-DD/claimcheck.zip) that researchers can cite."""

from django.db import models
from django.db.models import Q
from django.urls import reverse


class OpenDataSnapshot(models.Model):
    """The open-data dump (claims.opendata.build_zip) as it was on `date` (UTC). Written only
    by snapshots.services. The zip is stored in the row: the install has no shared media
    volume, a snapshot is a few hundred kilobytes, and a row is written and pruned in the
    same transaction as its metadata, so a listed dump is always downloadable."""

    date = models.DateField(editable=False, help_text="The UTC day the dump was taken.")
    taken_at = models.DateTimeField(editable=False)
    filename = models.CharField(max_length=100, editable=False)
    content = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False, help_text="Bytes of the zip.")
    format_version = models.CharField(max_length=20, editable=False)
    counts = models.JSONField(editable=False, help_text="Records per table, as the manifest.")

    class Meta:
        ordering = ["-date"]
        constraints = [
            # One dump per day: the day is its address. Also the index of the download's
            # look-up by date and of the listing's ORDER BY date.
            models.UniqueConstraint(fields=["date"], name="snapshots_opendatasnapshot_one_a_day"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="snapshots_opendatasnapshot_sha256_format",
            ),
        ]

    def __str__(self):
        return f"open data of {self.date.isoformat()}"

    def get_absolute_url(self):
        return reverse("web:open-data-dated", args=[self.date.isoformat()])
