"""Hand-built JSON for the read paths: plain dicts, no serializer machinery (issue 7 measured
DRF serializers at about 40% of a detail's time). The shapes are documented for OpenAPI by the
serializers in docs.py, and checked against them by the schemathesis test."""

from django.urls import NoReverseMatch, get_script_prefix, reverse

from claimcheck.claims import claimreview
from claimcheck.rubric import tables

PLACEHOLDERS = {"slug": "0slug0", "pk": "987654321"}


# Addresses the read paths link to: {key: (URL name, its one argument)}.
ROUTES = {
    "claim": ("web:claim", "slug"),
    "subject": ("web:subject", "slug"),
    "article": ("articles:detail", "slug"),
    "api:claim": ("api:claim", "slug"),
    "api:claim-history": ("api:claim-history", "slug"),
    "api:subject": ("api:subject", "slug"),
    "api:source": ("api:source", "pk"),
    "api:article": ("api:article", "slug"),
    "api:signal": ("api:signal", "slug"),
    "api:webhook": ("api:webhook", "pk"),
}
_paths = {}  # script prefix -> {key: (head, tail) or None}: reverse() once per process


def _path_templates():
    prefix = get_script_prefix()
    found = _paths.get(prefix)
    if found is None:
        found = {}
        for key, (name, kwarg) in ROUTES.items():
            placeholder = PLACEHOLDERS[kwarg]
            try:
                found[key] = tuple(reverse(name, kwargs={kwarg: placeholder}).split(placeholder))
            except NoReverseMatch:
                found[key] = None
        _paths[prefix] = found
    return found


class Urls:
    """Absolute URLs for one request: each kind's path reversed once per process, then string
    joins per row."""

    def __init__(self, request):
        self.base = f"{request.scheme}://{request.get_host()}"
        paths = _path_templates()

        def based(key):
            path = paths[key]
            return None if path is None else (self.base + path[0], path[1])

        self._claim = based("claim")
        self._subject = based("subject")
        # The article pages may not be routed yet; their documented path is /articles/<slug>/.
        self._article = based("article") or (self.base + "/articles/", "/")
        self._api = {
            name: based(f"api:{name}")
            for name in (
                "claim",
                "claim-history",
                "subject",
                "source",
                "article",
                "signal",
                "webhook",
            )
        }

    @staticmethod
    def _join(template, value):
        head, tail = template
        return f"{head}{value}{tail}"

    def claim(self, slug):
        return self._join(self._claim, slug)

    def subject(self, slug):
        return self._join(self._subject, slug)

    def article(self, slug):
        return self._join(self._article, slug)

    def api(self, name, value):
        return self._join(self._api[name], value)


def _verdict(claim):
    """The verdict shown: the editorial override if set, else the rating's."""
    rating = claim.current_rating
    value = claim.override_verdict or (rating.verdict if rating else "")
    if not value:
        return None, None, None
    verdict = tables.Verdict(value)
    return verdict.value, tables.VERDICT_LABELS[verdict], tables.GRADES[verdict]


def subject_ref(subject, urls):
    return {
        "slug": subject.slug,
        "name": subject.name,
        "kind": subject.kind,
        "url": urls.subject(subject.slug),
        "api_url": urls.api("subject", subject.slug),
    }


def claim_ref(claim, urls):
    verdict, label, grade = _verdict(claim)
    return {
        "slug": claim.slug,
        "text": claim.text,
        "verdict": verdict,
        "verdict_label": label,
        "grade": grade,
        "score": claim.current_rating.score if claim.current_rating else None,
        "url": urls.claim(claim.slug),
        "api_url": urls.api("claim", claim.slug),
    }


def claim_summary(claim, urls):
    verdict, label, grade = _verdict(claim)
    return {
        "slug": claim.slug,
        "url": urls.claim(claim.slug),
        "api_url": urls.api("claim", claim.slug),
        "text": claim.text,
        "claimant": claim.claimant,
        "subject": subject_ref(claim.subject, urls),
        "route": claim.route,
        "claim_type": claim.claim_type,
        "outcome": claim.outcome,
        "regulatory_code": claim.regulatory_code,
        "verdict": verdict,
        "verdict_label": label,
        "grade": grade,
        "score": claim.current_rating.score if claim.current_rating else None,
        "overridden": bool(claim.override_verdict),
        "conclusion_summary": claim.conclusion_summary,
        "published_at": claim.published_at,
        "updated_at": claim.updated_at,
        "status": claim.status,
        "retracted_at": getattr(claim, "retracted_at", None),
        "retraction_reason": claim.retraction_reason or None,
    }


def retraction(notice, urls):
    """What a retracted claim's address answers (with 410): what was claimed, when it was
    retracted and why, and where its history stays readable."""
    claim = notice.claim
    return {
        "slug": claim.slug,
        "text": claim.text,
        "subject": subject_ref(claim.subject, urls),
        "status": "retracted",
        "retracted_at": notice.retracted_at,
        "retraction_reason": notice.reason,
        "url": urls.claim(claim.slug),
        "history_url": urls.api("claim-history", claim.slug),
    }


def rating(rating):
    verdict = tables.Verdict(rating.verdict)
    return {
        "verdict": verdict.value,
        "verdict_label": tables.VERDICT_LABELS[verdict],
        "grade": rating.grade,
        "score": rating.score,
        "composite": rating.composite,
        "verdict_rule": rating.verdict_rule,
        "regulatory": {"code": rating.r_code, "points": rating.r_points},
        "evidence": {
            "level": rating.e_level,
            "direction": rating.e_direction,
            "points": rating.e_points,
            "independent_concordant": rating.independent_concordant,
        },
        "transparency": {"points": rating.t_points},
        "factors": [
            {
                "code": factor["code"],
                "dimension": factor["dimension"],
                "effect": factor.get("effect"),
                "sentence": factor["sentence"],
                "sources": list(factor.get("sources") or []),
            }
            for factor in rating.factors
        ],
        "safety_signals": list(rating.safety_signals),
        "rubric_version": rating.rubric_version,
        "inputs_sha256": rating.inputs_sha256,
        "rated_at": rating.created_at,
    }


def source(source, urls):
    return {
        "id": source.pk,
        "api_url": urls.api("source", source.pk),
        "key": source.key,
        "kind": source.kind,
        "title": source.title,
        "authors": source.authors,
        "publisher": source.publisher,
        "year": source.year,
        "pmid": source.pmid,
        "doi": source.doi,
        "nct": source.nct,
        "fda_number": source.fda_number,
        "fda_reference": source.fda_reference,
        "links": [{"label": label, "url": url} for label, url in source.links],
        "design": source.design,
        "population": source.population,
        "participants": source.participants,
        "funding": source.funding,
        "manufacturer_affiliated": source.manufacturer_affiliated,
        "peer_reviewed": source.peer_reviewed,
        "registered": source.registered,
        "retracted": source.retracted,
        "summary": source.summary,
        "provisional_note": source.provisional_note,
        "verified_on": source.verified_on,
        "verified_how": source.verified_how,
        "updated_at": source.updated_at,
    }


def how_much_it_helps(claim, urls):
    return {
        "effect_size": claim.effect_size,
        "effect_size_label": claim.get_effect_size_display(),
        "text": claim.effect_size_text,
        "source": source(claim.effect_size_source, urls) if claim.effect_size_source else None,
    }


def before_you_use_it(claim, urls):
    if claim.label_source is None:
        return None
    return {
        "pregnancy": claim.label_pregnancy,
        "who_should_not_use": claim.label_do_not_use,
        "common_side_effects": claim.label_side_effects,
        "source": source(claim.label_source, urls),
    }


def evidence(link, urls):
    return {
        "source": source(link.source, urls),
        "direction": link.direction,
        "on_outcome": link.on_outcome,
        "direct": not (
            link.indirect_population or link.indirect_intervention or link.indirect_outcome
        ),
        "below_mid": link.below_mid,
        "risk_of_bias": link.risk_of_bias,
        "note": link.note,
        "provisional": link.provisional,
    }


def signal_ref(signal, urls):
    return {
        "slug": signal.slug,
        "api_url": urls.api("signal", signal.slug),
        "title": signal.title,
        "issuer": signal.issuer,
        "kind": signal.kind,
        "date": signal.date,
        "status": signal.status,
        "url": signal.url,
    }


def signal(signal, urls):
    return {
        **signal_ref(signal, urls),
        "product_class": signal.product_class,
        "routes": list(signal.routes),
        "claim_types": list(signal.claim_types),
        "origins": list(signal.origins),
        "setting": signal.setting,
        "summary": signal.summary,
        "subjects": [subject_ref(s, urls) for s in signal.subjects.all()],
    }


def alternative(subject, urls):
    return {
        **subject_ref(subject, urls),
        "claims": [claim_ref(c, urls) for c in subject.published_claims],
    }


def record(record):
    return {
        "slug": record.slug,
        "kind": record.kind,
        "title": record.title,
        "indication": record.indication,
        "date": record.date,
        "url": record.url,
    }


def reviewer(profile):
    if profile is None:
        return None
    return {"name": profile.name, "credentials": profile.credentials}


def claim_detail(detail, urls):
    claim = detail["claim"]
    current = claim.current_rating
    review = None
    if claim.status == "published" and current is not None:
        claim.appearance_list = detail["appearances"]
        review = claimreview.claim_review(claim=claim, rating=current, base_url=urls.base)
    override = None
    if claim.override_verdict:
        verdict = tables.Verdict(claim.override_verdict)
        override = {
            "verdict": verdict.value,
            "verdict_label": tables.VERDICT_LABELS[verdict],
            "reason": claim.override_reason,
        }
    return {
        **claim_summary(claim, urls),
        "status": claim.status,
        # An open evidence-watch finding on one of its sources or its subject (claims
        # selectors' CLAIM_FLAGS: computed in the claim's own query).
        "evidence_update_under_review": bool(getattr(claim, "evidence_update_under_review", False)),
        "regulatory_note": claim.regulatory_note,
        "conclusion": claim.conclusion,
        "how_much_it_helps": how_much_it_helps(claim, urls),
        "before_you_use_it": before_you_use_it(claim, urls),
        "rating": rating(current) if current else None,
        "override": override,
        "evidence": [evidence(link, urls) for link in detail["evidence"]],
        "safety_signals": [signal_ref(s, urls) for s in detail["signals"]],
        "alternatives": [alternative(s, urls) for s in detail["alternatives"]],
        "appearances": [
            {"url": a.url, "first_seen": a.first_seen, "note": a.note}
            for a in detail["appearances"]
        ],
        "regulatory_records": [record(r) for r in detail["records"]],
        "reviewer": reviewer(claim.reviewer),
        "reviewed_at": claim.reviewed_at,
        "history_url": urls.api("claim-history", claim.slug),
        "claim_review": review,
    }


def verdict_change(change):
    def label(value):
        return tables.VERDICT_LABELS[tables.Verdict(value)] if value else None

    return {
        "kind": change.kind,
        "old_verdict": change.old_verdict or None,
        "old_verdict_label": label(change.old_verdict),
        "new_verdict": change.new_verdict or None,
        "new_verdict_label": label(change.new_verdict),
        "old_score": change.old_score,
        "new_score": change.new_score,
        "rubric_version": change.rubric_version,
        "reason": change.reason,
        "changed_at": change.changed_at,
    }


def subject_summary(subject, urls, claim_count):
    return {
        **subject_ref(subject, urls),
        "claim_count": claim_count,
        "brand": subject.brand,
        "aliases": list(subject.aliases or []),
        "trade_names": list(subject.trade_names or []),
        "summary": subject.summary,
        "concerns": [{"slug": c.slug, "name": c.name} for c in subject.concerns.all()],
        "updated_at": subject.updated_at,
    }


def subject_detail(page, urls):
    subject = page["subject"]
    return {
        **subject_summary(subject, urls, len(page["claims"])),
        "source_origin": subject.source_origin,
        "biologic": subject.biologic,
        "claims": [claim_ref(c, urls) for c in page["claims"]],
        "alternatives": [alternative(s, urls) for s in page["alternatives"]],
        "transparency": [
            {
                "code": item.code,
                "text": item.get_code_display().split(": ", 1)[-1],
                "status": item.status,
                "source_url": item.source_url,
                "note": item.note,
            }
            for item in page["transparency"]
        ],
        "regulatory_records": [record(r) for r in page["records"]],
        "safety_signals": [signal_ref(s, urls) for s in page["signals"]],
        "articles": [article_ref(a, urls) for a in page["articles"]],
    }


def article_ref(article, urls):
    return {
        "slug": article.slug,
        "title": article.title,
        "url": urls.article(article.slug),
        "api_url": urls.api("article", article.slug),
    }


def article_reviewer(profile):
    """An article's medical reviewer: the claim shape plus whether the review is provisional
    (the article page says so too)."""
    if profile is None:
        return None
    return {**reviewer(profile), "provisional": profile.provisional}


def article_summary(article, urls):
    return {
        **article_ref(article, urls),
        "summary": article.summary,
        "author_name": article.author_name,
        "reviewer": article_reviewer(article.reviewer),
        "published_at": article.published_at,
        "reviewed_at": article.reviewed_at,
        "updated_at": article.updated_at,
    }


def article_detail(page, urls):
    article = page["article"]
    return {
        **article_summary(article, urls),
        "body": article.body,
        "body_html": str(page["body_html"]),
        "subjects": [subject_ref(s, urls) for s in article.subjects.all()],
        "claims": [claim_ref(c, urls) for c in article.published_claims],
        "references": [source(s, urls) for s in article.references.all()],
    }


# Items per list in a copy-check answer: dense copy (one short claim repeated down 20,000
# characters) would otherwise answer 50 times its size. `counts` keeps the totals.
COPY_CHECK_LISTED = 100


def copy_check(result, urls):
    """The copy checker's answer (claims.copycheck.CheckResult) as JSON."""
    counts = {
        "matches": len(result.matches),
        "drug_claim_flags": len(result.drug_claim_flags),
        "unchecked": len(result.unchecked),
    }
    return {
        "counts": counts,
        "truncated": max(counts.values()) > COPY_CHECK_LISTED,
        "matches": [
            {
                "start": match.start,
                "end": match.end,
                "quote": match.quote,
                "claim": {
                    "slug": match.claim.slug,
                    "text": match.claim.text,
                    "verdict": match.claim.verdict,
                    "grade": match.claim.grade,
                    "score": match.claim.score,
                    "url": urls.base + match.claim.url,
                    "api_url": urls.api("claim", match.claim.slug),
                },
                "confidence": match.confidence,
            }
            for match in result.matches[:COPY_CHECK_LISTED]
        ],
        "drug_claim_flags": [
            {
                "start": flag.start,
                "end": flag.end,
                "quote": flag.quote,
                "category": flag.category,
                "reason": flag.reason,
                "citation": {"title": flag.citation.title, "url": flag.citation.url},
            }
            for flag in result.drug_claim_flags[:COPY_CHECK_LISTED]
        ],
        "unchecked": [
            {
                "start": item.start,
                "end": item.end,
                "quote": item.quote,
                "request_url": urls.base + item.request_path,
            }
            for item in result.unchecked[:COPY_CHECK_LISTED]
        ],
    }


def webhook(endpoint, urls, *, secret=None):
    out = {
        "id": endpoint.pk,
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "active": endpoint.active,
        "created_at": endpoint.created_at,
        "api_url": urls.api("webhook", endpoint.pk),
    }
    if secret is not None:
        out["secret"] = secret
    return out
