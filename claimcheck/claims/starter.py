"""Load the curated starter dataset from the YAML files in starter_data/.

Every file is parsed and checked before anything is written; then every record is applied
through the services in one transaction. A malformed file or record stops the load with a
message naming the file and the record, and leaves the database as it was. Applying the same
files twice changes nothing: the services write only what differs.
"""

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from claimcheck.rubric import tables as rubric

from . import services
from .models import (
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

DATA_DIR = Path(__file__).resolve().parent / "starter_data"
FILES = ("concerns", "reviewers", "subjects", "sources", "regulatory", "signals", "claims")


class StarterDataError(Exception):
    """A problem in a data file; the message names the file and the record."""


@dataclass
class Report:
    files: int = 0
    records: int = 0
    claims_published: int = 0
    claims_draft: int = 0
    ratings_written: int = 0
    rubric_rerated: list = dataclasses.field(default_factory=list)


def _values(enum):
    return {m.value for m in enum}


# Field specifications: name -> (required, allowed values or type).
SPECS = {
    "concerns": {
        "slug": (True, str),
        "name": (True, str),
        "aliases": (False, list),
        "summary": (False, str),
    },
    "reviewers": {
        "slug": (True, str),
        "name": (True, str),
        "credentials": (True, str),
        "bio": (False, str),
        "provisional": (False, bool),
    },
    "subjects": {
        "slug": (True, str),
        "name": (True, str),
        "kind": (True, _values(rubric.SubjectKind)),
        "source_origin": (True, _values(rubric.Origin)),
        "biologic": (False, bool),
        "brand": (False, str),
        "aliases": (False, list),
        "trade_names": (False, list),
        "summary": (True, str),
        "concerns": (False, list),
        "alternatives": (False, list),
        "transparency": (False, dict),
    },
    "sources": {
        "ref": (True, str),
        "kind": (True, {"study", "review", "registration", "regulatory", "guideline"}),
        "title": (True, str),
        "authors": (False, str),
        "publisher": (False, str),
        "year": (False, int),
        "pmid": (False, str),
        "doi": (False, str),
        "nct": (False, str),
        "fda_number": (False, str),
        "fda_reference": (False, str),
        "url": (False, str),
        "design": (True, _values(rubric.Design)),
        "population": (True, {"human", "animal", "in_vitro", "none"}),
        "participants": (False, int),
        "funding": (True, _values(rubric.Funding)),
        "manufacturer_affiliated": (False, bool),
        "peer_reviewed": (False, bool),
        "registered": (False, bool),
        "retracted": (False, bool),
        "summary": (False, str),
        "provisional_note": (False, str),
        "verified_on": (False, datetime.date),
        "verified_how": (False, str),
    },
    "regulatory": {
        "slug": (True, str),
        "subject": (True, str),
        "kind": (
            True,
            {
                "approval",
                "de_novo",
                "clearance",
                "monograph",
                "cosmetic",
                "supplement",
                "no_approval",
                "enforcement",
                "guidance",
            },
        ),
        "title": (True, str),
        "indication": (False, str),
        "date": (False, datetime.date),
        "source": (False, str),
        "url": (False, str),
    },
    "signals": {
        "slug": (True, str),
        "title": (True, str),
        "issuer": (True, {"fda", "cdc", "state", "eu_safety_gate"}),
        "kind": (
            True,
            {
                "safety_notification",
                "consumer_alert",
                "warning_letter",
                "recall",
                "outbreak_report",
            },
        ),
        "date": (True, datetime.date),
        "product_class": (True, str),
        "subjects": (True, list),
        "routes": (False, list),
        "claim_types": (False, list),
        "origins": (False, list),
        "setting": (False, {"product", "provider"}),
        "status": (True, {"active", "resolved"}),
        "url": (True, str),
        "summary": (True, str),
    },
    "claims": {
        "slug": (True, str),
        "subject": (True, str),
        "text": (True, str),
        "claimant": (False, str),
        "route": (True, _values(rubric.Route)),
        "claim_type": (True, _values(rubric.ClaimType)),
        "outcome": (True, str),
        "regulatory_code": (True, _values(rubric.RCode)),
        "regulatory_note": (True, str),
        "regulatory_records": (False, list),
        "conclusion_summary": (True, str),
        "conclusion": (True, str),
        "appearances": (False, list),
        "evidence": (False, list),
        "reviewer": (True, str),
        "effect_size": (False, {"large", "moderate", "small", "none_shown", "not_known"}),
        "effect_size_text": (False, str),
        "effect_size_source": (False, str),
        "label": (False, dict),
        # A claim whose facts are not all verified stays a draft, with the reason.
        "draft_reason": (False, str),
        # Why the stored rating changes, recorded in the public verdict history.
        "change_reason": (False, str),
    },
}
LABEL_SPEC = {
    "pregnancy": (False, str),
    "do_not_use": (False, str),
    "side_effects": (False, str),
    "source": (True, str),
}
EVIDENCE_SPEC = {
    "source": (True, str),
    "direction": (True, {"supports", "mixed", "no_effect", "contradicts"}),
    "on_outcome": (False, bool),
    "below_mid": (False, bool),
    "restricted_direction": (False, {"supports", "mixed", "no_effect", "contradicts"}),
    "relative_effect": (False, (int, float)),
    "dose_response": (False, bool),
    "studies_exact_product": (False, bool),
    "risk_of_bias": (False, _values(rubric.RiskOfBias)),
    "risk_of_bias_reason": (False, str),
    "inconsistency": (False, bool),
    "inconsistency_reason": (False, str),
    "indirect_population": (False, bool),
    "indirect_intervention": (False, bool),
    "indirect_outcome": (False, bool),
    "indirectness_reason": (False, str),
    "unreported_size_small": (False, bool),
    "imprecision_reason": (False, str),
    "provisional": (False, bool),
    "note": (False, str),
}
TRANSPARENCY_SPEC = {
    "status": (True, _values(rubric.ItemStatus)),
    "url": (False, str),
    "note": (False, str),
}
APPEARANCE_SPEC = {"url": (True, str), "first_seen": (False, datetime.date), "note": (False, str)}


def _check(record, spec, where):
    if not isinstance(record, dict):
        raise StarterDataError(f"{where}: expected a mapping, found {type(record).__name__}")
    unknown = sorted(set(record) - set(spec))
    if unknown:
        raise StarterDataError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for name, (required, allowed) in spec.items():
        if name not in record:
            if required:
                raise StarterDataError(f"{where}: missing required field '{name}'")
            continue
        value = record[name]
        if isinstance(allowed, set):
            if value not in allowed:
                raise StarterDataError(
                    f"{where}: field '{name}' is {value!r}, not one of {sorted(allowed)}"
                )
        elif allowed is int and isinstance(value, bool) or not isinstance(value, allowed):
            raise StarterDataError(
                f"{where}: field '{name}' should be "
                f"{getattr(allowed, '__name__', allowed)}, found {value!r}"
            )


def _label(file, index, record):
    key = record.get("slug") or record.get("ref") if isinstance(record, dict) else None
    return f"{file}.yaml record {index + 1}" + (f" ({key})" if key else "")


# libyaml's safe loader where PyYAML was built with it: the same documents, ten times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(data_dir=DATA_DIR):
    """Parse and check every file; return {name: [records]} or raise StarterDataError."""
    data = {}
    for name in FILES:
        path = Path(data_dir) / f"{name}.yaml"
        try:
            text = path.read_text(encoding="utf-8")
            records = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader, C or Python)
        except FileNotFoundError:
            raise StarterDataError(f"{name}.yaml: file not found in {data_dir}") from None
        except yaml.YAMLError as error:
            raise StarterDataError(f"{name}.yaml: not valid YAML: {error}") from None
        if not isinstance(records, list):
            raise StarterDataError(f"{name}.yaml: expected a list of records")
        keys = set()
        for index, record in enumerate(records):
            where = _label(name, index, record)
            _check(record, SPECS[name], where)
            key = record.get("slug") or record.get("ref")
            if key in keys:
                raise StarterDataError(f"{where}: duplicate key {key!r}")
            keys.add(key)
            if name == "subjects":
                for code, item in record.get("transparency", {}).items():
                    _check(item, TRANSPARENCY_SPEC, f"{where} transparency {code}")
            if name == "claims":
                for i, link in enumerate(record.get("evidence", [])):
                    _check(link, EVIDENCE_SPEC, f"{where} evidence {i + 1}")
                for i, seen in enumerate(record.get("appearances", [])):
                    _check(seen, APPEARANCE_SPEC, f"{where} appearance {i + 1}")
                if "label" in record:
                    _check(record["label"], LABEL_SPEC, f"{where} label")
            if name == "sources":
                _source_lookup(record, where)
        data[name] = records
    _check_references(data)
    return data


def _check_references(data):
    slugs = {name: {r.get("slug") or r.get("ref") for r in data[name]} for name in FILES}
    refs = [
        ("subjects", "concerns", "concerns"),
        ("subjects", "alternatives", "subjects"),
        ("signals", "subjects", "subjects"),
        ("claims", "regulatory_records", "regulatory"),
    ]
    for file, field, target in refs:
        for index, record in enumerate(data[file]):
            for value in record.get(field, []):
                if value not in slugs[target]:
                    raise StarterDataError(
                        f"{_label(file, index, record)}: {field} names "
                        f"{value!r}, which is not in {target}.yaml"
                    )
    singles = [
        ("regulatory", "subject", "subjects"),
        ("regulatory", "source", "sources"),
        ("claims", "subject", "subjects"),
        ("claims", "reviewer", "reviewers"),
    ]
    for file, field, target in singles:
        for index, record in enumerate(data[file]):
            if field in record and record[field] not in slugs[target]:
                raise StarterDataError(
                    f"{_label(file, index, record)}: {field} names "
                    f"{record[field]!r}, which is not in {target}.yaml"
                )
    for index, record in enumerate(data["claims"]):
        named = [link["source"] for link in record.get("evidence", [])]
        named += [record[k] for k in ("effect_size_source",) if k in record]
        named += [record["label"]["source"]] if "label" in record else []
        for ref in named:
            if ref not in slugs["sources"]:
                raise StarterDataError(
                    f"{_label('claims', index, record)}: names source {ref!r}, which is not "
                    "in sources.yaml"
                )


SOURCE_IDENTIFIERS = ("pmid", "doi", "nct", "fda_number", "fda_reference", "url")


def _source_lookup(record, where):
    for name in SOURCE_IDENTIFIERS:
        if record.get(name):
            return {name: record[name]}
    raise StarterDataError(f"{where}: a source needs at least one identifier or a url")


def _existing_source_lookup(record, where):
    """The identifier that finds this source's stored row, if one exists (a PMID added to a
    record that was stored under its NCT number still finds that row); else the first one."""
    for name in SOURCE_IDENTIFIERS:
        value = record.get(name)
        if value and Source.objects.filter(**{name: value}).exists():
            return {name: value}
    return _source_lookup(record, where)


def load(*, by=None, data_dir=DATA_DIR):
    """Read, check and apply the starter data as `by` (default: the system user)."""
    data = read(data_dir)
    report = Report(files=len(FILES))
    try:
        with transaction.atomic(), services.command_reason("Starter data"):
            by = by or services.system_user()
            # A new rubric version first re-rates what is stored, so the verdict history
            # separates what the rubric moved from what the data below changes.
            report.rubric_rerated = services.claims_rerate_for_rubric(by=by)
            _apply(data, by=by, report=report)
    except ValidationError as error:
        raise StarterDataError(str(error)) from error
    return report


class _Where:
    """Turns a ValidationError into a StarterDataError naming the file and record."""

    def __init__(self, where):
        self.where = where

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, ValidationError):
            details = (
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            )
            raise StarterDataError(f"{self.where}: {details}") from exc
        return False


def _apply(data, *, by, report):
    concerns = {}
    for i, r in enumerate(data["concerns"]):
        with _Where(_label("concerns", i, r)):
            concerns[r["slug"]] = services.concern_upsert(
                by=by,
                slug=r["slug"],
                name=r["name"],
                aliases=r.get("aliases", []),
                summary=r.get("summary", ""),
            )
    reviewers = {}
    for i, r in enumerate(data["reviewers"]):
        with _Where(_label("reviewers", i, r)):
            reviewers[r["slug"]] = services.reviewer_upsert(by=by, **r)
    subjects = {}
    for i, r in enumerate(data["subjects"]):
        with _Where(_label("subjects", i, r)):
            fields = {
                k: r.get(k, d)
                for k, d in (
                    ("name", ""),
                    ("kind", ""),
                    ("aliases", []),
                    ("trade_names", []),
                    ("summary", ""),
                    ("brand", ""),
                    ("source_origin", ""),
                    ("biologic", False),
                )
            }
            subject = services.subject_upsert(
                by=by,
                slug=r["slug"],
                fields=fields,
                concerns=[concerns[c] for c in r.get("concerns", [])],
            )
            for code, item in r.get("transparency", {}).items():
                services.transparency_set(
                    by=by,
                    subject=subject,
                    code=code,
                    status=item["status"],
                    source_url=item.get("url", ""),
                    note=item.get("note", ""),
                )
            subjects[r["slug"]] = subject
    for i, r in enumerate(data["subjects"]):
        with _Where(_label("subjects", i, r)):
            services.subject_set_alternatives(
                by=by,
                subject=subjects[r["slug"]],
                alternatives=[subjects[s] for s in r.get("alternatives", [])],
            )
    sources = {}
    for i, r in enumerate(data["sources"]):
        where = _label("sources", i, r)
        with _Where(where):
            fields = {k: v for k, v in r.items() if k != "ref"}
            for name in SOURCE_IDENTIFIERS + (
                "authors",
                "publisher",
                "summary",
                "provisional_note",
            ):
                fields.setdefault(name, "")
            fields.setdefault("participants", None)
            fields.setdefault("year", None)
            for name, default in (
                ("manufacturer_affiliated", False),
                ("peer_reviewed", True),
                ("registered", False),
                ("retracted", False),
                ("verified_on", None),
                ("verified_how", ""),
            ):
                fields.setdefault(name, default)
            sources[r["ref"]] = services.source_upsert(
                by=by, lookup=_existing_source_lookup(r, where), fields=fields
            )
    records = {}
    for i, r in enumerate(data["regulatory"]):
        with _Where(_label("regulatory", i, r)):
            fields = {
                "subject": subjects[r["subject"]],
                "kind": r["kind"],
                "title": r["title"],
                "indication": r.get("indication", ""),
                "date": r.get("date"),
                "source": sources[r["source"]] if r.get("source") else None,
                "url": r.get("url", ""),
            }
            records[r["slug"]] = services.regulatory_record_upsert(
                by=by, slug=r["slug"], fields=fields
            )
    for i, r in enumerate(data["signals"]):
        with _Where(_label("signals", i, r)):
            fields = {
                k: r.get(k, d)
                for k, d in (
                    ("title", ""),
                    ("issuer", ""),
                    ("kind", ""),
                    ("date", None),
                    ("product_class", ""),
                    ("routes", []),
                    ("claim_types", []),
                    ("origins", []),
                    ("setting", "product"),
                    ("status", "active"),
                    ("url", ""),
                    ("summary", ""),
                )
            }
            services.signal_upsert(
                by=by, slug=r["slug"], fields=fields, subjects=[subjects[s] for s in r["subjects"]]
            )
    for i, r in enumerate(data["claims"]):
        with _Where(_label("claims", i, r)):
            _apply_claim(
                r,
                by=by,
                report=report,
                subjects=subjects,
                sources=sources,
                records=records,
                reviewers=reviewers,
            )
    report.records = sum(len(data[name]) for name in FILES)


def _apply_claim(r, *, by, report, subjects, sources, records, reviewers):
    fields = {
        k: r.get(k, "")
        for k in (
            "text",
            "route",
            "claim_type",
            "outcome",
            "regulatory_code",
            "regulatory_note",
            "conclusion_summary",
            "conclusion",
        )
    }
    fields["subject"] = subjects[r["subject"]]
    fields["claimant"] = r.get("claimant", "Marketing in general")
    fields["effect_size"] = r.get("effect_size", "not_known")
    fields["effect_size_text"] = r.get("effect_size_text", "")
    fields["effect_size_source"] = (
        sources[r["effect_size_source"]] if r.get("effect_size_source") else None
    )
    label = r.get("label", {})
    fields["label_pregnancy"] = label.get("pregnancy", "")
    fields["label_do_not_use"] = label.get("do_not_use", "")
    fields["label_side_effects"] = label.get("side_effects", "")
    fields["label_source"] = sources[label["source"]] if label else None
    fields["draft_reason"] = r.get("draft_reason", "")
    claim = services.claim_upsert(
        by=by,
        slug=r["slug"],
        fields=fields,
        regulatory_records=[records[s] for s in r.get("regulatory_records", [])],
    )
    for seen in r.get("appearances", []):
        services.appearance_add(
            by=by,
            claim=claim,
            url=seen["url"],
            first_seen=seen.get("first_seen"),
            note=seen.get("note", ""),
        )
    wanted = set()
    for link in r.get("evidence", []):
        source = sources[link["source"]]
        wanted.add(source.pk)
        values = {k: v for k, v in link.items() if k != "source"}
        defaults = {
            f.name: f.get_default()
            for f in EvidenceLink._meta.concrete_fields
            if f.name in EVIDENCE_SPEC and f.name != "source"
        }
        fields = {**defaults, **values}
        if fields.get("relative_effect") is not None:
            fields["relative_effect"] = Decimal(str(fields["relative_effect"])).quantize(
                Decimal("0.001")
            )
        services.evidence_link(by=by, claim=claim, source=source, fields=fields)
    for stale in EvidenceLink.objects.filter(claim=claim).exclude(source__in=wanted):
        services.evidence_unlink(by=by, link=stale)
    before = claim.current_rating_id
    reason = r.get("change_reason", "Starter data updated")
    if r.get("draft_reason"):
        # Kept out of public view until its facts are verified (the reason says which).
        if claim.status == "published":
            services.claim_retract(claim=claim, by=by, reason=r["draft_reason"])
        services.claim_rerate(claim=Claim.objects.get(pk=claim.pk), by=by, reason=reason)
        report.claims_draft += 1
    elif claim.status == "published":
        services.claim_rerate(claim=claim, by=by, reason=reason)
    else:
        if claim.status in ("draft", "retracted"):
            services.claim_submit_for_review(claim=claim, by=by)
        services.claim_publish(
            claim=Claim.objects.get(pk=claim.pk), by=by, reviewer=reviewers[r["reviewer"]]
        )
        report.claims_published += 1
    claim.refresh_from_db(fields=["current_rating"])
    if claim.current_rating_id != before:
        report.ratings_written += 1


def counts():
    """Row counts of every starter-data table, for the idempotency check."""
    models = (
        Concern,
        ReviewerProfile,
        Subject,
        TransparencyItem,
        Source,
        RegulatoryRecord,
        SafetySignal,
        Claim,
        ClaimAppearance,
        EvidenceLink,
        Rating,
        VerdictChange,
    )
    return {m.__name__: m.objects.count() for m in models}
