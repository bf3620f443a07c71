"""Jobs of the webhooks (the queue: claimcheck/celery.py; the schedule: settings)."""

from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(
    name="webhooks.tick",
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=3,
    soft_time_limit=50,
    time_limit=60,
)
def tick():
    """Every half minute (beat): read new history into deliveries, and queue those due."""
    created = services.events_fan_out()
    due = services.deliveries_take_due()
    for delivery_id in due:
        deliver.delay(delivery_id)
    return {"created": created, "queued": len(due)}


@shared_task(
    name="webhooks.deliver",
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=3,
    soft_time_limit=45,
    time_limit=60,
)
def deliver(delivery_id, manual=False):
    """One attempt (services.delivery_attempt); a failed one is tried again by a later tick,
    at the time it set, so a retry survives a restart of the queue."""
    delivery = services.delivery_attempt(delivery_id=delivery_id, manual=manual)
    if delivery is None:
        return {"outcome": "nothing to do"}
    return {"status": delivery.status, "attempts": delivery.attempts}
