"""Import sources and claims from CSV, JSON or JSON Lines, or a whole open-data dump.

`run()` parses every record, checks its fields, then applies the records through the services
(claimcheck/claims/services.py) as the acting user, in dependency order, inside one
transaction. Each record gets a line in the report: where it is (file and line or record
number), what it would do (create, update, unchanged) and its errors, field by field. The
transaction is rolled back on a dry run and whenever any record has an error, so a dry run
runs the services' real validation and role checks yet writes nothing, and a confirmed import
writes all or nothing.

Columns are those of the open-data dump (claimcheck/claims/opendata.py), so an export imports
back as it is. Columns that only describe (a claim's verdict, a subject's url) are accepted
and ignored, except that a claim's `inputs_sha256` and `rubric_version` are compared with the
rating the import computes and a difference is reported as a warning. On an update, a column
missing from the file (or a key missing from a JSON record) leaves that field as it is.

Kinds:
- `sources`: one file of sources, matched by their first identifier (pmid, doi, nct,
  fda_number, fda_reference, url).
- `claims`: one file of claims matched by slug; in JSON a claim may carry `evidence` (a list of
  evidence links, each naming its `source` by key: `PMID:…`, `DOI:…`, `NCT:…`, `FDA:…` or
  `source:<id>`) and `appearances`, which then replace the claim's existing ones. A claim
  whose `status` is `published` is submitted and published under its `reviewer`.
- `dump`: an open-data dump (a zip or a folder): every entity file, JSON Lines preferred to
  CSV, checked against the manifest's sha256.
"""

import csv
import datetime
import hashlib
import io
import json
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.color import no_style
from django.db import DataError, IntegrityError, connection, transaction

from claimcheck import rubric

from . import opendata, selectors, services
from .models import (
    Claim,
    ClaimAppearance,
    Concern,
    EvidenceLink,
    RegulatoryRecord,
    ReviewerProfile,
    SafetySignal,
    Source,
    Subject,
    TransparencyItem,
)

MAX_BYTES = 512_000  # largest file the admin accepts (it is carried, signed, to the confirm step)
MAX_UNZIPPED = 50_000_000  # largest total of a dump's files
MAX_RECORDS = 20_000

KINDS = ("sources", "claims", "dump")
# Dependency order: every entity only names entities above it.
ORDER = (
    "concerns",
    "reviewers",
    "subjects",
    "transparency_items",
    "sources",
    "regulatory_records",
    "safety_signals",
    "claims",
    "claim_appearances",
    "evidence_links",
)
# History is written by the services, and retractions made by a reviewer, not imported.
IGNORED_ENTITIES = ("verdict_history", "retractions")

BOOLS = {
    "provisional",
    "biologic",
    "manufacturer_affiliated",
    "peer_reviewed",
    "registered",
    "retracted",
    "on_outcome",
    "below_mid",
    "dose_response",
    "studies_exact_product",
    "inconsistency",
    "indirect_population",
    "indirect_intervention",
    "indirect_outcome",
    "unreported_size_small",
}
INTS = {
    "id",
    "year",
    "participants",
    "score",
    "composite",
    "r_points",
    "e_points",
    "t_points",
    "independent_concordant",
    "verdict_rule",
    "claimreview_rating",
}
DATES = {"date", "first_seen"}
DECIMALS = {"relative_effect"}
LISTS = {
    "aliases",
    "trade_names",
    "concerns",
    "alternatives",
    "subjects",
    "routes",
    "claim_types",
    "origins",
    "regulatory_records",
    "safety_signal_keys",
}
JSONS = {"factors", "rating_inputs"}
SOURCE_IDENTIFIERS = ("pmid", "doi", "nct", "fda_number", "fda_reference", "url")
KEY_FIELDS = {"PMID": "pmid", "DOI": "doi", "NCT": "nct", "FDA": "fda_number"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, columns, size)."""


@dataclass
class Row:
    entity: str
    where: str
    values: dict
    key: str = ""
    action: str = ""
    changed: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (field name or "", message)

    def error(self, name, message):
        self.errors.append((name, message))


@dataclass
class Report:
    name: str
    kind: str
    dry_run: bool
    committed: bool = False
    file_errors: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.file_errors and not any(row.errors for row in self.rows)

    @property
    def error_rows(self):
        return [row for row in self.rows if row.errors]

    def counts(self):
        """{entity: {action: n}} for the summary line."""
        out = {}
        for row in self.rows:
            action = "error" if row.errors else row.action or "unchanged"
            out.setdefault(row.entity, {}).setdefault(action, 0)
            out[row.entity][action] += 1
        return out

    def lines(self):
        """The report as plain text lines (for the command)."""
        out = [f"{self.name}: {'dry run' if self.dry_run else 'import'} of {self.kind}"]
        out += [f"  file error: {message}" for message in self.file_errors]
        for row in self.rows:
            action = "ERROR" if row.errors else row.action
            detail = f" ({', '.join(row.changed)})" if row.changed else ""
            out.append(f"  {row.where}: {row.entity} {row.key}: {action}{detail}")
            out += [f"    - {n}" for n in row.notes]
            out += [f"    warning: {w}" for w in row.warnings]
            out += [f"    error: {f + ': ' if f else ''}{m}" for f, m in row.errors]
        return out


# ---------------------------------------------------------------------------------------------
# Reading


def read(name, content, *, kind):
    """{entity: [Row]} from one file's bytes (a zip for a dump), or raise ImportFileError."""
    if kind not in KINDS:
        raise ImportFileError(f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.")
    suffix = PurePosixPath(name).suffix.lower()
    if kind == "dump":
        if suffix != ".zip":
            raise ImportFileError("A dump is imported as a .zip file (or a folder).")
        return _read_members(_unzip(content))
    if suffix not in (".csv", ".json", ".jsonl"):
        raise ImportFileError("Upload a .csv, .json or .jsonl file.")
    rows = _parse(name, content, entity=kind, nested=kind == "claims")
    return _split_nested(kind, rows)


def read_folder(path):
    """{entity: [Row]} from a dump folder on disk."""
    path = Path(path)
    members = {}
    total = 0
    for child in sorted(path.iterdir()):
        if child.is_file() and child.suffix in (".jsonl", ".csv", ".json"):
            total += child.stat().st_size
            if total > MAX_UNZIPPED:
                raise ImportFileError(f"The dump is larger than {MAX_UNZIPPED} bytes.")
            members[child.name] = child.read_bytes()
    return _read_members(members)


def _unzip(content):
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ImportFileError("Not a valid zip file.") from None
    wanted = {f"{e}.{x}" for e in (*ORDER, *IGNORED_ENTITIES) for x in ("jsonl", "csv")}
    wanted.add(opendata.MANIFEST)
    members, total = {}, 0
    with archive:
        for info in archive.infolist():
            base = PurePosixPath(info.filename).name
            if info.is_dir() or base not in wanted:
                continue
            if base in members:
                raise ImportFileError(f"The zip holds more than one {base}.")
            with archive.open(info) as handle:  # read at most the limit, whatever headers say
                data = handle.read(MAX_UNZIPPED - total + 1)
            total += len(data)
            if total > MAX_UNZIPPED:
                raise ImportFileError(f"The dump unpacks to more than {MAX_UNZIPPED} bytes.")
            members[base] = data
    return members


def _read_members(members):
    manifest = None
    if opendata.MANIFEST in members:
        try:
            manifest = json.loads(members[opendata.MANIFEST])
        except ValueError:
            raise ImportFileError("manifest.json is not valid JSON.") from None
        version = str(manifest.get("format_version", ""))
        if version.split(".")[0] != opendata.FORMAT_VERSION.split(".")[0]:
            raise ImportFileError(
                f"manifest.json: dataset format {version!r}; this site reads format "
                f"{opendata.FORMAT_VERSION}."
            )
        sums = {f.get("name"): f.get("sha256") for f in manifest.get("files", [])}
    out = {}
    for entity in ORDER:
        for extension in ("jsonl", "csv"):
            name = f"{entity}.{extension}"
            if name in members:
                if manifest is not None and sums.get(name) != _sha256(members[name]):
                    raise ImportFileError(f"{name} does not match its sha256 in manifest.json.")
                out[entity] = _parse(name, members[name], entity=entity)
                break
    if not out:
        raise ImportFileError("The dump holds none of the entity files (claims.jsonl, ...).")
    return out


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _decode(name, content):
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(f"{name} is not UTF-8 text (byte {error.start}).") from None


def _parse(name, content, *, entity, nested=False):
    text = _decode(name, content)
    suffix = PurePosixPath(name).suffix.lower()
    allowed = set(opendata.BY_NAME[entity].columns)
    if suffix == ".csv":
        records = _csv_records(name, text, allowed)
    elif suffix == ".jsonl":
        records = _jsonl_records(name, text)
    else:
        records = _json_records(name, text, entity)
    rows = []
    for where, record, problem in records:
        row = Row(entity=entity, where=where, values={})
        rows.append(row)
        if problem:
            row.error("", problem)
            continue
        extra = {"evidence", "appearances"} if nested else set()
        for column, raw in record.items():
            if column not in allowed and column not in extra:
                row.error(column, "unknown column")
                continue
            if column in extra:
                if isinstance(raw, list) and all(isinstance(r, dict) for r in raw):
                    row.values[column] = raw
                else:
                    row.error(column, "should be a list of objects")
                continue
            _set(row, column, raw, from_csv=suffix == ".csv")
        row.key = _row_key(entity, row.values)
        if len(rows) > MAX_RECORDS:
            raise ImportFileError(f"{name} has more than {MAX_RECORDS} records.")
    return rows


def _csv_records(name, text, allowed):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise ImportFileError(f"{name} is empty: the first line should name the columns.")
        header = [h.strip() for h in header]
        duplicates = sorted({h for h in header if header.count(h) > 1})
        if duplicates:
            raise ImportFileError(f"{name}: column(s) named twice: {', '.join(duplicates)}.")
        unknown = [h for h in header if h not in allowed]
        if unknown:
            raise ImportFileError(
                f"{name}: unknown column(s) {', '.join(unknown)}; the columns are "
                f"{', '.join(sorted(allowed))}."
            )
        out = []
        line = reader.line_num
        for cells in reader:
            where = f"{name} line {line + 1}"
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                out.append((where, None, f"{len(cells)} cells where the header has {len(header)}"))
                continue
            out.append((where, dict(zip(header, cells, strict=True)), None))
        return out
    except csv.Error as error:
        raise ImportFileError(f"{name} line {reader.line_num}: not valid CSV: {error}") from None


def _jsonl_records(name, text):
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            record = json.loads(line)
        except ValueError as error:
            out.append((where, None, f"not valid JSON: {error}"))
            continue
        out.append((where, record, None if isinstance(record, dict) else "not a JSON object"))
    return out


def _json_records(name, text, entity):
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ImportFileError(f"{name} is not valid JSON: {error}") from None
    if isinstance(data, dict) and isinstance(data.get(entity), list):
        data = data[entity]
    if not isinstance(data, list):
        raise ImportFileError(f'{name}: expected a list of records (or {{"{entity}": [...]}}).')
    return [
        (
            f"{name} record {number}",
            record,
            None if isinstance(record, dict) else "not a JSON object",
        )
        for number, record in enumerate(data, start=1)
    ]


_SKIP = object()  # an empty true/false cell: the field is not given


def _value(column, raw, *, from_csv=False):
    """A typed value from a CSV cell (text) or a JSON value; _SKIP for an empty boolean."""
    if isinstance(raw, str) and "\x00" in raw:
        raise ValueError("contains a NUL character, which no field accepts")
    if from_csv:
        raw = opendata.csv_unescape(raw)
        stripped = raw.strip()
        if column in BOOLS:
            if not stripped:
                return _SKIP
            if stripped.lower() in ("true", "1", "yes"):
                return True
            if stripped.lower() in ("false", "0", "no"):
                return False
            raise ValueError(f"{raw!r} is not true or false")
        if column in INTS | DATES | DECIMALS and not stripped:
            return None
        if column in LISTS | JSONS:
            if stripped[:1] in ("[", "{"):
                try:
                    raw = json.loads(stripped)
                except ValueError:
                    raise ValueError("is not valid JSON") from None
            elif column in LISTS:
                return [part.strip() for part in stripped.split("|") if part.strip()]
            else:
                return raw or None
    if raw is None:
        if column in BOOLS:
            return _SKIP
        if column in LISTS:
            return []
        return None if column in INTS | DATES | DECIMALS | JSONS else ""
    if column in BOOLS:
        if not isinstance(raw, bool):
            raise ValueError("should be true or false")
        return raw
    if column in INTS:
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            return int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"{raw!r} is not a whole number")
        return raw
    if column in DATES:
        try:
            return datetime.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)") from None
    if column in DECIMALS:
        if isinstance(raw, bool):
            raise ValueError(f"{raw!r} is not a number")
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValueError(f"{raw!r} is not a number") from None
        if not value.is_finite() or abs(value) >= 100_000:
            raise ValueError(f"{raw!r} is not a number below 100000")
        return value
    if column in LISTS:
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise ValueError("should be a list of text values")
        return raw
    if column in JSONS:
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"should be text, found {raw!r}")
    return raw


def _set(row, column, raw, *, from_csv=False):
    try:
        value = _value(column, raw, from_csv=from_csv)
    except ValueError as error:
        row.error(column, str(error))
        return
    if value is not _SKIP:
        row.values[column] = value


def _source_key(values):
    for label, name in KEY_FIELDS.items():
        if values.get(name):
            return f"{label}:{values[name]}"
    if values.get("id") is not None:
        return f"source:{values['id']}"
    return values.get("key") or values.get("url") or values.get("fda_reference") or ""


def _row_key(entity, values):
    if entity == "sources":
        return _source_key(values)
    if entity == "transparency_items":
        return f"{values.get('subject', '')} {values.get('code', '')}"
    if entity == "evidence_links":
        return f"{values.get('claim', '')} / {values.get('source', '')}"
    if entity == "claim_appearances":
        return f"{values.get('claim', '')} / {values.get('url', '')}"
    return str(values.get("slug", ""))


def _split_nested(entity, rows):
    """A claims file's nested evidence and appearances become rows of their own."""
    out = {entity: rows}
    for row in rows:
        for column, child_entity in (
            ("evidence", "evidence_links"),
            ("appearances", "claim_appearances"),
        ):
            if column not in row.values:
                continue
            items = row.values.pop(column)
            row.values[f"_{column}_given"] = True
            for number, item in enumerate(items, start=1):
                where = f"{row.where} {column.rstrip('s')} {number}"
                child = Row(entity=child_entity, where=where, values={})
                for name, raw in item.items():
                    if name not in opendata.BY_NAME[child_entity].columns or name == "claim":
                        child.error(name, "unknown field")
                        continue
                    _set(child, name, raw)
                child.values["claim"] = row.values.get("slug", "")
                child.key = _row_key(child_entity, child.values)
                out.setdefault(child_entity, []).append(child)
    return out


# ---------------------------------------------------------------------------------------------
# Applying


class _Rollback(Exception):
    pass


def run(name, content=None, *, kind, by, commit=False, folder=None):
    """Read, check and (when `commit` and there is no error) apply a file; return a Report.

    `content` is the file's bytes; a dump may instead be a `folder` on disk. Nothing is
    written unless `commit` is true and every record passed."""
    report = Report(name=name, kind=kind, dry_run=not commit)
    try:
        bundle = read_folder(folder) if folder is not None else read(name, content, kind=kind)
    except ImportFileError as error:
        report.file_errors.append(str(error))
        return report
    for entity in ORDER:
        report.rows.extend(bundle.get(entity, []))
    if not report.rows:
        report.file_errors.append("The file holds no records.")
        return report
    try:
        with transaction.atomic():
            _Applier(bundle, by=by, kind=kind, reason=f"Imported from {name}"[:100]).apply()
            if not commit or not report.ok:
                raise _Rollback
        report.committed = True
    except _Rollback:
        pass
    return report


@contextmanager
def _recording(row):
    """Run one record's writes in a savepoint; turn refusals into the row's errors."""
    try:
        with transaction.atomic():
            yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    row.error("" if name == "__all__" else name, message)
        else:
            for message in error.messages:
                row.error("", message)
    except PermissionDenied as error:
        row.error("", str(error) or "You may not make this change.")
    except (IntegrityError, DataError) as error:
        row.error("", f"The database refused the record: {error}")


def _changes(instance, fields, m2m=None):
    """Fields whose stored value differs (None for a new object)."""
    if instance is None:
        return None
    changed = []
    for name, value in fields.items():
        model_field = instance._meta.get_field(name)
        if model_field.is_relation:
            differs = getattr(instance, model_field.attname) != (
                value.pk if value is not None else None
            )
        else:
            differs = getattr(instance, name) != value
        if differs:
            changed.append(name)
    for name, objects in (m2m or {}).items():
        if objects is not None and set(getattr(instance, name).values_list("pk", flat=True)) != {
            o.pk for o in objects
        }:
            changed.append(name)
    return changed


def _plan(row, instance, fields, m2m=None):
    changed = _changes(instance, fields, m2m)
    if changed is None:
        row.action = "create"
    elif changed:
        row.action, row.changed = "update", changed
    else:
        row.action = "unchanged"


def _pick(values, names):
    return {n: values[n] for n in names if n in values}


class _Applier:
    def __init__(self, bundle, *, by, kind, reason):
        self.bundle, self.by, self.kind, self.reason = bundle, by, kind, reason
        # Objects applied so far and rows present, by entity and key.
        self.done = {entity: {} for entity in ORDER}
        self.rows = {entity: {row.key: row for row in bundle.get(entity, [])} for entity in ORDER}
        self.explicit_ids = False

    def apply(self):
        for entity in ORDER:
            seen = {}
            for row in self.bundle.get(entity, []):
                if row.key in seen:
                    row.error("", f"{row.key!r} is already at {seen[row.key]}.")
                seen.setdefault(row.key, row.where)
        for entity in ORDER:
            handler = getattr(self, f"_{entity}")
            for row in self.bundle.get(entity, []):
                if row.errors:
                    continue
                with _recording(row):
                    self.done[entity][row.key] = handler(row, row.values)
            if entity == "subjects":
                for row in self.bundle.get("subjects", []):
                    if not row.errors and "alternatives" in row.values:
                        with _recording(row):
                            self._alternatives(row, row.values)
            if entity == "sources" and self.explicit_ids:
                self._reset_sequence()
        self._unlink_stale()
        for row in self.bundle.get("claims", []):
            if not row.errors and row.key in self.done["claims"]:
                with _recording(row):
                    self._workflow(row, row.values)

    # References: a record in this file (applied above) or one already in the database.

    def _ref(self, entity, model, key, name, *, lookup=None):
        if key in self.done[entity]:
            return self.done[entity][key]
        row = self.rows[entity].get(key)
        if row is not None and row.errors:
            raise ValidationError({name: f"{key!r} is in the file but has errors ({row.where})."})
        obj = model.objects.filter(**(lookup or {"slug": key})).first()
        if obj is None:
            raise ValidationError({name: f"{key!r} is neither in this file nor in the database."})
        self.done[entity][key] = obj
        return obj

    def _source_ref(self, key, name):
        label, _, value = (key or "").partition(":")
        field_name = KEY_FIELDS.get(label) or ("pk" if label == "source" else None)
        if not field_name or not value:
            raise ValidationError(
                {name: f"{key!r} is not a source key (PMID:…, DOI:…, NCT:…, FDA:… or source:<id>)."}
            )
        if field_name == "pk" and not value.isdigit():
            raise ValidationError({name: f"{key!r}: source:<id> takes a number."})
        return self._ref("sources", Source, key, name, lookup={field_name: value})

    def _required(self, values, *names):
        missing = {n: "This field is required." for n in names if values.get(n) in (None, "")}
        if missing:
            raise ValidationError(missing)

    # One handler per entity: plan (what would change), then call the service.

    def _concerns(self, row, v):
        self._required(v, "slug", "name")
        _plan(row, Concern.objects.filter(slug=v["slug"]).first(), {"name": v["name"]})
        return services.concern_upsert(by=self.by, slug=v["slug"], name=v["name"])

    def _reviewers(self, row, v):
        self._required(v, "slug")
        existing = ReviewerProfile.objects.filter(slug=v["slug"]).first()
        fields = {
            n: v[n] if n in v else getattr(existing, n, default)
            for n, default in (
                ("name", ""),
                ("credentials", ""),
                ("bio", ""),
                ("provisional", False),
            )
        }
        _plan(row, existing, fields)
        return services.reviewer_upsert(by=self.by, slug=v["slug"], **fields)

    def _subjects(self, row, v):
        self._required(v, "slug")
        fields = _pick(
            v,
            (
                "name",
                "kind",
                "source_origin",
                "biologic",
                "brand",
                "aliases",
                "trade_names",
                "summary",
            ),
        )
        concerns = (
            [self._ref("concerns", Concern, c, "concerns") for c in v["concerns"]]
            if "concerns" in v
            else None
        )
        _plan(row, Subject.objects.filter(slug=v["slug"]).first(), fields, {"concerns": concerns})
        return services.subject_upsert(by=self.by, slug=v["slug"], fields=fields, concerns=concerns)

    def _alternatives(self, row, v):
        subject = self.done["subjects"][row.key]
        alternatives = [
            self._ref("subjects", Subject, s, "alternatives") for s in v["alternatives"]
        ]
        if set(subject.alternatives.values_list("pk", flat=True)) != {a.pk for a in alternatives}:
            if row.action == "unchanged":
                row.action = "update"
            if row.action == "update":
                row.changed.append("alternatives")
        services.subject_set_alternatives(by=self.by, subject=subject, alternatives=alternatives)

    def _transparency_items(self, row, v):
        self._required(v, "subject", "code")
        subject = self._ref("subjects", Subject, v["subject"], "subject")
        existing = TransparencyItem.objects.filter(subject=subject, code=v["code"]).first()
        fields = {
            n: v[n] if n in v else getattr(existing, n, "")
            for n in ("status", "source_url", "note")
        }
        _plan(row, existing, fields)
        return services.transparency_set(by=self.by, subject=subject, code=v["code"], **fields)

    def _sources(self, row, v):
        names = [c for c in opendata.BY_NAME["sources"].columns if c not in ("id", "key")]
        fields = _pick(v, names)
        lookup = next(({n: v[n]} for n in SOURCE_IDENTIFIERS if v.get(n)), None)
        if lookup is None:
            raise ValidationError(
                "A source needs an identifier: pmid, doi, nct, fda_number, fda_reference or url."
            )
        if next(iter(lookup)) in KEY_FIELDS.values() or not v.get("id"):
            existing = Source.objects.filter(**lookup).first()
        else:
            existing, lookup = self._source_by_id(v["id"], lookup)
        _plan(row, existing, fields)
        source = services.source_upsert(by=self.by, lookup=lookup, fields=fields)
        if row.key.startswith("source:") and source.key != row.key:
            row.warnings.append(
                f"This source is now cited as {source.key} (its id {row.key[7:]} is taken); "
                "ratings citing it get a new inputs hash."
            )
        return source

    def _source_by_id(self, pk, weak):
        """A source without PMID, DOI, NCT or FDA number is cited by its id (source:<id>), so
        the import keeps the id where it can, and ratings citing it keep the same inputs: the
        source with that id if it has the same url (or FDA reference); else a new source with
        that id if the id is free; else the source with that url. Returns (existing, lookup)."""
        same = Source.objects.filter(pk=pk).first()
        if same is None:
            self.explicit_ids = True
            return None, {"id": pk}
        if same.key == f"source:{pk}" and all(getattr(same, n) == x for n, x in weak.items()):
            return same, {"id": pk}
        return Source.objects.filter(**weak).first(), weak

    def _reset_sequence(self):
        """Sources created with their dump id: move the id sequence past them (PostgreSQL;
        SQLite's AUTOINCREMENT follows by itself)."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Source]):
                cursor.execute(sql)
        self.explicit_ids = False

    def _regulatory_records(self, row, v):
        self._required(v, "slug")
        fields = _pick(v, ("kind", "title", "indication", "date", "url"))
        if "subject" in v:
            fields["subject"] = self._ref("subjects", Subject, v["subject"], "subject")
        if "source" in v:
            fields["source"] = self._source_ref(v["source"], "source") if v["source"] else None
        _plan(row, RegulatoryRecord.objects.filter(slug=v["slug"]).first(), fields)
        return services.regulatory_record_upsert(by=self.by, slug=v["slug"], fields=fields)

    def _safety_signals(self, row, v):
        self._required(v, "slug")
        existing = SafetySignal.objects.filter(slug=v["slug"]).first()
        if "subjects" not in v and existing is None:
            raise ValidationError({"subjects": "Name the subjects the signal covers."})
        subjects = (
            [self._ref("subjects", Subject, s, "subjects") for s in v["subjects"]]
            if "subjects" in v
            else list(existing.subjects.all())
        )
        fields = _pick(
            v,
            (
                "title",
                "issuer",
                "kind",
                "date",
                "product_class",
                "routes",
                "claim_types",
                "origins",
                "setting",
                "status",
                "url",
                "summary",
            ),
        )
        _plan(row, existing, fields, {"subjects": subjects})
        return services.signal_upsert(by=self.by, slug=v["slug"], fields=fields, subjects=subjects)

    def _claims(self, row, v):
        self._required(v, "slug")
        status = v.get("status") or ""
        if status not in ("", "draft", "in_review", "published"):
            raise ValidationError(
                {
                    "status": "An import can leave a claim a draft, send it to review or publish "
                    "it (draft, in_review, published); retract it in the admin."
                }
            )
        fields = _pick(
            v,
            (
                "text",
                "claimant",
                "route",
                "claim_type",
                "outcome",
                "regulatory_code",
                "regulatory_note",
                "conclusion_summary",
                "conclusion",
            ),
        )
        if "subject" in v:
            fields["subject"] = self._ref("subjects", Subject, v["subject"], "subject")
        records = (
            [
                self._ref("regulatory_records", RegulatoryRecord, s, "regulatory_records")
                for s in v["regulatory_records"]
            ]
            if "regulatory_records" in v
            else None
        )
        if status == "published":
            self._required(v, "reviewer")
        if v.get("reviewer"):
            self._ref("reviewers", ReviewerProfile, v["reviewer"], "reviewer")
        existing = Claim.objects.filter(slug=v["slug"]).first()
        _plan(row, existing, fields, {"regulatory_records": records})
        return services.claim_upsert(
            by=self.by, slug=v["slug"], fields=fields, regulatory_records=records
        )

    def _claim_for(self, v):
        return self._ref("claims", Claim, v.get("claim") or "", "claim")

    def _claim_appearances(self, row, v):
        self._required(v, "claim", "url")
        claim = self._claim_for(v)
        existing = ClaimAppearance.objects.filter(claim=claim, url=v["url"]).first()
        fields = {
            n: v[n] if n in v else getattr(existing, n, default)
            for n, default in (("first_seen", None), ("note", ""))
        }
        _plan(row, existing, fields)
        return services.appearance_add(by=self.by, claim=claim, url=v["url"], **fields)

    def _evidence_links(self, row, v):
        self._required(v, "claim", "source")
        claim = self._claim_for(v)
        source = self._source_ref(v["source"], "source")
        fields = _pick(v, opendata.BY_NAME["evidence_links"].columns[2:])
        if fields.get("relative_effect") is not None:
            fields["relative_effect"] = fields["relative_effect"].quantize(Decimal("0.001"))
        existing = EvidenceLink.objects.filter(claim=claim, source=source).first()
        _plan(row, existing, fields)
        return services.evidence_link(by=self.by, claim=claim, source=source, fields=fields)

    def _unlink_stale(self):
        """Claims whose whole evidence the file gives lose the links it does not name: a
        claim with nested `evidence` in JSON, and every claim of a dump."""
        for row in self.bundle.get("claims", []):
            given = self.kind == "dump" or row.values.get("_evidence_given")
            claim = self.done["claims"].get(row.key)
            if row.errors or not given or claim is None:
                continue
            keep = {
                link.source_id
                for key, link in self.done["evidence_links"].items()
                if link.claim_id == claim.pk
            }
            with _recording(row):
                for stale in EvidenceLink.objects.filter(claim=claim).exclude(source__in=keep):
                    row.notes.append(f"evidence from {stale.source.key} removed")
                    services.evidence_unlink(by=self.by, link=stale)

    def _workflow(self, row, v):
        """Move the claim to the status the file asks for, and keep a published claim's
        rating in step with its inputs; then compare with the rating the file records."""
        claim = Claim.objects.select_related("current_rating").get(
            pk=self.done["claims"][row.key].pk
        )
        wanted = v.get("status") or ""
        order = {"draft": 0, "retracted": 0, "in_review": 1, "published": 2}
        if wanted and order[wanted] < order[claim.status]:
            raise ValidationError(
                {
                    "status": f"The claim is {claim.get_status_display().lower()}; an import "
                    f"cannot move it back to {wanted.replace('_', ' ')}."
                }
            )
        if wanted in ("in_review", "published") and claim.status in ("draft", "retracted"):
            claim = services.claim_submit_for_review(claim=claim, by=self.by)
            row.notes.append("submitted for review")
        if wanted == "published" and claim.status == "in_review":
            reviewer = self.done["reviewers"][v["reviewer"]]
            claim = services.claim_publish(claim=claim, by=self.by, reviewer=reviewer)
            row.notes.append(f"published, reviewed by {reviewer.name}")
        elif claim.status == "published" and self._stale(claim):
            services.claim_rerate(claim=claim, by=self.by, reason=self.reason)
            row.notes.append("re-rated from the imported inputs")
        claim = Claim.objects.select_related("current_rating").get(pk=claim.pk)
        if "override_verdict" in v and v["override_verdict"] != claim.override_verdict:
            if v["override_verdict"] or claim.override_verdict:
                services.claim_override(
                    claim=claim,
                    by=self.by,
                    verdict=v["override_verdict"],
                    reason=v.get("override_reason") or "Override removed by an import",
                )
                row.notes.append(f"override set to {v['override_verdict'] or 'none'}")
        self._compare(row, v, claim.current_rating)

    def _stale(self, claim):
        if claim.current_rating is None:
            return True
        result = rubric.rate(selectors.claim_rating_inputs(claim=claim))
        current = claim.current_rating
        return (result.inputs_sha256, result.rubric_version) != (
            current.inputs_sha256,
            current.rubric_version,
        )

    def _compare(self, row, v, rating):
        if rating is None or not v.get("inputs_sha256"):
            return
        if v.get("rubric_version") and v["rubric_version"] != rating.rubric_version:
            row.warnings.append(
                f"The file's rating is from rubric {v['rubric_version']}; the claim is rated "
                f"under rubric {rating.rubric_version}."
            )
        elif v["inputs_sha256"] != rating.inputs_sha256:
            row.warnings.append(
                f"The stored inputs differ from the file's (inputs_sha256 "
                f"{rating.inputs_sha256[:12]}… here, {v['inputs_sha256'][:12]}… in the file): "
                f"verdict {rating.verdict} {rating.score}, file {v.get('verdict')} "
                f"{v.get('score')}."
            )
