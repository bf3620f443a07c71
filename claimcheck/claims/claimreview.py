"""schema.org ClaimReview for a published claim, as Google's fact-check guidelines want it.

Shared by the claim page (JSON-LD) and the API, so both describe a review the same way.
"""

from claimcheck.rubric import tables

ORGANISATION = {"@type": "Organization", "name": "ClaimCheck"}


def _short(text, limit=75):
    """Google asks for claimReviewed under 75 characters."""
    return text if len(text) < limit else text[: limit - 2].rstrip() + "…"


def claim_review(*, claim, rating, base_url):
    """Return the ClaimReview dict for `claim` (published) whose site root is `base_url`."""
    verdict = tables.Verdict(claim.override_verdict or rating.verdict)
    label = tables.VERDICT_LABELS[verdict]
    item = {"@type": "Claim", "name": claim.text}
    if claim.claimant and claim.claimant != "Marketing in general":
        item["author"] = {"@type": "Organization", "name": claim.claimant}
    appearances = [a.url for a in getattr(claim, "appearance_list", [])]
    if appearances:
        item["firstAppearance"] = appearances[0]
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
    return review
