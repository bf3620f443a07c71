"""`manage.py watch --once [--source NAME]` runs the connectors and prints what each did."""

import io

import pytest
from django.core.management import CommandError, call_command

from claimcheck.watch.models import Finding

from . import payloads as p
from .provider_server import Answer

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("watch", *args, stdout=out)
    return out.getvalue()


def test_watch_once_prints_a_line_per_source_with_its_outcome(provider, catalogue, settings):
    settings.WATCH_SOURCES = ["pubmed", "crossref"]
    provider.route(
        "/eutils/esummary.fcgi",
        Answer(p.esummary(p.pubmed_record("99000001", pubtype=["Retracted Publication"]))),
    )
    provider.route("/crossref/works/10.99999/fake.1", Answer({}, status=503))
    lines = run("--once").splitlines()
    assert lines[0].split() == ["source", "outcome", "requests", "findings", "new"]
    assert lines[1].split() == ["pubmed", "ok", "1", "1", "1"]
    assert lines[2].split() == ["crossref", "failed", "3", "0", "0"]
    assert lines[3].startswith("  error: HTTP 503")
    assert Finding.objects.count() == 1


def test_watch_source_runs_only_that_connector(provider, catalogue, settings):
    settings.WATCH_SOURCES = ["pubmed", "crossref"]
    provider.route("/eutils/esummary.fcgi", Answer(p.esummary()))
    assert [line.split()[0] for line in run("--once", "--source", "pubmed").splitlines()] == [
        "source",
        "pubmed",
    ]
    assert provider.hits("/crossref/works/10.99999/fake.1") == []


def test_watch_refuses_without_once_and_for_a_source_not_enabled(provider, settings):
    settings.WATCH_SOURCES = ["pubmed"]
    with pytest.raises(CommandError, match="--once"):
        run()
    with pytest.raises(CommandError, match="not enabled"):
        run("--once", "--source", "crossref")
    with pytest.raises(CommandError, match="Unknown watch source"):
        run("--once", "--source", "nowhere")
    settings.WATCH_SOURCES = []
    assert "No watch source is enabled" in run("--once")
