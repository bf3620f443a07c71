"""The review workflow and its roles: editors draft and submit, reviewers judge, publish,
retract and override. Shown through the services (the one write path) and the admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from claimcheck.claims import services
from claimcheck.claims.models import Claim, EvidenceLink, Rating, VerdictChange

from ..factories import ClaimFactory, EvidenceLinkFactory, ReviewerFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(django_user_model):
    return django_user_model.objects.create_user("olly", password="x" * 16, is_staff=True)


def _draft():
    """A draft claim with one unjudged study (risk of bias not yet assessed)."""
    return EvidenceLinkFactory(risk_of_bias="not_assessed").claim


def _published(reviewer):
    claim = services.claim_submit_for_review(claim=_draft(), by=reviewer)
    return services.claim_publish(claim=claim, by=reviewer, reviewer=ReviewerFactory())


# The permission matrix, through the services.


def test_the_migration_creates_the_editor_and_reviewer_groups_with_distinct_rights():
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    reviewer = set(
        Group.objects.get(name="Reviewer").permissions.values_list("codename", flat=True)
    )
    assert {"add_claim", "change_claim", "change_evidencelink", "change_article"} <= editor
    assert editor < reviewer
    assert {"publish_claim", "override_verdict", "judge_evidence", "publish_article"} <= (
        reviewer - editor
    )


def test_an_editor_drafts_and_submits_but_cannot_publish(editor):
    claim = _draft()
    services.claim_upsert(by=editor, slug=claim.slug, fields={"outcome": "wrinkles"})
    claim = services.claim_submit_for_review(claim=claim, by=editor)
    assert claim.status == "in_review"
    with pytest.raises(PermissionDenied, match="reviewer"):
        services.claim_publish(claim=claim, by=editor, reviewer=ReviewerFactory())
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    assert not VerdictChange.objects.filter(claim=claim).exists()


def test_a_reviewer_publishes_retracts_and_overrides(reviewer):
    claim = _published(reviewer)
    assert claim.status == "published"
    services.claim_override(
        claim=claim, by=reviewer, verdict="caution", reason="Sold with an unapproved claim."
    )
    services.claim_retract(claim=claim, by=reviewer, reason="Withdrawn pending new evidence.")
    kinds = list(
        VerdictChange.objects.filter(claim=claim)
        .order_by("changed_at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["published", "override", "retracted"]


def test_an_editor_cannot_retract_override_or_rerate_a_published_claim(editor, reviewer):
    claim = _published(reviewer)
    for attempt in (
        lambda: services.claim_retract(claim=claim, by=editor, reason="No."),
        lambda: services.claim_override(claim=claim, by=editor, verdict="caution", reason="No."),
        lambda: services.claim_rerate(claim=claim, by=editor),
        lambda: services.claim_upsert(by=editor, slug=claim.slug, fields={"outcome": "acne"}),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.override_verdict, stored.outcome) == (
        "published",
        "",
        "fine lines",
    )


def test_only_a_reviewer_sets_judgement_flags(editor, reviewer):
    claim = _draft()
    source = SourceFactory()
    judged = {"direction": "supports", "risk_of_bias": "serious", "risk_of_bias_reason": "Open."}
    with pytest.raises(PermissionDenied, match="judgement"):
        services.evidence_link(by=editor, claim=claim, source=source, fields=judged)
    assert not EvidenceLink.objects.filter(source=source).exists()
    # The editor extracts; the reviewer judges the same link.
    link = services.evidence_link(
        by=editor, claim=claim, source=source, fields={"direction": "supports"}
    )
    with pytest.raises(PermissionDenied):
        services.evidence_link(by=editor, claim=claim, source=source, fields=judged)
    services.evidence_link(by=reviewer, claim=claim, source=source, fields=judged)
    link.refresh_from_db()
    assert (link.risk_of_bias, link.risk_of_bias_reason) == ("serious", "Open.")


def test_staff_without_a_role_can_change_nothing(outsider):
    claim = _draft()
    with pytest.raises(PermissionDenied):
        services.claim_upsert(by=outsider, slug=claim.slug, fields={"outcome": "acne"})
    with pytest.raises(PermissionDenied):
        services.claim_submit_for_review(claim=claim, by=outsider)
    assert Claim.objects.get(pk=claim.pk).outcome == "fine lines"


def test_nobody_edits_a_rating_in_place(reviewer, client, staff_login, admin_user):
    claim = _published(reviewer)
    rating = claim.current_rating
    rating.score = 1
    with pytest.raises(ValueError):
        rating.save()
    with pytest.raises(ValueError):
        Rating.objects.filter(pk=rating.pk).update(score=1)
    staff_login(client, admin_user)
    change = client.post(reverse("admin:claims_rating_change", args=[rating.pk]), {"score": 1})
    assert change.status_code == 403
    assert Rating.objects.get(pk=rating.pk).score != 1


def test_an_override_needs_a_public_reason_and_a_different_verdict(reviewer):
    claim = _published(reviewer)
    computed = claim.current_rating.verdict
    with pytest.raises(ValidationError, match="publicly"):
        services.claim_override(claim=claim, by=reviewer, verdict="caution", reason="  ")
    with pytest.raises(ValidationError, match="computed verdict"):
        services.claim_override(claim=claim, by=reviewer, verdict=computed, reason="Same.")
    assert Claim.objects.get(pk=claim.pk).override_verdict == ""


def test_the_override_shows_on_the_page_and_in_the_api_with_both_verdicts(
    reviewer, client, django_capture_on_commit_callbacks
):
    claim = _published(reviewer)
    computed = claim.current_rating.verdict_label
    # Public caches are invalidated after commit; run those callbacks as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_override(
            claim=claim, by=reviewer, verdict="caution", reason="Marketed for injection."
        )
    page = client.get(claim.get_absolute_url())
    text = page.content.decode()
    assert "Editorial override" in text and "Marketed for injection." in text
    assert computed in text
    body = client.get(f"/api/v1/claims/{claim.slug}/").json()
    assert body["verdict"] == "caution"
    assert body["override"]["reason"] == "Marketed for injection."
    assert body["rating"]["verdict"] == claim.current_rating.verdict
    history = client.get(f"/api/v1/claims/{claim.slug}/history/").json()
    kinds = [entry["kind"] for entry in history["results"]]
    assert "override" in kinds
    # Removing it is public too.
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_override(claim=claim, by=reviewer, verdict="", reason="Label corrected.")
    assert client.get(f"/api/v1/claims/{claim.slug}/").json()["override"] is None
    assert VerdictChange.objects.filter(claim=claim, kind="override_removed").exists()


def _shown(claim):
    return Claim.objects.values_list("shown_verdict", "shown_score").get(pk=claim.pk)


def test_the_stored_shown_verdict_follows_every_rating_and_override(
    reviewer, client, django_capture_on_commit_callbacks
):
    """Lists filter by the verdict shown and order by score from columns on the claim; the
    services keep them equal to the override, else the current rating."""
    claim = _published(reviewer)
    rating = claim.current_rating
    assert _shown(claim) == (rating.verdict, rating.score)
    computed = rating.verdict

    def listed(verdict):
        body = client.get("/api/v1/claims/", {"verdict": verdict}).json()
        return claim.slug in [row["slug"] for row in body["results"]]

    assert listed(computed) and not listed("caution")
    # Public caches are invalidated after commit; run those callbacks as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_override(claim=claim, by=reviewer, verdict="caution", reason="Recalled.")
    assert _shown(claim) == ("caution", rating.score)
    assert listed("caution") and not listed(computed)
    # A new rating keeps the override shown, with the new score.
    EvidenceLinkFactory(claim=claim, risk_of_bias="low")
    new = services.claim_rerate(claim=Claim.objects.get(pk=claim.pk), by=reviewer)
    assert _shown(claim) == ("caution", new.score)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_override(claim=claim, by=reviewer, verdict="", reason="Label corrected.")
    assert _shown(claim) == (new.verdict, new.score)
    assert listed(new.verdict)
    if new.verdict != "caution":
        assert not listed("caution")


def test_the_database_refuses_a_shown_verdict_that_contradicts_the_override(reviewer):
    claim = _published(reviewer)
    services.claim_override(claim=claim, by=reviewer, verdict="caution", reason="Recalled.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(shown_verdict="well_supported")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(shown_score=None)
    assert _shown(claim) == ("caution", claim.current_rating.score)


# The same rules in the admin.


def _changelist_action(client, action, claims, **data):
    return client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": action, "_selected_action": [c.pk for c in claims], **data},
        follow=True,
    )


def test_an_editor_submits_in_the_admin_but_is_not_offered_publish(client, staff_login, editor):
    claim = _draft()
    staff_login(client, editor)
    page = client.get(reverse("admin:claims_claim_changelist"))
    offered = [value for value, _ in page.context["action_form"].fields["action"].choices]
    assert "submit" in offered and "publish" not in offered and "override" not in offered
    response = _changelist_action(client, "submit", [claim])
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    # Posting the publish action anyway is refused by the admin; nothing changes.
    reviewer = ReviewerFactory()
    _changelist_action(client, "publish", [claim], apply="1", reviewer=reviewer.pk)
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_a_reviewer_publishes_in_the_admin_after_choosing_the_named_reviewer(
    client, staff_login, reviewer
):
    claim = services.claim_submit_for_review(claim=_draft(), by=reviewer)
    profile = ReviewerFactory(user=reviewer)
    staff_login(client, reviewer)
    form_page = _changelist_action(client, "publish", [claim])
    assert form_page.context["form"].initial["reviewer"] == profile
    assert Claim.objects.get(pk=claim.pk).status == "in_review"  # nothing yet
    done = _changelist_action(client, "publish", [claim], apply="1", reviewer=profile.pk)
    assert "Publish: 1 done." in done.content.decode()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.reviewer) == ("published", profile)


def test_a_failed_action_names_the_claim_and_changes_nothing(client, staff_login, reviewer):
    draft = _draft()
    staff_login(client, reviewer)
    response = _changelist_action(client, "retract", [draft], apply="1", reason="Because.")
    assert "Only a published claim can be retracted." in response.content.decode()
    assert Claim.objects.get(pk=draft.pk).status == "draft"


def test_retract_asks_for_a_reason_first(client, staff_login, reviewer):
    claim = _published(reviewer)
    staff_login(client, reviewer)
    missing = _changelist_action(client, "retract", [claim], apply="1", reason="")
    assert missing.context["form"].errors["reason"]
    assert Claim.objects.get(pk=claim.pk).status == "published"
    _changelist_action(client, "retract", [claim], apply="1", reason="A trial was retracted.")
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.retraction_reason) == ("retracted", "A trial was retracted.")


def test_override_action_sets_the_verdict_with_its_reason(client, staff_login, reviewer):
    claim = _published(reviewer)
    staff_login(client, reviewer)
    _changelist_action(
        client, "override", [claim], apply="1", verdict="caution", reason="Injected use."
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.override_verdict, stored.override_reason) == ("caution", "Injected use.")


def test_an_editor_sees_a_published_claim_read_only(client, staff_login, editor, reviewer):
    claim = _published(reviewer)
    staff_login(client, editor)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    refused = client.post(url, {"text": "Rewritten", "outcome": "acne"})
    assert refused.status_code == 403
    assert Claim.objects.get(pk=claim.pk).text == claim.text


def test_editors_see_judgement_flags_read_only_in_the_evidence_inline(client, staff_login, editor):
    claim = _draft()
    staff_login(client, editor)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    inline = page.context["inline_admin_formsets"][0]
    assert "risk_of_bias" not in inline.formset.forms[0].fields
    assert "direction" in inline.formset.forms[0].fields


def test_rating_preview_shows_before_and_after_when_a_randomised_trial_is_added(
    client, staff_login, reviewer
):
    # Published on one small uncontrolled study; then a reviewer links a large independent,
    # low-risk randomised trial. The page shows both ratings before anyone re-rates.
    claim = ClaimFactory()
    small = SourceFactory(design="case_series", participants=12, funding="manufacturer")
    services.evidence_link(by=reviewer, claim=claim, source=small, fields={"direction": "supports"})
    claim = _publish_existing(claim, reviewer)
    before = claim.current_rating
    trial = SourceFactory(design="rct", participants=400, funding="independent")
    services.evidence_link(
        by=reviewer,
        claim=claim,
        source=trial,
        fields={"direction": "supports", "risk_of_bias": "low"},
    )
    staff_login(client, reviewer)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    preview = page.context["adminform"].form  # the page rendered; check its HTML
    html = page.content.decode()
    assert preview is not None
    assert "The stored inputs now give a different rating." in html
    assert f"<td>{before.verdict_label}</td>" in html
    assert f"{before.score} ({before.grade})" in html
    # Nothing went live: the public rating is unchanged until a reviewer re-rates.
    assert Claim.objects.get(pk=claim.pk).current_rating_id == before.pk
    _changelist_action(client, "rerate", [claim])
    after = Claim.objects.get(pk=claim.pk).current_rating
    assert after.pk != before.pk and after.score > before.score
    assert f"{after.score} ({after.grade})" in html
    again = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "nothing would change" in again


def _publish_existing(claim, reviewer):
    claim = services.claim_submit_for_review(claim=claim, by=reviewer)
    return services.claim_publish(claim=claim, by=reviewer, reviewer=ReviewerFactory())


def test_a_reviewer_signs_only_under_a_profile_whose_account_may_sign(reviewer, editor):
    """F13: a published verdict names a reviewer who can answer for it; a profile with no
    account (or an editor's) cannot be named by staff. Commands (the system account) publish
    the curated starter data under its unlinked editorial profile."""
    from claimcheck.claims.models import ReviewerProfile

    unlinked = ReviewerProfile.objects.create(slug="nobody", name="Nobody", credentials="MD")
    editors = ReviewerProfile.objects.create(
        slug="editor-profile", name="Edna", credentials="BA", user=editor
    )
    for profile in (unlinked, editors):
        claim = services.claim_submit_for_review(claim=_draft(), by=reviewer)
        with pytest.raises(ValidationError, match="cannot sign a verdict"):
            services.claim_publish(claim=claim, by=reviewer, reviewer=profile)
        assert Claim.objects.get(pk=claim.pk).status == "in_review"
    own = ReviewerProfile.objects.create(slug="rita", name="Rita", credentials="MD", user=reviewer)
    claim = services.claim_submit_for_review(claim=_draft(), by=reviewer)
    assert services.claim_publish(claim=claim, by=reviewer, reviewer=own).status == "published"
    system = services.claim_submit_for_review(claim=_draft(), by=services.system_user())
    published = services.claim_publish(claim=system, by=services.system_user(), reviewer=unlinked)
    assert published.status == "published"


def test_the_publish_form_offers_only_profiles_that_may_sign(reviewer):
    from claimcheck.claims.admin import PublishForm
    from claimcheck.claims.models import ReviewerProfile

    ReviewerProfile.objects.create(slug="nobody", name="Nobody", credentials="MD")
    own = ReviewerProfile.objects.create(slug="rita", name="Rita", credentials="MD", user=reviewer)
    assert list(PublishForm().fields["reviewer"].queryset) == [own]
