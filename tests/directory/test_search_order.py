"""The search orders and pages in the database: the same order as measuring and sorting in
Python (distance, then relevance, then name ignoring case), whichever way the candidates are
found (listed filters, or checked per candidate inside a distance box)."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwell.directory import selectors
from linkwell.directory.models import ServiceAtLocation
from linkwell.lib.postcode import distance_km

from .conftest import make_listing

pytestmark = pytest.mark.django_db

PLACES = [
    ("Hendon Library", "SR2 7AA"),
    ("Millfield Community Centre", "SR4 7AA"),
    ("Washington Leisure Centre", "NE38 7SS"),
    ("Houghton Hall", "DH4 4AA"),
]


def names(result):
    return [s.name for s, _d in result.items]


@pytest.fixture
def spread(directory_org):
    made = []
    for i, (place, postcode) in enumerate(PLACES):
        for j, name in enumerate(["knit club", "Knit Club", "choir", "Art group"]):
            made.append(
                make_listing(
                    directory_org,
                    name=f"{name} {i}" if j % 2 else name,
                    description="Knitting and a chat." if j < 2 else "Singing and painting.",
                    languages=[{"code": "pl", "name": "Polish"}] if (i + j) % 2 else [],
                    locations=[
                        {"name": place, "address_1": "1 Street", "city": "Sunderland",
                         "postcode": postcode}
                    ],
                )
            )  # fmt: skip
    make_listing(directory_org, name="Online knitting", locations=[])
    return made


def python_order(result_services, origin):
    """What the search promises without text, computed in Python: nearest place first (no
    place last), then name ignoring case."""

    def key(service):
        places = [
            distance_km(*origin, sal.location.latitude, sal.location.longitude)
            for sal in ServiceAtLocation.objects.filter(service=service).select_related("location")
            if sal.location.latitude is not None
        ]
        return (min(places) if places else math.inf, service.name.casefold(), service.name)

    return [s.name for s in sorted(result_services, key=key)]


def test_distance_order_matches_python_and_pages_do_not_overlap(spread):
    result = selectors.service_search(near_postcode="SR4 7AA", per_page=100)
    assert result.total == 17
    origin = result.origin
    everything = [s for s, _d in result.items]
    assert names(result) == python_order(everything, origin)
    assert names(result)[-1] == "Online knitting"  # no place: last
    assert result.items[-1][1] is None
    for service, d in result.items[:-1]:
        sal = ServiceAtLocation.objects.select_related("location").get(service=service)
        assert d == pytest.approx(
            distance_km(*origin, sal.location.latitude, sal.location.longitude), abs=1e-9
        )
    pages = [
        names(selectors.service_search(near_postcode="SR4 7AA", per_page=5, page=p))
        for p in (1, 2, 3, 4)
    ]
    assert sum(pages, []) == names(result)


def test_name_order_ignores_case_and_past_the_last_page_still_counts(spread):
    result = selectors.service_search(per_page=100)
    expected = sorted(names(result), key=lambda n: (n.casefold(), n))
    assert names(result) == expected
    beyond = selectors.service_search(per_page=10, page=5)
    assert beyond.items == [] and beyond.total == 17
    assert selectors.service_search(text="zzzz").total == 0


def test_box_search_finds_the_same_as_listed_filters(spread):
    """Inside a box the text and need filters are checked per candidate; without a box they
    are listed: the same services either way."""
    near = selectors.service_search(
        text="knit", near_postcode="SR4 7AA", within_km=50, language="pl", per_page=100
    )
    everywhere = selectors.service_search(text="knit", language="pl", per_page=100)
    assert sorted(names(near)) == sorted(names(everywhere))
    assert near.total == everywhere.total > 0


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    km=st.floats(min_value=0.5, max_value=40),
    text=st.sampled_from([None, "knit", "choir", "singing paint", "kni"]),
    polish=st.booleans(),
)
def test_within_km_keeps_exactly_the_services_within_that_distance(spread, km, text, polish):
    result = selectors.service_search(
        near_postcode="SR4 7AA",
        within_km=km,
        text=text,
        language="pl" if polish else None,
        per_page=100,
    )
    every = selectors.service_search(
        near_postcode="SR4 7AA", text=text, language="pl" if polish else None, per_page=100
    )
    expected = [s.name for s, d in every.items if d is not None and d <= km]
    assert names(result) == expected
    assert result.total == len(expected)
    distances = [d for _s, d in result.items]
    assert distances == sorted(distances)
