"""The admin answers at ADMIN_PATH (and only there); a malformed value stops start-up."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import clear_url_caches, reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_at(settings):
    """Rebuild the URLconf with settings.ADMIN_PATH set as a deployment would set it."""
    urlconf = importlib.import_module(settings.ROOT_URLCONF)

    def move(path):
        settings.ADMIN_PATH = path
        importlib.reload(urlconf)
        clear_url_caches()

    yield move
    settings.ADMIN_PATH = "admin/"  # the settings fixture restores the rest after this
    importlib.reload(urlconf)
    clear_url_caches()


def test_the_admin_answers_at_a_custom_path_and_not_at_the_default(
    admin_at, client, staff, staff_login
):
    admin_at("staff-desk/")
    assert reverse("admin:index") == "/staff-desk/"
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    response = client.get("/staff-desk/")
    assert response.status_code == 302
    assert response["Location"] == "/staff-desk/login/?next=/staff-desk/"
    assert client.get("/staff-desk/2fa/setup/").status_code == 200
    staff_login(client, staff)
    assert client.get("/staff-desk/").status_code == 200


def test_the_default_admin_path_is_admin(client):
    assert reverse("admin:index") == "/admin/"
    assert reverse("accounts:totp-enroll") == "/admin/2fa/setup/"


@pytest.mark.parametrize("value", ["staff", "/staff/", "../staff/", "staff desk/"])
def test_a_malformed_admin_path_is_a_clear_configuration_error(value):
    environment = {**os.environ, "SECRET_KEY": "x", "DEBUG": "0", "ADMIN_PATH": value}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ADMIN_PATH" in result.stderr
