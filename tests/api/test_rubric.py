import pytest

from claimcheck import rubric

from ..queries import COUNTED


@pytest.mark.django_db
def test_rubric_endpoint_serves_the_rubric_described_by_its_code(client, django_assert_num_queries):
    with django_assert_num_queries(COUNTED):
        response = client.get("/api/v1/rubric/")
    assert response.status_code == 200
    body = response.json()
    assert body == rubric.describe()
    assert body["version"] == rubric.VERSION
    assert [rule["order"] for rule in body["verdict_rules"]] == [1, 2, 3, 4, 5, 6]
    assert {band["grade"] for band in body["bands"]} == set("ABCDF")
