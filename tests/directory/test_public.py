"""The public directory: search without signing in, listing, print view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import make_listing

pytestmark = pytest.mark.django_db


def test_the_search_page_needs_no_sign_in_and_lists_published_services(client, listing):
    make_listing(listing.organization, name="Secret draft", publish=False)
    page = client.get(reverse("services:search")).content.decode()
    assert "English conversation for women" in page
    assert "Secret draft" not in page
    assert "Accepts referrals from link workers" in page
    assert "Free" in page


def test_filters_narrow_the_results(client, listing, other_listing):
    page = client.get(reverse("services:search"), {"group": "men_only"}).content.decode()
    assert "shed woodwork" in page and "English conversation for women" not in page
    page = client.get(
        reverse("services:search"),
        {
            "q": "conversation",
            "day": "TU",
            "time": "morning",
            "language": "bn",
            "postcode": "SR4 7AA",
            "distance": "2",
            "free": "on",
            "access": "hearing_loop",
            "age": "30",
            "need": "esol",
            "group": "women_only",
        },
    ).content.decode()
    assert "English conversation for women" in page and "shed woodwork" not in page
    assert "miles away" in page


def test_bad_filter_values_do_not_break_the_page(client, listing):
    response = client.get(
        reverse("services:search"),
        {"day": "XX", "age": "old", "page": "zz", "postcode": "ZZ99 9ZZ", "distance": "2"},
    )
    assert response.status_code == 200
    assert "We could not find that postcode" in response.content.decode()


def test_htmx_gets_only_the_results(client, listing):
    response = client.get(reverse("services:search"), {"q": "English"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]
    full = client.get(reverse("services:search"), {"q": "English"}).content.decode()
    assert 'hx-get="/services/"' in full and 'hx-target="#results"' in full


def test_the_results_list_takes_a_fixed_number_of_queries(client, directory_org):
    for i in range(3):
        make_listing(directory_org, name=f"Group {i}")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("services:search"), {"postcode": "SR4 7AA", "q": "group"})
    for i in range(3, 15):
        make_listing(directory_org, name=f"Group {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("services:search"), {"postcode": "SR4 7AA", "q": "group"})
    assert len(many) == len(few)
    assert len(many) <= 25


def test_stale_listings_say_not_checked_recently(client, directory_org):
    make_listing(directory_org, name="Old group", verified_days_ago=200)
    page = client.get(reverse("services:search")).content.decode()
    assert "Not checked recently" in page


def test_the_detail_page_says_how_to_join(client, listing):
    page = client.get(reverse("services:detail", args=[listing.pk])).content.decode()
    assert "How to join" in page
    assert "Just turn up, or ask your link worker to refer you." in page
    assert "Tuesdays" in page
    assert "A volunteer speaks Bengali" in page
    assert "Hearing loop" in page


def test_drafts_and_deleted_listings_are_not_found(client, directory_org, listing, provider):
    from linkwell.directory.services import service_delete

    draft = make_listing(directory_org, name="Draft", publish=False)
    assert client.get(reverse("services:detail", args=[draft.pk])).status_code == 404
    service_delete(actor=provider, service=listing)
    assert client.get(reverse("services:detail", args=[listing.pk])).status_code == 404
    assert client.get("/services/not-a-uuid/").status_code == 404


def test_the_print_view_is_large_print_without_inline_styles(client, listing):
    response = client.get(reverse("services:print", args=[listing.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "directory-print.css" in page
    assert "style=" not in page and "<style" not in page and "<script" not in page
    assert "Millfield Community Centre" in page


def test_the_footer_links_to_the_directory(client):
    page = client.get("/").content.decode()
    assert f'href="{reverse("services:search")}"' in page


def test_the_search_page_has_no_inline_styles_or_scripts(client, listing):
    page = client.get(reverse("services:search")).content.decode()
    assert "style=" not in page
    assert "<script>" not in page
