"""The public self-referral, walked in a phone-sized browser, checked with axe-core on every page."""

from __future__ import annotations

import re

import pytest

from linkwell.referrals.models import Referral, Source

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

CONTINUE = "main button.nhsuk-button"


def _continue(page):
    page.locator(CONTINUE).first.click()
    page.wait_for_load_state()


def _walk(page, *, base_url: str, language: str) -> str:
    """Walk the whole journey, checking accessibility on every page; return the confirmation text."""
    page.goto(f"{base_url}/self-referral/")
    if language != "en":
        page.select_option("#linkwell-language", language)
        page.locator("form:has(#linkwell-language) button").click()
        page.wait_for_load_state()
        expected_dir = "rtl" if language in ("ar", "ur", "fa") else "ltr"
        assert page.get_attribute("html", "lang") == language
        assert page.get_attribute("html", "dir") == expected_dir
    assert_accessible(page)
    page.locator("main a.nhsuk-button").first.click()

    # Name: first try with nothing, to check the error page too.
    assert re.search(r"/self-referral/name/$", page.url)
    _continue(page)
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)
    page.fill("#id_given_name", "Layla")
    page.fill("#id_family_name", "Haddad")
    assert_accessible(page)
    _continue(page)

    page.fill("#id_date_of_birth_day", "17")
    page.fill("#id_date_of_birth_month", "5")
    page.fill("#id_date_of_birth_year", "1979")
    assert_accessible(page)
    _continue(page)

    # Language: the UI language is the default answer.
    assert page.input_value("#id_language") == language
    page.check("input[name=interpreter_needed][value=yes]")
    assert_accessible(page)
    _continue(page)

    page.check("input[name=contact_methods][value=phone]")
    assert_accessible(page)
    _continue(page)

    page.fill("#id_phone", "07700 900123")
    page.check("input[name=phone_is_shared][value=no]")
    page.check("input[name=voicemail_ok][value=no]")
    page.fill("#id_safe_times_to_call", "Weekday mornings")
    page.fill("#id_postcode", "sr4 7ab")
    assert_accessible(page)
    _continue(page)

    page.locator("input[name=needs]").first.check()
    page.locator("input[name=needs]").nth(9).check()
    page.fill("#id_reason", "<b>I would like to meet people</b>")
    assert_accessible(page)
    _continue(page)

    assert_accessible(page)
    _continue(page)

    page.check("#id_consent_confirmed")
    assert_accessible(page)
    _continue(page)

    # Check your answers: what they typed is shown escaped, not as markup.
    assert "<b>I would like to meet people</b>" in page.inner_text("main")
    assert_accessible(page)
    page.locator("main form button.nhsuk-button").click()
    page.wait_for_load_state()

    assert page.locator(".nhsuk-panel").is_visible()
    assert_accessible(page)
    return page.inner_text(".nhsuk-panel")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_person_can_refer_themselves_on_a_phone_with_no_accessibility_failures(
    phone_page, live_server, service, language
):
    panel = _walk(phone_page, base_url=live_server.url, language=language)
    referral = Referral.objects.get()
    assert referral.reference in panel
    assert referral.source == Source.SELF
    person = referral.person
    assert person.language == language
    assert person.interpreter_needed
    assert person.contact_methods == ["phone"]
    assert person.no_voicemail
    assert person.postcode == "SR4 7AB"
    assert referral.reason == "<b>I would like to meet people</b>"


def test_the_journey_works_without_javascript(no_js_page, live_server, service):
    page = no_js_page
    page.goto(f"{live_server.url}/self-referral/")
    page.locator("main a.nhsuk-button").first.click()
    page.fill("#id_given_name", "Tomasz")
    _continue(page)
    _continue(page)  # date of birth is optional
    page.check("input[name=interpreter_needed][value=no]")
    _continue(page)
    page.check("input[name=contact_methods][value=letter]")
    _continue(page)
    page.fill("#id_address_line_1", "3 Example Road")
    page.fill("#id_town", "Sunderland")
    page.fill("#id_postcode", "SR1 1AA")
    _continue(page)
    page.locator("input[name=needs]").first.check()
    _continue(page)
    _continue(page)
    page.check("#id_consent_confirmed")
    _continue(page)
    page.locator("main form button.nhsuk-button").click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-panel").is_visible()
    assert Referral.objects.get().person.contact_methods == ["letter"]


def test_an_arabic_self_referral_reaches_the_link_worker_inbox_with_language_and_contact(
    browser, phone_page, live_server, service, link_worker
):
    from cast import PASSWORD

    _walk(phone_page, base_url=live_server.url, language="ar")
    referral = Referral.objects.get()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", link_worker.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main button").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/referrals/inbox/")
    row = page.locator("tr", has_text=referral.reference)
    assert "Arabic" in row.inner_text()
    assert "Phone call" in row.inner_text()
    assert "Self-referral" in row.inner_text()
    assert_accessible(page)
    context.close()
