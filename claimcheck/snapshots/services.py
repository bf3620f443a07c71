"""Writes for dated open-data dumps: take today's snapshot (idempotent per UTC day) and
prune the oldest beyond the retention setting."""

import datetime
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from claimcheck.claims import opendata

from .models import OpenDataSnapshot

MINIMUM_KEPT = 12  # the dumps we promise stay downloadable, whatever the setting says


@transaction.atomic
def opendata_snapshot_take(*, now=None):
    """Store the dump of the current published data as the snapshot of `now`'s UTC day, or
    return that day's snapshot if it was already taken (a second run the same day changes
    nothing, so the job can be retried safely); then prune. Returns (snapshot, created)."""
    now = now or timezone.now()
    day = now.astimezone(datetime.UTC).date()
    existing = OpenDataSnapshot.objects.defer("content").filter(date=day).first()
    if existing is not None:
        return existing, False
    archive = opendata.build_zip(now=now)
    snapshot = OpenDataSnapshot(
        date=day,
        taken_at=now,
        filename=f"claimcheck-open-data-{day.isoformat()}.zip",
        content=archive.content,
        sha256=hashlib.sha256(archive.content).hexdigest(),
        size=len(archive.content),
        format_version=archive.manifest["format_version"],
        counts=archive.manifest["counts"],
    )
    snapshot.full_clean(validate_constraints=False)  # the unique date is the database's
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:  # another run took the same day's snapshot meanwhile
        return OpenDataSnapshot.objects.defer("content").get(date=day), False
    opendata_snapshot_prune()
    return snapshot, True


@transaction.atomic
def opendata_snapshot_prune(*, keep=None):
    """Delete the snapshots older than the newest `keep` (OPENDATA_SNAPSHOTS_KEPT, never
    fewer than MINIMUM_KEPT). Returns how many were deleted."""
    keep = max(MINIMUM_KEPT, settings.OPENDATA_SNAPSHOTS_KEPT if keep is None else keep)
    newest = list(OpenDataSnapshot.objects.values_list("date", flat=True)[:keep])
    if len(newest) < keep:
        return 0
    # Deferred: the delete loads the rows for its signals, and need not load their zips.
    old = OpenDataSnapshot.objects.filter(date__lt=newest[-1]).defer("content")
    return old.delete()[0]
