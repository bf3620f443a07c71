"""Every write to an article goes through these functions.

Each is transactional, takes keyword-only arguments, checks the caller's role
(claimcheck/claims/roles.py) before anything else, validates with full_clean() before it
saves, writes only the fields that changed, attributes the change to `by` in the history
table, and returns the article. The admin, the starter-data loader and any future API write
call these and nothing else, so they all obey the same rules.

The workflow:

    draft --submit--> in_review --publish--> published --retract--> retracted
      ^                                                                 |
      +------------------- (edit, then submit again) <------------------+

- Editors (and reviewers) create and edit drafts, articles in review and retracted articles,
  and submit them for review.
- Only a reviewer (the `articles.publish_article` right) publishes, retracts, or edits a
  published article. An editor's change to a published article is refused rather than
  silently taking the article off the site: the live text stays as reviewed until a reviewer
  corrects it (or retracts it and an editor reworks it).
- Publishing needs a named reviewer profile; it stamps `reviewed_at` every time and
  `published_at` only the first time. Retracting needs a public reason.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claimcheck.claims import roles
from claimcheck.claims.models import ReviewerProfile

from .models import Article

# The fields staff write; the workflow fields change only through the actions below.
EDITABLE = ("slug", "title", "summary", "body", "author", "author_name")
LINKS = ("subjects", "claims", "references")
_DRAFT_STATE = {
    "status": Article.Status.DRAFT,
    "reviewer": None,
    "reviewed_at": None,
    "published_at": None,
    "retracted_at": None,
    "retraction_reason": "",
}

PUBLISHED_EDIT_MESSAGE = (
    "Only a reviewer can change a published article. Ask a reviewer to make the correction, "
    "or to retract the article so that it can be reworked and submitted again."
)


def _require_edit(article, by, *, changes):
    roles.require(by, roles.edit_permission(article))
    if changes and article.status == Article.Status.PUBLISHED:
        roles.require(by, roles.PUBLISH_ARTICLE, PUBLISHED_EDIT_MESSAGE)


def _write(article, *, by, fields, reason=""):
    """Validate and save `fields` (name -> value); on an update only those that differ.
    Returns the names written (empty when nothing differed)."""
    adding = article._state.adding
    changed = []
    for name, value in fields.items():
        field = article._meta.get_field(name)
        current = getattr(article, field.attname)
        wanted = value.pk if field.is_relation and value is not None else value
        if current != wanted:
            setattr(article, name, value)
            changed.append(name)
    if not adding and not changed:
        return []
    article.full_clean()
    article._history_user = by
    if reason:
        article._change_reason = reason[:100]
    if adding:
        article.save()
        return ["(created)"]
    article.save(update_fields=[*changed, "updated_at"])
    return changed


def _differs(manager, objects):
    return set(manager.values_list("pk", flat=True)) != {obj.pk for obj in objects}


def _set_links(article, *, by, links):
    """Replace the linked subjects, claims and references that differ; touch updated_at
    (which also starts a new public content version) when any did."""
    changed = [name for name, objects in links.items() if _differs(getattr(article, name), objects)]
    article._history_user = by
    for name in changed:
        getattr(article, name).set(links[name])
    return changed


@transaction.atomic
def article_upsert(*, by, slug, fields, subjects=None, claims=None, references=None):
    """Create or edit the article with this slug; only what differs is written, so the same
    call twice writes nothing. Links given as None are left as they are."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Not editable here: {', '.join(sorted(unknown))}.")
    article = Article.objects.filter(slug=slug).first() or Article(slug=slug)
    links = {
        name: list(objects)
        for name, objects in (
            ("subjects", subjects),
            ("claims", claims),
            ("references", references),
        )
        if objects is not None
    }
    differs = article._state.adding or any(
        getattr(article, name) != value for name, value in fields.items()
    )
    if not article._state.adding:
        differs = differs or any(
            _differs(getattr(article, name), objects) for name, objects in links.items()
        )
    _require_edit(article, by, changes=differs)
    if not differs:
        return article
    written = _write(article, by=by, fields=fields)
    relinked = _set_links(article, by=by, links=links)
    if relinked and not written:
        article.save(update_fields=["updated_at"])  # the page changed: its date does too
    return article


@transaction.atomic
def article_save(*, article, by, changed=None, links=None):
    """A staff edit from a form (the admin): `article` carries the form's values, `changed`
    names the fields the form changed (None when adding) and `links` the subjects, claims and
    references the form chose. Validated, attributed, and only the changed fields written."""
    adding = article._state.adding
    fields = [name for name in (changed or []) if name in EDITABLE]
    links = {name: list(objects) for name, objects in (links or {}).items()}
    relink = adding or any(
        _differs(getattr(article, name), objects) for name, objects in links.items()
    )
    if adding:
        # A new article always starts as a draft, whatever the caller set.
        for name, value in _DRAFT_STATE.items():
            setattr(article, name, value)
    else:
        # Workflow fields are never taken from a form: the permission check reads the stored
        # status.
        article.status = Article.objects.values_list("status", flat=True).get(pk=article.pk)
    _require_edit(article, by, changes=bool(fields) or relink)
    article.full_clean()
    article._history_user = by
    if adding:
        article.save()
    elif fields:
        article.save(update_fields=[*fields, "updated_at"])
    relinked = _set_links(article, by=by, links=links)
    if relinked and not fields and not adding:
        article.save(update_fields=["updated_at"])
    return article


@transaction.atomic
def article_submit_for_review(*, article, by):
    roles.require(by, "articles.change_article")
    if article.status not in (Article.Status.DRAFT, Article.Status.RETRACTED):
        raise ValidationError(
            "Only a draft or a retracted article can be submitted for review; this one is "
            f"{article.get_status_display().lower()}."
        )
    _write(article, by=by, fields={"status": Article.Status.IN_REVIEW}, reason="Submitted")
    return article


@transaction.atomic
def article_publish(*, article, by, reviewer):
    """Publish an article in review under a named medical reviewer."""
    roles.require(by, roles.PUBLISH_ARTICLE)
    if article.status != Article.Status.IN_REVIEW:
        raise ValidationError(
            "Only an article in review can be published; this one is "
            f"{article.get_status_display().lower()}."
        )
    if not isinstance(reviewer, ReviewerProfile):
        raise ValidationError({"reviewer": "A named medical reviewer is required to publish."})
    now = timezone.now()
    _write(
        article,
        by=by,
        reason=f"Published after review by {reviewer.name}",
        fields={
            "status": Article.Status.PUBLISHED,
            "reviewer": reviewer,
            "reviewed_at": now,
            "published_at": article.published_at or now,
            "retracted_at": None,
            "retraction_reason": "",
        },
    )
    return article


@transaction.atomic
def article_retract(*, article, by, reason):
    """Take a published article off the site; the reason is shown publicly."""
    roles.require(by, roles.PUBLISH_ARTICLE)
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError("Only a published article can be retracted.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"retraction_reason": "Say publicly why the article is retracted."})
    _write(
        article,
        by=by,
        reason="Retracted",
        fields={
            "status": Article.Status.RETRACTED,
            "retracted_at": timezone.now(),
            "retraction_reason": reason,
        },
    )
    return article


@transaction.atomic
def article_delete(*, article, by):
    """Delete a never-published article; published ones are retracted instead, so that their
    address and the reason stay on record."""
    roles.require(by, "articles.delete_article")
    if article.published_at is not None:
        raise ValidationError("An article that was ever published is retracted, not deleted.")
    article._history_user = by
    article.delete()
