"""Jobs of the content caches (the queue: claimcheck/celery.py)."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError

from . import warm

logger = logging.getLogger(__name__)


@shared_task(
    name="freshness.warm_after_change",
    autoretry_for=(DatabaseError, ConnectionError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
    ignore_result=False,
)
def warm_after_change(claim_ids):
    """Build the pages and documents of the current content version again (warm.run). Safe
    to run twice: a second pass of the same version stops at once ("already")."""
    try:
        version, requested, outcome = warm.run(claim_ids)
    except SoftTimeLimitExceeded:
        logger.warning("warm: time limit reached; the rest is built by its first readers")
        return {"outcome": "time limit"}
    return {"version": f"{version:x}", "requested": requested, "outcome": outcome}
