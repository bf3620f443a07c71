"""The entry point a scheduler calls: `watch_run()` runs every enabled connector once.

It is a plain function (no job-queue import), so a Celery task, the `watch` command and the
tests call the same code. Each provider's part is recorded as a WatchRun; a provider that
fails (after its client's retries) is recorded as failed with the error and the others still
run. Re-running is safe: findings are deduplicated by fingerprint.
"""

import logging

from django.conf import settings

from . import services
from .connectors import registry
from .models import WatchRun

logger = logging.getLogger(__name__)


class UnknownSource(ValueError):
    pass


def enabled():
    """The connector names WATCH_SOURCES turns on, in run order."""
    wanted = {name.strip() for name in settings.WATCH_SOURCES if name.strip()}
    unknown = wanted - set(registry())
    if unknown:
        raise UnknownSource(f"Unknown watch source(s): {', '.join(sorted(unknown))}")
    return [name for name in registry() if name in wanted]


def watch_run(*, source=None):
    """Run the enabled connectors (or only `source`, which must be enabled). Returns
    {provider: {"outcome", "requests", "findings", "new", "error"}}."""
    names = enabled()
    if source is not None:
        if source not in registry():
            raise UnknownSource(f"Unknown watch source: {source}")
        if source not in names:
            raise UnknownSource(f"Watch source {source} is not enabled (WATCH_SOURCES).")
        names = [source]
    return {name: _run_one(registry()[name]()) for name in names}


def _run_one(connector):
    run = services.run_start(provider=connector.name)
    client = None
    seen = new = 0
    errors = []
    try:
        client = connector.client()
        report = connector.run(client)
        errors = report.errors
        for item in report.seen:
            _, created = services.finding_record(
                provider=connector.name,
                kind=item.kind,
                title=item.title,
                external_id=item.external_id,
                url=item.url,
                detail=item.detail,
                source=item.source,
                subject=item.subject,
                key=item.key,
            )
            seen += 1
            new += created
        if not report.failures:
            outcome = WatchRun.Outcome.OK
        elif report.failures < report.units:
            outcome = WatchRun.Outcome.PARTIAL
        else:
            outcome = WatchRun.Outcome.FAILED
    except Exception as error:  # a bug in one connector must not stop the others
        logger.exception("watch %s failed", connector.name)
        errors.append(f"{type(error).__name__}: {error}")
        outcome = WatchRun.Outcome.FAILED
    finally:
        if client is not None:
            client.close()
    requests = client.requests if client is not None else 0
    services.run_finish(
        run=run,
        outcome=outcome,
        requests=requests,
        findings=seen,
        new_findings=new,
        error="\n".join(errors),
    )
    return {
        "outcome": outcome,
        "requests": requests,
        "findings": seen,
        "new": new,
        "error": "\n".join(errors),
    }
