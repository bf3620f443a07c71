"""The open-data dump: everything public about published claims, as JSON Lines and CSV.

`dataset()` reads the published dataset in a fixed number of queries (one per table, none per
row); `write_folder()` and `build_zip()` write it with a manifest naming the dataset format,
the rubric version, when it was generated and the sha256 of every file. The same columns are
read back by `claimcheck.claims.imports`, so a dump imported into an empty database
reproduces every rating (same inputs, same inputs_sha256).

Only public content is exported: published claims, and the subjects, sources, regulatory
records, safety signals, checklists, concerns and reviewers they use. No drafts, accounts,
check requests or staff notes.

CSV cells that begin with =, +, -, @, a tab or a carriage return are prefixed with an
apostrophe, so a spreadsheet never runs them as formulas (OWASP "CSV injection"); a cell
that already begins with an apostrophe followed by one of those (or another apostrophe) is
prefixed too, so `csv_unescape()` restores every value exactly.
"""

import csv
import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from claimcheck import rubric

from . import selectors
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
    VerdictChange,
)

# 1.1: retractions, and their claims' verdict history; 1.2: subjects' trade_names; 1.3: evidence
# links' imprecision judgement (unreported_size_small, imprecision_reason), a rubric input the
# dump left out, so a claim re-imported from it could be rated differently.
FORMAT_VERSION = "1.3"
TITLE = "ClaimCheck open data"
LICENCE = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
ATTRIBUTION = (
    "ClaimCheck open data: verdicts on skincare and aesthetics claims, with their evidence"
)
MANIFEST = "manifest.json"
DATAPACKAGE = "datapackage.json"
ZIP_NAME = "claimcheck-open-data.zip"


CSV_NOTE = (
    "Lists and objects are JSON text; booleans are true/false; an empty cell is an empty "
    "value. A text cell beginning with =, +, -, @, tab or carriage return (or with an "
    "apostrophe followed by one of those or another apostrophe) is prefixed with an "
    "apostrophe so spreadsheets do not run it as a formula; remove one leading apostrophe "
    "from such cells to get the value. Numbers are never prefixed."
)


@dataclass(frozen=True)
class Entity:
    """One table of the dump: its file stem, columns (in order) and what a record is."""

    name: str
    columns: tuple[str, ...]
    description: str


ENTITIES = (
    Entity("concerns", ("slug", "name"), "What a consumer wants fixed (acne, scars, ...)."),
    Entity(
        "reviewers",
        ("slug", "name", "credentials", "bio", "provisional"),
        "Named medical reviewers (public profile only).",
    ),
    Entity(
        "subjects",
        (
            "slug",
            "name",
            "kind",
            "source_origin",
            "biologic",
            "brand",
            "aliases",
            "trade_names",
            "summary",
            "concerns",
            "alternatives",
            "url",
        ),
        "Ingredients, products, procedures, devices and supplements that claims are about.",
    ),
    Entity(
        "transparency_items",
        ("subject", "code", "status", "source_url", "note"),
        "Each subject's source-transparency checklist (P1-P8 products, C1-C4 others).",
    ),
    Entity(
        "sources",
        (
            "id",
            "key",
            "kind",
            "title",
            "authors",
            "publisher",
            "year",
            "pmid",
            "doi",
            "nct",
            "fda_number",
            "fda_reference",
            "url",
            "design",
            "population",
            "participants",
            "funding",
            "manufacturer_affiliated",
            "peer_reviewed",
            "registered",
            "retracted",
            "summary",
            "provisional_note",
        ),
        "Studies, reviews, registrations and regulatory documents with the extraction fields "
        "the rubric reads; `key` is how ratings cite them.",
    ),
    Entity(
        "regulatory_records",
        ("slug", "subject", "kind", "title", "indication", "date", "source", "url"),
        "Approvals, clearances, monographs and their absence; `source` is a source key.",
    ),
    Entity(
        "safety_signals",
        (
            "slug",
            "title",
            "issuer",
            "kind",
            "date",
            "product_class",
            "subjects",
            "routes",
            "claim_types",
            "origins",
            "setting",
            "status",
            "url",
            "summary",
        ),
        "Official safety warnings; an active one caps the verdict of the claims it matches.",
    ),
    Entity(
        "claims",
        (
            "slug",
            "subject",
            "text",
            "claimant",
            "route",
            "claim_type",
            "outcome",
            "regulatory_code",
            "regulatory_note",
            "regulatory_records",
            "conclusion_summary",
            "conclusion",
            "status",
            "reviewer",
            "reviewed_at",
            "published_at",
            "url",
            "shown_verdict",
            "verdict",
            "verdict_label",
            "score",
            "grade",
            "composite",
            "r_code",
            "r_points",
            "e_level",
            "e_direction",
            "e_points",
            "t_points",
            "independent_concordant",
            "verdict_rule",
            "claimreview_rating",
            "safety_signal_keys",
            "inputs_sha256",
            "rubric_version",
            "rated_at",
            "override_verdict",
            "override_reason",
            "factors",
            "rating_inputs",
        ),
        "Published claims with their current rating (verdict, score, grade, composite, "
        "factors, the rubric inputs and their sha256) and any reviewer override.",
    ),
    Entity(
        "claim_appearances",
        ("claim", "url", "first_seen", "note"),
        "Where each claim was seen being made.",
    ),
    Entity(
        "evidence_links",
        (
            "claim",
            "source",
            "on_outcome",
            "direction",
            "below_mid",
            "restricted_direction",
            "relative_effect",
            "dose_response",
            "studies_exact_product",
            "risk_of_bias",
            "risk_of_bias_reason",
            "inconsistency",
            "inconsistency_reason",
            "indirect_population",
            "indirect_intervention",
            "indirect_outcome",
            "indirectness_reason",
            "unreported_size_small",
            "imprecision_reason",
            "provisional",
            "note",
        ),
        "What each source says about each claim, with the reviewer's judgement flags and "
        "their public reasons; `source` is a source key.",
    ),
    Entity(
        "verdict_history",
        (
            "claim",
            "kind",
            "old_verdict",
            "new_verdict",
            "old_score",
            "new_score",
            "rubric_version",
            "reason",
            "changed_at",
        ),
        "Every published change of a claim's verdict or score, retracted claims' included "
        "(`claim` is a slug from claims or retractions; read-only: an import writes its own "
        "history).",
    ),
    Entity(
        "retractions",
        ("claim", "subject", "text", "retracted_at", "reason", "url"),
        "Claims whose verdict was withdrawn, with when and why: stop showing their former "
        "verdict (read-only: an import does not retract).",
    ),
)
BY_NAME = {entity.name: entity for entity in ENTITIES}


def dataset():
    """Every public record, as {entity name: [row dicts]}, in 16 queries whatever the size:
    published claims with subject, rating and reviewer; their regulatory-record links;
    alternatives links; subjects; concern links; concerns; checklists; evidence links;
    regulatory records; sources (cited by the claims or the records); signals; signal-subject
    links; reviewers; appearances; retracted claims; verdict history."""
    claims = list(
        Claim.objects.published()
        .select_related("subject", "current_rating", "reviewer")
        .order_by("slug")
    )
    claim_ids = [c.pk for c in claims]
    record_links = list(
        Claim.regulatory_records.through.objects.filter(claim_id__in=claim_ids)
        .order_by("regulatoryrecord__slug")
        .values_list("claim_id", "regulatoryrecord_id", "regulatoryrecord__slug")
    )
    subject_ids = {c.subject_id for c in claims}
    alternative_links = list(
        Subject.alternatives.through.objects.filter(from_subject_id__in=subject_ids)
        .order_by("to_subject__slug")
        .values_list("from_subject_id", "to_subject_id")
    )
    subject_ids |= {to for _, to in alternative_links}
    subjects = list(Subject.objects.filter(pk__in=subject_ids).order_by("slug"))
    subject_slug = {s.pk: s.slug for s in subjects}
    concern_links = list(
        Subject.concerns.through.objects.filter(subject_id__in=subject_ids)
        .order_by("concern__slug")
        .values_list("subject_id", "concern_id")
    )
    concerns = list(Concern.objects.filter(pk__in={c for _, c in concern_links}).order_by("slug"))
    concern_slug = {c.pk: c.slug for c in concerns}
    transparency = list(
        TransparencyItem.objects.filter(subject_id__in=subject_ids).order_by(
            "subject__slug", "code"
        )
    )
    evidence = list(
        EvidenceLink.objects.filter(claim_id__in=claim_ids).order_by("claim__slug", "source_id")
    )
    records = list(
        RegulatoryRecord.objects.filter(
            Q(subject_id__in=subject_ids) | Q(pk__in={r for _, r, _ in record_links})
        )
        .select_related("subject")
        .order_by("slug")
    )
    sources = {
        s.pk: s
        for s in Source.objects.filter(
            Q(evidence__claim_id__in=claim_ids) | Q(regulatory_records__in=records)
        ).distinct()
    }
    signals = list(
        SafetySignal.objects.filter(subjects__in=subject_ids).distinct().order_by("slug")
    )
    signal_links = list(
        SafetySignal.subjects.through.objects.filter(subject_id__in=subject_ids)
        .order_by("subject__slug")
        .values_list("safetysignal_id", "subject_id")
    )
    reviewers = list(
        ReviewerProfile.objects.filter(pk__in={c.reviewer_id for c in claims}).order_by("slug")
    )
    appearances = list(
        ClaimAppearance.objects.filter(claim_id__in=claim_ids)
        .select_related("claim")
        .order_by("claim__slug", "first_seen", "id")
    )
    retracted = list(
        Claim.objects.filter(status="retracted")
        .select_related("subject")
        .annotate(retracted_at=selectors.retracted_at())
        .order_by("slug")
    )
    history = list(
        VerdictChange.objects.filter(claim_id__in=claim_ids + [c.pk for c in retracted])
        .select_related("claim")
        .order_by("claim__slug", "changed_at", "id")
    )

    claim_slug = {c.pk: c.slug for c in claims}
    return {
        "concerns": [{"slug": c.slug, "name": c.name} for c in concerns],
        "reviewers": [
            {
                "slug": r.slug,
                "name": r.name,
                "credentials": r.credentials,
                "bio": r.bio,
                "provisional": r.provisional,
            }
            for r in reviewers
        ],
        "subjects": [
            {
                "slug": s.slug,
                "name": s.name,
                "kind": s.kind,
                "source_origin": s.source_origin,
                "biologic": s.biologic,
                "brand": s.brand,
                "aliases": list(s.aliases),
                "trade_names": list(s.trade_names),
                "summary": s.summary,
                "concerns": [concern_slug[c] for sid, c in concern_links if sid == s.pk],
                "alternatives": [subject_slug[t] for f, t in alternative_links if f == s.pk],
                "url": s.get_absolute_url(),
            }
            for s in subjects
        ],
        "transparency_items": [
            {
                "subject": subject_slug[t.subject_id],
                "code": t.code,
                "status": t.status,
                "source_url": t.source_url,
                "note": t.note,
            }
            for t in transparency
        ],
        "sources": [_source_row(sources[pk]) for pk in sorted(sources)],
        "regulatory_records": [
            {
                "slug": r.slug,
                "subject": r.subject.slug,
                "kind": r.kind,
                "title": r.title,
                "indication": r.indication,
                "date": r.date,
                "source": sources[r.source_id].key if r.source_id else "",
                "url": r.url,
            }
            for r in records
        ],
        "safety_signals": [
            {
                "slug": s.slug,
                "title": s.title,
                "issuer": s.issuer,
                "kind": s.kind,
                "date": s.date,
                "product_class": s.product_class,
                "subjects": [subject_slug[sub] for sig, sub in signal_links if sig == s.pk],
                "routes": list(s.routes),
                "claim_types": list(s.claim_types),
                "origins": list(s.origins),
                "setting": s.setting,
                "status": s.status,
                "url": s.url,
                "summary": s.summary,
            }
            for s in signals
        ],
        "claims": [
            _claim_row(c, [slug for cid, _, slug in record_links if cid == c.pk]) for c in claims
        ],
        "claim_appearances": [
            {"claim": a.claim.slug, "url": a.url, "first_seen": a.first_seen, "note": a.note}
            for a in appearances
        ],
        "evidence_links": [
            {
                "claim": claim_slug[link.claim_id],
                "source": sources[link.source_id].key,
                **{name: getattr(link, name) for name in BY_NAME["evidence_links"].columns[2:]},
            }
            for link in evidence
        ],
        "verdict_history": [
            {
                "claim": h.claim.slug,
                "kind": h.kind,
                "old_verdict": h.old_verdict,
                "new_verdict": h.new_verdict,
                "old_score": h.old_score,
                "new_score": h.new_score,
                "rubric_version": h.rubric_version,
                "reason": h.reason,
                "changed_at": h.changed_at,
            }
            for h in history
        ],
        "retractions": [
            {
                "claim": c.slug,
                "subject": c.subject.slug,
                "text": c.text,
                "retracted_at": c.retracted_at or c.updated_at,
                "reason": c.retraction_reason,
                "url": c.get_absolute_url(),
            }
            for c in retracted
        ],
    }


def _source_row(source):
    row = {"id": source.pk, "key": source.key}
    row.update((name, getattr(source, name)) for name in BY_NAME["sources"].columns[2:])
    return row


def _claim_row(claim, record_slugs):
    rating = claim.current_rating
    row = {
        "slug": claim.slug,
        "subject": claim.subject.slug,
        "text": claim.text,
        "claimant": claim.claimant,
        "route": claim.route,
        "claim_type": claim.claim_type,
        "outcome": claim.outcome,
        "regulatory_code": claim.regulatory_code,
        "regulatory_note": claim.regulatory_note,
        "regulatory_records": record_slugs,
        "conclusion_summary": claim.conclusion_summary,
        "conclusion": claim.conclusion,
        "status": claim.status,
        "reviewer": claim.reviewer.slug if claim.reviewer else "",
        "reviewed_at": claim.reviewed_at,
        "published_at": claim.published_at,
        "url": claim.get_absolute_url(),
        "shown_verdict": claim.override_verdict or rating.verdict,
        "verdict": rating.verdict,
        "verdict_label": rating.verdict_label,
    }
    for name in (
        "score",
        "grade",
        "composite",
        "r_code",
        "r_points",
        "e_level",
        "e_direction",
        "e_points",
        "t_points",
        "independent_concordant",
        "verdict_rule",
        "claimreview_rating",
    ):
        row[name] = getattr(rating, name)
    row["safety_signal_keys"] = list(rating.safety_signals)
    row["inputs_sha256"] = rating.inputs_sha256
    row["rubric_version"] = rating.rubric_version
    row["rated_at"] = rating.created_at
    row["override_verdict"] = claim.override_verdict
    row["override_reason"] = claim.override_reason
    row["factors"] = rating.factors
    row["rating_inputs"] = json.loads(rating.inputs_json)
    return row


# ---------------------------------------------------------------------------------------------
# Serialising: JSON Lines keeps types; CSV writes lists and objects as JSON text, booleans as
# true/false, empty values as empty cells.

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_escape(text):
    """Prefix an apostrophe where a spreadsheet would read a formula (see the module doc)."""
    if text[:1] in FORMULA_START or (text[:1] == "'" and text[1:2] in (*FORMULA_START, "'")):
        return "'" + text
    return text


def csv_unescape(text):
    """The inverse of csv_escape()."""
    if text[:1] == "'" and text[1:2] in (*FORMULA_START, "'"):
        return text[1:]
    return text


def _plain(value):
    """A JSON-ready value."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _cell(value):
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)  # a number is never a formula: "-2" stays a number for every reader
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return csv_escape(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return csv_escape(str(value))


def to_jsonl(entity, rows):
    lines = [
        json.dumps({c: _plain(row[c]) for c in entity.columns}, ensure_ascii=False) for row in rows
    ]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def to_csv(entity, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(entity.columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in entity.columns])
    return buffer.getvalue().encode("utf-8")


def files(data=None, *, now=None):
    """{file name: bytes} for the whole dump, manifest last. Reads the database unless
    `data` is given."""
    data = dataset() if data is None else data
    now = now or timezone.now()
    out, listed = {}, []
    for entity in ENTITIES:
        rows = data[entity.name]
        for extension, render in (("jsonl", to_jsonl), ("csv", to_csv)):
            name = f"{entity.name}.{extension}"
            out[name] = render(entity, rows)
            listed.append(
                {
                    "name": name,
                    "entity": entity.name,
                    "format": "JSON Lines" if extension == "jsonl" else "CSV (RFC 4180, UTF-8)",
                    "records": len(rows),
                    "bytes": len(out[name]),
                    "sha256": hashlib.sha256(out[name]).hexdigest(),
                    "columns": list(entity.columns),
                    "description": entity.description,
                }
            )
    manifest = {
        "title": TITLE,
        "format_version": FORMAT_VERSION,
        "rubric_version": rubric.VERSION,
        "generated_at": _plain(now),
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "counts": {entity.name: len(data[entity.name]) for entity in ENTITIES},
        "csv_note": CSV_NOTE,
        "files": listed,
    }
    out[DATAPACKAGE] = _json_bytes(datapackage(data, out, now=now))
    out[MANIFEST] = _json_bytes(manifest)
    return out


def _json_bytes(value):
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# Keys of each table, and what its references point at, for datapackage.json.
PRIMARY_KEYS = {
    "concerns": ["slug"],
    "reviewers": ["slug"],
    "subjects": ["slug"],
    "transparency_items": ["subject", "code"],
    "sources": ["key"],
    "regulatory_records": ["slug"],
    "safety_signals": ["slug"],
    "claims": ["slug"],
    "claim_appearances": ["claim", "url"],
    "evidence_links": ["claim", "source"],
    "retractions": ["claim"],
}
FOREIGN_KEYS = {
    "transparency_items": [("subject", "subjects", "slug")],
    "regulatory_records": [("subject", "subjects", "slug")],
    "claims": [("subject", "subjects", "slug"), ("reviewer", "reviewers", "slug")],
    "claim_appearances": [("claim", "claims", "slug")],
    "evidence_links": [("claim", "claims", "slug"), ("source", "sources", "key")],
    "retractions": [("subject", "subjects", "slug")],
}


def _field_type(values):
    """The Table Schema type of a column, from its values (None says nothing)."""
    kinds = set()
    for value in values:
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            kinds.add("boolean")
        elif isinstance(value, int):
            kinds.add("integer")
        elif isinstance(value, float | Decimal):
            kinds.add("number")
        elif isinstance(value, datetime.datetime):
            kinds.add("datetime")
        elif isinstance(value, datetime.date):
            kinds.add("date")
        elif isinstance(value, list):
            kinds.add("array")
        elif isinstance(value, dict):
            kinds.add("object")
        else:
            kinds.add("string")
    if kinds == {"integer", "number"}:
        return "number"
    return kinds.pop() if len(kinds) == 1 else "string"


def datapackage(data, written, *, now):
    """A Frictionless Data Package (v1) describing the CSV files: column types, primary and
    foreign keys, hashes, licence; `frictionless validate datapackage.json` checks a dump."""
    resources = []
    for entity in ENTITIES:
        rows = data[entity.name]
        name = f"{entity.name}.csv"
        schema = {
            "fields": [
                {"name": column, "type": _field_type(row.get(column) for row in rows)}
                for column in entity.columns
            ],
            "missingValues": [""],
        }
        if entity.name in PRIMARY_KEYS:
            schema["primaryKey"] = PRIMARY_KEYS[entity.name]
        if entity.name in FOREIGN_KEYS:
            schema["foreignKeys"] = [
                {"fields": field, "reference": {"resource": target, "fields": key}}
                for field, target, key in FOREIGN_KEYS[entity.name]
            ]
        resources.append(
            {
                "name": entity.name.replace("_", "-"),
                "path": name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(written[name]),
                "hash": "sha256:" + hashlib.sha256(written[name]).hexdigest(),
                "description": entity.description,
                "schema": schema,
            }
        )
    for resource in resources:  # references name resources as the package does
        for key in resource["schema"].get("foreignKeys", []):
            key["reference"]["resource"] = key["reference"]["resource"].replace("_", "-")
    return {
        "profile": "tabular-data-package",
        "name": "claimcheck-open-data",
        "title": TITLE,
        "version": FORMAT_VERSION,
        "created": _plain(now),
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": LICENCE,
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "description": ATTRIBUTION + ". " + CSV_NOTE,
        "resources": resources,
    }


def write_folder(directory, *, now=None):
    """Write the dump into `directory` (created if missing); returns the manifest as a dict."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = files(now=now)
    for name, content in written.items():
        (directory / name).write_bytes(content)
    return json.loads(written[MANIFEST])


@dataclass(frozen=True)
class Archive:
    filename: str
    content: bytes
    manifest: dict


def build_zip(*, now=None):
    """The dump as a zip file holding one folder named after the generation time."""
    written = files(now=now)
    manifest = json.loads(written[MANIFEST])
    stamp = manifest["generated_at"].replace("-", "").replace(":", "")[:15] + "Z"
    folder = f"claimcheck-open-data-{stamp}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in written.items():
            archive.writestr(f"{folder}/{name}", content)
    return Archive(filename=f"{folder}.zip", content=buffer.getvalue(), manifest=manifest)
