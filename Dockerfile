# Production image: gunicorn serving ClaimCheck (docker-compose.yml services "migrate" and
# "web"). The base image is pinned to a patch release and a Debian release; docker/smoke builds
# a stand-in under the same name when no registry can be reached.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Bytecode compiled once here (the app's files are read-only at run time, so every worker
# would otherwise compile them on each start); static files collected with their manifest,
# which the app reads from this image (never from a volume an older image filled). The
# migrate service copies them into /srv/static, the volume the edge serves.
RUN python -m compileall -q claimcheck articles \
    && SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && useradd --system --uid 10001 claimcheck \
    && install -d -o claimcheck -g claimcheck /srv/static
USER claimcheck

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"]
# No shell in between: gunicorn gets the stop signal (through compose's init) and drains.
CMD ["gunicorn", "--config", "docker/gunicorn.conf.py", "claimcheck.wsgi"]
