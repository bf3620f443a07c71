"""gunicorn settings for the benchmark (bench/run.py) and the held-load run: the issue's
reference server, sync workers, five of them, access log off so logging is not measured."""

import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8100")
workers = int(os.environ.get("BENCH_WORKERS", "5"))
worker_class = "sync"
timeout = 30
graceful_timeout = 5
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "warning"
# The app is imported in each worker (not preloaded), like the production image.
preload_app = False


def post_worker_init(worker):
    """Warm and freeze the worker before it takes requests (claimcheck.wsgi.prepare_worker);
    the bare floor (bench/bare.py) has nothing to warm."""
    if os.environ.get("BENCH_APP") == "bare":
        import gc

        gc.freeze()
        return
    from claimcheck.wsgi import prepare_worker

    prepare_worker()
