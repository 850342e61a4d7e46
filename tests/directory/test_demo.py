"""The demo directory, and the search the issue promises a new user can do."""

import random

import pytest
from django.urls import reverse

from cast import make_org, make_user
from linkwell.accounts.models import OrganisationKind, Role
from linkwell.directory import selectors
from linkwell.directory.demo import (
    TARGET_NAME,
    VCSE_KEYS,
    load_directory_demo,
    sunderland_libraries,
)
from linkwell.directory.models import ApprovalStatus, Location, Service, ServiceVersion

pytestmark = pytest.mark.django_db

ISSUE_SEARCH = {
    "q": "English conversation",
    "group": "women_only",
    "day": "TU",
    "time": "morning",
    "language": "bn",
    "postcode": "SR4 7AA",
    "distance": "2",
}


@pytest.fixture
def demo_directory(db):
    orgs = {key: make_org(f"Demo {key}", OrganisationKind.VCSE) for key in VCSE_KEYS}
    make_user("garden-provider@example.org", orgs["garden"], Role.PROVIDER)
    return load_directory_demo(random.Random(7), orgs)


def test_the_demo_has_about_150_services_across_sunderland(demo_directory):
    assert 140 <= Service.objects.count() <= 170
    published = Service.objects.filter(approval_status=ApprovalStatus.PUBLISHED).count()
    assert published >= 140
    library_names = {v.name for v in sunderland_libraries()}
    used = set(Location.objects.filter(name__in=library_names).values_list("name", flat=True))
    assert len(used) >= 5
    assert Location.objects.filter(latitude__isnull=False).count() == Location.objects.count()
    assert ServiceVersion.objects.filter(status="pending").count() == 1
    # some listings are "not checked recently", some hidden from matching
    services = list(Service.objects.filter(approval_status=ApprovalStatus.PUBLISHED))
    assert any(selectors.is_stale(s) and not selectors.is_hidden_from_matching(s) for s in services)
    assert any(selectors.is_hidden_from_matching(s) for s in services)


def test_the_issue_search_finds_the_womens_group_through_the_service_and_the_page(
    client, demo_directory
):
    result = selectors.service_search(
        text="English conversation",
        target_group="women_only",
        day="TU",
        time="morning",
        language="bn",
        near_postcode="SR4 7AA",
        within_km=2 * 1.609344,
    )
    assert [s.name for s, _d in result.items] == [TARGET_NAME]
    service, distance = result.items[0]
    assert distance < 2 * 1.609344
    assert service.service_at_locations.get().location.name == "Kayll Road Library"

    page = client.get(reverse("services:search"), ISSUE_SEARCH).content.decode()
    assert TARGET_NAME in page
    assert "Women's English Conversation (Washington)" not in page
    assert "(evenings)" not in page
    assert "A volunteer speaks Bengali" in page
    target = Service.objects.get(name=TARGET_NAME)
    detail = client.get(reverse("services:detail", args=[target.pk])).content.decode()
    assert "Kayll Road" in detail and "Tuesdays" in detail
