"""Every model a claim page shows moves the content version when its change commits, so the
cached page is rebuilt (claimcheck/freshness: PUBLIC_MODELS and their signals). Each case
saves one model alone and runs the transaction's after-commit callbacks, as a real commit
would: a model left out of PUBLIC_MODELS leaves its case serving the stale page."""

import pytest

from claimcheck import freshness

pytestmark = pytest.mark.django_db

NEW = "Renamed after review"


def _rename(obj, field):
    setattr(obj, field, NEW)
    obj.save(update_fields=[field])


CHANGES = {
    "claims.Claim": lambda site: _rename(site["claims"][0], "text"),
    "claims.Subject": lambda site: _rename(site["main"], "name"),
    "claims.Source": lambda site: _rename(site["claims"][0].evidence.first().source, "title"),
    "claims.ReviewerProfile": lambda site: _rename(site["reviewer"], "name"),
    "claims.SafetySignal": lambda site: _rename(site["signal"], "title"),
    "claims.Concern": lambda site: _rename(site["concern"], "name"),
    "articles.Article": lambda site: _rename(site["article"], "title"),
    # Ratings are immutable (a re-rate writes a new one and moves the claim, the Claim case).
    "claims.EvidenceLink": lambda site: _rename(site["claims"][0].evidence.first(), "note"),
    "claims.VerdictChange": lambda site: _rename(
        site["claims"][0].verdict_history.order_by("-changed_at").first(), "reason"
    ),
}


# Models shown through a row the site fixture does not have: the row is written first (not
# committed, so the version stays), the page cached with it, then one field of it changed.
# Regulatory records and the transparency checklist show on the subject page, a claim's
# appearances in its page's ClaimReview data.
NEW_URL = "https://seller.example/renamed-after-review"


def _regulatory_record(site):
    from claimcheck.claims.models import RegulatoryRecord

    return RegulatoryRecord.objects.create(
        subject=site["main"], slug="no-approval", kind="no_approval", title="No approved product"
    )


def _transparency_item(site):
    from claimcheck.claims.models import TransparencyItem

    return TransparencyItem.objects.create(subject=site["main"], code="C1", status="fail")


def _appearance(site):
    from claimcheck.claims.models import ClaimAppearance

    return ClaimAppearance.objects.create(
        claim=site["claims"][0], url="https://seller.example/serum"
    )


def _pass(item):
    item.status, item.source_url = "pass", "https://maker.example/what-is-inside"
    item.save(update_fields=["status", "source_url"])


def _move(appearance):
    appearance.url = NEW_URL
    appearance.save(update_fields=["url"])


def _dismissed_finding(site):
    from django.utils import timezone

    from claimcheck.watch.models import Finding

    now = timezone.now()
    return Finding.objects.create(
        provider="fdaletters",
        kind="warning_letter",
        subject=site["claims"][0].subject,
        external_id="https://www.fda.gov/fake/letter",
        title="A letter",
        fingerprint="f" * 64,
        first_seen=now,
        last_seen=now,
        status="dismissed",
        decided_at=now,
        decision_reason="Another product",
    )


def _reopen(finding):
    finding.status, finding.decided_at, finding.decision_reason = "open", None, ""
    finding.save(update_fields=["status", "decided_at", "decision_reason"])


# model -> (write the shown row before caching, change it, which page, what the change shows)
ROWS = {
    # An open evidence-watch finding shows its notice on the claims it touches.
    "watch.Finding": (_dismissed_finding, _reopen, "claim", "Evidence update under review"),
    "claims.RegulatoryRecord": (_regulatory_record, lambda r: _rename(r, "title"), "subject", NEW),
    "claims.TransparencyItem": (_transparency_item, _pass, "subject", "✔ Yes"),
    "claims.ClaimAppearance": (_appearance, _move, "claim", NEW_URL),
}


def _case(site, model):
    """(the page's URL, the change, the text the changed page shows)."""
    if model in CHANGES:
        return site["claims"][0].get_absolute_url(), lambda: CHANGES[model](site), NEW
    write, change, page, shown = ROWS[model]
    row = write(site)
    obj = site["main"] if page == "subject" else site["claims"][0]
    return obj.get_absolute_url(), lambda: change(row), shown


def test_every_public_model_has_a_case():
    from claimcheck.freshness.apps import PUBLIC_MODELS

    # Ratings are immutable (a re-rate moves the claim). A check request's status page is
    # rendered on every request, never kept, so no kept page waits on its commits. A dated
    # dump is on no claim page; its case, the open-data page, is in test_dated_dumps.py.
    assert set(PUBLIC_MODELS) - set(CHANGES) - set(ROWS) == {
        "claims.Rating",
        "claims.CheckRequest",
        "snapshots.OpenDataSnapshot",
    }


@pytest.mark.parametrize("model", sorted(CHANGES) + sorted(ROWS))
def test_a_committed_change_to_one_shown_model_alone_rebuilds_the_cached_claim_page(
    client, site, model, django_capture_on_commit_callbacks
):
    url, change, NEW = _case(site, model)
    assert NEW not in client.get(url).content.decode()  # now cached at this version
    version = freshness.current()
    with django_capture_on_commit_callbacks() as callbacks:
        change()
    # Saved but not committed: the version and the cached page stay.
    assert freshness.current() == version
    assert NEW not in client.get(url).content.decode()
    for callback in callbacks:  # the commit
        callback()
    assert freshness.current() > version
    assert NEW in client.get(url).content.decode()
