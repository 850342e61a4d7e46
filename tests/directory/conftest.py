"""Directory builders: a directory organisation for the cast's VCSE and published listings."""

import datetime

import pytest

from linkwell.directory.models import Organization
from linkwell.directory.services import service_create
from linkwell.directory.vocabulary import taxonomy_term_uuid


def listing_data(**overrides):
    data = {
        "name": "English conversation for women",
        "description": "Practise speaking English over a cup of tea.",
        "status": "active",
        "eligibility_description": "Women of any age who want to practise English.",
        "application_process": "Just turn up, or ask your link worker to refer you.",
        "accepts_referrals": True,
        "places_per_session": 12,
        "minimum_age": 16,
        "maximum_age": None,
        "target_groups": ["women_only", "refugees_new_arrivals"],
        "taxonomy_terms": [str(taxonomy_term_uuid("english_conversation"))],
        "languages": [
            {"code": "en", "name": "English", "note": ""},
            {"code": "bn", "name": "Bengali", "note": "A volunteer speaks Bengali"},
        ],
        "cost_options": [{"option": "Free", "amount": "0", "amount_description": "Free"}],
        "schedules": [{"freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "12:00"}],
        "locations": [
            {
                "name": "Millfield Community Centre",
                "address_1": "1 Hylton Road",
                "city": "Sunderland",
                "postcode": "SR4 7AA",
                "accessibility": ["step_free", "hearing_loop"],
            }
        ],
        "phones": [{"number": "0191 498 0000"}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def directory_org(vcse):
    return Organization.objects.create(
        name=vcse.name, description="Community garden and groups", organisation=vcse
    )


@pytest.fixture
def other_directory_org(db):
    return Organization.objects.create(name="Elsewhere Trust", description="Not ours")


def make_listing(org, *, publish=True, verified_days_ago=0, **overrides):
    from django.utils import timezone

    return service_create(
        actor=None,
        organization=org,
        data=listing_data(**overrides),
        publish=publish,
        verified_at=timezone.now() - datetime.timedelta(days=verified_days_ago),
    )


@pytest.fixture
def listing(directory_org):
    return make_listing(directory_org)


@pytest.fixture
def other_listing(other_directory_org):
    return make_listing(other_directory_org, name="Men's shed woodwork", target_groups=["men_only"])
