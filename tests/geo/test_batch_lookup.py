"""areas_for_postcodes gives exactly what area_for_postcode gives, postcode by postcode, in a
fixed number of queries."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkwell.geo import services
from linkwell.geo.models import LsoaDeprivation, PostcodePoint
from linkwell.geo.services import area_for_postcode, areas_for_postcodes

pytestmark = pytest.mark.django_db

MIX = [
    "SR2 7AA",  # packaged full postcode
    "sr2 7ab",  # packaged, typed loosely
    "SR1 1AA",  # packaged, terminated
    "SR43 2AA",  # packaged without coordinates: its district
    "NE1 4ST",  # imported postcode, 2011 LSOA with packaged IMD
    "NE1 9ZZ",  # imported district
    "NE2 1AA",  # imported postcode with only a 2021 LSOA
    "NE3 1AA",  # imported postcode without coordinates: packaged district
    "SR3 1AA",  # imported postcode overriding a packaged one, imported deprivation
    "SR4 7AA",  # packaged postcode whose LSOA has imported deprivation
    "SR5 1AA",  # packaged postcode beating an imported district
    "LS1 1AA",  # packaged district only
    "ZE9 9ZZ",  # unknown everywhere
    "not a postcode",
    "",
]


def make_imported_rows():
    PostcodePoint.objects.bulk_create(
        [
            PostcodePoint(postcode="NE1 4ST", lat=54.974, long=-1.613, lsoa11="E01008289"),
            PostcodePoint(postcode="NE1", is_district=True, lat=55.0, long=-1.6),
            PostcodePoint(postcode="NE2 1AA", lat=54.98, long=-1.60, lsoa21="E01008290"),
            PostcodePoint(postcode="NE3 1AA", lat=None, long=None, lsoa11="E01008291"),
            PostcodePoint(postcode="SR3 1AA", lat=54.0, long=-1.0, lsoa11="E01000001"),
            PostcodePoint(postcode="SR5", is_district=True, lat=55.1, long=-1.5),
        ]
    )
    LsoaDeprivation.objects.create(lsoa11="E01000001", imd_rank=30000, imd_decile=10)
    sr4 = area_for_postcode("SR4 7AA")
    LsoaDeprivation.objects.create(lsoa11=sr4.lsoa11, imd_rank=12, imd_decile=1)


def test_the_same_answers_as_one_at_a_time_with_empty_tables():
    assert areas_for_postcodes(MIX) == {p: area_for_postcode(p) for p in MIX}


def test_the_same_answers_as_one_at_a_time_with_imported_rows():
    make_imported_rows()
    expected = {p: area_for_postcode(p) for p in MIX}
    assert expected["SR3 1AA"].imd_decile == 10 and expected["NE1 9ZZ"].lat == 55.0
    assert expected["SR4 7AA"].imd_decile == 1 and expected["NE2 1AA"].lsoa11 == "E01008290"
    assert areas_for_postcodes(MIX) == expected


def test_many_postcodes_in_several_batches_and_a_fixed_number_of_queries(monkeypatch):
    make_imported_rows()
    monkeypatch.setattr(services, "LOOKUP_BATCH", 50)
    rng = random.Random(5)
    from linkwell.lib.postcode import _postcodes

    packaged = sorted(_postcodes())
    postcodes = rng.sample(packaged, 150) + [
        f"{d} {rng.randint(1, 9)}AB" for d in ("NE1", "NE5", "SR5", "LS2", "M1", "EC1A")
    ]
    postcodes += MIX
    expected = {p: area_for_postcode(p) for p in postcodes}
    with CaptureQueriesContext(connection) as ctx:
        found = areas_for_postcodes(postcodes)
    assert found == expected
    batches = -(-len({a.postcode for a in expected.values() if a} | {"ZE9 9ZZ"}) // 50)
    assert len(ctx.captured_queries) <= 2 * batches
