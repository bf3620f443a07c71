"""Writes through the services: drafts only, no mass assignment, per-object permission and
optimistic concurrency (If-Match: 428 without it, 412 when stale)."""

import pytest

from claimcheck.claims import services
from claimcheck.claims.models import Claim, EvidenceLink, Source

from ..factories import EvidenceLinkFactory, ReviewerFactory, SourceFactory, SubjectFactory
from .conftest import key_client, session_client

pytestmark = pytest.mark.django_db


def claim_body(subject, slug="partner-claim", **extra):
    return {
        "slug": slug,
        "subject": subject.slug,
        "text": "Snail mucin fades acne scars",
        "route": "topical_intact",
        "claim_type": "appearance",
        "outcome": "acne scars",
        "regulatory_code": "R4",
        **extra,
    }


@pytest.fixture
def partner_draft(write_key):
    client = key_client(write_key)
    response = client.post("/api/v1/claims/", claim_body(SubjectFactory()), format="json")
    assert response.status_code == 201, response.content
    return client, response


def test_partner_creates_a_draft_attributed_to_its_account(partner_draft, partner):
    client, response = partner_draft
    body = response.json()
    assert body["status"] == "draft"
    assert body["rating"] is None and body["claim_review"] is None
    assert response["Location"] == "http://testserver/api/v1/claims/partner-claim/"
    assert response["ETag"]
    claim = Claim.objects.get(slug="partner-claim")
    assert claim.history.get().history_user == partner
    # The partner can read its own draft, with the same ETag; the public cannot.
    again = client.get("/api/v1/claims/partner-claim/")
    assert again.status_code == 200 and again["ETag"] == response["ETag"]
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/claims/partner-claim/").status_code == 404


def test_workflow_and_computed_fields_cannot_be_set(write_key):
    client = key_client(write_key)
    body = claim_body(
        SubjectFactory(),
        status="published",
        current_rating=1,
        override_verdict="well_supported",
        reviewer=1,
    )
    response = client.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"status", "current_rating", "override_verdict", "reviewer"} <= set(fields)
    assert not Claim.objects.exists()


def test_duplicate_slug_is_a_400_naming_the_slug(partner_draft):
    client, _ = partner_draft
    subject = SubjectFactory()
    response = client.post("/api/v1/claims/", claim_body(subject), format="json")
    assert response.status_code == 400
    assert "slug" in response.json()["error"]["fields"]


def test_update_needs_if_match_and_refuses_a_stale_one(partner_draft):
    client, created = partner_draft
    url = "/api/v1/claims/partner-claim/"
    missing = client.patch(url, {"outcome": "scars"}, format="json")
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"
    first = client.patch(url, {"outcome": "scars"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert first.status_code == 200
    assert first.json()["outcome"] == "scars"
    assert first["ETag"] != created["ETag"]
    # A second writer still holding the first ETag loses, and nothing is written.
    stale = client.patch(
        url, {"outcome": "overwritten"}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    assert Claim.objects.get(slug="partner-claim").outcome == "scars"
    assert client.get(url)["ETag"] == first["ETag"]


def test_partner_links_evidence_then_submits_its_draft_for_review(partner_draft):
    client, created = partner_draft
    source = SourceFactory()
    # Judging risk of bias is a reviewer's call: an editor's key is refused and nothing is linked.
    judged = client.post(
        "/api/v1/claims/partner-claim/evidence/",
        {"source": source.pk, "direction": "supports", "risk_of_bias": "low"},
        format="json",
    )
    assert judged.status_code == 403
    assert "reviewer" in judged.json()["error"]["message"]
    assert not EvidenceLink.objects.filter(source=source).exists()
    linked = client.post(
        "/api/v1/claims/partner-claim/evidence/",
        {"source": source.pk, "direction": "supports"},
        format="json",
    )
    assert linked.status_code == 201, linked.content
    assert [e["source"]["id"] for e in linked.json()["evidence"]] == [source.pk]
    edited = client.patch(
        f"/api/v1/claims/partner-claim/evidence/{source.pk}/",
        {"note": "A small split-face trial."},
        format="json",
        HTTP_IF_MATCH=linked["ETag"],
    )
    assert edited.status_code == 200
    assert EvidenceLink.objects.get(source=source).note == "A small split-face trial."
    submitted = client.post("/api/v1/claims/partner-claim/submit/", HTTP_IF_MATCH=edited["ETag"])
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "in_review"
    assert body["rating"]["score"] is not None
    # Once in review it is no longer editable through the API.
    again = client.patch(
        "/api/v1/claims/partner-claim/", {"outcome": "x"}, HTTP_IF_MATCH=submitted["ETag"]
    )
    assert again.status_code == 409


def test_a_partner_cannot_see_or_change_another_partners_draft(partner_draft, other_write_key):
    client, created = partner_draft
    other = key_client(other_write_key)
    assert other.get("/api/v1/claims/partner-claim/").status_code == 404
    response = other.patch(
        "/api/v1/claims/partner-claim/", {"outcome": "x"}, HTTP_IF_MATCH=created["ETag"]
    )
    assert response.status_code == 404


def test_linking_evidence_with_a_stale_if_match_is_a_412_and_links_nothing(partner_draft):
    client, created = partner_draft
    source = SourceFactory()
    url = "/api/v1/claims/partner-claim/evidence/"
    body = {"source": source.pk, "direction": "supports"}
    stale = client.post(url, body, format="json", HTTP_IF_MATCH='"stale"')
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    assert not EvidenceLink.objects.filter(source=source).exists()
    # The same request with the claim's current ETag links it (If-Match is optional here).
    current = client.post(url, body, format="json", HTTP_IF_MATCH=created["ETag"])
    assert current.status_code == 201, current.content
    assert EvidenceLink.objects.filter(source=source).exists()


def test_editing_evidence_or_submitting_with_a_stale_if_match_is_a_412_and_changes_nothing(
    partner_draft,
):
    client, _ = partner_draft
    source = SourceFactory()
    linked = client.post(
        "/api/v1/claims/partner-claim/evidence/",
        {"source": source.pk, "direction": "supports"},
        format="json",
    )
    assert linked.status_code == 201
    edit_url = f"/api/v1/claims/partner-claim/evidence/{source.pk}/"
    stale_edit = client.patch(edit_url, {"note": "x"}, format="json", HTTP_IF_MATCH='"stale"')
    assert stale_edit.status_code == 412
    assert EvidenceLink.objects.get(source=source).note == ""
    stale_submit = client.post("/api/v1/claims/partner-claim/submit/", HTTP_IF_MATCH='"stale"')
    assert stale_submit.status_code == 412
    assert Claim.objects.get(slug="partner-claim").status == "draft"
    # With the current ETag both go through.
    edited = client.patch(edit_url, {"note": "y"}, format="json", HTTP_IF_MATCH=linked["ETag"])
    assert edited.status_code == 200
    submitted = client.post("/api/v1/claims/partner-claim/submit/", HTTP_IF_MATCH=edited["ETag"])
    assert submitted.status_code == 200, submitted.content


# In review: a 404 like a missing claim. Retracted: the public 410 tombstone (test_retractions).
@pytest.mark.parametrize(("state", "to_others"), [("in_review", 404), ("retracted", 410)])
def test_a_partner_reads_its_own_unpublished_claim_but_another_partners_key_does_not(
    partner_draft, other_write_key, system_user, state, to_others
):
    client, _ = partner_draft
    claim = Claim.objects.get(slug="partner-claim")
    EvidenceLinkFactory(claim=claim)
    services.claim_submit_for_review(claim=claim, by=system_user)
    if state == "retracted":
        services.claim_publish(claim=claim, by=system_user, reviewer=ReviewerFactory())
        services.claim_retract(claim=claim, by=system_user, reason="The trial was withdrawn.")
    url = "/api/v1/claims/partner-claim/"
    own = client.get(url)
    assert own.status_code == 200
    assert own.json()["status"] == state
    hidden = key_client(other_write_key).get(url)
    assert hidden.status_code == to_others
    assert "evidence" not in hidden.json()  # an error or a tombstone, never the claim itself
    if to_others == 404:
        assert hidden.json()["error"]["code"] == "not_found"
        # Word for word what a slug nobody wrote gets: the answer does not tell another
        # partner that the claim exists.
        missing = key_client(other_write_key).get("/api/v1/claims/no-such-claim/")
        assert missing.status_code == 404
        assert hidden.json() == missing.json()


def test_a_read_only_key_cannot_write(read_key):
    response = key_client(read_key).post(
        "/api/v1/claims/", claim_body(SubjectFactory()), format="json"
    )
    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_staff_editor_edits_any_draft_but_not_a_published_claim(
    editor, draft_claim, published_claim
):
    client = session_client(editor)
    url = f"/api/v1/claims/{draft_claim.slug}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"claimant": "Brand X"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert Claim.objects.get(pk=draft_claim.pk).claimant == "Brand X"
    published = client.get(f"/api/v1/claims/{published_claim.slug}/")
    refused = client.patch(
        f"/api/v1/claims/{published_claim.slug}/",
        {"claimant": "Brand X"},
        format="json",
        HTTP_IF_MATCH=published["ETag"],
    )
    assert refused.status_code == 409


def test_sources_are_created_once_per_identifier_and_edited_with_if_match(write_key):
    client = key_client(write_key)
    body = {"title": "A trial", "pmid": "31234567", "design": "rct", "year": 2021}
    created = client.post("/api/v1/sources/", body, format="json")
    assert created.status_code == 201, created.content
    duplicate = client.post("/api/v1/sources/", body, format="json")
    assert duplicate.status_code == 400
    assert "pmid" in duplicate.json()["error"]["fields"]
    url = created["Location"]
    stale = client.patch(url, {"participants": 80}, format="json", HTTP_IF_MATCH='"stale"')
    assert stale.status_code == 412
    edited = client.patch(url, {"participants": 80}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert edited.status_code == 200
    assert Source.objects.get(pmid="31234567").participants == 80


def test_an_invalid_source_identifier_is_refused_by_the_service(write_key):
    response = key_client(write_key).post(
        "/api/v1/sources/", {"title": "x", "nct": "NCT1", "design": "rct"}, format="json"
    )
    assert response.status_code == 400
    assert "nct" in response.json()["error"]["fields"]


def test_anonymous_check_request_is_stored_for_moderation(api):
    from claimcheck.claims.models import CheckRequest

    response = api.post(
        "/api/v1/check-requests/",
        {"claim_text": "Salmon sperm facials regrow collagen", "seen_at": "https://x.example/"},
        format="json",
    )
    assert response.status_code == 201
    request = CheckRequest.objects.get()
    assert request.status == "new"
    assert response.json()["status_url"].endswith(f"/requests/{request.public_id}/")


@pytest.mark.parametrize(
    ("body", "field", "kind"),
    [
        ({"claim_text": 12345}, "claim_text", "a number"),
        ({"claim_text": "0", "seen_at": "https://0.com", "details": 0}, "details", "a number"),
        ({"claim_text": "Snail slime cures acne", "details": True}, "details", "true or false"),
        ({"claim_text": "Snail slime cures acne", "seen_at": 1}, "seen_at", "a number"),
        ({"claim_text": ["Snail slime"]}, "claim_text", "an array"),
    ],
)
def test_a_check_request_field_of_the_wrong_json_type_is_a_400_naming_it(api, body, field, kind):
    from claimcheck.claims.models import CheckRequest

    response = api.post("/api/v1/check-requests/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        field: [f"Send this as a JSON string, not {kind}."]
    }
    assert not CheckRequest.objects.exists()


VALID_CHECK_REQUEST = {
    "claim_text": "Snail slime cures acne",
    "seen_at": "https://shop.example/snail",
    "details": "On the jar.",
}


@pytest.mark.parametrize("field", list(VALID_CHECK_REQUEST))
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "Send this as a JSON string, not a number."),
        (True, "Send this as a JSON string, not true or false."),
        (["a"], "Send this as a JSON string, not an array."),
        ({"a": "b"}, "Send this as a JSON string, not an object."),
        (None, "This field may not be null."),
    ],
)
def test_every_check_request_field_refuses_each_other_json_type(api, field, value, message):
    """Every string field of the body, with every JSON type that is not a string: a 400
    naming that field and nothing filed; the same body with the field valid is filed."""
    from claimcheck.claims.models import CheckRequest

    response = api.post(
        "/api/v1/check-requests/", {**VALID_CHECK_REQUEST, field: value}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {field: [message]}
    assert not CheckRequest.objects.exists()
    response = api.post("/api/v1/check-requests/", VALID_CHECK_REQUEST, format="json")
    assert response.status_code == 201
    assert CheckRequest.objects.get().details == "On the jar."


def test_numbers_are_not_taken_for_text_in_a_draft(write_key):
    client = key_client(write_key)
    body = claim_body(SubjectFactory(), slug=0, outcome=7.5, claimant=False)
    response = client.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"slug", "outcome", "claimant"}
    response = client.post("/api/v1/sources/", {"title": 1, "design": "rct"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title"}
    assert not Claim.objects.exists() and not Source.objects.exists()


def test_an_update_with_if_match_star_is_a_428_that_asks_for_the_etag(partner_draft):
    client, _ = partner_draft
    url = "/api/v1/claims/partner-claim/"
    response = client.patch(url, {"outcome": "scars"}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 428
    assert response.json()["error"]["message"] == (
        "If-Match: * does not stop a concurrent change from being overwritten: send the "
        "ETag you last read."
    )
    assert Claim.objects.get(slug="partner-claim").outcome != "scars"
