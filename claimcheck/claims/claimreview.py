"""schema.org ClaimReview for a published claim, as Google's fact-check guidelines want it.

Shared by the claim page (JSON-LD) and the API, so both describe a review the same way.
"""

from claimcheck.rubric import tables

from .models import Claim

ORGANISATION = {"@type": "Organization", "name": "ClaimCheck"}
GENERIC_CLAIMANT = Claim._meta.get_field("claimant").default  # "Marketing in general"


def _short(text, limit=75):
    """Google asks for claimReviewed under 75 characters."""
    return text if len(text) < limit else text[: limit - 2].rstrip() + "…"


def claim_review(*, claim, rating, base_url):
    """Return the ClaimReview dict for `claim` (published) whose site root is `base_url`."""
    verdict = tables.Verdict(claim.override_verdict or rating.verdict)
    label = tables.VERDICT_LABELS[verdict]
    item = {"@type": "Claim", "name": claim.text}
    # A generic claimant ("Marketing in general", the default, however it is typed) names no
    # one: schema.org's author is left out rather than filled with a category.
    claimant = " ".join(claim.claimant.split())
    if claimant and claimant.casefold() != GENERIC_CLAIMANT.casefold():
        item["author"] = {"@type": "Organization", "name": claimant}
    appearances = [_work(a) for a in getattr(claim, "appearance_list", [])]
    if appearances:
        item["appearance"] = appearances
        item["firstAppearance"] = appearances[0]
        if "datePublished" in appearances[0]:
            item["datePublished"] = appearances[0]["datePublished"]
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": base_url + claim.get_absolute_url(),
        "claimReviewed": _short(claim.text),
        "author": {**ORGANISATION, "url": base_url + "/"},
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "alternateName": label,
            "ratingValue": tables.CLAIMREVIEW_RATING[verdict],
            "bestRating": 5,
            "worstRating": 1,
            "ratingExplanation": claim.conclusion_summary,
        },
    }
    if claim.published_at:
        review["datePublished"] = claim.published_at.date().isoformat()
        # The review's last change: a re-rating, an override, an edit of its text.
        modified = max(claim.published_at, rating.created_at, claim.updated_at)
        review["dateModified"] = modified.date().isoformat()
    return review


def _work(appearance):
    """Where the claim was seen made, as a schema.org CreativeWork."""
    work = {"@type": "CreativeWork", "url": appearance.url}
    if appearance.first_seen:
        work["datePublished"] = appearance.first_seen.isoformat()
    return work
