"""Dated, permanent open-data dumps: `manage.py opendata_snapshot` stores one a day, each at
/open-data/YYYY-MM-DD/claimcheck.zip with its SHA-256 as ETag and an immutable
Cache-Control; the open-data page and /open-data/dumps.json list them; at least 12 are kept
whatever the retention setting says."""

import datetime
import hashlib
import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import TestCase

from claimcheck.snapshots import services
from claimcheck.snapshots.models import OpenDataSnapshot

from .. import queries

DAY = datetime.datetime(2026, 11, 2, 23, 30, tzinfo=datetime.UTC)


def take(day_offset=0):
    return services.opendata_snapshot_take(now=DAY + datetime.timedelta(days=day_offset))[0]


def _manifest(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        [name] = [n for n in archive.namelist() if n.endswith("/manifest.json")]
        return json.loads(archive.read(name))


def test_the_command_takes_one_snapshot_a_day(site):
    out = StringIO()
    call_command("opendata_snapshot", stdout=out)
    call_command("opendata_snapshot", stdout=out)
    [snapshot] = OpenDataSnapshot.objects.all()
    assert snapshot.date == datetime.datetime.now(datetime.UTC).date()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Took") and lines[1].startswith("Already taken")
    assert snapshot.sha256 in lines[1]


def test_a_dated_dump_is_immutable_and_tagged_with_its_sha256(
    client, site, django_assert_num_queries
):
    snapshot = take()
    # The snapshot's row without its zip, then the zip.
    with django_assert_num_queries(2):
        response = client.get("/open-data/2026-11-02/claimcheck.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert response["ETag"] == f'"{snapshot.sha256}"' and len(response.content) == snapshot.size
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert "claimcheck-open-data-2026-11-02.zip" in response["Content-Disposition"]
    manifest = _manifest(response.content)
    assert manifest["generated_at"].startswith("2026-11-02T23:30")
    assert manifest["counts"] == snapshot.counts and snapshot.counts["claims"] >= 1


def test_a_revalidation_is_a_304_that_never_loads_the_zip(client, site, django_assert_num_queries):
    snapshot = take()
    # The snapshot's row, without its zip.
    with django_assert_num_queries(1):
        response = client.get(
            "/open-data/2026-11-02/claimcheck.zip", HTTP_IF_NONE_MATCH=f'"{snapshot.sha256}"'
        )
    assert response.status_code == 304
    assert response["ETag"] == f'"{snapshot.sha256}"' and "immutable" in response["Cache-Control"]


def test_a_past_dump_keeps_its_bytes_when_later_ones_are_taken(client, site):
    first = client.get("/open-data/2026-11-02/claimcheck.zip")
    assert first.status_code == 404
    take()
    before = client.get("/open-data/2026-11-02/claimcheck.zip").content
    take(0)  # the same day again: nothing new
    take(1)
    assert OpenDataSnapshot.objects.count() == 2
    assert client.get("/open-data/2026-11-02/claimcheck.zip").content == before
    assert client.get("/open-data/2026-11-03/claimcheck.zip").content != before


def test_an_unknown_date_is_a_404_and_a_malformed_one_a_clear_400(client, site):
    take()
    assert client.get("/open-data/2026-11-01/claimcheck.zip").status_code == 404
    for bad in ("2026-13-01", "2026-02-30", "2026-1-2", "yesterday", "20261102"):
        response = client.get(f"/open-data/{bad}/claimcheck.zip")
        assert response.status_code == 400, bad
        assert "YYYY-MM-DD" in response.content.decode()


@pytest.mark.parametrize(("kept", "remaining"), [(3, 12), (14, 14)])
def test_old_snapshots_are_pruned_but_at_least_12_are_kept(db, settings, kept, remaining):
    settings.OPENDATA_SNAPSHOTS_KEPT = kept
    for offset in range(16):
        take(offset)
    dates = list(OpenDataSnapshot.objects.values_list("date", flat=True))
    assert len(dates) == remaining
    assert dates[0] == (DAY + datetime.timedelta(days=15)).date()  # the newest kept, in order
    assert dates[-1] == (DAY + datetime.timedelta(days=16 - remaining)).date()


def test_the_open_data_page_and_its_json_list_the_dated_dumps(
    client, site, django_assert_num_queries
):
    assert "No past dump is stored yet" in client.get("/open-data/").content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):  # as the job's commit would
        take()
        take(1)
    # The content version, and the dated dumps (without their zips).
    with django_assert_num_queries(queries.VERSION + 1):
        page = client.get("/open-data/").content.decode()  # the new version: rebuilt
    assert 'href="/open-data/2026-11-03/claimcheck.zip"' in page
    assert 'href="/open-data/2026-11-02/claimcheck.zip"' in page
    with django_assert_num_queries(queries.VERSION + 1):  # the same two
        listing = client.get("/open-data/dumps.json").json()["dumps"]
    assert [dump["date"] for dump in listing] == ["2026-11-03", "2026-11-02"]
    for dump in listing:
        path = dump["url"].removeprefix("http://testserver")
        download = client.get(path)
        assert download.status_code == 200
        assert hashlib.sha256(download.content).hexdigest() == dump["sha256"]
        assert len(download.content) == dump["bytes"]
