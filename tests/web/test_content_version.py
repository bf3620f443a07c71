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


@pytest.mark.parametrize("model", sorted(CHANGES))
def test_a_committed_change_to_one_shown_model_alone_rebuilds_the_cached_claim_page(
    client, site, model, django_capture_on_commit_callbacks
):
    url = site["claims"][0].get_absolute_url()
    assert NEW not in client.get(url).content.decode()  # now cached at this version
    version = freshness.current()
    with django_capture_on_commit_callbacks() as callbacks:
        CHANGES[model](site)
    # Saved but not committed: the version and the cached page stay.
    assert freshness.current() == version
    assert NEW not in client.get(url).content.decode()
    for callback in callbacks:  # the commit
        callback()
    assert freshness.current() > version
    assert NEW in client.get(url).content.decode()
