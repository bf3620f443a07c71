"""gunicorn settings of the compose stack's web service (the Dockerfile's CMD reads this file).

Every value can still be changed per deployment: WEB_CONCURRENCY sets the worker count.
"""

import os

import gunicorn

# No "Server: gunicorn" banner (the edge answers with its own, version-less header anyway).
gunicorn.SERVER = ""

bind = "0.0.0.0:8000"  # reachable on the compose network only: the service publishes no port
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# The runtime control socket (gunicornc) is not used, and the app user has no home to put it in.
control_socket_disable = True

# Access log on stdout with the client's address: the edge's X-Forwarded-For first (the app
# reads the client from it, TRUSTED_PROXIES hops from the right), then the edge's own address.
accesslog = "-"
access_log_format = (
    'client=%({x-forwarded-for}i)s peer=%(h)s "%(r)s" status=%(s)s bytes=%(B)s '
    'duration_ms=%(M)s agent="%(a)s"'
)


def post_worker_init(worker):
    """Warm and freeze the worker before it takes requests (claimcheck.wsgi.prepare_worker)."""
    from claimcheck.wsgi import prepare_worker

    prepare_worker()
