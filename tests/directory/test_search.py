import datetime

import pytest

from linkwell.directory import search, selectors
from linkwell.directory.vocabulary import taxonomy_term_uuid

from .conftest import listing_data, make_listing

pytestmark = pytest.mark.django_db


def names(result):
    return [s.name for s, _distance in result.items]


@pytest.fixture
def directory(directory_org):
    make_listing(directory_org)  # English conversation for women, Tue 10-12, SR4 7AA, Bengali
    make_listing(
        directory_org,
        name="Walking football",
        description="Gentle football for over-55s.",
        target_groups=["over_55s"],
        taxonomy_terms=[str(taxonomy_term_uuid("sport"))],
        languages=[{"code": "en", "name": "English"}],
        cost_options=[{"option": "Per session", "amount": "2.50"}],
        schedules=[{"byday": "TH", "opens_at": "18:00", "closes_at": "19:30"}],
        minimum_age=55,
        locations=[
            {
                "name": "Washington Leisure Centre",
                "address_1": "Town Centre",
                "city": "Washington",
                "postcode": "NE38 7SS",
                "accessibility": ["parking"],
            }
        ],
    )
    make_listing(directory_org, name="Draft group", publish=False)


def test_free_text_finds_by_words_in_the_listing(directory):
    assert names(selectors.service_search(text="conversation")) == [
        "English conversation for women"
    ]
    assert names(selectors.service_search(text="football gentle")) == ["Walking football"]
    assert names(selectors.service_search(text="football conversation")) == []
    # The language note is searchable too.
    assert names(selectors.service_search(text="Bengali")) == ["English conversation for women"]


def test_search_text_with_operators_is_treated_as_words(directory):
    assert names(selectors.service_search(text='"football" OR NEAR(*')) == []
    assert selectors.service_search(text="***").total == 2  # no words: no text filter


def test_drafts_are_never_found(directory):
    assert "Draft group" not in names(selectors.service_search())


def test_filters_combine(directory):
    assert names(selectors.service_search(day="TU", time="morning")) == [
        "English conversation for women"
    ]
    assert names(selectors.service_search(day="TU", time="evening")) == []
    assert names(selectors.service_search(time=datetime.time(18, 30))) == ["Walking football"]
    assert names(selectors.service_search(free_only=True)) == ["English conversation for women"]
    assert names(selectors.service_search(language="bn")) == ["English conversation for women"]
    assert names(selectors.service_search(accessibility="parking")) == ["Walking football"]
    assert names(selectors.service_search(target_group="over_55s")) == ["Walking football"]
    assert names(selectors.service_search(age=30)) == ["English conversation for women"]
    assert names(selectors.service_search(needs=["esol"])) == ["English conversation for women"]
    assert names(selectors.service_search(needs=["physical_activity"])) == ["Walking football"]
    assert names(
        selectors.service_search(taxonomy_term_ids=[str(taxonomy_term_uuid("sport"))])
    ) == ["Walking football"]
    assert selectors.service_search(taxonomy_term_ids=["nonsense"]).total == 0


def test_distance_orders_and_limits_results(directory):
    result = selectors.service_search(near_postcode="SR4 7AA")
    assert names(result) == ["English conversation for women", "Walking football"]
    assert result.items[0][1] < 0.5
    assert result.items[1][1] > 5
    near = selectors.service_search(near_postcode="sr4 7aa", within_km=3.2)
    assert names(near) == ["English conversation for women"]


def test_an_unknown_postcode_is_reported_not_fatal(directory):
    result = selectors.service_search(near_postcode="ZZ99 9ZZ", within_km=3)
    assert result.errors == {"near_postcode": "not_found"}


def test_bounding_box_contains_the_circle():
    lat_min, lat_max, long_min, long_max = selectors.bounding_box(54.9, -1.4, 5)
    from linkwell.lib.postcode import distance_km

    assert distance_km(54.9, -1.4, lat_max, -1.4) >= 4.99
    assert distance_km(54.9, -1.4, 54.9, long_max) >= 4.99
    assert lat_min < 54.9 < lat_max and long_min < -1.4 < long_max


def test_paging_is_capped(directory_org):
    for i in range(5):
        make_listing(directory_org, name=f"Group {i}")
    page = selectors.service_search(per_page=2, page=2)
    assert page.total == 5 and names(page) == ["Group 2", "Group 3"] and page.pages == 3
    assert selectors.service_search(per_page=10_000).per_page == selectors.MAX_PER_PAGE


def test_the_index_can_be_rebuilt(directory):
    search.reindex_all()
    assert names(selectors.service_search(text="football")) == ["Walking football"]


def test_an_edit_keeps_the_index_in_step(directory_org, editor):
    from linkwell.directory.services import service_update

    service = make_listing(directory_org, name="Knit and natter")
    service_update(actor=editor, service=service, data=listing_data(name="Crochet club"))
    assert names(selectors.service_search(text="knit")) == []
    assert names(selectors.service_search(text="crochet")) == ["Crochet club"]


def test_words_are_stemmed_and_the_last_word_may_be_unfinished(directory):
    assert names(selectors.service_search(text="conversations")) == [
        "English conversation for women"
    ]
    assert names(selectors.service_search(text="english convers")) == [
        "English conversation for women"
    ]
    assert names(selectors.service_search(text="the walking")) == ["Walking football"]
