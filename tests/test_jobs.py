"""The job queue's wiring: every scheduled job exists, and the daily ones do their work."""

import pytest
from django.conf import settings

from claimcheck import celery_app
from claimcheck.snapshots.models import OpenDataSnapshot
from claimcheck.snapshots.tasks import take


def test_every_scheduled_job_is_a_registered_task():
    celery_app.autodiscover_tasks(force=True)  # as a worker does when it starts
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names >= {"webhooks.tick", "snapshots.take"}
    assert names <= set(celery_app.tasks)


@pytest.mark.django_db
def test_the_daily_dump_job_stores_todays_dump_once(jobs_run_here, system_user):
    first = take.delay().get()
    assert first["created"] is True
    again = take.delay().get()
    assert again == {**first, "created": False}
    assert OpenDataSnapshot.objects.count() == 1


def test_the_watch_is_scheduled_for_every_provider_and_only_runs_those_enabled(
    jobs_run_here, settings, db
):
    from claimcheck.watch.connectors import registry
    from claimcheck.watch.tasks import run

    scheduled = [
        entry["args"][0]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "watch.run"
    ]
    assert sorted(scheduled) == sorted(registry())
    settings.WATCH_SOURCES = []
    assert run.delay("crossref").get() == {"source": "crossref", "outcome": "not enabled"}
