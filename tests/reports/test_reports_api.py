"""The dashboard tables as JSON: commissioners only, token auth, same suppression, documented."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from linkwell.accounts.services import api_token_create
from linkwell.reports.dashboard import TABLE_NAMES


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_client(request, db):
    def build(role):
        client = APIClient()
        user = request.getfixturevalue(role)
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return client

    return build


@pytest.mark.django_db
def test_the_index_lists_every_table_with_its_address(token_client):
    response = token_client("commissioner").get("/api/v1/reports")
    assert response.status_code == 200
    names = [t["name"] for t in response.json()["tables"]]
    assert names == list(TABLE_NAMES)
    assert response.json()["tables"][0]["url"].endswith("/api/v1/reports/referrals-by-month")


@pytest.mark.django_db
def test_every_table_answers_with_columns_rows_and_notes(token_client, build):
    for i in range(6):
        build(created_days_ago=20 + i, contact_after=1, plan_after=3, swemwbs=(20, 23 + i))
    client = token_client("commissioner")
    for name in TABLE_NAMES:
        response = client.get(f"/api/v1/reports/{name}")
        assert response.status_code == 200, name
        body = response.json()
        assert body["name"] == name
        assert {"title", "columns", "rows", "notes", "period"} <= set(body)
        for row in body["rows"]:
            assert len(row) == len(body["columns"])


@pytest.mark.django_db
def test_the_api_applies_the_same_suppression_as_the_page(
    token_client, build, client, commissioner
):
    for i in range(3):
        build(created_days_ago=20 + i, contact_after=1)
    for i in range(6):
        build(created_days_ago=20 + i)
    body = token_client("commissioner").get("/api/v1/reports/pathway").json()
    rows = {row[0]: row for row in body["rows"]}
    assert rows["Referred"][1] == 9
    assert rows["Contacted (first successful contact)"][1:] == ["<5", "[c]"]
    client.force_login(commissioner)
    csv = client.get(reverse("reports:table-csv", args=["pathway"])).content.decode()
    assert "Contacted (first successful contact),<5,[c]" in csv


@pytest.mark.django_db
def test_the_period_and_area_are_validated(token_client, build):
    client = token_client("commissioner")
    response = client.get("/api/v1/reports/pathway", {"from": "2026-13-01"})
    assert response.status_code == 400
    assert "from" in response.json()["errors"]
    response = client.get("/api/v1/reports/pathway", {"from": "2025-06-01", "to": "2025-01-01"})
    assert response.status_code == 400 and "to" in response.json()["errors"]
    response = client.get("/api/v1/reports/pathway", {"area": "SR4", "from": "2025-01-01"})
    assert response.status_code == 200
    assert response.json()["period"] == {
        "from": "2025-01-01",
        "to": response.json()["period"]["to"],
        "area": "SR4",
    }
    assert response.json()["rows"] == []


@pytest.mark.django_db
def test_an_unknown_table_is_404(token_client):
    assert token_client("commissioner").get("/api/v1/reports/nonsense").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["referrer", "link_worker", "lead", "provider", "editor"])
def test_other_roles_are_refused(token_client, role):
    client = token_client(role)
    assert client.get("/api/v1/reports").status_code == 403
    assert client.get("/api/v1/reports/pathway").status_code == 403


@pytest.mark.django_db
def test_the_reports_api_is_in_the_openapi_document(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/reports" in schema["paths"]
    table = schema["paths"]["/api/v1/reports/{name}"]["get"]
    assert {p["name"] for p in table["parameters"]} >= {"from", "to", "area", "name"}
    assert "403" in table["responses"] and "200" in table["responses"]
