"""Jobs of the dated dumps (the schedule: settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(
    name="snapshots.take",
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def take():
    """Today's dump (once a day: a second run the same day changes nothing)."""
    snapshot, created = services.opendata_snapshot_take()
    return {"date": snapshot.date.isoformat(), "created": created, "sha256": snapshot.sha256}
