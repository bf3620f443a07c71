"""The job queue: Celery, configured from Django's settings (the CELERY_* names).

Workers: `celery -A claimcheck worker --beat` (one process runs the schedule; docker compose
has a worker and a beat service). Each app's jobs live in its `tasks.py`. Every job is safe to
run twice (a retry, or a redelivery after a worker died mid-job, runs it again), retries with
backoff where the failure may pass, and has a time limit.
"""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimcheck.settings")

app = Celery("claimcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_job_folders(sender, **kwargs):
    """The embedded default's queue is a folder (settings.JOBS_FOLDER) that must exist."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if sender.conf.broker_url.startswith("filesystem://") and options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
