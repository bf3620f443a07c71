"""A retraction reaches every machine and every reader (issue #20): the claim's address
answers 410 with when and why, its history stays readable, cursor sync returns it as a
tombstone, and the feed, the open-data dump, the claim page, its badge and the corrections
page all say so. Before, every surface answered 404 or dropped the claim, so a mirror that
had cached "Well supported" kept it for ever."""

import io
import json
import zipfile

import pytest
from django.core.cache import cache

from claimcheck.claims import opendata, services

from ..factories import EvidenceLinkFactory
from ..queries import COUNTED
from .conftest import publish

pytestmark = pytest.mark.django_db

REASON = "The only trial it rested on was withdrawn by its journal."


@pytest.fixture
def retracted(published_claim, system_user):
    claim = services.claim_retract(claim=published_claim, by=system_user, reason=REASON)
    cache.clear()  # the test client shares the process cache; nothing stale from setup
    return claim


def test_the_claims_address_answers_410_with_when_why_and_where_the_history_is(
    api, retracted, django_assert_num_queries
):
    # The published claim (not found), then the retracted one and its history.
    with django_assert_num_queries(COUNTED + 3):
        response = api.get(f"/api/v1/claims/{retracted.slug}/")
    assert response.status_code == 410
    body = response.json()
    assert body["error"]["code"] == "retracted"
    assert REASON in body["error"]["message"]
    notice = body["retraction"]
    assert notice["slug"] == retracted.slug and notice["text"] == retracted.text
    assert notice["status"] == "retracted"
    assert notice["retraction_reason"] == REASON
    change = retracted.verdict_history.get(kind="retracted")
    assert notice["retracted_at"].replace("Z", "+00:00") == change.changed_at.isoformat()
    assert notice["url"] == f"http://testserver/claims/{retracted.slug}/"
    assert notice["history_url"] == f"http://testserver/api/v1/claims/{retracted.slug}/history/"
    assert "no-store" in response["Cache-Control"]
    assert "verdict" not in notice and "score" not in notice  # nothing to keep showing


def test_a_keyed_client_gets_the_same_410(api, retracted, read_key):
    response = api.get(
        f"/api/v1/claims/{retracted.slug}/", HTTP_AUTHORIZATION=f"Api-Key {read_key}"
    )
    assert response.status_code == 410
    assert response.json()["retraction"]["retraction_reason"] == REASON


def test_drafts_and_missing_claims_stay_404(api, draft_claim, retracted):
    assert api.get(f"/api/v1/claims/{draft_claim.slug}/").status_code == 404
    assert api.get("/api/v1/claims/no-such-claim/").status_code == 404


def test_the_history_stays_readable_with_the_retraction_first(api, retracted):
    response = api.get(f"/api/v1/claims/{retracted.slug}/history/")
    assert response.status_code == 200
    kinds = [row["kind"] for row in response.json()["results"]]
    assert kinds == ["retracted", "published"]
    assert response.json()["results"][0]["reason"] == REASON


def test_cursor_sync_returns_the_retraction_as_a_tombstone(api, published_claim, system_user):
    first = api.get("/api/v1/claims/?cursor=").json()
    assert [c["slug"] for c in first["results"]] == [published_claim.slug]
    since = first["results"][-1]["updated_at"]
    services.claim_retract(claim=published_claim, by=system_user, reason=REASON)
    cache.clear()
    later = api.get("/api/v1/claims/", {"cursor": "", "updated_since": since}).json()
    [tombstone] = later["results"]
    assert tombstone["slug"] == published_claim.slug
    assert tombstone["status"] == "retracted"
    assert tombstone["retraction_reason"] == REASON
    assert tombstone["retracted_at"] is not None
    # The ordinary list never shows it.
    assert api.get("/api/v1/claims/").json()["results"] == []


def test_the_sync_page_costs_the_same_queries_with_tombstones(
    api, make_published, system_user, django_assert_num_queries
):
    claims = make_published(4)
    for claim in claims[:2]:
        services.claim_retract(claim=claim, by=system_user, reason=REASON)
    cache.clear()
    # The count and the page (each tombstone's retraction time a subquery): nothing per row.
    with django_assert_num_queries(COUNTED + 2):
        body = api.get("/api/v1/claims/?cursor=").json()
    assert sorted(c["status"] for c in body["results"]) == [
        "published",
        "published",
        "retracted",
        "retracted",
    ]


def test_the_feed_carries_the_retraction(client, retracted):
    feed = client.get("/feeds/verdicts.atom").content.decode()
    assert f"{retracted.text}: Retracted" in feed
    assert REASON in feed


def test_the_open_data_dump_lists_it_with_its_history(retracted):
    data = opendata.dataset()
    assert [c["slug"] for c in data["claims"]] == []
    [row] = data["retractions"]
    assert (row["claim"], row["reason"], row["text"]) == (retracted.slug, REASON, retracted.text)
    kinds = [h["kind"] for h in data["verdict_history"] if h["claim"] == retracted.slug]
    assert kinds == ["published", "retracted"]


def test_the_downloaded_zip_has_a_retractions_file_named_in_its_manifest(client, retracted):
    response = client.get("/open-data/claimcheck-open-data.zip")
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    names = {name.split("/", 1)[1]: name for name in archive.namelist()}
    manifest = json.loads(archive.read(names["manifest.json"]))
    assert manifest["counts"]["retractions"] == 1
    lines = archive.read(names["retractions.jsonl"]).decode().splitlines()
    assert json.loads(lines[0])["claim"] == retracted.slug


def test_the_claim_page_answers_410_and_says_when_and_why(client, retracted):
    response = client.get(f"/claims/{retracted.slug}/")
    assert response.status_code == 410
    page = response.content.decode()
    assert "We retracted this verdict" in page
    assert REASON in page
    assert retracted.text in page
    assert 'content="noindex"' in page


def test_the_badge_says_retracted(client, retracted):
    response = client.get(f"/claims/{retracted.slug}/badge.svg")
    assert response.status_code == 200
    svg = response.content.decode()
    assert "Retracted" in svg and "grade" not in svg


def test_the_corrections_page_lists_every_retraction(client, retracted, system_user):
    other = publish(EvidenceLinkFactory().claim, system_user)
    page = client.get("/corrections/").content.decode()
    assert f'href="/claims/{retracted.slug}/"' in page and REASON in page
    assert other.text not in page


def test_the_corrections_page_says_when_there_is_none(client, published_claim):
    assert "We have not retracted any verdict." in client.get("/corrections/").content.decode()


def test_a_readers_cached_page_moves_to_the_notice_after_the_retraction(
    client, api, published_claim, system_user, django_capture_on_commit_callbacks
):
    page, document = f"/claims/{published_claim.slug}/", f"/api/v1/claims/{published_claim.slug}/"
    assert client.get(page).status_code == 200 and api.get(document).status_code == 200
    page_etag, document_etag = client.get(page)["ETag"], api.get(document)["ETag"]
    assert client.get(page, HTTP_IF_NONE_MATCH=page_etag).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):  # the commit moves the version
        services.claim_retract(claim=published_claim, by=system_user, reason=REASON)
    assert client.get(page, HTTP_IF_NONE_MATCH=page_etag).status_code == 410
    assert api.get(document, HTTP_IF_NONE_MATCH=document_etag).status_code == 410
