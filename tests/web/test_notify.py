"""A check request may leave an e-mail address: used only to say when its status changes,
sent through Django's e-mail framework, and erased when the request closes. The mail goes
to a real SMTP server on this machine (aiosmtpd), as it would to a relay."""

import pytest

from claimcheck.claims import services
from claimcheck.claims.models import CheckRequest

from ..factories import ClaimFactory, EvidenceLinkFactory
from .conftest import publish

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"


@pytest.fixture
def smtp(smtp_server, settings):
    settings.SITE_URL = "https://claimcheck.example.org"
    return smtp_server


def submit(client, **extra):
    data = {"claim_text": "Snail mucin erases acne scars", **extra}
    response = client.post("/requests/new/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    return CheckRequest.objects.get(claim_text=data["claim_text"])


def text_of(message):
    # Django sends plain text as quoted-printable when lines are long; unfold soft breaks.
    return message["text"].replace("=\r\n", "").replace("=\n", "")


def test_the_form_takes_an_optional_address_and_never_shows_it(client):
    check = submit(client, notify_email=ADDRESS)
    assert check.notify_email == ADDRESS
    page = client.get(check.get_absolute_url()).content.decode()
    assert "We will e-mail you when the status changes" in page
    assert ADDRESS not in page
    assert "notify_email" not in [f.name for f in check.history.model._meta.fields]


def test_a_malformed_address_is_a_form_error_not_a_500(client):
    response = client.post(
        "/requests/new/", {"claim_text": "Snail mucin erases acne scars", "notify_email": "x@"}
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not CheckRequest.objects.exists()


def test_declining_mails_the_status_once_and_erases_the_address(
    client, smtp, system_user, django_capture_on_commit_callbacks
):
    check = submit(client, notify_email=ADDRESS)
    with django_capture_on_commit_callbacks(execute=True):
        services.check_request_decline(check=check, by=system_user, reason="Not a skin claim.")
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["to"] == [ADDRESS]
    body = text_of(message)
    assert "Subject: Your ClaimCheck request: Declined" in body
    assert "Its status is now: Declined. Not a skin claim." in body
    assert f"https://claimcheck.example.org{check.get_absolute_url()}" in body
    assert "we have now deleted it" in body
    check.refresh_from_db()
    assert check.notify_email == ""


def test_accepting_mails_and_keeps_the_address_until_the_verdict_is_published(
    client, smtp, system_user, django_capture_on_commit_callbacks
):
    from ..factories import ReviewerFactory

    check = submit(client, notify_email=ADDRESS)
    claim = ClaimFactory()
    EvidenceLinkFactory(claim=claim)
    with django_capture_on_commit_callbacks(execute=True):
        services.check_request_accept(check=check, by=system_user, claim=claim)
    assert len(smtp.messages) == 1
    assert "Accepted: we are checking it" in text_of(smtp.messages[0])
    check.refresh_from_db()
    assert check.notify_email == ADDRESS  # still open
    with django_capture_on_commit_callbacks(execute=True):
        publish(claim, system_user, ReviewerFactory())
    assert len(smtp.messages) == 2
    assert "now has a published verdict" in text_of(smtp.messages[1])
    check.refresh_from_db()
    assert check.notify_email == ""


def test_without_an_address_nothing_is_sent(
    client, smtp, system_user, django_capture_on_commit_callbacks
):
    check = submit(client)
    with django_capture_on_commit_callbacks(execute=True):
        services.check_request_decline(check=check, by=system_user, reason="Not a skin claim.")
    assert smtp.messages == []


def test_a_relay_that_is_down_does_not_undo_the_decision(
    client, settings, system_user, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    check = submit(client, notify_email=ADDRESS)
    with django_capture_on_commit_callbacks(execute=True):
        services.check_request_decline(check=check, by=system_user, reason="Not a skin claim.")
    check.refresh_from_db()
    assert check.status == "declined" and check.notify_email == ""
