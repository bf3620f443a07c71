"""Conditional requests, page caching and exact invalidation."""

import pytest

from ..queries import VERSION
from .conftest import NEW_TRIAL, add_new_trial

pytestmark = pytest.mark.django_db


def test_anonymous_page_carries_validators_and_public_cache_control(client, site):
    response = client.get(site["claims"][0].get_absolute_url())
    assert response["ETag"]
    assert response["Last-Modified"]
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]


def test_repeated_conditional_request_is_304_reading_only_the_version(
    client, site, django_assert_num_queries
):
    url = site["claims"][0].get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(VERSION):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_cached_page_is_served_reading_only_the_version(client, site, django_assert_num_queries):
    url = site["main"].get_absolute_url()
    client.get(url)
    with django_assert_num_queries(VERSION):
        response = client.get(url)
    assert response.status_code == 200
    assert b"Exosome serums" in response.content


def test_rerate_invalidates_the_page_on_the_next_request(
    client, site, system_user, django_capture_on_commit_callbacks
):
    claim = site["claims"][0]
    url = claim.get_absolute_url()
    first = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        add_new_trial(claim, system_user)
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert NEW_TRIAL.encode() in second.content


def test_signed_in_staff_get_fresh_private_pages(client, site, django_user_model, staff_login):
    staff = django_user_model.objects.create_user("ed", password="pw-123456789", is_staff=True)
    staff_login(client, staff)
    response = client.get(site["claims"][0].get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_the_claim_page_is_rendered_once_per_version_whatever_the_query_string(
    client, site, django_assert_num_queries
):
    url = site["claims"][0].get_absolute_url()
    first = client.get(url, {"utm_source": "newsletter"})
    with django_assert_num_queries(VERSION):  # another address, so no cached page: the document
        second = client.get(url, {"utm_source": "social"})
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "web/claim.html" in [t.name for t in first.templates]
    assert second.templates == []  # not rendered again


def test_content_version_command_moves_the_version_every_process_serves(client, site):
    """`manage.py content_version --bump` (operators, bench/run.py): new ETags everywhere."""
    import io

    from django.core.management import call_command

    url = site["main"].get_absolute_url()
    first = client.get(url)
    out = io.StringIO()
    call_command("content_version", "--bump", stdout=out)
    assert out.getvalue().endswith("(kept in the database)\n")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert again["ETag"] == f'W/"{out.getvalue().split()[0]}"'
