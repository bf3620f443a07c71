# Production image: gunicorn serving ClaimCheck, static files by whitenoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && useradd --system --uid 10001 claimcheck
USER claimcheck

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["sh", "-c", "python manage.py migrate --no-input && python manage.py load_starter_data && exec gunicorn claimcheck.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-4} --access-logfile -"]
