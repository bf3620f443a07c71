"""The open-data dump and imports: the export round trip reproduces every rating; a file
with errors is reported record by record and writes nothing; dry runs write nothing."""

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from claimcheck import rubric
from claimcheck.claims import admin_import, imports, opendata, services
from claimcheck.claims.models import (
    Claim,
    ClaimAppearance,
    Concern,
    EvidenceLink,
    Rating,
    RegulatoryRecord,
    ReviewerProfile,
    SafetySignal,
    Source,
    Subject,
    TransparencyItem,
    VerdictChange,
)

from ..factories import (
    EvidenceLinkFactory,
    ReviewerFactory,
    SourceFactory,
    SubjectFactory,
)
from ..queries import VERSION

pytestmark = pytest.mark.django_db

CLAIMS_TABLES = (
    VerdictChange,
    ClaimAppearance,
    EvidenceLink,
    Claim,
    Rating,
    RegulatoryRecord,
    SafetySignal,
    TransparencyItem,
    Source,
    Subject,
    Concern,
    ReviewerProfile,
)


def _everything():
    """Row counts of every claims table and its history table."""
    counts = {}
    for model in CLAIMS_TABLES:
        counts[model.__name__] = model.objects.count()
        if hasattr(model, "history"):
            counts[f"history.{model.__name__}"] = model.history.model.objects.count()
    return counts


def _wipe():
    """Empty the claims tables, as in a new database. Ratings refuse UPDATE, not DELETE; a
    claim's current rating is protected, so claims let go of it first (as drafts, which the
    published-is-complete constraint allows)."""
    Article.objects.all().delete()  # the starter article cites claims, sources, a reviewer
    VerdictChange.objects.all().delete()
    Claim.objects.update(status="draft", current_rating=None)
    for model in CLAIMS_TABLES:
        model.objects.all().delete()
        if hasattr(model, "history"):
            model.history.model.objects.all().delete()


def _ratings():
    return {
        c.slug: (
            c.current_rating.verdict,
            c.current_rating.score,
            c.current_rating.grade,
            c.current_rating.composite,
            c.current_rating.inputs_sha256,
            c.current_rating.rubric_version,
        )
        for c in Claim.objects.published().select_related("current_rating")
    }


def test_export_imported_into_an_empty_database_gives_identical_ratings(
    starter_data, tmp_path, system_user
):
    before = _ratings()
    manifest = opendata.write_folder(tmp_path)
    # Every published starter claim (the unverified ones stay drafts and are not exported).
    assert manifest["counts"]["claims"] == len(before) == starter_data.claims_published
    assert len(before) > 26
    _wipe()
    assert Claim.objects.count() == Source.objects.count() == 0

    report = imports.run("dump", kind="dump", by=system_user, commit=True, folder=tmp_path)

    assert report.ok, report.lines()
    assert report.committed
    for claim in Claim.objects.all():
        services.claim_rerate(claim=claim, by=system_user)
    after = _ratings()
    assert after == before
    assert not [row for row in report.rows if row.warnings]


# ---------------------------------------------------------------------------------------------
# A small published dataset, built through the services.


def _publish(claim, by, reviewer):
    services.claim_submit_for_review(claim=claim, by=by)
    return services.claim_publish(claim=claim, by=by, reviewer=reviewer)


def _published_claims(n, *, by, reviewer, subject=None):
    """n published claims, each with two evidence links; one source has no identifier."""
    claims = []
    for _ in range(n):
        link = EvidenceLinkFactory(**({"claim__subject": subject} if subject else {}))
        EvidenceLinkFactory(
            claim=link.claim,
            source=SourceFactory(pmid="", url="https://example.org/report", design="rct"),
            direction="mixed",
            risk_of_bias="serious",
            risk_of_bias_reason="Unblinded.",
        )
        claims.append(_publish(link.claim, by, reviewer))
    return claims


@pytest.fixture
def published(system_user):
    reviewer = ReviewerFactory(slug="dr-ada", name="Dr Ada")
    subject = SubjectFactory(slug="retinol", name="Retinol")
    concern = services.concern_upsert(by=system_user, slug="wrinkles", name="Wrinkles")
    subject.concerns.add(concern)
    claims = _published_claims(2, by=system_user, reviewer=reviewer, subject=subject)
    draft = EvidenceLinkFactory(claim__slug="a-draft", claim__subject=subject).claim
    return {"reviewer": reviewer, "subject": subject, "claims": claims, "draft": draft}


def test_every_rubric_judgement_on_evidence_survives_the_round_trip(
    published, tmp_path, system_user
):
    """D4R (size not reported but known to be small, with its reason) is a rubric input: a
    dump without it re-imports as a claim rated on different inputs."""
    claim = published["claims"][0]
    link = claim.evidence.order_by("pk").first()
    services.evidence_link(
        by=system_user,
        claim=claim,
        source=link.source,
        fields={"unreported_size_small": True, "imprecision_reason": "Only a p-value given."},
    )
    services.claim_rerate(claim=claim, by=system_user, reason="Imprecision judged")
    before = _ratings()
    opendata.write_folder(tmp_path)
    _wipe()
    report = imports.run("dump", kind="dump", by=system_user, commit=True, folder=tmp_path)
    assert report.ok, report.lines()
    for again in Claim.objects.all():
        services.claim_rerate(claim=again, by=system_user)
    assert _ratings() == before
    restored = EvidenceLink.objects.get(claim__slug=claim.slug, unreported_size_small=True)
    assert restored.imprecision_reason == "Only a p-value given."


# ---------------------------------------------------------------------------------------------
# Export


def test_manifest_names_format_rubric_time_counts_licence_and_file_checksums(published, tmp_path):
    manifest = opendata.write_folder(tmp_path)

    assert manifest["format_version"] == opendata.FORMAT_VERSION
    assert manifest["rubric_version"] == rubric.VERSION
    assert manifest["generated_at"].endswith("Z")
    assert manifest["licence"] and manifest["attribution"]
    assert manifest["counts"]["claims"] == 2  # the draft is not exported
    assert manifest["counts"]["evidence_links"] == 4
    assert manifest["counts"]["reviewers"] == 1
    names = {f["name"] for f in manifest["files"]}
    assert names == {f"{e.name}.{x}" for e in opendata.ENTITIES for x in ("jsonl", "csv")}
    assert (tmp_path / "datapackage.json").is_file()
    for listed in manifest["files"]:
        content = (tmp_path / listed["name"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == listed["sha256"]
        assert listed["bytes"] == len(content)
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest


def test_export_holds_only_published_claims_with_their_rating_and_no_accounts(published):
    data = opendata.dataset()
    claim = published["claims"][0]
    row = next(r for r in data["claims"] if r["slug"] == claim.slug)
    rating = claim.current_rating
    assert (row["verdict"], row["score"], row["grade"], row["composite"]) == (
        rating.verdict,
        rating.score,
        rating.grade,
        rating.composite,
    )
    assert row["inputs_sha256"] == rating.inputs_sha256
    assert row["rubric_version"] == rating.rubric_version
    assert row["factors"] == rating.factors
    assert row["reviewer"] == "dr-ada"
    assert "a-draft" not in {r["slug"] for r in data["claims"]}
    assert {r["claim"] for r in data["evidence_links"]} == {c.slug for c in published["claims"]}
    link = next(r for r in data["evidence_links"] if r["risk_of_bias"] == "serious")
    assert link["risk_of_bias_reason"] == "Unblinded."
    assert data["reviewers"] == [
        {
            "slug": "dr-ada",
            "name": "Dr Ada",
            "credentials": "MD, dermatologist",
            "bio": "",
            "provisional": False,
        }
    ]
    assert data["subjects"][0]["concerns"] == ["wrinkles"]
    text = json.dumps(data, default=str)
    assert "password" not in text and "email" not in text and "user" not in text


def test_export_query_count_does_not_grow_with_claims(published, system_user):
    with CaptureQueriesContext(connection) as few:
        opendata.dataset()
    _published_claims(4, by=system_user, reviewer=published["reviewer"])
    with CaptureQueriesContext(connection) as many:
        data = opendata.dataset()
    assert len(data["claims"]) == 6
    # Published claims with subject, rating and reviewer; their regulatory-record links;
    # alternatives links; subjects; concern links; concerns; checklists; evidence links;
    # regulatory records; sources; signals; signal-subject links; reviewers; appearances;
    # retracted claims; verdict history.
    assert len(few) == len(many) == 16


def test_csv_cells_that_a_spreadsheet_would_run_are_prefixed_and_restored_exactly(
    published, tmp_path, system_user
):
    services.source_upsert(
        by=system_user,
        lookup={"pmid": published["claims"][0].evidence.first().source.pmid},
        fields={"title": '=HYPERLINK("http://evil.example","click")'},
    )
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "'=x", "''", "'Tis", "plain", ""):
        assert opendata.csv_unescape(opendata.csv_escape(value)) == value
    assert opendata.csv_escape("=1+1") == "'=1+1"
    assert opendata.csv_escape("'Tis") == "'Tis"

    opendata.write_folder(tmp_path)

    with open(tmp_path / "sources.csv", newline="", encoding="utf-8") as handle:
        titles = [row["title"] for row in csv.DictReader(handle)]
    assert '\'=HYPERLINK("http://evil.example","click")' in titles
    assert not any(t.startswith(("=", "+", "-", "@")) for t in titles)
    jsonl = (tmp_path / "sources.jsonl").read_text()
    assert '"title": "=HYPERLINK' in jsonl  # JSON Lines keep the value as it is


HOSTILE_STARTS = ["=1+1", "+1 more trial", "-1 point", "@SUM(A1)", "\tTabbed", "\rReturned"]


def test_the_downloaded_csv_prefixes_every_cell_a_spreadsheet_would_run(client, published):
    """Each start that Excel, LibreOffice or Sheets reads as a formula, one per source title,
    through the public download; the JSON Lines beside it keep the values as they are."""
    for title in HOSTILE_STARTS:
        EvidenceLinkFactory(claim=published["claims"][0], source__title=title)
    response = client.get("/open-data/claimcheck-open-data.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        [csv_name] = [n for n in archive.namelist() if n.endswith("/sources.csv")]
        with archive.open(csv_name) as raw:
            rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))
        [jsonl_name] = [n for n in archive.namelist() if n.endswith("/sources.jsonl")]
        jsonl_titles = {json.loads(line)["title"] for line in archive.read(jsonl_name).splitlines()}
    titles = {row["title"] for row in rows}
    for title in HOSTILE_STARTS:
        assert "'" + title in titles, title
        assert title in jsonl_titles, title
    assert not any(t[:1] in ("=", "+", "-", "@", "\t", "\r") for t in titles)


def test_datapackage_describes_every_csv_with_types_keys_and_hashes(published, tmp_path):
    """datapackage.json (Frictionless Data Package v1): each resource names its CSV with the
    right hash and size, lists the CSV's columns in order with a type that parses every
    cell, and its primary and foreign keys hold in the data."""
    opendata.write_folder(tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    resources = {r["name"]: r for r in package["resources"]}
    assert {r["path"] for r in resources.values()} == {f"{e.name}.csv" for e in opendata.ENTITIES}
    tables = {}
    for name, resource in resources.items():
        content = (tmp_path / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        assert resource["bytes"] == len(content)
        reader = csv.DictReader(io.StringIO(content.decode("utf-8")))
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == reader.fieldnames
        rows = tables[name] = list(reader)
        for field in fields:
            for row in rows:
                _parses(row[field["name"]], field["type"], (name, field["name"]))
        key = resource["schema"].get("primaryKey")
        if key:
            values = [tuple(row[k] for k in key) for row in rows]
            assert len(values) == len(set(values)), (name, key)
    types = {f["name"]: f["type"] for f in resources["claims"]["schema"]["fields"]}
    assert (types["score"], types["r_points"]) == ("integer", "integer")
    sources = {f["name"]: f["type"] for f in resources["sources"]["schema"]["fields"]}
    assert (sources["peer_reviewed"], sources["year"]) == ("boolean", "integer")
    assert types["factors"] == "array" and types["published_at"] == "datetime"
    for name, resource in resources.items():
        for foreign in resource["schema"].get("foreignKeys", []):
            target = foreign["reference"]
            known = {row[target["fields"]] for row in tables[target["resource"]]}
            for row in tables[name]:
                if row[foreign["fields"]]:
                    assert row[foreign["fields"]] in known, (name, foreign, row)


def _parses(cell, kind, where):
    import datetime as dt

    if cell == "":
        return
    if kind == "integer":
        int(cell)
    elif kind == "number":
        float(cell)
    elif kind == "boolean":
        assert cell in ("true", "false"), where
    elif kind == "datetime":
        dt.datetime.fromisoformat(cell.replace("Z", "+00:00"))
    elif kind == "date":
        dt.date.fromisoformat(cell)
    elif kind in ("array", "object"):
        assert isinstance(json.loads(cell), list if kind == "array" else dict), where


def test_negative_numbers_are_numbers_in_the_csv_not_escaped_text(published, tmp_path):
    opendata.write_folder(tmp_path)
    with open(tmp_path / "claims.csv", newline="", encoding="utf-8") as handle:
        points = [row["r_points"] for row in csv.DictReader(handle)]
    assert points and all(int(p) <= 0 or int(p) > 0 for p in points)  # every cell an integer
    assert opendata._cell(-2) == "-2" and opendata._cell("-2") == "'-2"


def test_list_and_object_cells_are_utf8_json_with_sorted_keys(published, tmp_path, system_user):
    """A list cell keeps its accented words as they are (not \\u escapes, which a spreadsheet
    shows as such), and an object's keys come in one order whatever order the database kept
    them in (PostgreSQL's jsonb reorders them)."""
    services.subject_upsert(
        by=system_user,
        slug=published["subject"].slug,
        fields={"aliases": ["crème anti-âge", "ácido hialurónico"]},
    )
    opendata.write_folder(tmp_path)
    with open(tmp_path / "subjects.csv", newline="", encoding="utf-8") as handle:
        aliases = {row["slug"]: row["aliases"] for row in csv.DictReader(handle)}
    assert aliases["retinol"] == '["crème anti-âge", "ácido hialurónico"]'
    with open(tmp_path / "claims.csv", newline="", encoding="utf-8") as handle:
        cells = [row["factors"] for row in csv.DictReader(handle)]
    key_orders = [
        keys
        for cell in cells
        for keys in json.loads(cell, object_pairs_hook=lambda pairs: [k for k, _ in pairs])
    ]
    assert len(key_orders) > 5 and all(keys == sorted(keys) for keys in key_orders)


# ---------------------------------------------------------------------------------------------
# Import

SOURCES_CSV = (
    "pmid,title,design,population,funding,year,participants,peer_reviewed\r\n"
    "31000001,A good trial,rct,human,independent,2021,120,true\r\n"
    "0123,Bad identifier,rct,human,independent,2021,,true\r\n"
    "31000003,Bad design,banana,human,independent,2021,,true\r\n"
    "31000004,Bad flag,rct,human,independent,twenty,,perhaps\r\n"
)


def test_a_file_with_errors_gives_row_level_messages_and_changes_nothing(system_user):
    before = _everything()

    report = imports.run(
        "sources.csv", SOURCES_CSV.encode(), kind="sources", by=system_user, commit=True
    )

    assert not report.ok and not report.committed
    errors = {row.where: row.errors for row in report.rows if row.errors}
    assert set(errors) == {"sources.csv line 3", "sources.csv line 4", "sources.csv line 5"}
    assert [name for name, _ in errors["sources.csv line 3"]] == ["pmid"]
    assert [name for name, _ in errors["sources.csv line 4"]] == ["design"]
    assert {name for name, _ in errors["sources.csv line 5"]} == {"year", "peer_reviewed"}
    good = next(row for row in report.rows if row.where == "sources.csv line 2")
    assert good.action == "create" and not good.errors
    assert _everything() == before  # history tables included
    assert "sources.csv line 3: sources PMID:0123: ERROR" in "\n".join(report.lines())


def test_dry_run_reports_planned_changes_and_writes_nothing_then_confirm_writes(system_user):
    SourceFactory(pmid="31000009", title="Old title", design="rct")
    content = b"pmid,title,design\r\n31000001,A new trial,rct\r\n31000009,New title,rct\r\n"
    before = _everything()

    dry = imports.run("sources.csv", content, kind="sources", by=system_user)

    assert dry.ok and not dry.committed
    assert [(r.key, r.action, r.changed) for r in dry.rows] == [
        ("PMID:31000001", "create", []),
        ("PMID:31000009", "update", ["title"]),
    ]
    assert _everything() == before

    done = imports.run("sources.csv", content, kind="sources", by=system_user, commit=True)

    assert done.committed
    assert Source.objects.get(pmid="31000009").title == "New title"
    assert Source.objects.get(pmid="31000001").history.first().history_user == system_user
    again = imports.run("sources.csv", content, kind="sources", by=system_user)
    assert {r.action for r in again.rows} == {"unchanged"}


def test_claims_json_names_missing_references_by_record_and_field(published, system_user):
    records = [
        {
            "slug": "new-claim",
            "subject": "no-such-subject",
            "text": "Retinol smooths",
            "route": "topical_intact",
            "claim_type": "appearance",
            "outcome": "wrinkles",
            "regulatory_code": "R4",
            "evidence": [{"source": "PMID:99999999", "direction": "supports"}],
        },
        {"slug": "other", "subject": "retinol", "route": "by_magic", "status": "retracted"},
    ]
    before = _everything()

    report = imports.run(
        "claims.json", json.dumps(records).encode(), kind="claims", by=system_user, commit=True
    )

    errors = {(row.where, name) for row in report.rows for name, _ in row.errors}
    assert ("claims.json record 1", "subject") in errors
    assert ("claims.json record 2", "status") in errors
    assert ("claims.json record 1 evidence 1", "claim") in errors  # its claim was refused
    assert _everything() == before


def test_claims_json_with_evidence_creates_publishes_and_rates_through_the_services(
    published, system_user
):
    source = SourceFactory(pmid="32000001")
    records = [
        {
            "slug": "retinol-smooths",
            "subject": "retinol",
            "text": "Retinol smooths fine lines",
            "route": "topical_intact",
            "claim_type": "appearance",
            "outcome": "fine lines",
            "regulatory_code": "R4",
            "status": "published",
            "reviewer": "dr-ada",
            "evidence": [
                {"source": source.key, "direction": "supports", "risk_of_bias": "low"},
                {"source": "PMID:32000001", "direction": "supports"},
            ],
        }
    ]

    report = imports.run(
        "claims.json", json.dumps(records).encode(), kind="claims", by=system_user, commit=True
    )

    assert not report.committed  # the same source twice is an error
    assert any("already at" in m for row in report.rows for _, m in row.errors)
    records[0]["evidence"].pop()
    report = imports.run(
        "claims.json", json.dumps(records).encode(), kind="claims", by=system_user, commit=True
    )
    assert report.committed, report.lines()
    claim = Claim.objects.get(slug="retinol-smooths")
    assert claim.status == "published" and claim.current_rating is not None
    assert claim.verdict_history.filter(kind="published").exists()
    assert list(claim.evidence.values_list("source__pmid", flat=True)) == ["32000001"]


def test_an_editor_cannot_publish_by_import_and_gets_a_row_error_not_a_crash(
    published, django_user_model
):
    editor = django_user_model.objects.create_user("ed", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    record = {
        "slug": "edited",
        "subject": "retinol",
        "text": "Retinol smooths",
        "route": "topical_intact",
        "claim_type": "appearance",
        "outcome": "wrinkles",
        "regulatory_code": "R4",
        "status": "published",
        "reviewer": "dr-ada",
    }
    before = _everything()

    report = imports.run(
        "claims.jsonl", json.dumps(record).encode(), kind="claims", by=editor, commit=True
    )

    assert not report.committed
    [row] = report.error_rows
    assert row.where == "claims.jsonl line 1"
    assert "reviewer" in row.errors[0][1].lower()
    assert _everything() == before
    record["status"] = "draft"
    report = imports.run(
        "claims.jsonl", json.dumps(record).encode(), kind="claims", by=editor, commit=True
    )
    assert report.committed, report.lines()
    assert Claim.objects.get(slug="edited").status == "draft"


def test_unreadable_files_are_refused_as_a_whole(system_user):
    for name, content, message in [
        ("sources.csv", b"pmid,colour\r\n1,red\r\n", "unknown column"),
        ("sources.csv", b"\xff\xfe", "not UTF-8"),
        ("sources.json", b"{not json", "not valid JSON"),
        ("sources.txt", b"x", "Upload a .csv"),
    ]:
        report = imports.run(name, content, kind="sources", by=system_user, commit=True)
        assert not report.ok and message in report.file_errors[0], (name, report.file_errors)


def test_a_dump_whose_file_does_not_match_its_manifest_is_refused(published, system_user):
    archive = opendata.build_zip()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive.content)) as original:
        with zipfile.ZipFile(buffer, "w") as altered:
            for info in original.infolist():
                data = original.read(info)
                if info.filename.endswith("/claims.jsonl"):
                    data = data.replace(b'"score": ', b'"score": 1')
                altered.writestr(info, data)

    report = imports.run("dump.zip", buffer.getvalue(), kind="dump", by=system_user)

    assert report.file_errors == ["claims.jsonl does not match its sha256 in manifest.json."]


# ---------------------------------------------------------------------------------------------
# Commands


def test_commands_export_then_dry_run_then_commit(published, tmp_path, system_user):
    out = io.StringIO()
    call_command("export_open_data", "--output", str(tmp_path / "dump"), stdout=out)
    assert f"rubric {rubric.VERSION}" in out.getvalue()
    assert (tmp_path / "dump" / "claims.csv").exists()

    sources = tmp_path / "sources.csv"
    sources.write_text("pmid,title,design\r\n33000001,From the command,rct\r\n")
    out = io.StringIO()
    call_command("import_data", str(sources), stdout=out)
    assert "Dry run, nothing written" in out.getvalue()
    assert not Source.objects.filter(pmid="33000001").exists()

    call_command("import_data", str(sources), "--commit", stdout=io.StringIO())
    source = Source.objects.get(pmid="33000001")
    assert source.history.first().history_user == system_user
    assert source.history.first().history_change_reason == "import_data sources.csv"

    sources.write_text("pmid,title,design\r\n33000002,,rct\r\n")
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_data", str(sources), "--commit", stdout=io.StringIO())


# ---------------------------------------------------------------------------------------------
# The site: /open-data/ and its zip; the admin's Import page.


def test_open_data_page_describes_the_dump_and_links_the_zip(client, published):
    response = client.get("/open-data/")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/open-data/claimcheck-open-data.zip"' in body
    assert "evidence_links.jsonl" in body and "inputs_sha256" in body
    assert opendata.LICENCE in body
    assert 'href="/open-data/"' in client.get("/about/").content.decode()  # footer link


def test_zip_download_is_an_attachment_built_once_per_content_version(
    client, published, system_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    cache.clear()
    response = client.get("/open-data/claimcheck-open-data.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="claimcheck-open-data-')
    assert disposition.endswith('.zip"')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = {name.split("/", 1)[1] for name in archive.namelist()}
        manifest = json.loads(
            next(archive.read(n) for n in archive.namelist() if n.endswith("manifest.json"))
        )
    assert "manifest.json" in names and "claims.jsonl" in names and "claims.csv" in names
    assert manifest["counts"]["claims"] == 2

    with django_assert_num_queries(VERSION):  # the same version: served from the cache
        again = client.get("/open-data/claimcheck-open-data.zip")
    assert again.content == response.content
    assert (
        client.get(
            "/open-data/claimcheck-open-data.zip", HTTP_IF_NONE_MATCH=again["ETag"]
        ).status_code
        == 304
    )

    with django_capture_on_commit_callbacks(execute=True):  # a change bumps the version
        _published_claims(1, by=system_user, reviewer=published["reviewer"])
    fresh = client.get("/open-data/claimcheck-open-data.zip")
    with zipfile.ZipFile(io.BytesIO(fresh.content)) as archive:
        manifest = json.loads(
            next(archive.read(n) for n in archive.namelist() if n.endswith("manifest.json"))
        )
    assert manifest["counts"]["claims"] == 3


@pytest.fixture
def admin_client(client, django_user_model, staff_login):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-12345678")
    return staff_login(client, user)


def test_admin_import_checks_then_confirms_a_sources_file(admin_client):
    changelist = admin_client.get(reverse("admin:claims_source_changelist"))
    url = reverse("admin:claims_source_import")
    assert url in changelist.content.decode()
    upload = SimpleUploadedFile(
        "sources.csv", b"pmid,title,design\r\n34000001,Uploaded trial,rct\r\n", "text/csv"
    )

    checked = admin_client.post(url, {"file": upload, "kind": "sources"})

    assert checked.status_code == 200
    body = checked.content.decode()
    assert "Dry run: nothing has been written yet" in body and "Confirm import" in body
    assert "sources.csv line 2" in body
    assert not Source.objects.filter(pmid="34000001").exists()

    confirmed = admin_client.post(url, {"token": checked.context["token"]})

    assert confirmed.status_code == 302
    source = Source.objects.get(pmid="34000001")
    assert source.history.first().history_user.username == "boss"


def test_admin_import_with_errors_lists_them_and_offers_no_confirmation(admin_client):
    url = reverse("admin:claims_source_import")
    upload = SimpleUploadedFile("sources.csv", SOURCES_CSV.encode(), "text/csv")
    before = _everything()

    checked = admin_client.post(url, {"file": upload, "kind": "sources"})

    body = checked.content.decode()
    assert checked.status_code == 200
    assert "Confirm import" not in body and not checked.context["token"]
    assert "sources.csv line 3" in body and "<code>pmid</code>" in body
    assert _everything() == before


def test_admin_import_refuses_an_altered_token_and_a_file_over_the_limit(admin_client):
    url = reverse("admin:claims_claim_import")
    token = admin_import.sign_file(
        user=get_user_model().objects.get(username="boss"),
        name="claims.csv",
        kind="claims",
        content=b"slug\r\nx\r\n",
    )
    assert admin_client.post(url, {"token": token[:-2] + "xx"}).status_code == 400
    big = SimpleUploadedFile("claims.csv", b"x" * (imports.MAX_BYTES + 1), "text/csv")
    response = admin_client.post(url, {"file": big, "kind": "claims"})
    assert "admin takes at most" in response.content.decode()


def test_admin_import_needs_the_add_permission(client, django_user_model, staff_login):
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    staff_login(client, user)
    assert client.get(reverse("admin:claims_source_import")).status_code == 403


def test_the_csv_files_alone_round_trip_too(published, tmp_path, system_user):
    before = _ratings()
    opendata.write_folder(tmp_path)
    for jsonl in tmp_path.glob("*.jsonl"):
        jsonl.unlink()
    _wipe()

    report = imports.run("dump", kind="dump", by=system_user, commit=True, folder=tmp_path)

    assert report.committed, report.lines()
    assert {row.where.split(" ")[0].rsplit(".", 1)[1] for row in report.rows} == {"csv"}
    assert _ratings() == before


def test_an_upload_over_the_body_limit_is_a_413_before_it_is_read(admin_client, settings):
    """The admin form's own limit (512 kB) speaks for files up to the body limit; a larger
    body is refused from its Content-Length, before Django streams it to disk (F7, F13)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:claims_claim_import")
    huge = SimpleUploadedFile("claims.csv", b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    response = admin_client.post(url, {"file": huge, "kind": "claims"})
    assert response.status_code == 413
    assert b"nothing was read" in response.content
