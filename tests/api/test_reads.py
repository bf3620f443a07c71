"""Read endpoints through HTTP: shapes, filters, ordering, pagination, visibility and the
number of queries each answer costs (fixed whatever the page size or nested rows)."""

import pytest
from django.core.cache import cache

from claimcheck.claims import services
from claimcheck.claims.models import Claim, SafetySignal
from claimcheck.rubric import tables

from ..factories import EvidenceLinkFactory, SourceFactory, SubjectFactory
from ..queries import COUNTED
from .conftest import publish

pytestmark = pytest.mark.django_db


def test_claim_list_costs_three_queries_whatever_the_page_size(
    api, make_published, django_assert_num_queries
):
    make_published(4)
    for size in (1, 4):
        cache.clear()  # anonymous counts and summaries are kept per content version
        # 1. COUNT of the filtered published claims
        # 2. the page's claim ids, in order
        # 3. those claims joined to subject and current rating (their summaries)
        with django_assert_num_queries(COUNTED + 3):
            response = api.get("/api/v1/claims/", {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size


def test_claim_list_item_carries_verdict_slug_and_absolute_page_url(api, published_claim):
    item = api.get("/api/v1/claims/").json()["results"][0]
    rating = published_claim.current_rating
    assert item["slug"] == published_claim.slug
    assert item["url"] == f"http://testserver/claims/{published_claim.slug}/"
    assert item["api_url"] == f"http://testserver/api/v1/claims/{published_claim.slug}/"
    assert item["subject"]["url"] == f"http://testserver/subjects/{published_claim.subject.slug}/"
    assert (item["verdict"], item["score"], item["grade"]) == (
        rating.verdict,
        rating.score,
        rating.grade,
    )
    assert item["verdict_label"] == tables.VERDICT_LABELS[tables.Verdict(rating.verdict)]


def test_drafts_and_retracted_claims_are_not_listed_and_a_drafts_detail_is_404_like_a_missing_one(
    api, published_claim, draft_claim, system_user
):
    retracted = publish(EvidenceLinkFactory().claim, system_user)
    services.claim_retract(claim=retracted, by=system_user, reason="Wrong subject.")
    listed = [c["slug"] for c in api.get("/api/v1/claims/").json()["results"]]
    assert listed == [published_claim.slug]
    missing = api.get("/api/v1/claims/no-such-claim/")
    response = api.get(f"/api/v1/claims/{draft_claim.slug}/")
    assert response.status_code == 404
    assert response.json() == missing.json()
    # A retracted claim is not missing: tests/api/test_retractions.py.
    assert api.get(f"/api/v1/claims/{retracted.slug}/").status_code == 410


def test_claim_detail_has_the_full_rating_evidence_reviewer_and_claimreview(
    api, published_claim, django_assert_num_queries
):
    # 1. claim with subject, current rating and reviewer
    # 2. evidence links with their sources
    # 3. alternative subjects
    # 4. their published claims with ratings
    # 5. safety signals of the subject
    # 6. appearances
    # 7. regulatory records
    with django_assert_num_queries(COUNTED + 7):
        response = api.get(f"/api/v1/claims/{published_claim.slug}/")
    assert response.status_code == 200
    body = response.json()
    rating = published_claim.current_rating
    assert body["status"] == "published"
    assert body["rating"]["score"] == rating.score
    assert body["rating"]["composite"] == rating.composite
    assert body["rating"]["regulatory"] == {"code": rating.r_code, "points": rating.r_points}
    assert body["rating"]["evidence"]["points"] == rating.e_points
    assert body["rating"]["transparency"]["points"] == rating.t_points
    assert [f["code"] for f in body["rating"]["factors"]] == [f["code"] for f in rating.factors]
    assert body["rating"]["inputs_sha256"] == rating.inputs_sha256
    assert body["rating"]["rubric_version"] == rating.rubric_version
    assert len(body["evidence"]) == 2
    source = body["evidence"][0]["source"]
    assert source["links"][0]["url"] == f"https://pubmed.ncbi.nlm.nih.gov/{source['pmid']}/"
    assert body["reviewer"]["name"] == published_claim.reviewer.name
    assert body["reviewer"]["credentials"] == published_claim.reviewer.credentials
    review = body["claim_review"]
    assert review["@type"] == "ClaimReview"
    assert len(review["claimReviewed"]) < 75
    assert review["reviewRating"]["alternateName"] == body["verdict_label"]
    assert (
        review["reviewRating"]["ratingValue"]
        == tables.CLAIMREVIEW_RATING[tables.Verdict(body["verdict"])]
    )
    assert (review["reviewRating"]["bestRating"], review["reviewRating"]["worstRating"]) == (5, 1)
    assert review["author"]["name"] == "ClaimCheck"
    assert body["history_url"].endswith(f"/api/v1/claims/{published_claim.slug}/history/")


def test_claim_review_names_where_the_claim_appeared_and_when_the_review_changed(
    api, published_claim, system_user
):
    import datetime

    for url, seen in (
        ("https://clinic.example/exosome-facial", datetime.date(2025, 3, 1)),
        ("https://shop.example/serum", None),
    ):
        services.appearance_add(by=system_user, claim=published_claim, url=url, first_seen=seen)
    cache.clear()
    review = api.get(f"/api/v1/claims/{published_claim.slug}/").json()["claim_review"]
    item = review["itemReviewed"]
    assert item["appearance"] == [
        {
            "@type": "CreativeWork",
            "url": "https://clinic.example/exosome-facial",
            "datePublished": "2025-03-01",
        },
        {"@type": "CreativeWork", "url": "https://shop.example/serum"},
    ]
    assert item["firstAppearance"] == item["appearance"][0]
    assert item["datePublished"] == "2025-03-01"
    assert review["datePublished"] <= review["dateModified"]


def test_claim_detail_query_count_does_not_grow_with_evidence_or_alternatives(
    api, published_claim, make_published, system_user, django_assert_num_queries
):
    for _ in range(5):
        services.evidence_link(
            by=system_user,
            claim=published_claim,
            source=SourceFactory(),
            fields={"direction": "supports", "risk_of_bias": "low"},
        )
    alternatives = [c.subject for c in make_published(3)]
    published_claim.subject.alternatives.set(alternatives)
    with django_assert_num_queries(COUNTED + 7):  # the same seven queries as above
        body = api.get(f"/api/v1/claims/{published_claim.slug}/").json()
    assert len(body["evidence"]) == 7
    assert len(body["alternatives"]) == 3
    assert all(alt["claims"][0]["verdict"] for alt in body["alternatives"])


def test_claim_detail_shows_the_override_as_the_verdict(api, published_claim):
    Claim.objects.filter(pk=published_claim.pk).update(
        override_verdict="caution",
        override_reason="A recall was issued this week.",
        shown_verdict="caution",
    )
    body = api.get(f"/api/v1/claims/{published_claim.slug}/").json()
    assert body["verdict"] == "caution"
    assert body["grade"] == "F"
    assert body["overridden"] is True
    assert body["override"]["reason"] == "A recall was issued this week."
    assert body["claim_review"]["reviewRating"]["alternateName"] == "Caution"


def test_claim_history_lists_published_changes_in_three_queries(
    api, published_claim, django_assert_num_queries
):
    # 1. the published claim
    # 2. COUNT of its verdict changes
    # 3. the page of changes
    with django_assert_num_queries(COUNTED + 3):
        response = api.get(f"/api/v1/claims/{published_claim.slug}/history/")
    change = response.json()["results"][0]
    assert change["kind"] == "published"
    assert change["new_score"] == published_claim.current_rating.score
    assert "changed_by" not in change


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"route": "injection"}, {"inj"}),
        ({"claim_type": "disease"}, {"inj"}),
        ({"subject_kind": "device"}, {"dev"}),
        ({"subject": "device-subject"}, {"dev"}),
        ({"regulatory_code": "R8"}, {"inj"}),
        ({"min_score": 0, "max_score": 100}, {"inj", "dev", "top"}),
    ],
)
def test_claim_filters_select_the_matching_claims(api, system_user, params, expected):
    device = SubjectFactory(kind="device", slug="device-subject")
    for slug, fields in {
        "inj": {"route": "injection", "claim_type": "disease", "regulatory_code": "R8"},
        "dev": {"subject": device},
        "top": {},
    }.items():
        publish(
            EvidenceLinkFactory(
                claim__slug=slug, **{f"claim__{k}": v for k, v in fields.items()}
            ).claim,
            system_user,
        )
    found = {c["slug"] for c in api.get("/api/v1/claims/", params).json()["results"]}
    assert found == expected


def test_verdict_and_grade_filters_use_the_verdict_shown(api, make_published):
    claims = make_published(2)
    verdict = claims[0].current_rating.verdict
    grade = claims[0].current_rating.grade
    by_verdict = api.get("/api/v1/claims/", {"verdict": verdict}).json()["results"]
    by_grade = api.get("/api/v1/claims/", {"grade": grade}).json()["results"]
    assert {c["slug"] for c in by_verdict} == {c.slug for c in claims}
    assert by_grade == by_verdict
    other = next(v.value for v in tables.Verdict if v.value != verdict)
    assert api.get("/api/v1/claims/", {"verdict": other}).json()["count"] == 0


def test_invalid_filter_value_is_a_400_naming_the_parameter(api, published_claim):
    for params, field in [
        ({"verdict": "maybe"}, "verdict"),
        ({"min_score": "lots"}, "min_score"),
        ({"min_score": "101"}, "min_score"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"concern": "not a slug!"}, "concern"),
        ({"ordering": "password"}, "ordering"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page": "abc"}, "page"),
    ]:
        response = api.get("/api/v1/claims/", params)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert field in error["fields"], params


def test_page_past_the_end_is_a_json_404(api, published_claim):
    response = api.get("/api/v1/claims/", {"page": 2})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_pages_are_stable_and_link_to_each_other(api, make_published):
    make_published(5)
    seen, url = [], "/api/v1/claims/?page_size=2&ordering=score"
    while url:
        body = api.get(url).json()
        seen += [c["slug"] for c in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 5
    assert body["previous"].startswith("http://testserver/api/v1/claims/")


def test_ordering_by_score_and_name_with_id_tiebreak(api, make_published):
    make_published(3)
    scores = [c["score"] for c in api.get("/api/v1/claims/?ordering=-score").json()["results"]]
    assert scores == sorted(scores, reverse=True)
    names = [c["text"] for c in api.get("/api/v1/claims/?ordering=name").json()["results"]]
    assert names == sorted(names)


def test_updated_since_returns_only_later_changes(api, make_published):
    first, second = make_published(2)
    since = second.updated_at.isoformat()
    found = [
        c["slug"] for c in api.get("/api/v1/claims/", {"updated_since": since}).json()["results"]
    ]
    assert found == [second.slug]


def test_subject_list_and_detail_show_only_subjects_with_published_claims(
    api, published_claim, django_assert_num_queries
):
    SubjectFactory(slug="unpublished-subject")
    # 1. COUNT of subjects with a published claim
    # 2. the page of subjects with their published-claim counts
    # 3. their concerns
    with django_assert_num_queries(COUNTED + 3):
        body = api.get("/api/v1/subjects/").json()
    assert [s["slug"] for s in body["results"]] == [published_claim.subject.slug]
    assert body["results"][0]["claim_count"] == 1
    assert api.get("/api/v1/subjects/unpublished-subject/").status_code == 404
    # 1. subject (with a published claim); 2. concerns; 3. published claims; 4. alternatives;
    # 5. their published claims; 6. checklist; 7. regulatory records; 8. signals; 9. articles
    with django_assert_num_queries(COUNTED + 9):
        detail = api.get(f"/api/v1/subjects/{published_claim.subject.slug}/").json()
    assert detail["claims"][0]["slug"] == published_claim.slug
    assert detail["url"] == f"http://testserver/subjects/{published_claim.subject.slug}/"


def test_sources_are_public_only_when_a_published_claim_cites_them(
    api, published_claim, draft_claim, django_assert_num_queries
):
    uncited = draft_claim.evidence.first().source
    # 1. COUNT of cited sources; 2. the page
    with django_assert_num_queries(COUNTED + 2):
        body = api.get("/api/v1/sources/", {"page_size": 100}).json()
    ids = {s["id"] for s in body["results"]}
    assert uncited.pk not in ids
    assert len(ids) == 2
    assert api.get(f"/api/v1/sources/{uncited.pk}/").status_code == 404


def test_source_lookup_by_pmid_doi_and_nct(api, system_user):
    source = SourceFactory(pmid="12345678", doi="10.1000/xyz123", nct="NCT01234567")
    publish(EvidenceLinkFactory(source=source).claim, system_user)
    for params in ({"pmid": "12345678"}, {"doi": "10.1000/xyz123"}, {"nct": "NCT01234567"}):
        results = api.get("/api/v1/sources/", params).json()["results"]
        assert [s["id"] for s in results] == [source.pk], params
    assert api.get("/api/v1/sources/", {"pmid": "87654321"}).json()["count"] == 0
    bad = api.get("/api/v1/sources/", {"nct": "NCT12"})
    assert bad.status_code == 400
    assert "nct" in bad.json()["error"]["fields"]
    detail = api.get(f"/api/v1/sources/{source.pk}/").json()
    assert {link["label"] for link in detail["links"]} == {"PubMed", "DOI", "ClinicalTrials.gov"}


def test_huge_source_id_is_404_not_500(api):
    assert api.get(f"/api/v1/sources/{10**30}/").status_code == 404


def test_signals_list_with_subjects_in_three_queries(
    api, published_claim, django_assert_num_queries
):
    for n in range(3):
        signal = SafetySignal.objects.create(
            slug=f"signal-{n}",
            title=f"Warning {n}",
            issuer="fda",
            kind="consumer_alert",
            date=f"2024-0{n + 1}-01",
            product_class="Things",
            url="https://www.fda.gov/x",
        )
        signal.subjects.set([published_claim.subject])
    # 1. COUNT; 2. the page of signals; 3. their subjects
    with django_assert_num_queries(COUNTED + 3):
        body = api.get("/api/v1/signals/", {"status": "active"}).json()
    assert [s["slug"] for s in body["results"]] == ["signal-2", "signal-1", "signal-0"]
    assert body["results"][0]["subjects"][0]["slug"] == published_claim.subject.slug


def test_rubric_endpoint_costs_no_query_past_version_and_limit(api, django_assert_num_queries):
    with django_assert_num_queries(COUNTED):
        response = api.get("/api/v1/rubric/")
    assert response.json()["version"] == tables.VERSION


def test_articles_are_listed_only_when_published(api, published_claim, django_assert_num_queries):
    from django.utils import timezone

    from articles.models import Article

    reviewer = published_claim.reviewer
    article = Article.objects.create(
        slug="exosomes-explained",
        title="Exosomes explained",
        summary="What the evidence says.",
        body="## Why\n\nBecause.",
        author_name="Editors",
        status="published",
        published_at=timezone.now(),
        reviewer=reviewer,
    )
    article.claims.set([published_claim])
    Article.objects.create(
        slug="draft-article", title="Draft", summary="s", body="b", author_name="Editors"
    )
    # 1. COUNT of published articles; 2. the page with reviewers
    with django_assert_num_queries(COUNTED + 2):
        body = api.get("/api/v1/articles/").json()
    assert [a["slug"] for a in body["results"]] == ["exosomes-explained"]
    assert body["results"][0]["url"] == "http://testserver/articles/exosomes-explained/"
    # 1. article with reviewer; 2. subjects; 3. published claims with ratings; 4. references
    with django_assert_num_queries(COUNTED + 4):
        detail = api.get("/api/v1/articles/exosomes-explained/").json()
    assert detail["claims"][0]["slug"] == published_claim.slug
    assert "<h2>" in detail["body_html"]
    assert api.get("/api/v1/articles/draft-article/").status_code == 404


def test_search_ranks_subjects_claims_and_articles_together_with_page_urls(
    api, published_claim, django_assert_max_num_queries
):
    subject = published_claim.subject
    # Either database: the lexicon of names (5, once per content version), the subject's
    # claims, the articles, then the page's subjects, their claims, and its claims (10).
    with django_assert_max_num_queries(COUNTED + 10):
        response = api.get("/api/v1/search/", {"q": subject.name})
    body = response.json()
    assert response.status_code == 200
    assert body["query"] == subject.name
    hit = body["results"][0]
    assert (hit["type"], hit["slug"]) == ("subject", subject.slug)
    assert hit["url"] == f"http://testserver/subjects/{subject.slug}/"
    assert hit["api_url"] == f"http://testserver/api/v1/subjects/{subject.slug}/"
    assert {"type", "slug", "title", "snippet", "url", "api_url"} == set(hit)
    assert any(h["type"] == "claim" for h in body["results"])
    assert body["reading"] == {
        "confident": True,
        "corrected": None,
        "not_understood": [],
        "intent": "",
        "concerns": [],
        "compare_url": None,
    }


def test_search_says_how_it_read_the_query(api, starter_data):
    body = api.get("/api/v1/search/", {"q": "retinol vs tretinoin"}).json()
    assert body["reading"]["intent"] == "compare"
    assert body["reading"]["compare_url"] == (
        "http://testserver/compare/?subjects=retinol,tretinoin"
    )
    body = api.get("/api/v1/search/", {"q": "what helps dark spots"}).json()
    assert body["reading"]["concerns"][0]["slug"] == "pigmentation"
    assert body["reading"]["concerns"][0]["url"].endswith("/concerns/pigmentation/")  # its page
    assert body["results"][0]["type"] == "claim"
    # Not in the catalogue: no results, and not confident.
    body = api.get("/api/v1/search/", {"q": "mandelic acid peel"}).json()
    assert body["count"] == 0 and body["results"] == []
    assert body["reading"]["confident"] is False
    assert body["reading"]["not_understood"] == ["mandelic"]
    # A misspelling read as a name says so.
    body = api.get("/api/v1/search/", {"q": "rosemerry oil"}).json()
    assert body["reading"]["corrected"] == "rosemary oil"
    assert body["results"][0]["slug"] == "rosemary-oil"


def test_search_without_a_query_is_a_400_naming_q(api):
    response = api.get("/api/v1/search/")
    assert response.status_code == 400
    assert "q" in response.json()["error"]["fields"]


def test_q_on_the_claim_list_ranks_by_relevance_and_is_cut_to_200_characters(api, published_claim):
    found = api.get("/api/v1/claims/", {"q": published_claim.subject.name}).json()["results"]
    assert [c["slug"] for c in found] == [published_claim.slug]
    long = api.get("/api/v1/claims/", {"q": "x" * 5000})
    assert long.status_code == 200


def test_cursor_mode_syncs_every_change_once_oldest_first(
    api, make_published, system_user, django_assert_num_queries
):
    claims = make_published(5)
    # 1. COUNT of rows after the cursor; 2. the page in (updated_at, id) order
    with django_assert_num_queries(COUNTED + 2):
        body = api.get("/api/v1/claims/", {"cursor": "", "page_size": 2}).json()
    seen = [c["slug"] for c in body["results"]]
    assert body["count"] == 5
    # A claim already seen changes while the client pages: it comes round again at the end.
    services.claim_upsert(by=system_user, slug=claims[0].slug, fields={"claimant": "Brand Y"})
    url = body["next"]
    while url:
        body = api.get(url).json()
        seen += [c["slug"] for c in body["results"]]
        url = body["next"]
    slugs = [c.slug for c in claims]
    assert seen == slugs + [slugs[0]]


def test_a_malformed_cursor_or_one_mixed_with_ordering_is_a_400(api, published_claim):
    for params in (
        {"cursor": "nonsense!"},
        {"cursor": "", "ordering": "score"},
        {"cursor": "", "page": 2},
    ):
        response = api.get("/api/v1/claims/", params)
        assert response.status_code == 400, params
        fields = response.json()["error"]["fields"]
        assert "cursor" in fields or "page" in fields


def test_public_claim_detail_exposes_exactly_the_documented_keys(api, published_claim):
    """No internal field (rating inputs, who changed what, retraction notes) leaks out: the
    key set is pinned here, since schema checks allow extra keys."""
    body = api.get(f"/api/v1/claims/{published_claim.slug}/").json()
    assert set(body) == {
        "slug", "url", "api_url", "text", "claimant", "subject", "route", "claim_type",
        "outcome", "regulatory_code", "verdict", "verdict_label", "grade", "score",
        "overridden", "conclusion_summary", "published_at", "updated_at", "status",
        "evidence_update_under_review",
        "retracted_at", "retraction_reason", "regulatory_note", "conclusion",
        "how_much_it_helps", "before_you_use_it", "rating",
        "override", "evidence", "safety_signals", "alternatives", "appearances",
        "regulatory_records", "reviewer", "reviewed_at", "history_url", "claim_review",
    }  # fmt: skip
    assert "inputs_json" not in body["rating"]
    assert set(body["reviewer"]) == {"name", "credentials"}
    assert (body["status"], body["retracted_at"], body["retraction_reason"]) == (
        "published",
        None,
        None,
    )


@pytest.mark.parametrize(("status", "capped"), [("active", True), ("resolved", False)])
def test_an_active_safety_signal_caps_the_claim_at_caution_and_a_resolved_one_does_not(
    api, published_claim, system_user, status, capped, django_capture_on_commit_callbacks
):
    url = f"/api/v1/claims/{published_claim.slug}/"
    before = api.get(url).json()["rating"]["verdict"]
    assert before != "caution"  # two independent trials: above the cap to begin with
    signal = SafetySignal.objects.create(
        slug="fda-warning",
        title="FDA warning letter",
        issuer="fda",
        kind="warning_letter",
        status=status,
        date="2024-01-01",
        product_class="Things",
        routes=[published_claim.route],
        claim_types=[published_claim.claim_type],
        url="https://www.fda.gov/x",
    )
    signal.subjects.set([published_claim.subject])
    with django_capture_on_commit_callbacks(execute=True):  # the content version moves
        services.claim_rerate(claim=published_claim, by=system_user, reason="A signal was recorded")
    after = api.get(url).json()["rating"]["verdict"]
    assert after == ("caution" if capped else before)
