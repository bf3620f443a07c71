"""The findings queue through the admin, as staff use it: a reviewer accepts and dismisses
with the actions (through the services), an editor sees the queue but cannot decide."""

import pytest
from django.urls import reverse

from claimcheck.claims.models import Source, VerdictChange
from claimcheck.watch import services
from claimcheck.watch.models import Finding, WatchRun

pytestmark = pytest.mark.django_db

QUEUE = "admin:watch_finding_changelist"


def test_the_queue_lists_findings_with_the_claims_each_touches(
    client, staff_login, reviewer, retraction
):
    staff_login(client, reviewer)
    response = client.get(reverse(QUEUE), {"status__exact": "open"})
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows == [retraction]
    assert rows[0].touched == 3  # two published claims and a draft cite the study
    assert "PMID 99000001 was retracted" in response.content.decode()
    found = client.get(reverse(QUEUE), {"q": "99000001"}).context["cl"].result_list
    assert list(found) == [retraction]


def test_a_reviewer_accepts_through_the_admin_action(
    client, staff_login, reviewer, retraction, catalogue
):
    staff_login(client, reviewer)
    before = VerdictChange.objects.count()
    response = client.post(
        reverse(QUEUE), {"action": "accept", "_selected_action": [retraction.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Accept: 1 done." in [str(m) for m in response.context["messages"]]
    assert Finding.objects.get(pk=retraction.pk).status == "accepted"
    assert Source.objects.get(pk=catalogue["study"].pk).retracted
    assert VerdictChange.objects.count() == before + 2  # the two published claims citing it


def test_dismissing_asks_for_a_reason_first(client, staff_login, reviewer, retraction):
    staff_login(client, reviewer)
    data = {"action": "dismiss", "_selected_action": [retraction.pk]}
    form = client.post(reverse(QUEUE), data)
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    empty = client.post(reverse(QUEUE), {**data, "apply": "1", "reason": ""})
    assert empty.status_code == 200  # the form again, with its error
    assert Finding.objects.get(pk=retraction.pk).status == "open"
    done = client.post(
        reverse(QUEUE), {**data, "apply": "1", "reason": "A different study"}, follow=True
    )
    assert "Dismiss: 1 done." in [str(m) for m in done.context["messages"]]
    decided = Finding.objects.get(pk=retraction.pk)
    assert (decided.status, decided.decision_reason, decided.decided_by) == (
        "dismissed",
        "A different study",
        reviewer,
    )


def test_an_editor_sees_the_queue_but_cannot_accept(
    client, staff_login, editor, retraction, catalogue
):
    staff_login(client, editor)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [retraction]
    assert response.context["action_form"] is None  # neither action is offered to an editor
    client.post(reverse(QUEUE), {"action": "accept", "_selected_action": [retraction.pk]})
    assert Finding.objects.get(pk=retraction.pk).status == "open"
    assert not Source.objects.get(pk=catalogue["study"].pk).retracted


def test_findings_and_runs_are_read_only(client, staff_login, reviewer, retraction):
    staff_login(client, reviewer)
    assert client.get(reverse("admin:watch_finding_add")).status_code == 403
    change = client.get(reverse("admin:watch_finding_change", args=[retraction.pk]))
    assert change.status_code == 200 and "PMID 99000001 was retracted" in change.content.decode()
    run = services.run_start(provider="pubmed")
    services.run_finish(
        run=run, outcome="failed", requests=3, findings=0, new_findings=0, error="HTTP 500 x"
    )
    runs = client.get(reverse("admin:watch_watchrun_changelist"))
    assert runs.status_code == 200
    assert list(runs.context["cl"].result_list) == [WatchRun.objects.get()]
    assert "HTTP 500 x" in runs.content.decode()
    assert client.get(reverse("admin:watch_watchrun_add")).status_code == 403
