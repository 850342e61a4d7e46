"""/directory/export.csv: search results as CSV for link workers and directory editors."""

import csv
import io

import pytest

from directory.oruk_builders import make_directory
from linkwell.audit.models import AuditEntry
from linkwell.directory.search import index_services

pytestmark = pytest.mark.django_db

URL = "/directory/export.csv"


def rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def directory():
    return make_directory()


@pytest.mark.parametrize("who", ["link_worker", "lead", "editor"])
def test_link_workers_and_editors_can_export_search_results(client, request, directory, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    table = rows(response)
    assert table[0][0] == "Name"
    assert [r[0] for r in table[1:]] == [
        "English conversation for women",
        "Homework club",
        "Roker seafront walk",
    ]


@pytest.mark.parametrize("who", ["referrer", "provider", "commissioner", "nobody"])
def test_other_roles_are_refused(client, request, directory, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


def test_signing_in_is_required(client, directory):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_public_search_filters_apply(client, link_worker, directory):
    client.force_login(link_worker)
    table = rows(client.get(URL, {"day": "SA", "postcode": "SR6 0PL", "distance": "1"}))
    assert [r[0] for r in table[1:]] == ["Roker seafront walk"]
    row = dict(zip(table[0], table[1], strict=True))
    assert row["When"] == "Sat 09:00–10:30"
    assert row["Postcode"] == "SR6 0PL"
    assert float(row["Distance (miles)"]) < 0.5
    assert row["Cost"] == "Free"
    assert row["Listing"].endswith(f"/services/{directory['walk'].pk}/")
    text = rows(client.get(URL, {"q": "homework"}))
    assert [r[0] for r in text[1:]] == ["Homework club"]


def test_cells_that_look_like_formulas_are_defused(client, editor, directory):
    directory["walk"].description = '=HYPERLINK("http://evil")'
    directory["walk"].save()
    index_services([directory["walk"].pk])
    client.force_login(editor)
    table = rows(client.get(URL, {"q": "seafront"}))
    assert table[1][2].startswith("'=")


def test_the_export_is_audited_without_personal_data(client, editor, directory):
    client.force_login(editor)
    rows(client.get(URL))
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_type == "directory.service" and entry.person_id is None


def test_the_search_page_offers_the_download_only_to_those_who_may_export(
    client, link_worker, referrer
):
    client.force_login(link_worker)
    assert b"/directory/export.csv" in client.get("/services/?q=garden").content
    client.force_login(referrer)
    assert b"/directory/export.csv" not in client.get("/services/?q=garden").content
