"""The bare floor (issue #21): the least a Django answer can cost under the benchmark's server.

One file, no apps, no middleware, no database, no cache: Django's WSGI handler, URL resolver
and a JsonResponse, the same body as the project's `/bench/json`. bench/run.py serves it with
the same gunicorn settings (bench/gunicorn.conf.py) beside the project and measures every row
against it, so a ratio says how much of Django's least possible cost the project adds.

    .venv/bin/gunicorn bare:application --chdir bench -c bench/gunicorn.conf.py
"""

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-floor-not-secret",  # noqa: S106 - serves one constant answer
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_TZ=True,
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402 - after settings
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402


def floor(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/json", floor)]
application = get_wsgi_application()
