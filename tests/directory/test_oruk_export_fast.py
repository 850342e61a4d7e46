"""The export reads rows in chunks without model instances; its records must be exactly what
the prefetching path (`oruk.with_oruk_details` + `oruk.services_full`, as the API uses) gives,
byte for byte once serialised."""

import json
from decimal import Decimal

import pytest

from directory.oruk_builders import make_directory
from linkwell.directory import oruk, oruk_io
from linkwell.directory.models import (
    Accessibility,
    AccessibilityFeature,
    Contact,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from linkwell.directory.oruk_io import LINKWELL_EXTENSION, export_records
from linkwell.directory.selectors import service_public_queryset

pytestmark = pytest.mark.django_db


def reference_records() -> list[dict]:
    """The export as it was written before: prefetch_related per batch of services."""
    ids = list(service_public_queryset().order_by("name", "id").values_list("pk", flat=True))
    services = oruk.with_oruk_details(Service.objects.filter(pk__in=ids)).prefetch_related(
        "target_groups"
    )
    by_id = {s.pk: s for s in services}
    ordered = [by_id[i] for i in ids]
    out = []
    for service, data in zip(ordered, oruk.services_full(ordered), strict=True):
        data[LINKWELL_EXTENSION] = {
            "accepts_referrals": service.accepts_referrals,
            "places_per_session": service.places_per_session,
            "target_groups": sorted(g.code for g in service.target_groups.all()),
            "culturally_specific_notes": service.culturally_specific_notes,
            "last_verified_at": service.last_verified_at.isoformat()
            if service.last_verified_at
            else None,
            "accessibility_features": {
                str(a.pk): a.feature.code
                for sal in service.service_at_locations.all()
                for a in sal.location.accessibility.all()
                if a.feature_id
            },
        }
        out.append(data)
    return out


def add_the_rarer_rows(made):
    """Nested rows the builders leave out: contacts and phones of a service at a location,
    location phones with languages, a language shared by a service and a location, a second
    venue whose accessibility has and has not a feature, a schedule of the second venue."""
    service = made["english"]
    sal = service.service_at_locations.first()
    contact = Contact.objects.create(service_at_location=sal, name="Desk", email="d@example.org")
    phone = Phone.objects.create(contact=contact, number="0191 000 1111", extension=12)
    Language.objects.create(phone=phone, name="Arabic", code="ar")
    Phone.objects.create(service_at_location=sal, number="0191 000 2222")
    loc_phone = Phone.objects.create(location=sal.location, number="0191 000 3333")
    Language.objects.create(phone=loc_phone, name="Somali", code="so", note="Tuesdays")
    Language.objects.create(service=service, location=sal.location, name="Farsi", code="fa")
    other = Location.objects.create(name="Second venue", latitude=54.9, longitude=-1.38)
    second = ServiceAtLocation.objects.create(service=service, location=other, description="Hall")
    feature = AccessibilityFeature.objects.order_by("code").first()
    Accessibility.objects.create(location=other, feature=feature, details="Ramp")
    Accessibility.objects.create(location=other, description="Quiet room")
    Schedule.objects.create(
        service=service, service_at_location=second, location=other, byday="FR", opens_at="10:00"
    )
    service.cost_options.create(option="Donation", amount=Decimal("2.50"), currency="GBP")


@pytest.mark.parametrize("batch", [1, 2, 1000])
def test_the_export_equals_the_prefetching_path_byte_for_byte(batch):
    made = make_directory()
    add_the_rarer_rows(made)
    expected = reference_records()
    found = list(export_records(batch=batch))
    assert found == expected
    assert [json.dumps(r, ensure_ascii=False) for r in found] == [
        json.dumps(r, ensure_ascii=False) for r in expected
    ]


def test_the_export_of_some_ids_and_its_query_count(django_assert_max_num_queries):
    made = make_directory()
    add_the_rarer_rows(made)
    wanted = [made["english"].pk]
    [record] = export_records(ids=wanted)
    assert record["id"] == str(made["english"].pk)
    # A fixed number of queries per chunk, however many services the chunk has.
    with django_assert_max_num_queries(30):
        assert len(list(export_records(batch=oruk_io.EXPORT_CHUNK))) == 3
