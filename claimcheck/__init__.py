# The job queue's app is loaded with Django, so @shared_task jobs bind to it.
from .celery import app as celery_app

__all__ = ["celery_app"]
