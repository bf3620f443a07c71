"""The index: built from published claims only, once per content version, in one query."""

import pytest

from claimcheck.claims import copycheck, services
from claimcheck.claims.copycheck import index as claim_index

from ...factories import EvidenceLinkFactory, ReviewerFactory, SubjectFactory
from ...queries import VERSION

pytestmark = pytest.mark.django_db

TEXT = "Snail mucin reduces wrinkles. Snail mucin heals acne scars overnight."


@pytest.fixture
def snail(system_user):
    subject = SubjectFactory(name="Snail mucin", slug="snail-mucin", aliases=["snail slime"])
    reviewer = ReviewerFactory()
    published = EvidenceLinkFactory(
        claim__subject=subject,
        claim__slug="snail-mucin-reduces-wrinkles",
        claim__text="Snail mucin reduces wrinkles",
        claim__outcome="Appearance of wrinkles",
    ).claim
    services.claim_submit_for_review(claim=published, by=system_user)
    published = services.claim_publish(claim=published, by=system_user, reviewer=reviewer)
    draft = EvidenceLinkFactory(
        claim__subject=subject,
        claim__slug="snail-mucin-heals-acne-scars",
        claim__text="Snail mucin heals acne scars",
        claim__outcome="Acne scars",
    ).claim
    return {"published": published, "draft": draft, "reviewer": reviewer}


def test_only_published_claims_are_matched_and_drafts_stay_invisible(snail):
    result = copycheck.check(TEXT)
    assert [m.claim.slug for m in result.matches] == ["snail-mucin-reduces-wrinkles"]
    match = result.matches[0]
    assert match.claim.url == "/claims/snail-mucin-reduces-wrinkles/"
    assert match.claim.verdict == snail["published"].current_rating.verdict
    assert match.claim.grade == snail["published"].current_rating.grade
    assert match.claim.score == snail["published"].current_rating.score
    # The draft's sentence is a claim nobody has checked publicly.
    assert [u.quote for u in result.unchecked] == ["Snail mucin heals acne scars overnight."]


def test_the_index_is_built_once_in_one_query_and_reused_until_content_changes(
    snail, django_assert_num_queries
):
    # Outside a request every check reads the content version (tests/queries.py).
    with django_assert_num_queries(VERSION + 1):  # published claims with subject and rating
        copycheck.check(TEXT)
    with django_assert_num_queries(2 * VERSION):  # the index is reused
        copycheck.check(TEXT)
        copycheck.check("Snail slime reduces wrinkles.")
    first = claim_index.current()
    assert claim_index.current() is first


def test_a_retracted_claim_leaves_the_index_when_the_content_version_moves(
    snail, system_user, django_capture_on_commit_callbacks
):
    assert copycheck.check(TEXT).matches
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_retract(claim=snail["published"], by=system_user, reason="Withdrawn.")
    assert copycheck.check(TEXT).matches == []


def test_a_newly_published_claim_is_found_after_the_version_moves(
    snail, system_user, django_capture_on_commit_callbacks
):
    assert [m.claim.slug for m in copycheck.check(TEXT).matches] == ["snail-mucin-reduces-wrinkles"]
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_submit_for_review(claim=snail["draft"], by=system_user)
        services.claim_publish(claim=snail["draft"], by=system_user, reviewer=snail["reviewer"])
    assert [m.claim.slug for m in copycheck.check(TEXT).matches] == [
        "snail-mucin-reduces-wrinkles",
        "snail-mucin-heals-acne-scars",
    ]
