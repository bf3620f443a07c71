"""Load the starter articles from the Markdown files in starter_data/.

Each file is one article: YAML front matter between `---` lines, then the Markdown body. The
front matter names the article's slug, title, standfirst, byline and reviewer (a reviewer
profile's slug), its subjects and claims by slug, and its references by one identifier each
(pmid, doi, nct, fda_number, fda_reference or url) of a source that already exists, so the
claims' starter data must be loaded first (the load_starter_data command does both).

Every file is read and checked before anything is written; then each article is written
through the services as the system user and, unless it was retracted, published under its
reviewer. Running it again writes nothing: the services write only what differs. A retracted
starter article stays retracted (a reviewer's retraction is not undone by a reload).
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from claimcheck.claims import services as claim_services
from claimcheck.claims import starter as claim_starter
from claimcheck.claims.models import Claim, ReviewerProfile, Source, Subject

from . import services
from .models import Article

DATA_DIR = Path(__file__).resolve().parent / "starter_data"
IDENTIFIERS = ("pmid", "doi", "nct", "fda_number", "fda_reference", "url")
# Front-matter field -> (required, type).
SPEC = {
    "slug": (True, str),
    "title": (True, str),
    "standfirst": (True, str),
    "author_name": (True, str),
    "reviewer": (True, str),
    "subjects": (False, list),
    "claims": (False, list),
    "references": (False, list),
}


class StarterDataError(claim_starter.StarterDataError):
    """A problem in an article file; the message names the file."""


@dataclass
class Report:
    files: int = 0
    articles_written: int = 0
    articles_published: int = 0


@dataclass
class Entry:
    name: str
    meta: dict
    body: str


def _parse(path):
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise StarterDataError(f"{path.name}: must start with a '---' line of YAML front matter")
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise StarterDataError(f"{path.name}: the front matter has no closing '---' line")
    try:
        meta = yaml.safe_load(head)
    except yaml.YAMLError as error:
        raise StarterDataError(f"{path.name}: front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise StarterDataError(f"{path.name}: the front matter must be a mapping")
    unknown = sorted(set(meta) - set(SPEC))
    if unknown:
        raise StarterDataError(f"{path.name}: unknown field(s) {', '.join(unknown)}")
    for field, (required, kind) in SPEC.items():
        if field not in meta:
            if required:
                raise StarterDataError(f"{path.name}: missing required field '{field}'")
            continue
        if not isinstance(meta[field], kind):
            raise StarterDataError(
                f"{path.name}: field '{field}' should be {kind.__name__}, found {meta[field]!r}"
            )
    for index, ref in enumerate(meta.get("references", []), start=1):
        if not (isinstance(ref, dict) and len(ref) == 1 and next(iter(ref)) in IDENTIFIERS):
            raise StarterDataError(
                f"{path.name}: reference {index} must be one of {', '.join(IDENTIFIERS)} "
                f"with its value, found {ref!r}"
            )
    if not body.strip():
        raise StarterDataError(f"{path.name}: the article has no body")
    return Entry(name=path.name, meta=meta, body=body.strip() + "\n")


def read(data_dir=DATA_DIR):
    """Parse and check every article file; return the entries or raise StarterDataError."""
    entries = [_parse(path) for path in sorted(Path(data_dir).glob("*.md"))]
    slugs = [entry.meta["slug"] for entry in entries]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise StarterDataError(f"duplicate article slug(s): {', '.join(duplicates)}")
    return entries


def load(*, by=None, data_dir=DATA_DIR):
    """Read, check and apply the starter articles as `by` (default: the system user)."""
    entries = read(data_dir)
    report = Report(files=len(entries))
    by = by or claim_services.system_user()
    with transaction.atomic():
        for entry in entries:
            try:
                _apply(entry, by=by, report=report)
            except ValidationError as error:
                raise StarterDataError(f"{entry.name}: {' '.join(error.messages)}") from error
    return report


def _by_slug(model, slugs, entry, label):
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise StarterDataError(f"{entry.name}: no {label} with slug {', '.join(missing)}")
    return [found[slug] for slug in slugs]


def _references(refs, entry):
    """The sources named by identifier, in the file's order (one query for all)."""
    if not refs:
        return []
    sources = list(Source.objects.filter(reduce(or_, (Q(**ref) for ref in refs))))
    chosen = []
    for ref in refs:
        ((field, value),) = ref.items()
        matches = [s for s in sources if getattr(s, field) == value]
        if len(matches) != 1:
            problem = "no source" if not matches else f"{len(matches)} sources"
            raise StarterDataError(f"{entry.name}: {problem} with {field} {value!r}")
        chosen.append(matches[0])
    return chosen


def _apply(entry, *, by, report):
    meta = entry.meta
    reviewer = ReviewerProfile.objects.filter(slug=meta["reviewer"]).first()
    if reviewer is None:
        raise StarterDataError(f"{entry.name}: no reviewer profile with slug {meta['reviewer']}")
    before = Article.objects.filter(slug=meta["slug"]).values_list("updated_at", flat=True).first()
    article = services.article_upsert(
        by=by,
        slug=meta["slug"],
        fields={
            "title": meta["title"],
            "summary": meta["standfirst"],
            "body": entry.body,
            "author_name": meta["author_name"],
        },
        subjects=_by_slug(Subject, meta.get("subjects", []), entry, "subject"),
        claims=_by_slug(Claim, meta.get("claims", []), entry, "claim"),
        references=_references(meta.get("references", []), entry),
    )
    if article.updated_at != before:
        report.articles_written += 1
    if article.status == Article.Status.DRAFT:
        services.article_submit_for_review(article=article, by=by)
    if article.status == Article.Status.IN_REVIEW:
        services.article_publish(article=article, by=by, reviewer=reviewer)
        report.articles_published += 1
    return article


def counts():
    """Row counts of the article tables, for the idempotency check."""
    return {
        "Article": Article.objects.count(),
        "HistoricalArticle": Article.history.count(),
    }
