"""area_for_postcode: imported tables first, then the open data packaged with Linkwell."""

import pytest

from linkwell.geo.models import LsoaDeprivation, PostcodePoint
from linkwell.geo.services import area_for_postcode, deprivation_for_lsoa
from linkwell.people.models import Person
from linkwell.people.services import _apply_area

pytestmark = pytest.mark.django_db


def test_with_empty_tables_the_packaged_sr_postcodes_are_used():
    area = area_for_postcode("sr2 7aa")
    assert (area.postcode, area.source, area.lsoa11, area.imd_decile) == (
        "SR2 7AA",
        "postcode",
        "E01008831",
        3,
    )


def test_with_empty_tables_other_postcodes_fall_back_to_the_packaged_district():
    area = area_for_postcode("NE1 4ST")
    assert area.source == "district" and area.lat == 54.9725 and area.imd_decile is None


def test_malformed_and_unknown_postcodes_give_nothing():
    assert area_for_postcode("not a postcode") is None
    assert area_for_postcode("ZE9 9ZZ") is None


def test_an_imported_postcode_is_preferred_and_gets_its_decile_from_packaged_imd():
    PostcodePoint.objects.create(postcode="NE1 4ST", lat=54.974, long=-1.613, lsoa11="E01008289")
    area = area_for_postcode("NE1 4ST")
    assert (area.source, area.lat, area.lsoa11) == ("postcode", 54.974, "E01008289")
    assert (area.imd_rank, area.imd_decile, area.imd_quintile) == (1985, 1, 1)


def test_an_imported_postcode_overrides_the_packaged_one():
    PostcodePoint.objects.create(postcode="SR2 7AA", lat=54.0, long=-1.0, lsoa11="E01000001")
    area = area_for_postcode("SR2 7AA")
    assert (area.lat, area.long, area.lsoa11, area.imd_decile) == (54.0, -1.0, "E01000001", 9)


def test_imported_deprivation_overrides_the_packaged_imd():
    LsoaDeprivation.objects.create(lsoa11="E01008831", imd_rank=30000, imd_decile=10)
    assert area_for_postcode("SR2 7AA").imd_decile == 10
    assert deprivation_for_lsoa("E01008831") == (30000, 10)


def test_a_2021_lsoa_with_an_unchanged_code_still_finds_its_deprivation():
    PostcodePoint.objects.create(postcode="NE1 4ST", lat=54.97, long=-1.61, lsoa21="E01008289")
    area = area_for_postcode("NE1 4ST")
    assert (area.lsoa11, area.imd_decile) == ("E01008289", 1)


def test_an_imported_district_is_used_when_the_postcode_is_not_known():
    PostcodePoint.objects.create(postcode="NE1", is_district=True, lat=55.0, long=-1.6)
    area = area_for_postcode("NE1 9ZZ")
    assert (area.source, area.lat) == ("district", 55.0)


def test_a_packaged_full_postcode_beats_an_imported_district():
    PostcodePoint.objects.create(postcode="SR2", is_district=True, lat=55.0, long=-1.6)
    assert area_for_postcode("SR2 7AA").source == "postcode"


def test_an_imported_postcode_without_coordinates_is_ignored():
    PostcodePoint.objects.create(postcode="SR2 7AA", lat=None, long=None)
    assert area_for_postcode("SR2 7AA").lat == 54.902281


def test_a_person_gets_area_data_from_imported_postcodes():
    PostcodePoint.objects.create(postcode="NE1 4ST", lat=54.974, long=-1.613, lsoa11="E01008289")
    person = Person(postcode="NE1 4ST")
    _apply_area(person)
    assert (person.lsoa11, person.imd_decile, person.latitude) == ("E01008289", 1, 54.974)
