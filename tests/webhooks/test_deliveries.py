"""Webhooks through a real local HTTP receiver: events read from the public history, signed
deliveries, retries with backoff, and receivers that are slow, failing or answer the wrong
status."""

import hashlib
import hmac
import html
import json
import re
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claimcheck.accounts import services as key_services
from claimcheck.claims import services as claim_services
from claimcheck.webhooks import services
from claimcheck.webhooks.models import Attempt, Delivery
from claimcheck.webhooks.tasks import tick

from .conftest import published

pytestmark = pytest.mark.django_db


def verify(secret, header, body, tolerance=300):
    """What the developers page tells a receiver to do, in Python."""
    fields = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(fields["t"])
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - timestamp) < tolerance


def deliver_due():
    return [services.delivery_attempt(delivery_id=pk) for pk in services.deliveries_take_due()]


def test_a_publish_reaches_the_endpoint_signed_with_its_secret(receiver, partner_key, system_user):
    endpoint, secret = services.endpoint_create(key=partner_key, url=receiver.url)
    claim = published(system_user)
    assert services.events_fan_out() == 1
    (delivery,) = deliver_due()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.last_status_code == 204
    ((headers, body),) = receiver.requests
    assert verify(secret, headers["ClaimCheck-Signature"], body)
    assert not verify("whsec_" + "0" * 48, headers["ClaimCheck-Signature"], body)
    assert not verify(secret, headers["ClaimCheck-Signature"], body + b" ")
    event = json.loads(body)
    assert event["type"] == headers["ClaimCheck-Event"] == "claim.published"
    assert event["id"] == headers["ClaimCheck-Delivery"]
    data = event["data"]["claim"]
    assert data["slug"] == claim.slug
    assert data["verdict"] == claim.shown_verdict
    assert data["api_url"] == f"https://claimcheck.example.org/api/v1/claims/{claim.slug}/"
    assert Attempt.objects.get(delivery=delivery).status_code == 204


def test_each_event_is_delivered_once_however_often_the_history_is_read(
    receiver, partner_key, system_user
):
    services.endpoint_create(key=partner_key, url=receiver.url)
    published(system_user)
    assert services.events_fan_out() == 1
    assert services.events_fan_out() == 0
    deliver_due()
    assert deliver_due() == []
    assert len(receiver.requests) == 1


def test_an_endpoint_gets_only_the_events_it_asked_for(receiver, partner_key, system_user):
    services.endpoint_create(key=partner_key, url=receiver.url, events=["claim.retracted"])
    claim = published(system_user)
    services.events_fan_out()
    assert not Delivery.objects.exists()
    claim_services.claim_retract(claim=claim, by=system_user, reason="The trial was withdrawn")
    services.events_fan_out()
    (delivery,) = Delivery.objects.all()
    assert delivery.event == "claim.retracted"
    assert delivery.payload["data"]["change"]["reason"] == "The trial was withdrawn"
    assert delivery.payload["data"]["claim"]["status"] == "retracted"


def test_an_override_that_moves_the_verdict_is_a_verdict_change(receiver, partner_key, system_user):
    claim = published(system_user)
    services.endpoint_create(key=partner_key, url=receiver.url)
    services.events_fan_out()
    Delivery.objects.all().delete()
    other = "unproven" if claim.shown_verdict != "unproven" else "caution"
    claim_services.claim_override(
        claim=claim, by=system_user, verdict=other, reason="A reviewer's judgement"
    )
    services.events_fan_out()
    (delivery,) = Delivery.objects.all()
    assert delivery.event == "claim.verdict_changed"
    change = delivery.payload["data"]["change"]
    assert (change["old_verdict"], change["new_verdict"]) == (claim.shown_verdict, other)


def test_a_failing_receiver_is_tried_again_with_a_doubling_wait_then_given_up(
    receiver, partner_key, system_user
):
    receiver.mode = "fail"
    services.endpoint_create(key=partner_key, url=receiver.url)
    published(system_user)
    services.events_fan_out()
    (delivery,) = deliver_due()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    waits = []
    while delivery.status == "pending":
        waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds() / 30))
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        (delivery,) = deliver_due()
    assert waits == [1, 2, 4, 8, 16, 32, 64]  # 30 s, doubled each time
    assert delivery.status == "failed" and delivery.attempts == services.MAX_ATTEMPTS
    assert Attempt.objects.filter(delivery=delivery).count() == services.MAX_ATTEMPTS
    assert len(receiver.requests) == services.MAX_ATTEMPTS


@pytest.mark.parametrize(
    ("mode", "status", "error"),
    [
        ("slow", None, "timed out"),
        ("wrong", 404, "answered 404"),
        ("redirect", 302, "answered 302"),  # never followed
    ],
)
def test_a_slow_or_wrong_answer_is_a_failed_attempt(
    receiver, partner_key, system_user, mode, status, error
):
    receiver.mode = mode
    services.endpoint_create(key=partner_key, url=receiver.url)
    published(system_user)
    services.events_fan_out()
    (delivery,) = deliver_due()
    assert delivery.status == "pending"
    assert delivery.last_status_code == status
    assert error in delivery.last_error
    assert len(receiver.requests) == 1  # the redirect's target was not asked


def test_a_delivery_queued_is_not_queued_again_while_its_attempt_waits(
    receiver, partner_key, system_user
):
    services.endpoint_create(key=partner_key, url=receiver.url)
    published(system_user)
    services.events_fan_out()
    assert len(services.deliveries_take_due()) == 1
    assert services.deliveries_take_due() == []
    later = timezone.now() + services.LEASE + timedelta(seconds=1)
    assert len(services.deliveries_take_due(now=later)) == 1  # a lost attempt comes back


def test_a_revoked_keys_endpoints_receive_nothing(receiver, partner_key, system_user):
    services.endpoint_create(key=partner_key, url=receiver.url)
    key_services.api_key_revoke(by=system_user, key=partner_key)
    published(system_user)
    assert services.events_fan_out() == 0


def test_the_scheduled_job_reads_the_history_and_delivers(
    receiver, partner_key, system_user, jobs_run_here
):
    services.endpoint_create(key=partner_key, url=receiver.url)
    published(system_user)
    assert tick.delay().get() == {"created": 1, "queued": 1}
    assert Delivery.objects.get().status == "delivered"
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.org/x", "https://"),
        ("https://127.0.0.1/x", "private network"),
        ("https://10.1.2.3/x", "private network"),
        ("https://169.254.169.254/latest", "private network"),
        ("https://user:pw@hooks.example.org/x", "user name"),
        ("ftp://hooks.example.org/x", "valid URL"),
    ],
)
def test_addresses_outside_https_or_inside_a_private_network_are_refused(
    partner_key, settings, url, message
):
    settings.WEBHOOKS_ALLOW_PLAIN_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ValidationError) as refused:
        services.endpoint_create(key=partner_key, url=url)
    assert message in " ".join(refused.value.messages)


def test_unknown_events_are_refused_with_the_list_of_events(receiver, partner_key):
    with pytest.raises(ValidationError) as refused:
        services.endpoint_create(key=partner_key, url=receiver.url, events=["claim.deleted"])
    text = " ".join(refused.value.messages)
    assert "claim.deleted" in text and "claim.retracted" in text


def test_the_code_on_the_developers_page_verifies_a_real_delivery(
    receiver, partner_key, system_user, client
):
    page = client.get("/developers/").content.decode()
    code = html.unescape(re.search(r"<pre><code>(.*?)</code></pre>", page, re.S).group(1))
    namespace = {}
    exec(code, namespace)  # noqa: S102 - our own page's example, run as a partner would
    verified = namespace["verified"]
    endpoint, secret = services.endpoint_create(key=partner_key, url=receiver.url)
    published(system_user)
    services.events_fan_out()
    deliver_due()
    ((headers, body),) = receiver.requests
    assert verified(secret, headers["ClaimCheck-Signature"], body)
    assert not verified(secret, headers["ClaimCheck-Signature"], body.replace(b"published", b"x"))
    old = int(time.time()) - 600  # correctly signed, ten minutes ago: a replay
    assert not verified(secret, f"t={old},v1={services.sign(secret, old, body)}", body)
