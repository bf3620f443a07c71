"""Every write to the claims domain goes through these functions.

Each is transactional, takes keyword-only arguments, checks that `by` may make the change
(claimcheck/claims/roles.py; PermissionDenied otherwise), validates with full_clean() before
it saves, attributes the change to `by` in the history tables, and returns the object. Admin,
API and management commands call these and nothing else.
"""

import contextlib
import contextvars
import dataclasses
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from claimcheck import rubric

from . import roles, selectors
from .models import (
    CheckRequest,
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


def system_user():
    """The account that management commands act as, so their changes are attributed."""
    user, _ = get_user_model().objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "ClaimCheck", "last_name": "system"},
    )
    return user


# The reason a management command gives for its writes; recorded in the history tables.
_command_reason = contextvars.ContextVar("command_reason", default="")


@contextlib.contextmanager
def command_reason(reason):
    """Attribute every write made inside the block to `reason` (commands act as the system
    user; this records why): `with services.command_reason("load_starter_data"): ...`."""
    token = _command_reason.set(reason)
    try:
        yield
    finally:
        _command_reason.reset(token)


def _attribute(instance, *, by, reason=""):
    instance._history_user = by
    reason = reason or _command_reason.get()
    if reason:
        instance._change_reason = reason[:100]


logger = logging.getLogger(__name__)

# Evidence fields that record a reviewer's judgement (rubric D1-D3).
JUDGEMENT_FIELDS = (
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
)


def _require_edit(instance, *, by, changed=None):
    """The role check for a curated change: the model's add/change right, the reviewer's right
    for judgement flags, and the reviewer's right for anything belonging to a published claim
    (published content changes only under review)."""
    roles.require(by, roles.edit_permission(instance))
    if isinstance(instance, EvidenceLink):
        defaults = {f: EvidenceLink._meta.get_field(f).get_default() for f in JUDGEMENT_FIELDS}
        touched = (
            [f for f in JUDGEMENT_FIELDS if getattr(instance, f) != defaults[f]]
            if instance._state.adding
            else [f for f in (changed or []) if f in JUDGEMENT_FIELDS]
        )
        if touched:
            roles.require(by, roles.JUDGE)
    claim = _owning_claim(instance)
    if claim is not None and claim.status == "published":
        roles.require(
            by,
            roles.PUBLISH,
            "This claim is published: only a reviewer can change it or its evidence. "
            "Retract it first, or ask a reviewer.",
        )
    elif _published_claims_depend_on(instance):
        roles.require(
            by,
            roles.PUBLISH,
            f"A published claim's rating depends on this {instance._meta.verbose_name}: only "
            "a reviewer can change it.",
        )


def _published_claims_depend_on(instance):
    """Whether an existing source, subject, checklist item, regulatory record or safety signal
    is a rating input of some published claim (so the public page shows it, and the next
    re-rate takes it in)."""
    if instance._state.adding or instance.pk is None:
        return False
    published = Claim.objects.filter(status="published")
    if isinstance(instance, Source):
        published = published.filter(evidence__source=instance)
    elif isinstance(instance, Subject):
        published = published.filter(subject=instance)
    elif isinstance(instance, TransparencyItem):
        published = published.filter(subject_id=instance.subject_id)
    elif isinstance(instance, RegulatoryRecord):
        published = published.filter(
            Q(regulatory_records=instance) | Q(subject_id=instance.subject_id)
        )
    elif isinstance(instance, SafetySignal):
        published = published.filter(subject__safety_signals=instance)
    else:
        return False
    return published.exists()


def _owning_claim(instance):
    if isinstance(instance, Claim):
        return None if instance._state.adding else Claim.objects.only("status").get(pk=instance.pk)
    if isinstance(instance, (EvidenceLink, ClaimAppearance)) and instance.claim_id:
        return Claim.objects.only("status").get(pk=instance.claim_id)
    return None


def _save(instance, *, by, fields=None, reason="", check=True):
    """Check the actor's role, validate and save; on an update, only the given fields.
    Returns the changed fields. `check=False` is for the workflow services, which make their
    own, stricter check first."""
    adding = instance._state.adding
    changed = []
    for name, value in (fields or {}).items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            current = getattr(instance, field.attname)
            differs = current != (value.pk if value is not None else None)
        else:
            differs = getattr(instance, name) != value
        if differs:
            setattr(instance, name, value)
            changed.append(name)
    if not adding and not changed:
        return changed
    if check:
        _require_edit(instance, by=by, changed=changed)
    _validate(instance, changed=None if adding else changed)
    _attribute(instance, by=by, reason=reason)
    with _saving(instance):
        if adding:
            instance.save()
        else:
            auto_now = [
                f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)
            ]
            instance.save(update_fields=changed + auto_now)
    return changed or ["(created)"]


def _validate(instance, *, changed=None):
    """full_clean(), with three savings: check constraints are left to the database, which
    enforces them at the save anyway (Django evaluates each with a query of its own); unique
    constraints are checked together in one query (Django spends two on each conditional one:
    most of an import's time); and on an update, only constraints that involve a changed field
    are checked. A check the database refuses becomes the same ValidationError full_clean would
    raise (_saving)."""
    instance.full_clean(validate_constraints=False)
    unchanged = (
        set()
        if changed is None
        else {f.name for f in instance._meta.concrete_fields} - set(changed)
    )
    errors = {}
    together = []
    for constraint in instance._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            continue
        if _plain_unique(constraint):
            if not unchanged.intersection(constraint.fields):
                together.append(constraint)
            continue
        try:
            constraint.validate(type(instance), instance, exclude=unchanged or None)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    for constraint in _unique_clashes(instance, together):
        error = ValidationError(
            instance.unique_error_message(type(instance), constraint.fields), code="unique"
        )
        key = constraint.fields[0] if len(constraint.fields) == 1 else NON_FIELD_ERRORS
        errors.setdefault(key, []).append(error)
    if errors:
        raise ValidationError(errors)


def _plain_unique(constraint):
    """A unique constraint on fields, unconditional or with a condition of plain equalities
    (`~Q(pmid="")`), which Python can evaluate on a row's values."""
    return (
        isinstance(constraint, models.UniqueConstraint)
        and constraint.fields
        and not constraint.expressions
        and not constraint.include
        and not constraint.opclasses
        and (constraint.condition is None or _condition_fields(constraint.condition) is not None)
    )


def _condition_fields(q):
    """The fields a Q of `field=value` tests compares (None if it uses anything else)."""
    names = set()
    for child in q.children:
        if isinstance(child, Q):
            inner = _condition_fields(child)
            if inner is None:
                return None
            names |= inner
        elif (
            isinstance(child, tuple)
            and "__" not in child[0]
            and not hasattr(child[1], "resolve_expression")
        ):
            names.add(child[0])
        else:
            return None
    return names


def _holds(q, values):
    """Evaluate a Q of `field=value` tests on a dict of field values."""
    results = (
        _holds(child, values) if isinstance(child, Q) else values[child[0]] == child[1]
        for child in q.children
    )
    result = all(results) if q.connector == Q.AND else any(results)
    return not result if q.negated else result


def _unique_clashes(instance, constraints):
    """The constraints among `constraints` that a stored row other than `instance` already
    holds the same values for: one query for all of them."""
    meta = instance._meta
    names = set()
    for constraint in constraints:
        names.update(constraint.fields)
        names.update(_condition_fields(constraint.condition) if constraint.condition else ())
    mine = {name: getattr(instance, meta.get_field(name).attname) for name in names}
    wanted = []
    match = Q()
    for constraint in constraints:
        if any(mine[name] is None for name in constraint.fields):
            continue  # NULLs never clash
        if constraint.condition is not None and not _holds(constraint.condition, mine):
            continue
        wanted.append(constraint)
        match |= Q(**{meta.get_field(name).attname: mine[name] for name in constraint.fields})
    if not wanted:
        return []
    others = type(instance)._default_manager.filter(match)
    if not instance._state.adding:
        others = others.exclude(pk=instance.pk)
    rows = list(others.values(*(meta.get_field(name).attname for name in names)))
    rows = [{name: row[meta.get_field(name).attname] for name in names} for row in rows]
    return [
        constraint
        for constraint in wanted
        if any(
            all(row[name] == mine[name] for name in constraint.fields)
            and (constraint.condition is None or _holds(constraint.condition, row))
            for row in rows
        )
    ]


@contextlib.contextmanager
def _saving(instance):
    """Turn the database's refusal of a check constraint into its ValidationError."""
    try:
        yield
    except IntegrityError as error:
        text = str(error)
        for constraint in instance._meta.constraints:
            if isinstance(constraint, models.CheckConstraint) and constraint.name in text:
                raise ValidationError(constraint.get_violation_error_message()) from error
        raise


def _upsert(model, *, by, lookup, fields, reason=""):
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup)
    _save(instance, by=by, fields=fields, reason=reason)
    return instance


def _set_m2m(manager, objects):
    """Replace a many-to-many set only when it differs (so reruns write nothing)."""
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(objects)


@transaction.atomic
def concern_upsert(*, by, slug, name, aliases=None, summary=None):
    fields = {"name": name}
    if aliases is not None:
        fields["aliases"] = aliases
    if summary is not None:
        fields["summary"] = summary
    return _upsert(Concern, by=by, lookup={"slug": slug}, fields=fields)


@transaction.atomic
def reviewer_upsert(*, by, slug, name, credentials, bio="", provisional=False):
    return _upsert(
        ReviewerProfile,
        by=by,
        lookup={"slug": slug},
        fields={"name": name, "credentials": credentials, "bio": bio, "provisional": provisional},
    )


@transaction.atomic
def subject_upsert(*, by, slug, fields, concerns=None):
    subject = _upsert(Subject, by=by, lookup={"slug": slug}, fields=fields)
    if concerns is not None:
        roles.require(by, "claims.change_subject")
        _set_m2m(subject.concerns, concerns)
    return subject


@transaction.atomic
def subject_set_alternatives(*, by, subject, alternatives):
    roles.require(by, "claims.change_subject")
    if any(alt.pk == subject.pk for alt in alternatives):
        raise ValidationError({"alternatives": "A subject cannot be its own alternative."})
    _set_m2m(subject.alternatives, alternatives)
    return subject


@transaction.atomic
def transparency_set(*, by, subject, code, status, source_url="", note=""):
    """Record one checklist item; product subjects use P1-P8, every other kind C1-C4."""
    product = subject.kind == rubric.tables.SubjectKind.PRODUCT
    valid = rubric.tables.PRODUCT_CHECKLIST if product else rubric.tables.CLASS_CHECKLIST
    if code not in valid:
        raise ValidationError(
            {
                "code": f"{code} does not apply to a {subject.get_kind_display()} "
                f"subject; use one of {', '.join(valid)}."
            }
        )
    return _upsert(
        TransparencyItem,
        by=by,
        lookup={"subject": subject, "code": code},
        fields={"status": status, "source_url": source_url, "note": note},
    )


@transaction.atomic
def source_upsert(*, by, lookup, fields):
    """Create or update a source found by one identifier (pmid, doi, nct, fda_number or url)."""
    return _upsert(Source, by=by, lookup=lookup, fields=fields)


@transaction.atomic
def regulatory_record_upsert(*, by, slug, fields):
    return _upsert(RegulatoryRecord, by=by, lookup={"slug": slug}, fields=fields)


@transaction.atomic
def signal_upsert(*, by, slug, fields, subjects):
    for name, vocabulary in (
        ("routes", rubric.tables.Route),
        ("claim_types", rubric.tables.ClaimType),
        ("origins", rubric.tables.Origin),
    ):
        bad = [v for v in fields.get(name, []) if v not in vocabulary._value2member_map_]
        if bad:
            raise ValidationError({name: f"Unknown value(s): {', '.join(map(str, bad))}."})
    signal = _upsert(SafetySignal, by=by, lookup={"slug": slug}, fields=fields)
    roles.require(by, "claims.change_safetysignal")
    _set_m2m(signal.subjects, subjects)
    return signal


@transaction.atomic
def claim_upsert(*, by, slug, fields, regulatory_records=None):
    """Create or edit a claim's own fields. Workflow fields change only through the actions."""
    claim = _upsert(Claim, by=by, lookup={"slug": slug}, fields=fields)
    if regulatory_records is not None:
        wanted = {r.pk for r in regulatory_records}
        if set(claim.regulatory_records.values_list("pk", flat=True)) != wanted:
            _require_edit(claim, by=by)
            claim.regulatory_records.set(regulatory_records)
    return claim


@transaction.atomic
def appearance_add(*, by, claim, url, first_seen=None, note=""):
    return _upsert(
        ClaimAppearance,
        by=by,
        lookup={"claim": claim, "url": url},
        fields={"first_seen": first_seen, "note": note},
    )


@transaction.atomic
def evidence_link(*, by, claim, source, fields):
    """Link a source to a claim, or update what the link records. Does not re-rate: the
    rating changes when a reviewer re-rates or publishes."""
    return _upsert(EvidenceLink, by=by, lookup={"claim": claim, "source": source}, fields=fields)


@transaction.atomic
def evidence_unlink(*, by, link):
    roles.require(by, "claims.delete_evidencelink")
    _require_edit(link, by=by)
    _attribute(link, by=by)
    link.delete()


def _lock(claim):
    """Lock the claim's row for this transaction, then re-read it: two reviewers acting at
    once are serialised, and the second sees what the first committed (its checks then refuse
    a repeated retract, publish or submission). The lock takes no join: PostgreSQL re-checks a
    locked row of a join against the statement's old snapshot, which hides a rating the first
    transaction has just written."""
    _lock_row(claim.pk)
    claim.refresh_from_db()
    return claim


def _lock_row(pk):
    """Only the lock, for callers that re-read the claim with its joins themselves."""
    list(Claim.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def _snapshot(rating):
    return (rating.verdict, rating.score) if rating else ("", None)


def _shown(*, override, rating):
    """The claim's stored shown verdict and score: the override if any, else the current
    rating's. Every write of `current_rating` or `override_verdict` saves these with it, so
    lists filter and order by one indexed row (models.Claim.shown_verdict)."""
    return {
        "shown_verdict": override or (rating.verdict if rating else ""),
        "shown_score": rating.score if rating else None,
    }


@transaction.atomic
def claim_rerate(*, claim, by, reason="Re-rated from the stored evidence"):
    """Rate the claim from its stored inputs under the current rubric.

    Writes a new Rating (and, for a published claim, a verdict-history entry) only when the
    inputs hash or the rubric version differ from the current rating's. Returns the current
    rating afterwards.
    """
    _lock_row(claim.pk)
    claim = Claim.objects.select_related("subject", "current_rating").get(pk=claim.pk)
    if claim.status == "published":
        roles.require(by, roles.PUBLISH)
    else:
        roles.require(by, "claims.change_claim")
    try:
        result = rubric.rate(selectors.claim_rating_inputs(claim=claim))
    except rubric.RubricInputError as error:
        raise ValidationError(f"The stored inputs cannot be rated: {error}") from error
    current = claim.current_rating
    if (
        current is not None
        and current.inputs_sha256 == result.inputs_sha256
        and current.rubric_version == result.rubric_version
    ):
        return current
    # Identical inputs seen before (say, evidence removed then restored) reuse that rating.
    rating = claim.ratings.filter(
        rubric_version=result.rubric_version, inputs_sha256=result.inputs_sha256
    ).first()
    if rating is None:
        output = dataclasses.asdict(result)
        output["factors"] = [dataclasses.asdict(f) for f in result.factors]
        output["safety_signals"] = list(result.safety_signals)
        rating = Rating(claim=claim, created_at=timezone.now(), **output)
        rating.full_clean(exclude=["claim"])
        rating.save()
    fields = {"current_rating": rating, **_shown(override=claim.override_verdict, rating=rating)}
    _save(claim, by=by, fields=fields, reason=reason, check=False)
    if claim.status == "published":
        _history(claim=claim, kind="rerated", old=current, new=rating, by=by, reason=reason)
    return rating


@transaction.atomic
def claims_rerate_for_rubric(*, by):
    """Re-rate every claim whose current rating was made under another rubric version, each
    through claim_rerate with the reason "Rubric <version>" (on a published claim that reason
    enters the public verdict history). Returns [(slug, old (verdict, score), new (verdict,
    score))] for the claims re-rated, in slug order. A second call finds nothing to do."""
    stale = (
        Claim.objects.exclude(current_rating__isnull=True)
        .exclude(current_rating__rubric_version=rubric.VERSION)
        .select_related("current_rating")
        .order_by("slug")
    )
    moved = []
    for claim in stale:
        old = _snapshot(claim.current_rating)
        rating = claim_rerate(claim=claim, by=by, reason=f"Rubric {rubric.VERSION}")
        moved.append((claim.slug, old, _snapshot(rating)))
    return moved


def _history(*, claim, kind, old, new, by, reason):
    old_verdict, old_score = _snapshot(old)
    new_verdict, new_score = _snapshot(new)
    change = VerdictChange(
        claim=claim,
        rating=new,
        kind=kind,
        old_verdict=old_verdict,
        new_verdict=new_verdict,
        old_score=old_score,
        new_score=new_score,
        rubric_version=(new or old).rubric_version if (new or old) else rubric.VERSION,
        reason=reason,
        changed_at=timezone.now(),
        changed_by=by,
    )
    change.full_clean()
    change.save()
    return change


@transaction.atomic
def claim_submit_for_review(*, claim, by):
    roles.require(by, "claims.change_claim")
    claim = _lock(claim)
    if claim.status not in ("draft", "retracted"):
        raise ValidationError(
            f"Only a draft or retracted claim can be submitted for review; "
            f"this one is {claim.get_status_display().lower()}."
        )
    claim_rerate(claim=claim, by=by, reason="Rated on submission for review")
    claim.refresh_from_db()
    _save(claim, by=by, fields={"status": "in_review"}, reason="Submitted for review", check=False)
    return claim


@transaction.atomic
def claim_publish(*, claim, by, reviewer):
    """Publish a reviewed claim under a named reviewer, with a rating of its current inputs."""
    roles.require(by, roles.PUBLISH)
    claim = _lock(claim)
    if claim.status != "in_review":
        raise ValidationError(
            f"Only a claim in review can be published; this one is "
            f"{claim.get_status_display().lower()}."
        )
    if not isinstance(reviewer, ReviewerProfile):
        raise ValidationError({"reviewer": "A named reviewer is required to publish."})
    if not roles.is_system(by) and not (
        reviewer.user_id is not None and roles.can(reviewer.user, roles.PUBLISH)
    ):
        # Staff sign verdicts only under a profile whose account may sign (their own, or a
        # colleague's); unlinked profiles are for the curated starter data.
        raise ValidationError(
            {
                "reviewer": f"{reviewer.name} has no reviewer's account, so cannot sign a "
                "verdict: name a reviewer whose profile is linked to an account that may publish."
            }
        )
    previous = VerdictChange.objects.filter(claim=claim).order_by("-changed_at", "-id").first()
    rating = claim_rerate(claim=claim, by=by, reason="Rated on publication")
    claim.refresh_from_db()
    now = timezone.now()
    _save(
        claim,
        by=by,
        reason="Published",
        check=False,
        fields={
            "status": "published",
            "reviewer": reviewer,
            "reviewed_at": now,
            "published_at": claim.published_at or now,
        },
    )
    old = previous.rating if previous and previous.kind != "retracted" else None
    _history(
        claim=claim,
        kind="published",
        old=old,
        new=rating,
        by=by,
        reason=f"Published after review by {reviewer.name}",
    )
    # Requests this claim answers learn that its verdict is out (and forget their address).
    for check in CheckRequest.objects.filter(claim=claim, status="accepted").exclude(
        notify_email=""
    ):
        check_request_notify(check=check, published=True)
    return claim


@transaction.atomic
def claim_retract(*, claim, by, reason):
    roles.require(by, roles.PUBLISH)
    claim = _lock(claim)
    if claim.status != "published":
        raise ValidationError("Only a published claim can be retracted.")
    if not reason.strip():
        raise ValidationError({"retraction_reason": "Say publicly why the claim is retracted."})
    _save(
        claim,
        by=by,
        reason="Retracted",
        check=False,
        fields={"status": "retracted", "retraction_reason": reason.strip()},
    )
    _history(
        claim=claim,
        kind="retracted",
        old=claim.current_rating,
        new=None,
        by=by,
        reason=reason.strip(),
    )
    return claim


@transaction.atomic
def claim_override(*, claim, by, verdict, reason):
    """Set (or, with verdict="", remove) a reviewer's override of the computed verdict.

    The reason is public: pages and the API show it next to the computed verdict, and on a
    published claim the change enters the verdict history."""
    roles.require(by, roles.OVERRIDE)
    _lock_row(claim.pk)
    claim = Claim.objects.select_related("current_rating").get(pk=claim.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"override_reason": "Say publicly why the verdict is overridden."})
    rating = claim.current_rating
    if verdict:
        if verdict not in Claim.Verdict.values:
            raise ValidationError({"override_verdict": f"{verdict!r} is not a verdict."})
        if rating is None:
            raise ValidationError("Rate the claim before overriding its verdict.")
        if verdict == rating.verdict:
            raise ValidationError(
                {"override_verdict": "That is the computed verdict; there is nothing to override."}
            )
    elif not claim.override_verdict:
        raise ValidationError("This claim has no override to remove.")
    old_verdict = claim.override_verdict or (rating.verdict if rating else "")
    _save(
        claim,
        by=by,
        reason="Override set" if verdict else "Override removed",
        check=False,
        fields={
            "override_verdict": verdict,
            "override_reason": reason if verdict else "",
            **_shown(override=verdict, rating=rating),
        },
    )
    if claim.status == "published":
        change = VerdictChange(
            claim=claim,
            rating=rating,
            kind="override" if verdict else "override_removed",
            old_verdict=old_verdict,
            new_verdict=verdict or rating.verdict,
            old_score=rating.score,
            new_score=rating.score,
            rubric_version=rating.rubric_version,
            reason=reason,
            changed_at=timezone.now(),
            changed_by=by,
        )
        change.full_clean()
        change.save()
    return claim


def _decide(check, *, by, status, claim=None, reason=""):
    roles.require(by, roles.MODERATE)
    if check.status == status and check.claim_id == (claim.pk if claim else None):
        raise ValidationError(f"This request is already {check.get_status_display().lower()}.")
    _save(
        check,
        by=by,
        reason=f"Moderated: {status}",
        check=False,
        fields={"status": status, "claim": claim, "decision_reason": reason.strip()},
    )
    check_request_notify(check=check)
    return check


def _site_url():
    return settings.SITE_URL or f"https://{settings.ALLOWED_HOSTS[0]}"


def check_request_notify(*, check, published=False):
    """Tell the requester, if they left an address, that the request's status changed, by
    e-mail after the transaction commits; erase the address once the request is closed
    (declined, a duplicate, or accepted and its claim now published), so nothing keeps it."""
    address = check.notify_email
    if not address:
        return check
    if published:
        news = "The claim you asked about now has a published verdict."
    else:
        news = f"Its status is now: {check.get_status_display()}."
        if check.decision_reason:
            news += f" {check.decision_reason}"
    body = (
        f"You asked ClaimCheck to check this claim:\n\n  {check.claim_text}\n\n{news}\n\n"
        f"Follow it here: {_site_url()}{check.get_absolute_url()}\n\n"
        "We use this address only for messages about this request"
        + (
            ", and we have now deleted it.\n"
            if published or check.closed
            else ", and delete it when the request closes.\n"
        )
    )
    status = "verdict published" if published else check.get_status_display()
    subject = f"Your ClaimCheck request: {status}"  # one line: no reader text in headers

    def send():
        # A relay failure must not undo the decision that was just committed; it is logged.
        try:
            mail.send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except OSError:
            logger.exception("Could not send the status e-mail of check request %s", check.pk)

    transaction.on_commit(send)
    if published or check.closed:
        # The address is not in the audit history (excluded there), so this erases it.
        CheckRequest.objects.filter(pk=check.pk).update(notify_email="")
        check.notify_email = ""
    return check


@transaction.atomic
def check_request_accept(*, check, by, claim, reason=""):
    """Accept a request: we are checking it, as `claim` (a new claim, not yet published).
    The status page links the claim once it is published."""
    if claim is None:
        raise ValidationError({"claim": "Link the new claim this request became."})
    if claim.status == "published":
        raise ValidationError(
            {"claim": "That claim is already published: mark the request a duplicate of it."}
        )
    return _decide(check, by=by, status="accepted", claim=claim, reason=reason)


@transaction.atomic
def check_request_mark_duplicate(*, check, by, claim, reason=""):
    """The claim was already checked: link the published verdict."""
    if claim is None or claim.status != "published":
        raise ValidationError({"claim": "Link the published claim this request duplicates."})
    return _decide(check, by=by, status="duplicate", claim=claim, reason=reason)


@transaction.atomic
def check_request_decline(*, check, by, reason):
    """Decline, with a reason shown publicly on the request's status page."""
    if not (reason or "").strip():
        raise ValidationError({"decision_reason": "Say why; the reason is shown publicly."})
    return _decide(check, by=by, status="declined", reason=reason)


@transaction.atomic
def staff_save(*, instance, by, changed=None):
    """A staff edit from a form (the admin's change pages and inlines): role-checked,
    validated, attributed, and on an update only the changed fields are written. Workflow
    fields are not editable there; they change through the workflow services above."""
    _require_edit(instance, by=by, changed=changed)
    _refuse_service_fields(instance)
    instance.full_clean()
    _attribute(instance, by=by)
    if instance._state.adding or changed is None:
        instance.save()
        return instance
    concrete = {f.name for f in instance._meta.concrete_fields}
    fields = [name for name in changed if name in concrete]
    fields += [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    if fields:
        instance.save(update_fields=fields)
    return instance


def _service_fields(model):
    """Fields that only services set (`editable=False`, STYLE.md): a claim's workflow fields
    (status, reviewer, dates, retraction reason, current rating, override, shown verdict and
    score), a check request's decision, and the like."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.editable
        and not f.primary_key
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]


def _refuse_service_fields(instance):
    """A form save (an admin change page, an inline, a History revert) may not move a field
    that only the services set: whatever the form or the old version carries, workflow state
    changes through the workflow actions, which check their own rights and write history."""
    fields = _service_fields(type(instance))
    if not fields:
        return
    if instance._state.adding:
        moved = [
            f.name
            for f in fields
            if not callable(f.default) and getattr(instance, f.attname) != f.get_default()
        ]
    else:
        stored = (
            type(instance)._base_manager.filter(pk=instance.pk).values(*[f.attname for f in fields])
        ).first() or {}
        moved = [f.name for f in fields if getattr(instance, f.attname) != stored.get(f.attname)]
    if moved:
        raise PermissionDenied(
            f"{', '.join(sorted(moved))} change only through the workflow actions (submit, "
            "publish, retract, re-rate, override, moderate), never by editing or reverting. "
            "Revert the text first, then use the action."
        )


@transaction.atomic
def staff_delete(*, instance, by):
    meta = instance._meta
    roles.require(by, f"{meta.app_label}.delete_{meta.model_name}")
    claim = _owning_claim(instance) if not isinstance(instance, Claim) else instance
    if claim is not None and claim.status == "published":
        roles.require(
            by, roles.PUBLISH, "Retract a published claim before deleting it or its parts."
        )
    if _published_claims_depend_on(instance):
        roles.require(
            by,
            roles.PUBLISH,
            "A published claim's rating depends on this: only a reviewer can delete it.",
        )
    _attribute(instance, by=by)
    instance.delete()


@transaction.atomic
def check_request_submit(*, claim_text, seen_at="", details="", notify_email=""):
    """Store a visitor's request for moderation; returns it (its public_id is the status URL).
    `notify_email`, if given, is used only for status notices (check_request_notify)."""
    request = CheckRequest(
        claim_text=claim_text.strip(),
        seen_at=seen_at,
        details=details,
        notify_email=notify_email.strip(),
    )
    request.full_clean()
    request.save()
    return request
