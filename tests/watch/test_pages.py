"""Readers see "Evidence update under review" on the claim page and in the API while a finding
about the claim's evidence or subject is open, and not once a reviewer has decided it; the
flag costs no query of its own."""

import pytest

from claimcheck.watch import services
from tests.queries import COUNTED

pytestmark = pytest.mark.django_db

NOTICE = "Evidence update under review"


def record(source=None, subject=None):
    finding, _ = services.finding_record(
        provider="crossref",
        kind="retracted",
        title="DOI 10.99999/fake.1 was retracted",
        external_id="DOI:10.99999/fake.1",
        source=source,
        subject=subject,
    )
    return finding


def shows(client, claim):
    """Whether the page and the API flag the claim (after the transaction's commit
    callbacks, which move the content version as a real commit would)."""
    page = client.get(claim.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/claims/{claim.slug}/").json()["evidence_update_under_review"]
    assert (NOTICE in page) == api
    return api


def test_the_notice_shows_while_a_source_finding_is_open_and_goes_when_accepted(
    client, catalogue, reviewer, django_capture_on_commit_callbacks
):
    first, unrelated = catalogue["first"], catalogue["unrelated"]
    assert not shows(client, first)  # now cached at this version
    with django_capture_on_commit_callbacks(execute=True):
        finding = record(source=catalogue["study"])
    assert shows(client, first)  # the finding moved the content version: no stale page
    assert shows(client, catalogue["second"])
    assert not shows(client, unrelated)
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_accept(finding=finding, by=reviewer)
    assert not shows(client, first)


def test_a_subject_finding_flags_the_subjects_claims_until_dismissed(
    client, catalogue, reviewer, django_capture_on_commit_callbacks
):
    assert not shows(client, catalogue["first"])
    with django_capture_on_commit_callbacks(execute=True):
        finding = record(subject=catalogue["subject"])
    assert shows(client, catalogue["first"])
    assert not shows(client, catalogue["unrelated"])
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_dismiss(finding=finding, by=reviewer, reason="Another product")
    assert not shows(client, catalogue["first"])


def test_the_flag_adds_no_query_to_the_claim_detail(
    api_client, catalogue, django_assert_num_queries
):
    record(source=catalogue["study"])
    # The same seven queries as tests/api/test_reads.py: the flag is an EXISTS in the first.
    with django_assert_num_queries(COUNTED + 7):
        body = api_client.get(f"/api/v1/claims/{catalogue['first'].slug}/").json()
    assert body["evidence_update_under_review"] is True


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
