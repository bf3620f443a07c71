"""Moderating check requests: new, accepted (a new claim), duplicate (a published claim) or
declined (a public reason); bulk actions in the admin; the public status page follows."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from claimcheck.claims import services
from claimcheck.claims.models import CheckRequest

from ..factories import ClaimFactory, EvidenceLinkFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("edna", password="x" * 16, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def _request(text="Snail mucin heals acne scars"):
    return services.check_request_submit(claim_text=text)


def _published(by):
    claim = EvidenceLinkFactory().claim
    claim = services.claim_submit_for_review(claim=claim, by=by)
    return services.claim_publish(claim=claim, by=by, reviewer=ReviewerFactory())


def _act(client, action, checks, **data):
    return client.post(
        reverse("admin:claims_checkrequest_changelist"),
        {"action": action, "_selected_action": [c.pk for c in checks], **data},
        follow=True,
    )


def test_declining_in_bulk_shows_the_reason_on_each_status_page(client, staff_login, editor):
    checks = [_request("Exosomes cure hair loss"), _request("Exosomes regrow hair")]
    staff_login(client, editor)
    asked = _act(client, "decline", checks)  # first the page asking for the reason
    assert "reason" in asked.context["form"].fields
    assert set(CheckRequest.objects.values_list("status", flat=True)) == {"new"}
    done = _act(client, "decline", checks, apply="1", reason="Outside skincare: hair loss.")
    assert "Decline: 2 done." in done.content.decode()
    client.logout()
    for check in checks:
        page = client.get(check.get_absolute_url()).content.decode()
        assert "Declined" in page and "Outside skincare: hair loss." in page


def test_a_decline_without_a_reason_is_refused_and_nothing_changes(client, staff_login, editor):
    check = _request()
    staff_login(client, editor)
    response = _act(client, "decline", [check], apply="1", reason="")
    assert response.context["form"].errors["reason"]
    assert CheckRequest.objects.get(pk=check.pk).status == "new"
    with pytest.raises(ValidationError):
        services.check_request_decline(check=check, by=editor, reason="   ")


def test_a_duplicate_links_the_published_verdict_on_the_status_page(client, staff_login, editor):
    published = _published(services.system_user())
    check = _request(published.text)
    staff_login(client, editor)
    _act(client, "mark_duplicate", [check], apply="1", claim=published.pk, reason="")
    stored = CheckRequest.objects.get(pk=check.pk)
    assert (stored.status, stored.claim) == ("duplicate", published)
    client.logout()
    page = client.get(check.get_absolute_url()).content.decode()
    assert "Already checked" in page
    assert published.get_absolute_url() in page


def test_accepting_links_a_new_claim_shown_only_once_it_is_published(editor, client):
    check = _request()
    draft = ClaimFactory()
    services.check_request_accept(check=check, by=editor, claim=draft)
    page = client.get(check.get_absolute_url()).content.decode()
    assert "we are checking it" in page.lower()
    assert draft.get_absolute_url() not in page  # a draft is never linked publicly


def test_the_claim_must_fit_the_decision(editor):
    check = _request()
    published = _published(services.system_user())
    with pytest.raises(ValidationError, match="duplicate"):
        services.check_request_accept(check=check, by=editor, claim=published)
    with pytest.raises(ValidationError, match="published claim"):
        services.check_request_mark_duplicate(check=check, by=editor, claim=ClaimFactory())
    assert CheckRequest.objects.get(pk=check.pk).status == "new"


def test_staff_without_the_moderation_right_cannot_decide(django_user_model):
    viewer = django_user_model.objects.create_user("vic", password="x" * 16, is_staff=True)
    check = _request()
    with pytest.raises(PermissionDenied):
        services.check_request_decline(check=check, by=viewer, reason="Spam.")
    assert CheckRequest.objects.get(pk=check.pk).status == "new"


def test_the_queue_filters_by_state_and_staff_cannot_add_requests(client, staff_login, editor):
    _request("one")
    declined = _request("two")
    services.check_request_decline(check=declined, by=editor, reason="Spam.")
    staff_login(client, editor)
    url = reverse("admin:claims_checkrequest_changelist")
    new_only = client.get(url, {"status__exact": "new"})
    assert [c.claim_text for c in new_only.context["cl"].result_list] == ["one"]
    assert client.get(reverse("admin:claims_checkrequest_add")).status_code == 403
