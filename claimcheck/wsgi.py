"""WSGI entry point (gunicorn claimcheck.wsgi), and what a web worker does before its first
request (gunicorn's post_worker_init calls prepare_worker: docker/ and bench/ confs)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimcheck.settings")
application = get_wsgi_application()


def prepare_worker():
    """Build search's lexicon now (at 100,000 claims about a second that should not fall on
    the first reader), freeze what the worker holds so the garbage collector stops walking
    it, and do the same after every later per-version build (claimcheck.freshness)."""
    import gc

    from django.db import connections

    from claimcheck import freshness
    from claimcheck.claims import search

    search.warm()
    connections.close_all()  # the worker's requests open their own
    freshness.PerVersion.freeze_after_build = True
    gc.freeze()
