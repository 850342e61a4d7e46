"""The public directory in a phone-sized browser: axe-core on each page, htmx live filtering
with JavaScript, and the same search working without it."""

from __future__ import annotations

import pytest

from directory.conftest import listing_data

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(live_server):
    from linkwell.directory.models import Organization
    from linkwell.directory.services import service_create

    org = Organization.objects.create(name="Stitch and Speak", description="Women's group")
    service_create(actor=None, organization=org, data=listing_data(), publish=True)
    service_create(
        actor=None,
        organization=org,
        data=listing_data(name="Men's shed woodwork", target_groups=["men_only"]),
        publish=True,
    )


def test_searching_with_javascript_filters_live_and_is_accessible(phone_page, published):
    page = phone_page
    page.goto(f"{page.base_url}/services/")
    assert_accessible(page)
    assert page.locator("#results .nhsuk-card").count() == 2
    page.select_option("#id_group", "women_only")  # a change event: htmx fetches the results
    page.wait_for_function("document.querySelectorAll('#results .nhsuk-card').length === 1")
    assert "English conversation for women" in page.locator("#results").inner_text()
    assert "group=women_only" in page.url
    page.locator("#results a.nhsuk-card__link").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "English conversation for women"
    assert_accessible(page)


def test_searching_without_javascript_works(no_js_page, published):
    page = no_js_page
    page.goto(f"{page.base_url}/services/")
    page.select_option("#id_group", "men_only")
    page.fill("#id_postcode", "SR4 7AA")
    page.locator("main form button.nhsuk-button").click()
    page.wait_for_load_state()
    text = page.locator("#results").inner_text()
    assert "shed woodwork" in text and "English conversation for women" not in text
    assert "miles away" in text
