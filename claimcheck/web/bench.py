"""Floor views for the benchmark harness (bench/), mounted only when BENCH_ENDPOINTS is on.

`json` is the plain-Django ceiling every ratio is measured against; `row` adds one
single-row query, the database floor. Neither uses the cache, templates or middleware tricks.
"""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def floor_json(request):
    return JsonResponse({"status": "ok"})


@require_GET
def floor_row(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, slug FROM claims_claim ORDER BY id LIMIT 1")
        row = cursor.fetchone()
    return JsonResponse({"id": row[0] if row else None, "slug": row[1] if row else None})
