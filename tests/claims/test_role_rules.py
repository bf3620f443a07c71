"""The role rules as a property over every path that can change published content (issue #14).

For each way to change a published claim, its workflow state, its evidence, or a rating input
it depends on (admin change forms, History revert, admin actions, API writes with a staff
session, imports), an editor's attempt is refused and changes nothing at all (every curated
table compared row by row), and a reviewer's attempt succeeds and writes exactly one history
entry of the kind that change owes (one field-history row for an edit; one public
verdict-history row for a workflow action). Paths that refuse published content to everyone
by design (the API edits drafts only) are listed as such and checked for both roles."""

import json

import pytest
from django.urls import reverse

from claimcheck.claims import imports, services
from claimcheck.claims.models import (
    Claim,
    EvidenceLink,
    Rating,
    RegulatoryRecord,
    SafetySignal,
    Source,
    Subject,
    TransparencyItem,
    VerdictChange,
)

from ..api.conftest import session_client
from ..factories import EvidenceLinkFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

CURATED = [Claim, Source, Subject, EvidenceLink, RegulatoryRecord, TransparencyItem]
EVERYTHING = [*CURATED, SafetySignal, Rating, VerdictChange]


def _snapshot():
    return {m.__name__: sorted(m.objects.values_list(), key=str) for m in EVERYTHING}


def _history_rows():
    counts = {m.__name__: m.history.count() for m in CURATED}
    counts["VerdictChange"] = VerdictChange.objects.count()
    return counts


@pytest.fixture
def world(system_user):
    link = EvidenceLinkFactory(source__participants=120, source__title="Original title")
    claim = link.claim
    record = RegulatoryRecord.objects.create(
        subject=claim.subject, slug="record", kind="no_approval", title="No approval exists"
    )
    claim.regulatory_records.add(record)
    TransparencyItem.objects.create(subject=claim.subject, code="P1", status="fail")
    claim = services.claim_submit_for_review(claim=claim, by=system_user)
    claim = services.claim_publish(claim=claim, by=system_user, reviewer=ReviewerFactory())
    # A later wording fix, so History holds a published version with other text to revert to.
    services.claim_upsert(by=system_user, slug=claim.slug, fields={"text": "Fixed wording"})
    return {"claim": Claim.objects.get(pk=claim.pk), "source": link.source, "record": record}


def _form_data(page):
    """What a browser posts back from an admin form page unchanged: every field's and inline's
    value as the page renders it."""
    data = {}
    form = page.context["adminform"].form
    for name in form.fields:
        value = form[name].value()  # already prepared for display (JSON as text)
        if value is not None:
            data[name] = value
    for formset in page.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for name, value in management.initial.items():
            data[f"{management.prefix}-{name}"] = value
        for inline in formset.formset.forms:
            for name in inline.fields:
                value = inline[name].value()
                if value is not None:
                    data[f"{inline.prefix}-{name}"] = value
    return data


def _admin_change(model, obj_key, **changes):
    def attempt(client, user, world):
        obj = world[obj_key] if obj_key in world else getattr(world["claim"], obj_key)
        url = reverse(f"admin:claims_{model}_change", args=[obj.pk])
        page = client.get(url)
        if page.status_code != 200:
            return page.status_code
        return client.post(url, {**_form_data(page), **changes, "_save": "Save"}).status_code

    return attempt


def _admin_revert(client, user, world):
    claim = world["claim"]
    version = claim.history.exclude(text=claim.text).filter(status="published").first()
    url = reverse("admin:claims_claim_simple_history", args=[claim.pk, version.history_id])
    page = client.get(url)
    if page.status_code != 200:
        return page.status_code
    return client.post(url, _form_data(page)).status_code


def _admin_action(action, **fields):
    def attempt(client, user, world):
        body = {"action": action, "_selected_action": [world["claim"].pk], "apply": "1"}
        return client.post(reverse("admin:claims_claim_changelist"), {**body, **fields})

    return attempt


def _api(method, path, body):
    def attempt(client, user, world):
        api = session_client(user)
        url = path.format(slug=world["claim"].slug, source=world["source"].pk)
        etag = api.get(url.split("evidence/")[0] if "evidence/" in url else url)["ETag"]
        return getattr(api, method)(url, body, format="json", HTTP_IF_MATCH=etag).status_code

    return attempt


def _import(kind, record):
    def attempt(client, user, world):
        values = {k: v.format(slug=world["claim"].slug) for k, v in record.items()}
        if kind == "sources":
            values["pmid"] = world["source"].pmid
        report = imports.run(
            f"{kind}.jsonl", json.dumps(values).encode(), kind=kind, by=user, commit=True
        )
        return "committed" if report.committed else "refused"

    return attempt


# (name, attempt, what a reviewer's success writes: (field-history model, verdict rows)),
# or None where the path refuses published content to everyone.
PATHS = [
    ("admin claim form", _admin_change("claim", "claim", text="Edited text"), ("Claim", 0)),
    ("admin History revert", _admin_revert, ("Claim", 0)),
    ("admin cited source form", _admin_change("source", "source", title="Edited"), ("Source", 0)),
    ("admin subject form", _admin_change("subject", "subject", summary="Edited"), ("Subject", 0)),
    (
        "admin regulatory record form",
        _admin_change("regulatoryrecord", "record", title="Edited"),
        ("RegulatoryRecord", 0),
    ),
    ("admin retract", _admin_action("retract", reason="Withdrawn."), (None, 1)),
    (
        "admin override",
        _admin_action("override", verdict="caution", reason="A recall."),
        (None, 1),
    ),
    ("admin re-rate", _admin_action("rerate"), (None, 1)),
    ("API claim edit", _api("patch", "/api/v1/claims/{slug}/", {"conclusion": "x"}), None),
    (
        "API evidence edit",
        _api("patch", "/api/v1/claims/{slug}/evidence/{source}/", {"note": "x"}),
        None,
    ),
    (
        "API cited source edit",
        _api("patch", "/api/v1/sources/{source}/", {"title": "E"}),
        ("Source", 0),
    ),
    (
        "import claim edit",
        _import("claims", {"slug": "{slug}", "text": "Imported text"}),
        ("Claim", 0),
    ),
]


def _succeeded(result):
    """Admin forms redirect (302) when saved; API writes answer 200; imports commit. An admin
    action redirects either way, so for it the stored rows tell."""
    status = getattr(result, "status_code", result)
    return status in (200, 302, "committed")


def _refused(result):
    """Admin forms and API writes refuse with 403 (409 where the API edits drafts only); an
    admin action redirects with the refusal as a message; an import commits nothing."""
    status = getattr(result, "status_code", result)
    return status in (302, 403, 409, "refused")


@pytest.mark.parametrize(("name", "attempt", "owed"), PATHS, ids=[p[0] for p in PATHS])
def test_an_editor_is_refused_and_a_reviewer_succeeds_with_one_history_entry(
    client, staff_login, editor, reviewer, world, name, attempt, owed
):

    if name == "admin re-rate":  # a new trial not yet rated in, so a re-rate has work to do
        EvidenceLinkFactory(claim=world["claim"], source__participants=400)
    staff_login(client, editor)
    before = _snapshot()
    result = attempt(client, editor, world)
    assert _refused(result), f"{name}: the editor's attempt was not refused ({result})"
    assert _snapshot() == before, f"{name}: the editor's attempt changed something"

    client.logout()
    staff_login(client, reviewer)
    world["claim"] = Claim.objects.get(pk=world["claim"].pk)
    history = _history_rows()
    before = _snapshot()
    result = attempt(client, reviewer, world)
    if owed is None:  # refused to everyone on this path, by design
        assert _refused(result) and _snapshot() == before, name
        return
    assert _succeeded(result), f"{name}: the reviewer was refused ({result})"
    assert _snapshot() != before, f"{name}: the reviewer's attempt changed nothing"
    after = _history_rows()
    model, verdict_rows = owed
    assert after["VerdictChange"] - history["VerdictChange"] == verdict_rows, name
    if model is not None:
        assert after[model] - history[model] == 1, (name, history, after)
