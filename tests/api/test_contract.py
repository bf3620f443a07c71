"""The OpenAPI description is valid, complete and kept: schemathesis drives every operation
in-process with generated input and checks each answer against the description.

Checks: not_a_server_error, status_code_conformance, content_type_conformance and
response_schema_conformance. Every operation gets 50 examples: reads anonymously, writes with
a write-enabled key (their answers are mostly 400s, which is the point). The runs are
derandomized, so a failure reproduces.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claimcheck.wsgi import application

from ..factories import EvidenceLinkFactory, SubjectFactory
from .conftest import publish

ROOT = Path(__file__).resolve().parents[2]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": list(HealthCheck),
}


@pytest.fixture
def seeded(system_user):
    """A little of everything, so list answers have rows to check against the schema."""
    link = EvidenceLinkFactory(source__doi="10.1000/abc", source__nct="NCT01234567")
    claim = publish(link.claim, system_user)
    alternative = publish(EvidenceLinkFactory().claim, system_user)
    claim.subject.alternatives.set([alternative.subject])
    SubjectFactory()
    return claim


@pytest.fixture
def wsgi_calls_keep_the_test_connection():
    """Like Django's test client: requests made straight through the WSGI handler must not
    close the test's connection (on PostgreSQL that would end the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, settings, seeded, wsgi_calls_keep_the_test_connection):
    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min"
        ),
    }
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


def _runner(operation, calls, *, max_examples, headers):
    label = f"{operation.method.upper()} {operation.path}"

    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=max_examples, **FUZZ)
    def check(case):
        calls[label] = calls.get(label, 0) + 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    return label, check


def run_operations(schema, *, max_examples, headers=None):
    """Drive each operation with generated cases; collect every failure, then report them all.
    (schemathesis' own pytest loader does not support pytest 9's nodes yet.)"""
    failures, calls = [], {}
    for result in schema.get_all_operations():
        label, check = _runner(result.ok(), calls, max_examples=max_examples, headers=headers)
        try:
            check()
        except Exception as error:  # noqa: BLE001 - every failure is reported below
            failures.append(f"{label}:\n{error}")
    assert not failures, "\n\n".join(failures)
    assert all(n >= max_examples for n in calls.values()), calls
    return len(calls)


def test_every_read_operation_answers_as_described(api_schema):
    assert run_operations(api_schema.include(method="GET"), max_examples=50) >= 12


@pytest.fixture
def partner_key(db, system_user):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from claimcheck.accounts import services

    user = get_user_model().objects.create_user(username="fuzz-partner")
    user.groups.add(Group.objects.get(name="Editor"))  # write keys act as an editor
    return services.api_key_create(by=system_user, name="Fuzz", user=user, can_write=True)[1]


def test_every_write_operation_answers_as_described(api_schema, partner_key):
    writes = api_schema.include(method=["POST", "PATCH"])
    headers = {"Authorization": f"Api-Key {partner_key}"}
    assert run_operations(writes, max_examples=50, headers=headers) >= 8


def test_known_objects_answer_as_described(api_schema, seeded):
    """Generated slugs mostly miss; real ones check the full detail bodies too."""
    values = {
        "/api/v1/claims/{slug}/": {"slug": seeded.slug},
        "/api/v1/claims/{slug}/history/": {"slug": seeded.slug},
        "/api/v1/subjects/{slug}/": {"slug": seeded.subject.slug},
        "/api/v1/sources/{id}/": {"id": seeded.evidence.first().source_id},
    }
    for path, parameters in values.items():
        case = api_schema[path]["GET"].Case(path_parameters=parameters)
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200, path


def test_description_is_valid_with_no_warnings():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            "/dev/null",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_routed_api_path_is_described_and_vice_versa(api, db):  # db: the rate limit
    from django.urls import get_resolver

    described = set(
        api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    )
    routed = set()
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) != "api/":
            continue
        for sub in pattern.url_patterns:
            route = str(sub.pattern)
            if route.startswith("v1/"):
                routed.add(
                    "/api/"
                    + route.replace("<slug:slug>", "{slug}")
                    .replace("<int:pk>", "{id}")
                    .replace("<int:source_id>", "{source_id}")
                )
    assert routed == described


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_interactive_docs_load_nothing_from_another_site(api, path, db):  # db: the rate limit
    response = api.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    for marker in ("https://", "http://", "//cdn", "fonts.g"):
        assert marker not in html.replace("http://testserver", ""), marker


@pytest.mark.parametrize(
    ("query", "media_type"),
    [
        ("", "application/vnd.oai.openapi"),
        ("?format=json", "application/vnd.oai.openapi+json"),
        ("?format=yaml", "application/vnd.oai.openapi"),
    ],
)
def test_the_description_is_served_as_json_when_its_address_asks(api, db, query, media_type):
    """Generators that fetch a URL take what it serves: ?format=json must be JSON."""
    response = api.get(f"/api/schema/{query}")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == media_type
    if "json" in media_type:
        assert response.json()["openapi"].startswith("3.")
    else:
        assert response.content.startswith(b"openapi: 3.")


def test_the_description_names_its_licence_and_contact_and_no_internal_notes(api, db):
    described = api.get("/api/schema/?format=json").json()
    info = described["info"]
    assert info["license"]["name"] == "CC BY 4.0"
    assert info["contact"]["url"] == "http://testserver/about/"
    texts = []

    def collect(node):
        if isinstance(node, dict):
            texts.extend(
                v for k, v in node.items() if k in ("description", "summary") and isinstance(v, str)
            )
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(described)
    assert len(texts) > 100
    internal = re.compile(r"\b(no|one|two|three|four|five|six|seven|eight|nine|\d+) quer(y|ies)\b")
    assert [text for text in texts if internal.search(text.lower())] == []


def _parameter(described, path, name):
    operation = described["paths"][path]["get"]
    return next(p for p in operation["parameters"] if p["name"] == name)


@pytest.mark.parametrize(
    ("path", "name", "values"),
    [
        ("/api/v1/claims/", "subject", ["no-such-subject", "é", "a b", "", "x" * 121]),
        ("/api/v1/claims/", "concern", ["acne_scars", "acne/scars", "", "x" * 61]),
        ("/api/v1/subjects/", "concern", ["acne", "ACNE-2", "é"]),
        ("/api/v1/signals/", "subject", ["retinol", "retinol!"]),
        ("/api/v1/search/", "q", ["retinol", "é", "", "   "]),
        ("/api/v1/claims/", "q", ["retinol", ""]),
    ],
)
def test_the_server_accepts_exactly_the_filter_values_the_description_allows(
    api, db, path, name, values
):
    """Slug filters say their pattern and length, and search says it needs a word, so a
    generated client or a fuzzer that keeps to the description is not refused."""
    import jsonschema

    described = api.get("/api/schema/?format=json").json()
    parameter = _parameter(described, path, name)
    for value in values:
        allowed = jsonschema.Draft202012Validator(parameter["schema"]).is_valid(value)
        status = api.get(path, {name: value}).status_code
        assert status == (200 if allowed else 400), (name, value, status)


def test_creates_declare_no_409_and_answer_a_duplicate_with_a_400_naming_the_field(api, db):
    described = api.get("/api/schema/?format=json").json()
    for path in ["/api/v1/claims/", "/api/v1/sources/"]:
        responses = described["paths"][path]["post"]["responses"]
        assert "409" not in responses and "400" in responses, path
    # Where a state can conflict (a claim that is no longer a draft), 409 stays declared.
    assert "409" in described["paths"]["/api/v1/claims/{slug}/evidence/"]["post"]["responses"]
