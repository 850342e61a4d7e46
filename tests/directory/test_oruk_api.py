"""The ORUK 3.0 API at /oruk/: shape (validated against the ORUK schemas), filters, paging,
errors and CORS."""

import datetime

import pytest
from django.utils import timezone

from directory.oruk_builders import ENGLISH, WALKING, make_directory, make_service
from directory.oruk_schemas import assert_valid, assert_valid_page
from linkwell.directory.vocabulary import LINKWELL_TAXONOMY_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    return make_directory()


def get(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    return response.json()


def names(page):
    return [s["name"] for s in page["contents"]]


def test_the_api_root_gives_the_uk_profile_version_and_its_openapi(client):
    data = get(client, "/oruk/")
    assert_valid(data, "api_details.json")
    assert data["version"] == "HSDS-UK-3.0"
    assert data["openapi_url"] == "http://testserver/oruk/openapi.json"
    spec = get(client, "/oruk/openapi.json")
    assert spec["info"]["version"] == "HSDS-UK-3.0"
    assert "/services" in spec["paths"]


def test_services_lists_only_published_not_deleted_services(client, directory):
    page = get(client, "/oruk/services")
    assert_valid_page(page, "service_list.json")
    assert names(page) == ["English conversation for women", "Homework club", "Roker seafront walk"]
    assert page["total_items"] == 3 and page["first_page"] and page["last_page"]


def test_a_full_service_record_validates_and_nests_everything(client, directory):
    data = get(client, f"/oruk/services/{directory['english'].pk}")
    assert_valid(data, "service.json")
    assert_valid(data, "profile_service_compiled.json")
    assert data["organization"]["name"] == "Hendon Community Association"
    assert data["minimum_age"] == 16 and "maximum_age" not in data
    sal = data["service_at_locations"][0]
    assert sal["location"]["addresses"][0]["postal_code"] == "SR2 7AA"
    assert sal["location"]["accessibility"][0]["description"] == "Step-free access"
    assert sal["schedules"][0]["byday"] == "TU" and sal["schedules"][0]["opens_at"] == "10:00:00"
    assert [s["byday"] for s in data["schedules"]] == ["1SA"]
    assert data["languages"][0] == {
        "id": data["languages"][0]["id"],
        "service_id": str(directory["english"].pk),
        "name": "Bengali",
        "code": "bn",
        "note": "A volunteer",
    }
    assert data["cost_options"][0]["amount"] == 0
    assert data["contacts"][0]["phones"][0]["number"] == "0191 498 0001"
    assert data["phones"][0]["languages"][0]["code"] == "pl"
    term = data["attributes"][0]["taxonomy_term"]
    assert (term["id"], term["taxonomy_id"]) == (str(ENGLISH), str(LINKWELL_TAXONOMY_ID))


def test_full_true_gives_fully_nested_services_in_the_list(client, directory):
    page = get(client, "/oruk/services", {"full": "true", "per_page": 2})
    assert_valid_page(page, "service_list.json")
    for record in page["contents"]:
        assert_valid(record, "service.json")
        assert "service_at_locations" in record


def test_pending_and_deleted_services_are_not_found(client, directory):
    for key in ("pending", "deleted"):
        data = get(client, f"/oruk/services/{directory[key].pk}", status=404)
        assert data == {"status": 404, "message": "Not found."}


def test_a_malformed_uuid_is_a_400_with_a_message_not_a_500(client, directory):
    data = get(client, "/oruk/services/not-a-uuid", status=400)
    assert "must be a UUID" in data["message"]
    assert (
        "taxonomy_term_id"
        in get(client, "/oruk/services", {"taxonomy_term_id": "x"}, status=400)["message"]
    )
    get(client, "/oruk/service_at_locations/123", status=400)
    get(client, "/oruk/taxonomy_terms/abc", status=400)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "0"}, "page must be at least 1"),
        ({"per_page": "lots"}, "per_page must be a whole number"),
        ({"day": "someday"}, "day must be one of"),
        ({"start_time": "25:00"}, "start_time must be a time"),
        ({"modified_after": "yesterday"}, "modified_after must be a date"),
        ({"minimum_age": "30", "maximum_age": "10"}, "minimum_age must not be more"),
        ({"full": "perhaps"}, "full must be true or false"),
    ],
)
def test_bad_parameters_are_400_with_a_message(client, directory, params, message):
    assert message in get(client, "/oruk/services", params, status=400)["message"]


def test_per_page_over_the_limit_is_capped_at_100(client, directory):
    page = get(client, "/oruk/services", {"per_page": 5000})
    assert page["size"] == 3 and page["total_pages"] == 1


def test_paging_walks_every_service_once(client, directory):
    first = get(client, "/oruk/services", {"per_page": 2})
    second = get(client, "/oruk/services", {"per_page": 2, "page": 2})
    beyond = get(client, "/oruk/services", {"per_page": 2, "page": 3})
    assert (first["total_pages"], first["first_page"], first["last_page"]) == (2, True, False)
    assert (second["first_page"], second["last_page"], second["size"]) == (False, True, 1)
    assert beyond["empty"] and beyond["contents"] == []
    assert len(set(names(first) + names(second))) == 3


def test_search_finds_services_by_text(client, directory):
    assert names(get(client, "/oruk/services", {"search": "seafront"})) == ["Roker seafront walk"]
    assert names(get(client, "/oruk/services", {"search": "convers"})) == [
        "English conversation for women"
    ]


def test_taxonomy_filters(client, directory):
    by_term = get(client, "/oruk/services", {"taxonomy_term_id": str(WALKING)})
    assert names(by_term) == ["Roker seafront walk"]
    by_taxonomy = get(
        client, "/oruk/services", {"taxonomy_id": str(directory["imported_taxonomy"].pk)}
    )
    assert names(by_taxonomy) == ["Roker seafront walk"]
    unknown = get(client, "/oruk/services", {"taxonomy_id": "00000000-0000-4000-8000-000000000000"})
    assert unknown["empty"] and unknown["total_items"] == 0


def test_age_filters_return_services_whose_ages_overlap(client, directory):
    assert names(get(client, "/oruk/services", {"maximum_age": 10})) == ["Homework club"]
    assert names(get(client, "/oruk/services", {"minimum_age": 15})) == [
        "English conversation for women",
        "Roker seafront walk",
    ]
    # English starts at 16 and the walk at 18: neither overlaps 12 to 15.
    assert names(get(client, "/oruk/services", {"minimum_age": 12, "maximum_age": 15})) == [
        "Homework club"
    ]


def test_day_and_time_filters_combine_on_the_same_session(client, directory):
    assert names(get(client, "/oruk/services", {"day": "TU"})) == ["English conversation for women"]
    assert names(get(client, "/oruk/services", {"day": "saturday", "start_time": "09:00"})) == [
        "English conversation for women",  # first Saturday of the month, 14:00
        "Roker seafront walk",
    ]
    assert names(get(client, "/oruk/services", {"day": "SA", "end_time": "11:00"})) == [
        "Roker seafront walk"
    ]
    assert names(get(client, "/oruk/services", {"day": "WE", "end_time": "16:00"})) == []
    assert names(get(client, "/oruk/services", {"start_time": "15:00", "end_time": "17:00"})) == [
        "Homework club"
    ]


def test_modified_after_and_filters_combine_with_and(client, directory):
    since = (timezone.now() - datetime.timedelta(days=30)).date().isoformat()
    assert names(get(client, "/oruk/services", {"modified_after": since})) == [
        "English conversation for women",
        "Homework club",
    ]
    assert (
        names(
            get(
                client,
                "/oruk/services",
                {"modified_after": since, "taxonomy_term_id": str(WALKING)},
            )
        )
        == []
    )
    assert (
        names(get(client, "/oruk/services", {"search": "club", "taxonomy_term_id": str(ENGLISH)}))
        == []
    )


def test_taxonomies_and_terms_validate(client, directory):
    taxonomies = get(client, "/oruk/taxonomies")
    assert_valid_page(taxonomies, "taxonomy_list.json")
    assert {t["name"] for t in taxonomies["contents"]} >= {"Imported taxonomy"}
    one = get(client, f"/oruk/taxonomies/{LINKWELL_TAXONOMY_ID}")
    assert_valid(one, "taxonomy.json")
    terms = get(client, "/oruk/taxonomy_terms", {"per_page": 100})
    assert_valid_page(terms, "taxonomy_term_list.json")
    assert terms["total_items"] >= 29
    nordic = get(
        client,
        "/oruk/taxonomy_terms",
        {"taxonomy_id": str(directory["imported_taxonomy"].pk)},
    )
    assert [t["name"] for t in nordic["contents"]] == ["Nordic walking"]
    assert nordic["contents"][0]["parent_id"] == str(WALKING)
    term = get(client, f"/oruk/taxonomy_terms/{directory['imported_term'].pk}")
    assert_valid(term, "taxonomy_term.json")
    assert (
        get(client, "/oruk/taxonomy_terms", {"top_only": "true", "per_page": 100})["total_items"]
        == terms["total_items"] - 1
    )


def test_service_at_locations_validate_and_sort_by_distance_from_a_postcode(client, directory):
    page = get(client, "/oruk/service_at_locations")
    assert_valid_page(page, "service_at_location_list.json")
    assert page["total_items"] == 3
    near = get(client, "/oruk/service_at_locations", {"postcode": "SR6 0PL"})
    assert_valid_page(near, "service_at_location_list.json")
    assert near["contents"][0]["service"]["name"] == "Roker seafront walk"
    distances = [sal["distance"] for sal in near["contents"]]
    assert distances == sorted(distances) and distances[0] < 600


def test_proximity_limits_service_at_locations_to_that_many_metres(client, directory):
    within = get(client, "/oruk/service_at_locations", {"postcode": "SR6 0PL", "proximity": "1000"})
    assert [s["service"]["name"] for s in within["contents"]] == ["Roker seafront walk"]
    everything = get(
        client, "/oruk/service_at_locations", {"postcode": "SR6 0PL", "proximity": "10000"}
    )
    assert everything["total_items"] == 3


def test_service_at_location_filters_and_detail(client, directory):
    filtered = get(client, "/oruk/service_at_locations", {"taxonomy_term_id": str(ENGLISH)})
    assert [s["service"]["name"] for s in filtered["contents"]] == [
        "English conversation for women"
    ]
    sal_id = filtered["contents"][0]["id"]
    detail = get(client, f"/oruk/service_at_locations/{sal_id}")
    assert_valid(detail["service"], "service.json")
    pending_sal = directory["pending"].service_at_locations.get()
    get(client, f"/oruk/service_at_locations/{pending_sal.pk}", status=404)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"postcode": "not a postcode"}, "was not found"),
        ({"postcode": "ZE9 9ZZ"}, "was not found"),
        ({"proximity": "100"}, "proximity needs a postcode"),
        ({"postcode": "SR6 0PL", "proximity": "-5"}, "proximity must be a distance"),
        ({"postcode": "SR6 0PL", "proximity": "far"}, "proximity must be a distance"),
    ],
)
def test_bad_postcode_or_proximity_is_400(client, directory, params, message):
    assert message in get(client, "/oruk/service_at_locations", params, status=400)["message"]


def test_unknown_paths_and_writes_get_json_errors_with_cors(client):
    assert get(client, "/oruk/no_such_endpoint/whatever", status=404)["status"] == 404
    response = client.post("/oruk/services", {})
    assert response.status_code == 405
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_api_is_open_without_signing_in_and_needs_no_key(client, directory):
    client.logout()
    assert get(client, "/oruk/services")["total_items"] == 3


def test_an_empty_directory_is_a_valid_empty_page(client):
    page = get(client, "/oruk/services")
    assert_valid_page(page, "service_list.json")
    assert page["empty"] and page["total_items"] == 0 and page["total_pages"] == 1


def test_listings_made_by_the_directory_services_validate(client, listing):
    data = get(client, f"/oruk/services/{listing.pk}")
    assert_valid(data, "service.json")
    assert_valid(data, "profile_service_compiled.json")
    assert_valid_page(get(client, "/oruk/service_at_locations"), "service_at_location_list.json")


def test_the_number_of_queries_does_not_grow_with_the_page(
    client, directory, django_assert_max_num_queries
):
    org = directory["org"]
    for i in range(10):
        make_service(org, f"Extra group {i}")
    with django_assert_max_num_queries(30):
        get(client, "/oruk/services", {"full": "true", "per_page": 100})
