"""The provider's listing form edits every time, every place and every phone (formsets, no
JavaScript needed), row by row with clear errors, and keeps the pending-version flow."""

import pytest
from django.urls import reverse

from cast import make_org, make_user
from linkwell.accounts.models import OrganisationKind, Role
from linkwell.directory.models import (
    ApprovalStatus,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceVersion,
)
from linkwell.directory.services import service_snapshot, service_update, version_approve

from .conftest import listing_data, make_listing
from .test_views import management

pytestmark = pytest.mark.django_db

THREE_TIMES = [
    {"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "10:00"},
    {"freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "12:00"},
    {
        "freq": "MONTHLY",
        "byday": "1TH",
        "opens_at": "18:00",
        "closes_at": "20:00",
        "description": "Not in August",
    },
]
TWO_PLACES = [
    {
        "name": "Millfield Community Centre",
        "address_1": "1 Hylton Road",
        "city": "Sunderland",
        "postcode": "SR4 7AA",
        "accessibility": ["step_free", "hearing_loop"],
    },
    {
        "name": "Hendon Library",
        "address_1": "Toward Road",
        "city": "Sunderland",
        "postcode": "SR2 8JG",
        "accessibility": ["step_free"],
    },
]
TWO_PHONES = [{"number": "0191 498 0000"}, {"number": "0191 498 1111", "description": "Bookings"}]


@pytest.fixture
def rich_listing(directory_org):
    return make_listing(
        directory_org, schedules=THREE_TIMES, locations=TWO_PLACES, phones=TWO_PHONES
    )


def page_post(page_data: dict, **changes) -> dict:
    """What a browser sends back for an unchanged form built from `page_data` (the listing's
    data), with `changes` (flat field names) applied."""
    post = {
        "name": page_data["name"],
        "description": page_data["description"],
        "status": page_data["status"],
        "accepts_referrals": "yes" if page_data["accepts_referrals"] else "no",
        "is_free": "yes",
        "languages": "",
        "target_groups": page_data["target_groups"],
        "taxonomy_terms": page_data["taxonomy_terms"],
        "minimum_age": page_data["minimum_age"] or "",
        "places_per_session": page_data["places_per_session"] or "",
    }
    sets = {
        "schedules": page_data["schedules"],
        "locations": page_data["locations"],
        "phones": page_data["phones"],
    }
    for prefix, rows in sets.items():
        for i, row in enumerate(rows):
            for key, value in row.items():
                if key in ("valid_from", "valid_to"):
                    continue
                post[f"{prefix}-{i}-{key}"] = "" if value is None else value
        # one blank row, as the page offers
        post.update(management(prefix, len(rows) + 1, len(rows)))
    post.update(changes)
    return post


def edit_url(service):
    return reverse("directory:service_edit", args=[service.pk])


def test_the_form_shows_every_time_place_and_phone(client, provider, rich_listing):
    client.force_login(provider)
    page = client.get(edit_url(rich_listing)).content.decode()
    for i in range(3):
        assert f'name="schedules-{i}-byday"' in page
    assert 'value="1TH"' in page and "Not in August" in page
    assert 'name="schedules-3-byday"' in page  # the blank row to add one more
    assert 'name="schedules-4-byday"' not in page
    assert "Hendon Library" in page and "Millfield Community Centre" in page
    assert 'name="locations-2-name"' in page and 'name="locations-3-name"' not in page
    assert "0191 498 1111" in page and 'name="phones-2-number"' in page
    assert 'name="schedules-0-DELETE"' in page and "Remove this time" in page
    assert "Add another time" in page and 'formaction="#schedules"' in page


def test_a_provider_edits_a_later_time_place_and_phone(client, provider, editor, rich_listing):
    client.force_login(provider)
    data = service_snapshot(rich_listing)
    monthly = next(i for i, s in enumerate(data["schedules"]) if s["byday"] == "1TH")
    hendon = next(i for i, p in enumerate(data["locations"]) if p["name"] == "Hendon Library")
    bookings = next(i for i, p in enumerate(data["phones"]) if p["description"] == "Bookings")
    response = client.post(
        edit_url(rich_listing),
        page_post(
            data,
            **{
                f"schedules-{monthly}-opens_at": "17:30",
                f"locations-{hendon}-address_2": "Side entrance",
                f"locations-{hendon}-accessibility": ["step_free", "accessible_toilet"],
                f"phones-{bookings}-number": "0191 498 2222",
                "comment": "New times",
            },
        ),
    )
    assert response.status_code == 302
    # A published listing stays as it is: the change is a pending version.
    rich_listing.refresh_from_db()
    assert Schedule.objects.filter(service=rich_listing, opens_at="17:30").count() == 0
    version = rich_listing.versions.get(status=ServiceVersion.Status.PENDING)
    assert version.comment == "New times"
    version_approve(actor=editor, version=version)
    after = service_snapshot(Service.objects.get(pk=rich_listing.pk))
    assert [s["opens_at"] for s in after["schedules"] if s["byday"] == "1TH"] == ["17:30"]
    assert len(after["schedules"]) == 3
    hendon = next(loc for loc in after["locations"] if loc["name"] == "Hendon Library")
    assert hendon["address_2"] == "Side entrance"
    assert hendon["accessibility"] == ["accessible_toilet", "step_free"]
    assert {p["number"] for p in after["phones"]} == {"0191 498 0000", "0191 498 2222"}


def test_removing_rows_with_the_remove_box(client, provider, editor, rich_listing):
    client.force_login(editor)  # an editor's change is published at once
    data = service_snapshot(rich_listing)
    first_tuesday = next(i for i, s in enumerate(data["schedules"]) if s["byday"] == "TU")
    response = client.post(
        edit_url(rich_listing),
        page_post(
            data,
            **{
                f"schedules-{first_tuesday}-DELETE": "on",
                "locations-0-DELETE": "on",
                "phones-0-DELETE": "on",
            },
        ),
    )
    assert response.status_code == 302
    after = service_snapshot(Service.objects.get(pk=rich_listing.pk))
    assert sorted(s["byday"] for s in after["schedules"]) == ["1TH", "MO"]
    assert [loc["name"] for loc in after["locations"]] == [data["locations"][1]["name"]]
    assert [p["number"] for p in after["phones"]] == [data["phones"][1]["number"]]


def test_adding_rows_by_filling_the_blank_row(client, editor, rich_listing):
    client.force_login(editor)
    data = service_snapshot(rich_listing)
    response = client.post(
        edit_url(rich_listing),
        page_post(
            data,
            **{
                "schedules-3-byday": "sa",
                "schedules-3-opens_at": "11:00",
                "schedules-3-closes_at": "13:00",
                "locations-2-name": "Silksworth Library",
                "locations-2-address_1": "Newcastle Road",
                "locations-2-postcode": "sr3 2qx",
                "phones-2-number": "07700 900000",
            },
        ),
    )
    assert response.status_code == 302
    after = service_snapshot(Service.objects.get(pk=rich_listing.pk))
    assert "SA" in {s["byday"] for s in after["schedules"]}
    assert len(after["schedules"]) == 4 and len(after["locations"]) == 3
    assert {loc["postcode"] for loc in after["locations"]} >= {"SR3 2QX"}
    assert len(after["phones"]) == 3


def test_add_another_re_shows_the_form_with_one_more_row_and_saves_nothing(
    client, provider, rich_listing
):
    client.force_login(provider)
    data = service_snapshot(rich_listing)
    post = page_post(data, **{"add": "schedules", "name": "Typed but not saved"})
    response = client.post(edit_url(rich_listing), post)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="schedules-4-byday"' in page  # 3 times + the blank + one more
    assert 'name="schedules-5-byday"' not in page
    assert 'name="phones-2-number"' in page and 'name="phones-3-number"' not in page
    assert "Typed but not saved" in page  # what was typed is kept
    assert "There is a problem" not in page  # nothing validated yet
    assert not rich_listing.versions.filter(status=ServiceVersion.Status.PENDING).exists()
    rich_listing.refresh_from_db()
    assert rich_listing.name == "English conversation for women"


def test_add_another_drops_rows_marked_for_removal(client, provider, rich_listing):
    client.force_login(provider)
    data = service_snapshot(rich_listing)
    post = page_post(data, **{"add": "phones", "phones-0-DELETE": "on"})
    page = client.post(edit_url(rich_listing), post).content.decode()
    assert data["phones"][0]["number"] not in page
    assert data["phones"][1]["number"] in page


@pytest.mark.parametrize(
    ("changes", "message", "anchor"),
    [
        (
            {"schedules-1-opens_at": "12:00", "schedules-1-closes_at": "11:00"},
            "Time 2: the end time must be after the start time",
            "id_schedules-1-closes_at",
        ),
        ({"schedules-2-byday": "XX"}, "Time 3: enter days as", "id_schedules-2-byday"),
        ({"schedules-2-byday": "9MO"}, "Time 3: enter days as", "id_schedules-2-byday"),
        (
            {"schedules-3-opens_at": "10:00"},
            "Time 4: enter the day",
            "id_schedules-3-byday",
        ),
        ({"schedules-0-opens_at": "25:99"}, "Enter a valid time", "id_schedules-0-opens_at"),
        (
            {
                "schedules-0-valid_from_day": "1",
                "schedules-0-valid_from_month": "9",
                "schedules-0-valid_from_year": "2026",
                "schedules-0-valid_to_day": "1",
                "schedules-0-valid_to_month": "8",
                "schedules-0-valid_to_year": "2026",
            },
            "Time 1: the end date must be the same as or after the start date",
            "id_schedules-0-valid_to_day",
        ),
        (
            {"locations-1-postcode": "nonsense"},
            "Place 2: Enter a valid UK postcode",
            "id_locations-1-postcode",
        ),
        (
            {"locations-1-postcode": "SR99 9ZZ"},
            "Place 2: We could not find that postcode.",
            "id_locations-1-postcode",
        ),
        (
            {"locations-1-postcode": ""},
            "Place 2: enter the postcode",
            "id_locations-1-postcode",
        ),
        (
            {"phones-2-description": "Evenings"},
            "Phone 3: enter the phone number",
            "id_phones-2-number",
        ),
        (
            {"minimum_age": "70", "maximum_age": "18"},
            "Maximum age must be the same as or more than the minimum age.",
            "id_maximum_age",
        ),
        (
            {"places_per_session": "-1"},
            "Places per session cannot be negative.",
            "id_places_per_session",
        ),
    ],
)
def test_row_errors_are_listed_in_the_summary_with_links_and_nothing_is_saved(
    client, provider, rich_listing, changes, message, anchor
):
    client.force_login(provider)
    data = service_snapshot(rich_listing)
    response = client.post(edit_url(rich_listing), page_post(data, **changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert f'href="#{anchor}"' in page
    assert not rich_listing.versions.filter(status=ServiceVersion.Status.PENDING).exists()


def test_errors_in_rows_and_fields_show_together(client, provider, rich_listing):
    client.force_login(provider)
    data = service_snapshot(rich_listing)
    page = client.post(
        edit_url(rich_listing),
        page_post(
            data,
            **{
                "name": "",
                "schedules-0-byday": "XX",
                "locations-0-postcode": "nonsense",
                "maximum_age": "1",
                "minimum_age": "16",
            },
        ),
    ).content.decode()
    for text in ("Time 1:", "Place 1:", "Maximum age must be", 'href="#id_name"'):
        assert text in page


def test_a_removed_row_is_not_validated(client, editor, rich_listing):
    client.force_login(editor)
    data = service_snapshot(rich_listing)
    response = client.post(
        edit_url(rich_listing),
        page_post(data, **{"schedules-0-byday": "XX", "schedules-0-DELETE": "on"}),
    )
    assert response.status_code == 302
    assert len(service_snapshot(Service.objects.get(pk=rich_listing.pk))["schedules"]) == 2


def test_too_many_rows_are_refused(client, provider, rich_listing):
    client.force_login(provider)
    data = service_snapshot(rich_listing)
    post = page_post(data)
    post.update(management("phones", 11, 2))
    for i in range(11):
        post[f"phones-{i}-number"] = f"0191 000 00{i:02d}"
    response = client.post(edit_url(rich_listing), post)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_shared_place_is_not_changed_for_other_listings(client, editor, directory_org):
    a = make_listing(directory_org, name="Group A")
    b = make_listing(directory_org, name="Group B")
    shared = ServiceAtLocation.objects.get(service=a).location
    assert ServiceAtLocation.objects.get(service=b).location == shared
    client.force_login(editor)
    data = service_snapshot(a)
    response = client.post(edit_url(a), page_post(data, **{"locations-0-name": "Back room"}))
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.name == "Millfield Community Centre"
    assert ServiceAtLocation.objects.get(service=a).location.name == "Back room"
    assert ServiceAtLocation.objects.get(service=b).location == shared


def test_a_place_only_this_listing_uses_is_changed_in_place(editor, directory_org):
    service = make_listing(directory_org)
    place = ServiceAtLocation.objects.get(service=service).location
    data = service_snapshot(service)
    data["locations"][0].update(name="Millfield Centre", accessibility=["hearing_loop"])
    service_update(actor=editor, service=service, data=data)
    place.refresh_from_db()
    assert place.name == "Millfield Centre"
    assert list(place.accessibility.values_list("feature__code", flat=True)) == ["hearing_loop"]
    assert Location.objects.count() == 1


def test_another_organisations_provider_cannot_open_or_post_the_form(client, rich_listing):
    elsewhere = make_org("Elsewhere Trust", OrganisationKind.VCSE)
    stranger = make_user("stranger@example.org", elsewhere, Role.PROVIDER)
    client.force_login(stranger)
    data = service_snapshot(rich_listing)
    assert client.get(edit_url(rich_listing)).status_code == 404
    assert client.post(edit_url(rich_listing), page_post(data, name="Hijacked")).status_code == 404
    assert client.post(edit_url(rich_listing), page_post(data, add="schedules")).status_code == 404


@pytest.mark.parametrize("who", ["link_worker", "referrer", "commissioner", "nobody"])
def test_other_roles_get_403(client, request, rich_listing, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(edit_url(rich_listing)).status_code == 403


def test_creating_a_listing_with_two_places_and_no_javascript(client, provider, directory_org):
    client.force_login(provider)
    post = page_post(
        {
            **listing_data(name="Walk and talk", schedules=[], phones=[]),
            "locations": [
                {"name": "Barnes Park", "address_1": "Barnes Park Road", "postcode": "SR4 7PS"},
                {"name": "Roker Park", "address_1": "Roker Park Road", "postcode": "SR6 9PT"},
            ],
        },
        **{"schedules-0-byday": "FR", "schedules-0-opens_at": "10:30"},
    )
    # a new listing has no initial rows
    post.update(management("locations", 3, 0))
    post.update(management("schedules", 1, 0))
    response = client.post(reverse("directory:service_create"), post)
    assert response.status_code == 302
    service = Service.objects.get(name="Walk and talk")
    assert service.approval_status == ApprovalStatus.DRAFT
    assert service.service_at_locations.count() == 2
    assert service.schedules.get().byday == "FR"


def test_a_long_hsds_attending_type_fits(rich_listing):
    value = "In person - please bring a packed lunch and wear outdoor shoes, " * 3
    assert 50 < len(value.strip()) <= 200
    schedule = rich_listing.schedules.first()
    schedule.attending_type = value.strip()
    schedule.full_clean(exclude=["service", "location", "service_at_location"])
    schedule.save()
    schedule.refresh_from_db()
    assert schedule.attending_type == value.strip()
