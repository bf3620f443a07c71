"""Every model is registered in the admin, its pages open, and the claim list does not grow
queries with its rows."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claimcheck.claims import services
from claimcheck.claims.models import Claim, Rating

from ..factories import EvidenceLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "editor", "editor@example.org", "pw-123456789"
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in ("claims", "articles")],
    ids=lambda m: m.__name__,
)
def test_changelist_and_add_pages_open(staff_client, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert staff_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    add = staff_client.get(reverse(f"{prefix}_add"))
    assert add.status_code == (
        403 if model in (Rating,) or model.__name__ == "VerdictChange" else 200
    )


def _claims(n, system_user):
    for _ in range(n):
        link = EvidenceLinkFactory()
        services.claim_rerate(claim=link.claim, by=system_user)


def test_claim_changelist_query_count_does_not_grow_with_rows(staff_client, system_user):
    _claims(2, system_user)
    url = reverse("admin:claims_claim_changelist")
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    _claims(6, system_user)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)


def test_rerate_action_goes_through_the_service(staff_client, system_user):
    link = EvidenceLinkFactory()
    assert link.claim.current_rating is None
    response = staff_client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "rerate", "_selected_action": [link.claim.pk]},
        follow=True,
    )
    assert response.status_code == 200
    claim = Claim.objects.get(pk=link.claim.pk)
    assert claim.current_rating is not None
    assert claim.history.order_by("-history_date").first().history_user.username == "editor"


def test_admin_edit_is_validated_attributed_and_writes_only_changed_fields(staff_client):
    from claimcheck.claims.models import Source

    from ..factories import SourceFactory

    source = SourceFactory(title="Old title", participants=40)
    url = reverse("admin:claims_source_change", args=[source.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "id"}
    data.update(title="New title", pmid="12ab")
    bad = staff_client.post(url, data)
    assert bad.status_code == 200  # the form comes back with the field error
    assert "PMID is 1 to 9 digits" in bad.content.decode()
    assert Source.objects.get(pk=source.pk).title == "Old title"
    data["pmid"] = source.pmid
    ok = staff_client.post(url, data)
    assert ok.status_code == 302
    saved = Source.objects.get(pk=source.pk)
    assert (saved.title, saved.participants) == ("New title", 40)
    assert saved.history.first().history_user.username == "editor"
