"""The access checks themselves (api/permissions.py), over real requests: the default for a
view that names none, the open POSTs' OPTIONS, and who counts as a staff session. The matrix
of callers and operations is tests/api/test_access.py; these are the parts mutation testing
found unread."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from claimcheck.accounts import services as key_services
from claimcheck.api.permissions import PublicCreate, PublicRead

from .conftest import _user, key_client, session_client

pytestmark = pytest.mark.django_db


class _Forgot(APIView):
    """A view that names no permission class: the settings' default (DenyAll) applies."""

    def get(self, request):
        return Response({"secret": True})


class _ReadsAndPosts(APIView):
    """A view that defines POST but is open only for reading."""

    permission_classes = [PublicRead]

    def get(self, request):
        return Response({})

    def post(self, request):
        return Response({"written": True})


class _CreatesAndDeletes(APIView):
    permission_classes = [PublicCreate]

    def post(self, request):
        return Response({})

    def delete(self, request):
        return Response({"deleted": True})


def test_a_view_that_names_no_permission_lets_nobody_in(admin_user):
    factory = APIRequestFactory()
    assert _Forgot.as_view()(factory.get("/")).status_code in (401, 403)
    request = factory.get("/")
    request.user = admin_user
    response = _Forgot.as_view()(request)
    assert response.status_code in (401, 403) and "secret" not in response.data


def test_open_reading_does_not_open_a_write_the_view_defines():
    factory = APIRequestFactory()
    assert _ReadsAndPosts.as_view()(factory.get("/")).status_code == 200
    assert _ReadsAndPosts.as_view()(factory.post("/", {}, format="json")).status_code in (401, 403)
    assert _CreatesAndDeletes.as_view()(factory.post("/", {}, format="json")).status_code == 200
    assert _CreatesAndDeletes.as_view()(factory.delete("/")).status_code in (401, 403)


@pytest.mark.parametrize("path", ["/api/v1/check/", "/api/v1/check-requests/"])
def test_the_open_posts_answer_options_without_credentials(api, path):
    response = api.options(path)
    assert response.status_code == 200
    assert "POST" in response["Allow"]


def test_a_key_of_a_staff_owner_reads_as_a_key_not_as_a_staff_session(draft_claim, system_user):
    owner = _user("staff-owner", is_staff=True)
    owner.user_permissions.set(Permission.objects.filter(codename="view_claim"))
    plaintext = key_services.api_key_create(by=system_user, name="Staff's", user=owner)[1]
    response = key_client(plaintext).get(f"/api/v1/claims/{draft_claim.slug}/")
    assert response.status_code == 404  # a read key sees published claims only


def test_a_signed_in_account_that_is_not_staff_is_not_a_staff_session(draft_claim):
    member = _user("member")  # not staff, though it holds the right to view claims
    member.user_permissions.set(Permission.objects.filter(codename="view_claim"))
    response = session_client(member).get(f"/api/v1/claims/{draft_claim.slug}/")
    assert response.status_code == 404
