"""Listings are written by providers, mostly in English. On a right-to-left page (Arabic, Farsi,
Urdu) their text keeps its own direction, so a full stop or a comma does not jump to the wrong
end of an English sentence."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def arabic(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    return client


def test_search_results_keep_the_providers_own_text_direction(arabic, listing):
    page = arabic.get(reverse("services:search")).content.decode()
    assert 'dir="rtl"' in page
    assert f'dir="auto">{listing.name}</a>' in page
    assert f'<p class="nhsuk-card__description" dir="auto">{listing.description}' in page
    assert f"<bdi>{listing.organization.name}</bdi>" in page
    assert f"<bdi>{listing.application_process}</bdi>" in page
    assert "(<bdi>A volunteer speaks Bengali</bdi>)" in page


def test_a_listing_page_keeps_the_providers_own_text_direction(arabic, listing):
    page = arabic.get(reverse("services:detail", args=[listing.pk])).content.decode()
    assert f'<h1 dir="auto">{listing.name}</h1>' in page
    assert f'<p dir="auto">{listing.description}</p>' in page
    assert f'<p dir="auto">{listing.eligibility_description}</p>' in page
    assert f"<bdi>{listing.application_process}</bdi>" in page
