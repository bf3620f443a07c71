"""Integrity of the workflow and of rating inputs on every path (issue #14, F1 and F3).

Workflow fields (status, reviewer, dates, override, retraction reason, current rating, shown
verdict and score) change only through the workflow services; anything a published rating
depends on (a cited source, a subject, its checklist, a regulatory record or a safety signal)
changes only with the reviewer's right. Shown through the admin, as staff use it."""

import pytest
from django.urls import reverse

from claimcheck.claims import services
from claimcheck.claims.models import Claim, Source, VerdictChange

from ..factories import EvidenceLinkFactory

pytestmark = pytest.mark.django_db


def _revert_form(client, claim, version):
    url = reverse("admin:claims_claim_simple_history", args=[claim.pk, version.history_id])
    form = client.get(url).context["adminform"].form
    return url, {k: v for k, v in form.initial.items() if v is not None}


def _published_version(claim):
    return claim.history.filter(status="published").order_by("-history_date").first()


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_reverting_a_retracted_claim_to_its_published_version_is_refused(
    client, staff_login, published, system_user, who, request
):
    services.claim_retract(claim=published, by=system_user, reason="The trial was withdrawn.")
    history_before = list(VerdictChange.objects.filter(claim=published).values_list("kind"))
    staff_login(client, request.getfixturevalue(who))
    url, data = _revert_form(client, published, _published_version(published))
    response = client.post(url, data)
    assert response.status_code == 403
    claim = Claim.objects.get(pk=published.pk)
    assert (claim.status, claim.retraction_reason) == ("retracted", "The trial was withdrawn.")
    assert list(VerdictChange.objects.filter(claim=claim).values_list("kind")) == history_before
    assert client.get(claim.get_absolute_url()).status_code == 410  # the retraction notice


def test_reverting_an_override_away_is_refused_even_to_a_reviewer(
    client, staff_login, published, reviewer, system_user
):
    services.claim_override(
        claim=published, by=system_user, verdict="caution", reason="A recall was announced."
    )
    staff_login(client, reviewer)
    before = published.history.filter(override_verdict="").order_by("-history_date").first()
    url, data = _revert_form(client, published, before)
    assert client.post(url, data).status_code == 403
    claim = Claim.objects.get(pk=published.pk)
    assert (claim.override_verdict, claim.shown_verdict) == ("caution", "caution")


def test_a_reviewer_may_still_revert_the_text_of_a_draft(client, staff_login, reviewer):
    claim = EvidenceLinkFactory(claim__text="Right text").claim
    services.claim_upsert(by=reviewer, slug=claim.slug, fields={"text": "Wrong text"})
    staff_login(client, reviewer)
    first = claim.history.order_by("history_date", "history_id").first()
    url, data = _revert_form(client, claim, first)
    assert client.post(url, data).status_code == 302
    assert Claim.objects.get(pk=claim.pk).text == "Right text"


def test_a_workflow_field_planted_in_a_form_save_is_refused(published, editor, system_user):
    services.claim_retract(claim=published, by=system_user, reason="Withdrawn.")
    claim = Claim.objects.get(pk=published.pk)
    claim.status = "published"
    with pytest.raises(services.PermissionDenied):
        services.staff_save(instance=claim, by=editor, changed=["text"])
    assert Claim.objects.get(pk=published.pk).status == "retracted"


def _source_form(client, source):
    url = reverse("admin:claims_source_change", args=[source.pk])
    form = client.get(url).context["adminform"].form
    return url, {k: v for k, v in form.initial.items() if v is not None}


def test_an_editor_cannot_change_a_source_that_a_published_claim_cites(
    client, staff_login, published, editor
):
    source = published.evidence.first().source
    before = Source.objects.filter(pk=source.pk).values().get()
    staff_login(client, editor)
    url, data = _source_form(client, source)
    data.update(title="EDITED BY EDITOR", participants=99999, retracted="on", _save="Save")
    assert client.post(url, data).status_code == 403
    assert Source.objects.filter(pk=source.pk).values().get() == before


def test_a_reviewer_can_change_a_cited_source(client, staff_login, published, reviewer):
    source = published.evidence.first().source
    staff_login(client, reviewer)
    url, data = _source_form(client, source)
    data.update(title="Corrected title", _save="Save")
    assert client.post(url, data).status_code == 302
    assert Source.objects.get(pk=source.pk).title == "Corrected title"


def test_an_editor_can_still_change_a_source_no_published_claim_cites(client, staff_login, editor):
    source = EvidenceLinkFactory().source  # cited by a draft only
    staff_login(client, editor)
    url, data = _source_form(client, source)
    data.update(title="Fixed typo", _save="Save")
    assert client.post(url, data).status_code == 302
    assert Source.objects.get(pk=source.pk).title == "Fixed typo"


@pytest.mark.parametrize(
    ("admin_name", "change"),
    [
        ("subject", {"summary": "Changed by an editor."}),
        ("regulatoryrecord", {"title": "Changed by an editor"}),
    ],
)
def test_an_editor_cannot_change_other_rating_inputs_of_a_published_claim(
    client, staff_login, published, editor, admin_name, change
):
    from claimcheck.claims.models import RegulatoryRecord

    if admin_name == "subject":
        target = published.subject
    else:
        target = RegulatoryRecord.objects.create(
            subject=published.subject, slug="fda-letter", kind="enforcement", title="A letter"
        )
        published.regulatory_records.add(target)
    staff_login(client, editor)
    url = reverse(f"admin:claims_{admin_name}_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(change, _save="Save")
    if admin_name == "subject":  # its checklist inline
        data.update({"transparency-TOTAL_FORMS": "0", "transparency-INITIAL_FORMS": "0"})
    before = type(target).objects.filter(pk=target.pk).values().get()
    assert client.post(url, data).status_code == 403
    assert type(target).objects.filter(pk=target.pk).values().get() == before
