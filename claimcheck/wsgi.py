"""WSGI entry point (gunicorn claimcheck.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimcheck.settings")
application = get_wsgi_application()
