"""Settings: the deployment checks pass in production mode, a placeholder secret stops
start-up, and SQLite is the default."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DEBUG", "SECURE_SSL_REDIRECT", "SECRET_KEY")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_pass_with_debug_off_and_a_real_secret():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="claimcheck.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_fail_with_a_weak_secret():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="short",
        ALLOWED_HOSTS="claimcheck.example.org",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.parametrize(("debug", "refused"), [("0", True), ("1", False)])
def test_the_placeholder_secret_key_stops_start_up_unless_debug(debug, refused):
    result = _manage("check", DEBUG=debug, SECRET_KEY="change-me")
    assert (result.returncode != 0) is refused, result.stderr
    assert ("SECRET_KEY is a placeholder" in result.stderr) is refused


def test_missing_secret_key_is_a_clear_configuration_error():
    result = _manage("check")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_sqlite_file_in_the_project_folder_is_the_default_database():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], "
        "settings.DATABASES['default']['NAME'])",
        SECRET_KEY="x",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == ROOT / "claimcheck.sqlite3"


def test_ssl_redirect_defaults_on_when_debug_is_off():
    code = "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT)"
    off = _manage("shell", "--no-imports", "-c", code, SECRET_KEY="x", DEBUG="0")
    on = _manage("shell", "--no-imports", "-c", code, SECRET_KEY="x", DEBUG="1")
    assert (off.stdout.strip(), on.stdout.strip()) == ("True", "False")


def test_empty_database_url_means_the_embedded_sqlite_file():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        SECRET_KEY="x",
        DATABASE_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
