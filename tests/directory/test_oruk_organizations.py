"""/oruk/organizations and /oruk/organizations/{id}: ORUK 3.0 shape (validated against the
ORUK validator's schemas), paging, only organisations with published services."""

import uuid

import pytest

from directory.oruk_builders import make_directory, make_service
from directory.oruk_schemas import PAGE_FIELDS, assert_valid
from linkwell.directory.models import ApprovalStatus, Organization

pytestmark = pytest.mark.django_db


def get(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    return response.json()


def assert_valid_organization_page(page):
    for key, kind in PAGE_FIELDS.items():
        assert isinstance(page.get(key), kind), key
    assert page["size"] == len(page["contents"])
    for item in page["contents"]:
        assert_valid(item, "organization_list.json")


@pytest.fixture
def directory():
    data = make_directory()
    # Only drafts: not shown.
    hidden = Organization.objects.create(name="Aardvark drafts", description="")
    make_service(hidden, "Draft only", approval=ApprovalStatus.DRAFT)
    data["hidden"] = hidden
    return data


def test_organizations_lists_those_with_published_services(client, directory):
    page = get(client, "/oruk/organizations")
    assert_valid_organization_page(page)
    assert [o["name"] for o in page["contents"]] == [
        "Hendon Community Association",
        "Walkers Trust",
    ]
    assert page["total_items"] == 2 and page["first_page"] and page["last_page"]
    assert page["contents"][1]["description"] == ""  # required by ORUK, even when empty


def test_organizations_page_and_search(client, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        page = get(client, "/oruk/organizations", {"per_page": 1, "page": 2})
    assert [o["name"] for o in page["contents"]] == ["Walkers Trust"]
    assert page["total_pages"] == 2 and page["last_page"] and not page["first_page"]
    found = get(client, "/oruk/organizations", {"search": "hendon"})
    assert [o["name"] for o in found["contents"]] == ["Hendon Community Association"]
    empty = get(client, "/oruk/organizations", {"page": 9})
    assert empty["empty"] and empty["contents"] == []
    assert get(client, "/oruk/organizations", {"per_page": "x"}, status=400)["message"]


def test_an_organization_record_validates_and_lists_only_its_published_services(client, directory):
    org = directory["org"]
    data = get(client, f"/oruk/organizations/{org.pk}")
    assert_valid(data, "organization.json")
    assert data["id"] == str(org.pk) and data["name"] == "Hendon Community Association"
    names = [s["name"] for s in data["services"]]
    assert names == ["English conversation for women", "Homework club"]  # no pending, deleted
    assert all(s["organization_id"] == str(org.pk) for s in data["services"])


def test_organization_errors(client, directory):
    assert get(client, "/oruk/organizations/not-a-uuid", status=400)["message"]
    get(client, f"/oruk/organizations/{uuid.uuid4()}", status=404)
    get(client, f"/oruk/organizations/{directory['hidden'].pk}", status=404)
    response = client.post("/oruk/organizations")
    assert response.status_code == 405
