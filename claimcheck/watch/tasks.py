"""Jobs of the evidence watch (the schedule: settings.CELERY_BEAT_SCHEDULE, one entry per
provider at its own cadence). A run only writes findings, deduplicated, so a retried or
repeated job is harmless; each provider's client retries its own requests."""

from celery import shared_task
from django.db import DatabaseError

from . import jobs


@shared_task(
    name="watch.run",
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=3,
    # A full pass of a large catalogue at the providers' published limits takes hours
    # (bench/README.md, "Evidence watch").
    soft_time_limit=6 * 3600,
    time_limit=6 * 3600 + 300,
)
def run(source):
    """One provider's pass, when WATCH_SOURCES enables it (else nothing)."""
    if source not in jobs.enabled():
        return {"source": source, "outcome": "not enabled"}
    return jobs.watch_run(source=source)
