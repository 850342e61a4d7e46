"""Outcome measures in a browser: the person's questionnaire from a link (English and Arabic,
360px, axe-core clean, with and without JavaScript) and the link worker's entry page."""

from __future__ import annotations

import re

import pytest

from cast import PASSWORD, submit_referral
from linkwell.outcomes.models import Measurement, SelfCompletionLink
from linkwell.outcomes.self_completion import self_completion_link_create
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

ONS4 = {"life_satisfaction": 7, "worthwhile": 8, "happiness": 6, "anxiety": 3}


def _accepted(referral, link_worker):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.IN_PROGRESS)
    return referral


def _link(referral, link_worker, instrument="ONS4") -> str:
    _link, token = self_completion_link_create(
        actor=link_worker, referral_id=referral.pk, instrument=instrument, timepoint="baseline"
    )
    return f"/q/{token}/"


def _answer(page, answers):
    for key, value in answers.items():
        page.locator(f"input[name=answer_{key}][value='{value}']").check()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_person_completes_a_questionnaire_from_a_link(
    phone_page, referrer, practice, link_worker, language
):
    referral = _accepted(
        submit_referral(referrer, practice, language=language, interpreter_needed=language != "en"),
        link_worker,
    )
    path = _link(referral, link_worker)
    page = phone_page
    page.goto(page.base_url + path)
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    assert_accessible(page)

    # Sending nothing shows the error summary, still accessible.
    page.locator("main form button.nhsuk-button").click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)

    _answer(page, ONS4)
    page.locator("main form button.nhsuk-button").click()
    page.wait_for_load_state()
    assert_accessible(page)
    measurement = Measurement.objects.get()
    assert measurement.mode == "self" and measurement.case_id == referral.case.pk
    assert measurement.answers == ONS4

    # The link works once.
    response = page.goto(page.base_url + path)
    assert response.status == 410
    assert_accessible(page)


def test_the_questionnaire_works_without_javascript(no_js_page, referral, link_worker):
    path = _link(_accepted(referral, link_worker), link_worker)
    page = no_js_page
    page.goto(page.base_url + path)
    _answer(page, ONS4)
    page.locator("main form button.nhsuk-button").click()
    page.wait_for_load_state()
    assert Measurement.objects.filter(mode="self").count() == 1
    assert SelfCompletionLink.objects.get().used_at is not None


def test_the_link_worker_records_a_measure_and_sends_a_link(
    browser, live_server, referral, link_worker
):
    _accepted(referral, link_worker)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", link_worker.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main button").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/outcomes/referrals/{referral.pk}/record/ONS4/?timepoint=baseline")
    assert_accessible(page)
    page.locator("main form button.nhsuk-button").click()  # nothing answered
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)
    _answer(page, ONS4)
    page.locator("main form button.nhsuk-button").click()
    page.wait_for_load_state()
    assert Measurement.objects.filter(mode="assisted", instrument="ONS4").count() == 1

    # The outcomes page: make a link and send it (the cast's person takes phone calls only).
    assert re.search(rf"/outcomes/referrals/{referral.pk}/$", page.url)
    assert_accessible(page)
    page.select_option("#id_instrument", "ONS4")
    page.select_option("#id_timepoint", "follow_up_12w")
    page.locator("input[name=delivery][value=send]").check()
    page.locator("form[action$='/links/'] button").click()
    page.wait_for_load_state()
    assert "call task" in page.locator("main").inner_text()
    assert "/q/" not in page.content()
    assert_accessible(page)

    # The case page shows the measure on its panel and timeline.
    page.goto(f"{live_server.url}/casework/cases/{referral.case.pk}/")
    assert "ONS4 – Baseline" in page.locator("main").inner_text()
    assert_accessible(page)
    context.close()
