"""The matching places (`directory.match_places`, migration 0008): kept in step by every
listing write through `search.index_services`, and the candidates read from them are exactly
those of the filters on the listings' own tables."""

import uuid

import pytest
from django.db import connection

from linkwell.casework import matching
from linkwell.casework import matching_selectors as ms
from linkwell.directory import match_places, search
from linkwell.directory.models import Location, Service, ServiceAtLocation
from linkwell.directory.services import service_update
from linkwell.directory.vocabulary import taxonomy_term_uuid
from linkwell.referrals.models import Need

from .test_matching_benchmark_smoke import bench  # noqa: F401
from .test_matching_ranking import PREFERENCES
from .test_matching_ranking import cases as cases  # noqa: F401  (fixture)
from .test_matching_views import listing
from .test_matching_views import org as org  # noqa: F401  (fixture)


def rows_of(service) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT location_id, latitude, longitude, need_bits, minimum_age, maximum_age, "  # noqa: S608
            f"paid FROM {match_places.TABLE} WHERE service_id = %s ORDER BY location_id",
            [service.pk.hex if connection.vendor == "sqlite" else service.pk],
        )
        return [
            (str(uuid.UUID(str(loc))), lat, long, bits, lo, hi, bool(paid))
            for loc, lat, long, bits, lo, hi, paid in cursor.fetchall()
        ]


def bits(*codes) -> int:
    return sum(1 << pk for pk in Need.objects.filter(code__in=codes).values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_published_listing_has_a_row_per_located_place(org):  # noqa: F811
    service = listing(org, minimum_age=18)
    location = service.service_at_locations.get().location
    assert rows_of(service) == [
        (
            str(location.pk),
            location.latitude,
            location.longitude,
            bits(*needs_of("social_group")),
            18,
            None,
            False,
        )
    ]


def needs_of(term_code) -> list[str]:
    from linkwell.directory.models import NeedTaxonomyTerm

    return list(
        NeedTaxonomyTerm.objects.filter(taxonomy_term_id=taxonomy_term_uuid(term_code)).values_list(
            "need__code", flat=True
        )
    )


@pytest.mark.django_db
def test_an_edit_rewrites_the_row(org, editor):  # noqa: F811
    service = listing(org)
    data = {
        "name": "Arabic coffee morning",
        "status": "active",
        "minimum_age": 30,
        "maximum_age": 70,
        "taxonomy_terms": [str(taxonomy_term_uuid("money_advice"))],
        "cost_options": [{"option": "Per session", "amount": "2.00"}],
        "locations": [
            {"name": "Hall", "address_1": "1 Road", "city": "Durham", "postcode": "DH1 1AA"}
        ],
    }
    service_update(actor=editor, service=service, data=data)
    (row,) = rows_of(service)
    place = Location.objects.get(pk=ServiceAtLocation.objects.get(service=service).location_id)
    assert row[1:] == (
        place.latitude,
        place.longitude,
        bits(*needs_of("money_advice")),
        30,
        70,
        True,
    )


@pytest.mark.django_db
def test_a_place_moved_moves_every_service_there(org):  # noqa: F811
    first = listing(org)
    second = listing(org, name="Another group")  # the same centre, reused
    place = first.service_at_locations.get().location
    assert second.service_at_locations.get().location == place
    Location.objects.filter(pk=place.pk).update(latitude=54.5, longitude=-1.5)
    search.index_services([first.pk])
    assert rows_of(second)[0][1:3] == (54.5, -1.5)
    Location.objects.filter(pk=place.pk).update(latitude=None, longitude=None)
    search.index_services([first.pk])
    assert rows_of(second) == []


@pytest.mark.django_db
def test_an_import_sized_refresh_rebuilds_the_same_rows(org, monkeypatch):  # noqa: F811
    services = [listing(org, name=f"Group {i}") for i in range(3)]
    before = [rows_of(s) for s in services]
    monkeypatch.setattr(match_places, "REBUILD_FROM", 2)
    match_places.refresh([s.pk for s in services])
    assert [rows_of(s) for s in services] == before


def test_a_need_without_a_bit_is_filtered_the_earlier_way():
    assert match_places.need_mask([1, 62]) == (1 << 1) | (1 << 62)
    assert match_places.need_mask([1, 63]) is None


@pytest.mark.django_db
def test_candidates_from_the_places_are_those_of_the_listings_tables(cases, monkeypatch):  # noqa: F811
    """The same candidates, in the same order, with and without the matching places."""
    assert Service.objects.exists()
    for case in cases:
        person, origin = ms.person_profile_for(case), ms._origin(case)
        for prefs in [*PREFERENCES, matching.Preferences(max_distance_km=3.0, free_only=True)]:
            got = ms.candidate_ids(person=person, origin=origin, prefs=prefs)
            with monkeypatch.context() as m:
                m.setattr(match_places, "available", lambda: False)
                expected = ms.candidate_ids(person=person, origin=origin, prefs=prefs)
            assert got == expected
