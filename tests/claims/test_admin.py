"""Every model is registered in the admin, its pages open, and the claim list does not grow
queries with its rows."""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claimcheck.claims import services
from claimcheck.claims.models import Claim

from ..factories import EvidenceLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model, staff_login):
    user = django_user_model.objects.create_superuser(
        "editor", "editor@example.org", "pw-123456789"
    )
    return staff_login(client, user)


def _queries(client, url):
    """The queries one request makes. The log is cleared first: it keeps only the last
    9,000 queries, and loading the starter data alone makes more."""
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# Models staff can never add: ratings and verdict history are written by the rating services,
# check requests come from the public, and sign-in records from django-axes.
NOT_ADDABLE = {
    "claims.Rating",
    "claims.VerdictChange",
    "claims.CheckRequest",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    # Evidence-watch findings come from the connectors, runs from watch_run.
    "watch.Finding",
    "watch.WatchRun",
    # Dated dumps are taken by the daily job; deliveries come from the webhooks' fan-out.
    "snapshots.OpenDataSnapshot",
    "webhooks.Delivery",
}
# The most a changelist may cost, whatever its rows: session, user, OTP device, counts, the
# page of rows with its joins, and the filters' choices.
MAX_CHANGELIST_QUERIES = 12


def _claims(n, system_user):
    for _ in range(n):
        link = EvidenceLinkFactory()
        services.claim_rerate(claim=link.claim, by=system_user)


@pytest.mark.parametrize(
    "model_name", ["claim", "source", "subject", "rating", "verdictchange", "checkrequest"]
)
def test_changelist_query_count_does_not_grow_with_rows(staff_client, system_user, model_name):
    staff_client.get(reverse("admin:index"))
    url = reverse(f"admin:claims_{model_name}_changelist")
    _claims(2, system_user)
    services.check_request_submit(claim_text="one")
    few = _queries(staff_client, url)
    _claims(6, system_user)
    for text in ("two", "three", "four"):
        services.check_request_submit(claim_text=text)
    assert _queries(staff_client, url) == few


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
    with CaptureQueriesContext(connection) as queries:
        ok = staff_client.post(url, data)
    assert ok.status_code == 302
    [update] = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "claims_source"')]
    written = update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert sorted(re.findall(r'"(\w+)" =', written)) == ["title", "updated_at"]
    saved = Source.objects.get(pk=source.pk)
    assert (saved.title, saved.participants) == ("New title", 40)
    assert saved.history.first().history_user.username == "editor"


@pytest.mark.usefixtures("starter_catalogue")
class TestOnTheStarterData:
    """One load of the starter data for these tests; each still runs in its own savepoint."""

    def test_every_admin_page_opens_with_a_bounded_query_count(
        self, staff_client, starter_catalogue
    ):
        services.check_request_submit(claim_text="Snail mucin heals scars")
        staff_client.get(reverse("admin:index"))  # the session's first write is not a page's cost
        opened = []
        for model in admin.site._registry:
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            count = _queries(staff_client, reverse(f"{prefix}_changelist"))
            assert count <= MAX_CHANGELIST_QUERIES, (model, count)
            add = staff_client.get(reverse(f"{prefix}_add"))
            assert add.status_code == (403 if model._meta.label in NOT_ADDABLE else 200), model
            obj = model._default_manager.first()
            if obj is not None:
                change = staff_client.get(reverse(f"{prefix}_change", args=[obj.pk]))
                assert change.status_code == 200, model
                history = reverse(f"{prefix}_history", args=[obj.pk])
                assert staff_client.get(history).status_code == 200, model
            opened.append(model._meta.label)
        # Every curated model is there (and so was opened above).
        assert {
            "claims.Claim",
            "claims.Source",
            "claims.Subject",
            "claims.CheckRequest",
            "articles.Article",
            "accounts.ApiKey",
        } <= set(opened)

    def test_claim_search_finds_aliases_and_source_identifiers(
        self, staff_client, starter_catalogue
    ):
        url = reverse("admin:claims_claim_changelist")
        by_alias = staff_client.get(url, {"q": "extracellular vesicles"}).context["cl"].result_list
        assert by_alias and all("exosome" in c.subject.slug for c in by_alias)
        link = EvidenceLinkFactory(source__pmid="39999999")
        by_pmid = staff_client.get(url, {"q": "39999999"}).context["cl"].result_list
        assert list(by_pmid) == [link.claim]

    def test_claim_filters_by_verdict_and_active_safety_signal(
        self, staff_client, starter_catalogue
    ):
        url = reverse("admin:claims_claim_changelist")
        flagged = staff_client.get(url, {"signal": "yes"}).context["cl"].result_list
        assert flagged and any(c.subject.slug.startswith("exosome") for c in flagged)
        unflagged = staff_client.get(url, {"signal": "no"}).context["cl"].result_list
        assert not {c.pk for c in flagged} & {c.pk for c in unflagged}
        caution = staff_client.get(url, {"verdict": "caution"}).context["cl"].result_list
        assert caution and all(c.current_rating.verdict == "caution" for c in caution)
