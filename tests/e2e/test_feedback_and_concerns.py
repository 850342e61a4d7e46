"""Participant feedback on a phone and the "I'm worried about someone" form, in a phone-sized
browser, checked with axe-core; the feedback page also works with JavaScript off."""

from __future__ import annotations

import pytest

from cast import PASSWORD
from groups.conftest import group_listing, make_session, refer_on
from linkwell.casework.models import Case
from linkwell.directory.models import Organization
from linkwell.groups import feedback
from linkwell.groups.models import Concern, Feedback
from linkwell.groups.services import booking_create
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def booked(referral, link_worker, provider, vcse):
    for to in (Status.ACCEPTED, Status.IN_PROGRESS):
        referral_transition(actor=link_worker, referral_id=referral.pk, to_status=to)
    case = Case.objects.get(referral=referral)
    org = Organization.objects.create(name=vcse.name, description="Groups", organisation=vcse)
    group = group_listing(org)
    session = make_session(group)
    onward = refer_on(case, group, link_worker)
    booking = booking_create(actor=provider, session_id=session.pk, service_referral_id=onward.pk)
    return session, booking


def test_feedback_on_the_phone_in_arabic_is_accessible_and_works(phone_page, booked, provider):
    session, booking = booked
    _link, token = feedback.feedback_link_create(
        actor=provider, session_id=session.pk, booking_id=booking.pk
    )
    page = phone_page
    page.goto(f"{page.base_url}/f/{token}/")
    assert page.get_attribute("html", "lang") == "ar"
    assert page.get_attribute("html", "dir") == "rtl"
    assert_accessible(page)
    page.goto(f"{page.base_url}/f/{token}/?lang=en")
    page.locator("main button.nhsuk-button").click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)
    page.locator("label[for=id_feeling_3]").click()
    page.locator("label[for=id_come_again_0]").click()
    page.locator("main button.nhsuk-button").click()
    page.wait_for_load_state()
    assert Feedback.objects.get().feeling == 4
    assert_accessible(page)


def test_feedback_works_without_javascript(no_js_page, booked, provider):
    session, booking = booked
    _link, token = feedback.feedback_link_create(
        actor=provider, session_id=session.pk, booking_id=booking.pk
    )
    page = no_js_page
    page.goto(f"{page.base_url}/f/{token}/?lang=en")
    page.check("#id_feeling_4")
    page.check("#id_come_again_2")
    page.locator("main button.nhsuk-button").click()
    page.wait_for_load_state()
    item = Feedback.objects.get()
    assert (item.feeling, item.come_again) == (5, "no")


def test_the_concern_form_is_accessible_and_sends(phone_page, booked, provider, lead):
    session, booking = booked
    page = phone_page
    page.goto(f"{page.base_url}/accounts/sign-in/")
    page.fill("input[name=username]", provider.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button.nhsuk-button").click()
    page.wait_for_load_state()
    page.goto(f"{page.base_url}/groups/sessions/{session.pk}/concerns/new/?booking={booking.pk}")
    assert page.locator("#crisis-panel").is_visible()
    assert_accessible(page)
    page.locator("label[for=id_severity_1]").click()
    page.fill("#id_what_happened", "Very low and tearful today.")
    page.locator("main form button.nhsuk-button").click()
    page.wait_for_load_state()
    assert Concern.objects.get().severity == "urgent"
    assert page.locator("#crisis-panel").is_visible()
    assert_accessible(page)
