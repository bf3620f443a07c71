"""Self-serve read keys through the site, as a developer meets them: ask with an e-mail
address, open the signed link the e-mail carries, confirm, copy the key (shown once), use
it, and revoke it from a "manage my keys" link. One test sends its mail to a real SMTP
server on the loopback; the others read Django's test outbox."""

import re
import time
from email import message_from_string
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client, TestCase
from rest_framework.test import APIClient

from claimcheck.accounts import services
from claimcheck.accounts.models import ApiKey

LINK = re.compile(r"https?://\S+/developers/keys/(?:confirm|manage)/\S+/")
ADDRESS = "dev@example.org"


def committed(request, *args, **kwargs):
    """Make a request whose transaction commits: mail is sent after commit, and in a `db`
    test nothing commits, so run the callbacks as the request's atomic block would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return request(*args, **kwargs)


def _link_path(body):
    found = LINK.search(body)
    assert found, body
    return urlsplit(found.group(0)).path


def ask_for_key(client, email=ADDRESS, address="10.0.0.1"):
    """Ask for a key on the page; the path of the confirmation link the e-mail carries."""
    sent = len(mail.outbox)
    response = committed(
        client.post, "/developers/keys/", {"key-email": email}, REMOTE_ADDR=address
    )
    assert response.status_code == 302, response.content.decode()
    assert len(mail.outbox) == sent + 1
    assert mail.outbox[-1].to == [email.strip().lower()]
    return _link_path(mail.outbox[-1].body)


def ask_to_manage(client, email=ADDRESS):
    response = committed(client.post, "/developers/keys/manage/", {"manage-email": email})
    assert response.status_code == 302
    return _link_path(mail.outbox[-1].body)


def confirm(client, path):
    """POST the confirmation page; (response, plaintext key or None)."""
    response = client.post(path)
    found = re.search(r'value="(cc_[0-9a-f]{8}_[^"]+)"', response.content.decode())
    return response, found and found.group(1)


def key_client(plaintext):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return api


def test_the_developers_page_links_the_key_page(client, db):
    response = client.get("/developers/")
    assert 'href="/developers/keys/"' in response.content.decode()


def test_the_key_page_has_labelled_email_fields_with_csrf(client, db, django_assert_num_queries):
    # None: the page is not cached, so not even the content version is read.
    with django_assert_num_queries(0):
        response = client.get("/developers/keys/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("csrfmiddlewaretoken") == 2
    assert '<label for="id_key-email">' in page and '<label for="id_manage-email">' in page
    assert "no-store" in response["Cache-Control"]  # the page carries a CSRF token


def test_every_form_refuses_a_post_without_its_csrf_token(db):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/developers/keys/")  # sets the CSRF cookie, as a visit would
    for path in ("/developers/keys/", "/developers/keys/manage/"):
        assert (
            browser.post(path, {"key-email": ADDRESS, "manage-email": ADDRESS}).status_code == 403
        )
    assert mail.outbox == []


def test_a_bad_email_is_a_400_with_the_error_by_its_field(client, db):
    response = client.post("/developers/keys/", {"key-email": "not an address"})
    assert response.status_code == 400
    assert "Enter a whole e-mail address" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert mail.outbox == []


def test_opening_the_link_shows_a_button_and_creates_nothing(client, db, django_assert_num_queries):
    path = ask_for_key(client)
    # Whether the link's nonce already issued a key.
    with django_assert_num_queries(1):
        response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert ADDRESS in page and "<button" in page and "csrfmiddlewaretoken" in page
    assert not ApiKey.objects.exists()


def test_confirming_issues_a_read_key_shown_once_and_stored_hashed(client, db):
    path = ask_for_key(client, email=" Dev@Example.ORG ")
    response, plaintext = confirm(client, path)
    assert response.status_code == 200 and plaintext
    key = ApiKey.objects.get()
    assert key.email == ADDRESS and not key.can_write and key.active
    assert plaintext.startswith(f"cc_{key.prefix}_") and plaintext not in key.hashed_key
    assert key.user.is_active and not key.user.is_staff and not key.user.has_usable_password()
    assert "no-store" in response["Cache-Control"]  # the key is never kept by a cache


def test_a_used_link_is_a_409_and_issues_no_second_key(client, db):
    path = ask_for_key(client)
    assert confirm(client, path)[1]
    again, plaintext = confirm(client, path)
    assert again.status_code == 409 and plaintext is None
    assert "already used" in again.content.decode()
    assert client.get(path).status_code == 409
    assert ApiKey.objects.count() == 1


def test_a_tampered_link_is_a_400(client, db):
    path = ask_for_key(client)
    token = path.rstrip("/").rsplit("/", 1)[1]
    value, signature = token.rsplit(":", 1)
    for forged in (f"{value}x:{signature}", f"{value}:{signature[:-2]}aa", "nonsense"):
        forged_path = f"/developers/keys/confirm/{forged}/"
        assert client.get(forged_path).status_code == 400
        response, plaintext = confirm(client, forged_path)
        assert response.status_code == 400 and plaintext is None
        assert "not valid" in response.content.decode()
    assert confirm(client, path)[1]  # the real link, unchanged, still works


def test_a_manage_link_cannot_confirm_a_key(client, db):
    path = ask_to_manage(client).replace("/manage/", "/confirm/")
    assert confirm(client, path)[0].status_code == 400
    assert not ApiKey.objects.exists()


def test_an_expired_link_is_a_410(client, db, monkeypatch, settings):
    settings.API_KEY_LINK_HOURS = 48
    real = time.time
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: real() - 48 * 3600 - 60)
        old = ask_for_key(client)
    fresh = ask_for_key(client)
    assert client.get(old).status_code == 410
    response, plaintext = confirm(client, old)
    assert response.status_code == 410 and plaintext is None
    assert "expired" in response.content.decode()
    assert confirm(client, fresh)[1]


def test_an_address_holds_at_most_the_limit_of_active_keys(client, db, settings):
    settings.API_KEY_SELF_SERVE_LIMIT = 2
    links = [ask_for_key(client) for _ in range(4)]
    assert confirm(client, links[0])[1] and confirm(client, links[1])[1]
    refused, plaintext = confirm(client, links[2])
    assert refused.status_code == 409 and plaintext is None
    assert "already holds 2 active keys" in refused.content.decode()
    assert ApiKey.objects.filter(email=ADDRESS).count() == 2
    # Another address has its own limit; revoking one frees a place.
    assert confirm(client, ask_for_key(client, email="other@example.org"))[1]
    manage = ask_to_manage(client)
    client.post(manage, {"prefix": ApiKey.objects.filter(email=ADDRESS).first().prefix})
    assert confirm(client, links[3])[1]


def test_requests_are_limited_per_address_and_per_ip(client, db, settings):
    settings.API_KEY_REQUEST_RATE = "2/hour"
    settings.API_KEY_REQUEST_RATE_IP = "3/hour"
    ask_for_key(client)
    ask_for_key(client)
    refused = committed(
        client.post, "/developers/keys/", {"key-email": ADDRESS}, REMOTE_ADDR="10.0.0.1"
    )
    assert refused.status_code == 429 and "Too many" in refused.content.decode()
    # Manage links count too, per address.
    assert client.post("/developers/keys/manage/", {"manage-email": ADDRESS}).status_code == 429
    ask_for_key(client, email="b@example.org", address="10.0.0.2")
    # The first IP asked three times (one refused): its fourth is refused for any address.
    blocked = committed(
        client.post, "/developers/keys/", {"key-email": "c@example.org"}, REMOTE_ADDR="10.0.0.1"
    )
    assert blocked.status_code == 429
    assert len(mail.outbox) == 3


def test_a_self_serve_key_cannot_write(client, db):
    plaintext = confirm(client, ask_for_key(client))[1]
    response = key_client(plaintext).post(
        "/api/v1/sources/", {"title": "x", "kind": "study"}, format="json"
    )
    assert response.status_code == 403


def test_the_manage_page_lists_only_its_addresses_keys(client, db, django_assert_num_queries):
    mine = [confirm(client, ask_for_key(client))[1] for _ in range(2)]
    confirm(client, ask_for_key(client, email="other@example.org"))
    path = ask_to_manage(client)
    # The address's keys.
    with django_assert_num_queries(1):
        response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 200
    for key in ApiKey.objects.filter(email=ADDRESS):
        assert f"cc_{key.prefix}_" in page
    other = ApiKey.objects.get(email="other@example.org")
    assert other.prefix not in page
    assert page.count("Revoke</button>") == 2 and "never" in page
    assert all(plaintext not in page for plaintext in mine)
    # Another address's key cannot be revoked from this link.
    refused = client.post(path, {"prefix": other.prefix})
    assert refused.status_code == 404
    other.refresh_from_db()
    assert other.active


def test_a_tampered_or_expired_manage_link_is_refused(client, db, monkeypatch):
    real = time.time
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: real() - 49 * 3600)
        old = ask_to_manage(client)
    assert client.get(old).status_code == 410
    assert client.get(old[:-3] + "x/").status_code == 400
    assert client.post(old[:-3] + "x/", {"prefix": "00000000"}).status_code == 400


def test_a_key_from_a_real_mail_server_works_until_it_is_revoked(client, db, smtp_server):
    response = committed(client.post, "/developers/keys/", {"key-email": ADDRESS})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    [message] = smtp_server.messages
    assert message["to"] == [ADDRESS]
    parsed = message_from_string(message["text"])
    assert parsed["Subject"] == "Your ClaimCheck API key: confirm your address"
    path = _link_path(parsed.get_payload(decode=True).decode())

    assert client.get(path).status_code == 200
    issued, plaintext = confirm(client, path)
    assert issued.status_code == 200 and plaintext

    api = key_client(plaintext)
    read = api.get("/api/v1/claims/")
    assert read.status_code == 200
    # Counted against the key's own limit, not the anonymous one.
    assert read["RateLimit-Policy"].startswith('"api_key"')
    key = ApiKey.objects.get()
    assert key.last_used_at is not None

    committed(client.post, "/developers/keys/manage/", {"manage-email": ADDRESS})
    manage_message = message_from_string(smtp_server.messages[1]["text"])
    manage = _link_path(manage_message.get_payload(decode=True).decode())
    listed = client.get(manage).content.decode()
    assert f"cc_{key.prefix}_" in listed and "never" not in listed  # last used is shown
    revoked = client.post(manage, {"prefix": key.prefix})
    assert revoked.status_code == 200 and "is revoked" in revoked.content.decode()
    assert api.get("/api/v1/claims/").status_code == 401


def test_a_self_serve_key_cannot_be_made_a_write_key_even_by_staff(client, db, system_user):
    confirm(client, ask_for_key(client))
    key = ApiKey.objects.get()
    with pytest.raises(ValidationError):  # the service refuses: its account may not draft
        services.api_key_update(by=system_user, key=key, name=key.name, can_write=True)
    with pytest.raises(IntegrityError), transaction.atomic():  # and so does the database
        ApiKey.objects.filter(pk=key.pk).update(can_write=True)
    key.refresh_from_db()
    assert not key.can_write
