"""Staff register partners' endpoints and redeliver in the admin."""

import pytest

from claimcheck.accounts import services as key_services
from claimcheck.webhooks import services
from claimcheck.webhooks.models import Delivery, Endpoint

from .conftest import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(system_user):
    return key_services.api_key_create(by=system_user, name="Journal", user=system_user)[0]


def test_staff_register_an_endpoint_and_see_its_secret_once(superuser_client, key, receiver):
    answer = superuser_client.post(
        "/admin/webhooks/endpoint/add/",
        {"api_key": key.pk, "url": receiver.url, "events": ["claim.retracted"], "active": "on"},
        follow=True,
    )
    assert answer.status_code == 200
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["claim.retracted"]
    assert endpoint.secret in answer.content.decode()  # the one time it is shown
    page = superuser_client.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/")
    assert endpoint.secret not in page.content.decode()


def test_an_address_inside_a_private_network_is_a_form_error(superuser_client, key, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    answer = superuser_client.post(
        "/admin/webhooks/endpoint/add/",
        {"api_key": key.pk, "url": "https://169.254.169.254/latest/meta-data", "active": "on"},
    )
    assert answer.status_code == 200
    assert "inside a private network" in answer.content.decode()
    assert not Endpoint.objects.exists()


def test_deliver_again_sends_a_delivery_that_gave_up(
    superuser_client, key, receiver, system_user, django_capture_on_commit_callbacks, jobs_run_here
):
    receiver.mode = "fail"
    services.endpoint_create(key=key, url=receiver.url)
    published(system_user)
    services.events_fan_out()
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=8)
    receiver.mode = "ok"
    with django_capture_on_commit_callbacks(execute=True):
        answer = superuser_client.post(
            "/admin/webhooks/delivery/",
            {"action": "redeliver", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert answer.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.log.filter(manual=True).count() == 1
    page = superuser_client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/")
    assert page.status_code == 200
    assert "claim.published" in page.content.decode()
