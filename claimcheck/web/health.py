"""Liveness and readiness probes for load balancers and orchestrators."""

import logging

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """200 while the process can answer at all; touches nothing else."""
    return JsonResponse({"status": "ok"})


def _database_ok():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache_ok():
    cache.set("readyz-probe", "1", timeout=5)
    return cache.get("readyz-probe") == "1"


@never_cache
def readyz(request):
    """200 when the database and the cache answer; 503 naming what failed otherwise."""
    checks = {}
    for name, probe in (("database", _database_ok), ("cache", _cache_ok)):
        try:
            checks[name] = "ok" if probe() else "failed"
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            logger.warning("readiness check %s failed: %s", name, error.__class__.__name__)
            checks[name] = "failed"
    failed = sorted(name for name, state in checks.items() if state != "ok")
    body = {"status": "ok" if not failed else "unavailable", "checks": checks}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
