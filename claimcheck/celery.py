"""The job queue: Celery, configured from Django's settings (the CELERY_* names).

Workers: `celery -A claimcheck worker --beat` (one process runs the schedule; docker compose
has a worker and a beat service). Each app's jobs live in its `tasks.py`. Every job is safe to
run twice (a retry, or a redelivery after a worker died mid-job, runs it again), retries with
backoff where the failure may pass, and has a time limit.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimcheck.settings")

app = Celery("claimcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
