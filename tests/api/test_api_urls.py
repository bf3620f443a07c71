"""Every object the API lists carries `api_url`, its own address in the API, and that address
answers 200: walked over every list endpoint the schema describes, every page, on the whole
starter catalogue. A client can follow any object it is given without building a URL."""

import pytest
from rest_framework.test import APIClient

from ..factories import SafetySignalFactory
from ..queries import COUNTED

# The list endpoints (GET, no path parameter, answering a page of results). The test fails
# if the schema gains one this list does not name, so a new list is walked too.
LISTS = {
    "/api/v1/claims/": {},
    "/api/v1/subjects/": {},
    "/api/v1/sources/": {},
    "/api/v1/signals/": {},
    "/api/v1/articles/": {},
    "/api/v1/search/": {"q": "retinol"},
}
# Not walked: the rubric is one document; a key's webhook endpoints are private to it (they
# carry api_url too: tests/api/test_webhooks.py follows it).
NOT_LISTS = {"/api/v1/rubric/", "/api/v1/webhooks/"}
# Named things the API has no address for yet: a concern is a filter of the claims list
# (?concern=<slug>) and a page on the site, not an API resource.
NO_API_ADDRESS = {"concerns"}


@pytest.fixture
def unlimited(settings):
    """The walk makes hundreds of anonymous reads; the limits are not under test."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anon": "100000/min"},
    }


def _objects(value, inside="results"):
    """(where, object) for every JSON object under `value` that names a thing by slug or id
    (slug-less value objects such as a rating, a link or a reviewer have no address)."""
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, inside)
    elif isinstance(value, dict):
        if "slug" in value or "pmid" in value or inside == "results":
            yield inside, value
        for key, item in value.items():
            yield from _objects(item, key)


@pytest.mark.usefixtures("starter_catalogue", "db", "unlimited")
class TestOnTheStarterCatalogue:
    def test_the_walk_covers_every_list_endpoint_in_the_schema(self):
        described = (
            APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
        )
        reads = {path for path, operations in described["paths"].items() if "get" in operations}
        assert {path for path in reads if "{" not in path} == set(LISTS) | NOT_LISTS

    def test_every_listed_object_has_an_api_url_that_answers_200(self):
        api = APIClient()
        missing, urls = [], {}
        for path, params in LISTS.items():
            page, query = path, params
            while page:
                response = api.get(page, query)
                assert response.status_code == 200, page
                body = response.json()
                assert body["results"], f"{path} lists nothing: the walk would prove nothing"
                for where, item in _objects(body["results"]):
                    if where in NO_API_ADDRESS:
                        continue
                    if "api_url" not in item:
                        missing.append(f"{path} {where}: {sorted(item)}")
                    else:
                        urls.setdefault(item["api_url"], f"{path} {where}")
                page, query = body.get("next"), {}
        assert not missing, "\n".join(sorted(set(missing)))
        broken = []
        for url, found_in in urls.items():
            assert url.startswith("http://testserver/api/v1/"), url
            status = api.get(url.removeprefix("http://testserver")).status_code
            if status != 200:
                broken.append(f"{url} ({found_in}): {status}")
        assert not broken, "\n".join(broken)
        # Each kind of object was followed (a walk that reached only claims proves less).
        kinds = {url.split("/")[5] for url in urls}
        assert kinds >= {"claims", "subjects", "sources", "signals", "articles"}, kinds


def test_a_signal_has_its_own_address_with_its_subjects(
    api, published_claim, django_assert_num_queries
):
    signal = SafetySignalFactory(slug="fda-warning")
    signal.subjects.set([published_claim.subject])
    listed = api.get("/api/v1/signals/").json()["results"][0]
    assert listed["api_url"] == "http://testserver/api/v1/signals/fda-warning/"
    # 1. the signal; 2. its subjects
    with django_assert_num_queries(COUNTED + 2):
        response = api.get("/api/v1/signals/fda-warning/")
    assert response.status_code == 200
    assert response.json() == listed
    assert response["ETag"]
    missing = api.get("/api/v1/signals/no-such-warning/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
