"""Searching within a distance lists the places in the box first, measures each once, then
finds their services (`selectors.PLACES_FIRST`). It must return what the earlier query did
(each candidate's places measured in a correlated subquery): same ids, order, totals and
distances, including services with several places, places without coordinates, online-only
services, and after places move or go."""

import importlib.util
from pathlib import Path

import pytest
from django.db import connection

from linkwell.directory import selectors
from linkwell.directory.models import Location, ServiceAtLocation
from linkwell.lib.postcode import distance_km

from .conftest import make_listing

pytestmark = pytest.mark.django_db

PLACES = [
    ("Hendon Library", "SR2 7AA"),
    ("Millfield Community Centre", "SR4 7AA"),
    ("Washington Leisure Centre", "NE38 7SS"),
    ("Houghton Hall", "DH4 4AA"),
    ("Durham Town Hall", "DH1 3NJ"),
]


def place(name, postcode):
    return {"name": name, "address_1": "1 Street", "city": "Sunderland", "postcode": postcode}


@pytest.fixture
def directory(directory_org):
    made = []
    for i, (name, postcode) in enumerate(PLACES):
        for j, title in enumerate(["Knit club", "knit Club", "Choir", "Art group"]):
            places = [place(name, postcode)]
            if (i + j) % 3 == 0:  # a second venue elsewhere
                places.append(place(*PLACES[(i + 2) % len(PLACES)]))
            made.append(
                make_listing(
                    directory_org,
                    name=f"{title} {i}",
                    description="Knitting and a chat." if j < 2 else "Singing and painting.",
                    languages=[{"code": "pl", "name": "Polish"}] if (i + j) % 2 else [],
                    schedules=[
                        {"freq": "WEEKLY", "byday": ("MO", "TU", "WE")[(i + j) % 3],
                         "opens_at": "10:00", "closes_at": "12:00"}
                    ],
                    locations=places,
                )
            )  # fmt: skip
    make_listing(directory_org, name="Online knitting", locations=[])
    # A service whose only place has no coordinates, and one with a second such place.
    unplaced = make_listing(
        directory_org, name="Knit club nowhere", locations=[place("X", "SR4 7AA")]
    )
    Location.objects.filter(service_at_locations__service=unplaced).update(
        latitude=None, longitude=None
    )
    half = make_listing(
        directory_org,
        name="Knit club half placed",
        locations=[place("Y", "SR2 7AA"), place("Z", "NE38 7SS")],
    )
    Location.objects.filter(service_at_locations__service=half, name="Z").update(longitude=None)
    return made


def both_ways(monkeypatch, **query):
    monkeypatch.setattr(selectors, "PLACES_FIRST", True)
    new = selectors.service_search(**query)
    monkeypatch.setattr(selectors, "PLACES_FIRST", False)
    old = selectors.service_search(**query)
    monkeypatch.setattr(selectors, "PLACES_FIRST", True)
    return new, old


def summary(result):
    return result.total, [(s.pk, d) for s, d in result.items]


QUERIES = [
    {},
    {"text": "knit"},
    {"text": "kni", "language": "pl"},
    {"text": "singing paint"},
    {"needs": ["loneliness"]},
    {"day": "MO"},
    {"day": "TU", "text": "knit"},
    {"free_only": True},
    {"text": "zzzz"},
]


@pytest.mark.parametrize("km", [0.5, 3, 12, 80])
def test_places_first_returns_what_the_earlier_query_did(directory, monkeypatch, km):
    for postcode in ("SR4 7AA", "DH4 4AA"):
        for query in QUERIES:
            for page, per_page in ((1, 20), (1, 3), (2, 3), (9, 3)):
                new, old = both_ways(
                    monkeypatch,
                    near_postcode=postcode,
                    within_km=km,
                    page=page,
                    per_page=per_page,
                    **query,
                )
                assert summary(new) == summary(old), (postcode, query, page, per_page)


def test_distance_is_to_the_nearest_place_with_coordinates(directory):
    result = selectors.service_search(near_postcode="SR4 7AA", within_km=80, per_page=100)
    found = {s.name: d for s, d in result.items}
    assert "Knit club nowhere" not in found  # its only place has no coordinates
    assert "Online knitting" not in found
    origin = result.origin
    y = Location.objects.get(name="Y")
    assert found["Knit club half placed"] == pytest.approx(
        distance_km(*origin, y.latitude, y.longitude), abs=1e-9
    )
    for service, d in result.items:
        places = [
            distance_km(*origin, sal.location.latitude, sal.location.longitude)
            for sal in ServiceAtLocation.objects.filter(service=service).select_related("location")
            if sal.location.latitude is not None and sal.location.longitude is not None
        ]
        assert d == pytest.approx(min(places), abs=1e-9)
    # Without a distance they are all there, the unplaced last.
    everything = selectors.service_search(near_postcode="SR4 7AA", per_page=100)
    assert everything.total == result.total + 2
    assert {s.name for s, d in everything.items if d is None} == {
        "Knit club nowhere",
        "Online knitting",
    }


def test_places_that_move_or_go_are_searched_where_they_are_now(directory):
    near = selectors.service_search(near_postcode="SR4 7AA", within_km=0.3, per_page=100)
    assert near.total > 0
    moved = Location.objects.get(name="Millfield Community Centre", latitude__isnull=False)
    far = Location.objects.filter(name="Durham Town Hall").first()
    Location.objects.filter(name="Millfield Community Centre").update(
        latitude=far.latitude, longitude=far.longitude
    )
    assert selectors.service_search(near_postcode="SR4 7AA", within_km=0.3).total == 0
    assert selectors.service_search(near_postcode="DH1 3NJ", within_km=0.3).total >= near.total
    moved.refresh_from_db()
    moved.delete()
    assert selectors.service_search(near_postcode="SR4 7AA", within_km=0.3).total == 0


def test_an_empty_directory_finds_nothing_within_a_distance(db):
    result = selectors.service_search(near_postcode="SR4 7AA", within_km=10, text="knit")
    assert (result.total, result.items, result.errors) == (0, [], {})


def test_the_search_indexes_exist():
    """Migration 0007's covering indexes (the box, its services, the public filter, needs)."""
    with connection.cursor() as cursor:
        names = {
            name
            for table in (
                "directory_location",
                "directory_serviceatlocation",
                "directory_service",
                "directory_attribute",
                "directory_schedule",
                "directory_costoption",
            )
            for name in connection.introspection.get_constraints(cursor, table)
        }
    assert {
        "directory_location_box",
        "directory_serviceatlocation_location_service",
        "directory_service_id_public",
        "directory_attribute_term_link",
        "directory_schedule_service_times",
        "directory_costoption_service_amount",
    } <= names


BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "directory_search.py"


def test_the_benchmark_mix_is_the_same_both_ways_on_a_small_directory(monkeypatch):
    """The benchmark's generator and query mix (what `--verify` checks at 100,000)."""
    spec = importlib.util.spec_from_file_location("linkwell_bench_directory_search", BENCHMARK)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    facts = bench.generate(400, seed=11)
    queries = bench.query_mix(40, 11, facts["districts"])
    monkeypatch.setattr(selectors, "PLACES_FIRST", False)
    _timing, before = bench.run_indexed(queries)
    monkeypatch.setattr(selectors, "PLACES_FIRST", True)
    timing, after = bench.run_indexed(queries)
    assert after == before
    assert any(total for total, _ids in after)
    assert timing["cpu"]["p50_ms"] > 0 and timing["queries"] == 40


@pytest.mark.parametrize("rings", [(0.2, 1.0, 4.0), (3.0, 30.0)])
def test_any_distance_in_widening_circles_returns_what_ordering_everything_did(
    directory, monkeypatch, rings
):
    """With a postcode and no distance, the nearest page is looked for in widening circles
    (when there are many matches); pages beyond the circles fall back to ordering all."""
    monkeypatch.setattr(selectors, "RINGS_KM", rings)
    monkeypatch.setattr(selectors, "RING_MIN_TOTAL", 0)
    answered = []
    rings_search = selectors._nearest_in_rings

    def recording(*args):
        found = rings_search(*args)
        answered.append(found is not None)
        return found

    monkeypatch.setattr(selectors, "_nearest_in_rings", recording)
    for postcode in ("SR4 7AA", "DH1 3NJ"):
        for query in QUERIES:
            for page, per_page in ((1, 3), (2, 3), (3, 5), (1, 100), (9, 3), (30, 3)):
                new, old = both_ways(
                    monkeypatch, near_postcode=postcode, page=page, per_page=per_page, **query
                )
                assert summary(new) == summary(old), (postcode, query, page, per_page)
    assert True in answered and False in answered  # both the circles and the fallback ran
