"""Who changed what: every path that writes (admin form, admin action, API write, management
command) is attributed in the history, the admin shows field diffs, and a change can be
reverted from the admin, through the services."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from claimcheck.accounts import services as key_services
from claimcheck.claims import services
from claimcheck.claims.models import Claim, Source

from ..factories import EvidenceLinkFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("edna", password="x" * 16, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def _latest(instance):
    return instance.history.order_by("-history_date", "-history_id").first()


def test_an_admin_form_save_is_attributed_to_the_staff_member(client, staff_login, editor):
    source = SourceFactory(title="Old title")
    staff_login(client, editor)
    url = reverse("admin:claims_source_change", args=[source.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(title="New title", _save="Save")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = _latest(Source.objects.get(pk=source.pk))
    assert (record.title, record.history_user, record.history_type) == ("New title", editor, "~")


def test_an_admin_action_is_attributed_to_the_staff_member(client, staff_login, editor):
    claim = EvidenceLinkFactory(risk_of_bias="not_assessed").claim
    staff_login(client, editor)
    client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "submit", "_selected_action": [claim.pk]},
    )
    record = _latest(Claim.objects.get(pk=claim.pk))
    assert (record.status, record.history_user, record.history_change_reason) == (
        "in_review",
        editor,
        "Submitted for review",
    )


def test_an_api_write_is_attributed_to_the_keys_account(editor, system_user):
    _, plaintext = key_services.api_key_create(
        by=system_user, name="Partner", user=editor, can_write=True
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    created = api.post(
        "/api/v1/sources/",
        {"title": "A split-face trial", "pmid": "31234567", "design": "rct"},
        format="json",
    )
    assert created.status_code == 201, created.content
    record = _latest(Source.objects.get(pmid="31234567"))
    assert (record.history_user, record.history_type) == (editor, "+")


def test_a_management_command_is_attributed_to_the_system_user_with_a_reason():
    call_command("load_starter_data", verbosity=0)
    claim = Claim.objects.get(slug="exosome-serums-stimulate-collagen")
    first = claim.history.order_by("history_date", "history_id").first()
    assert first.history_user.username == "claimcheck-system"
    assert first.history_change_reason == "Starter data"
    source = Source.objects.order_by("pk").first()
    assert _latest(source).history_change_reason == "Starter data"


def test_the_history_page_shows_who_changed_which_field(client, staff_login, editor):
    source = SourceFactory(title="Old title", participants=40)
    services.source_upsert(by=editor, lookup={"pmid": source.pmid}, fields={"title": "New title"})
    staff_login(client, editor)
    page = client.get(reverse("admin:claims_source_history", args=[source.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "edna" in html
    assert "Old title" in html and "New title" in html  # the field diff


def test_revert_restores_an_old_version_through_the_services(client, staff_login, editor):
    source = SourceFactory(title="Right title", participants=40)
    services.source_upsert(
        by=editor, lookup={"pmid": source.pmid}, fields={"title": "Wrong title", "participants": 4}
    )
    old = source.history.order_by("history_date", "history_id").first()
    staff_login(client, editor)
    url = reverse("admin:claims_source_simple_history", args=[source.pk, old.history_id])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    response = client.post(url, data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.title, source.participants) == ("Right title", 40)
    record = _latest(source)
    assert (record.history_user, record.title) == (editor, "Right title")


def test_revert_is_refused_to_staff_without_the_right(client, staff_login, django_user_model):
    viewer = django_user_model.objects.create_user("vic", password="x" * 16, is_staff=True)
    source = SourceFactory(title="Right title")
    services.source_upsert(
        by=services.system_user(), lookup={"pmid": source.pmid}, fields={"title": "Changed"}
    )
    old = source.history.order_by("history_date", "history_id").first()
    staff_login(client, viewer)
    url = reverse("admin:claims_source_simple_history", args=[source.pk, old.history_id])
    assert client.post(url, {"title": "Right title"}).status_code == 403
    assert Source.objects.get(pk=source.pk).title == "Changed"
