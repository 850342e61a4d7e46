"""The staff referral pages: who may see and do what, and that every journey works without JS."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cast import make_user, submit_referral
from linkwell.accounts.models import Membership, Role
from linkwell.audit.models import AuditEntry
from linkwell.people.models import Person
from linkwell.referrals.models import Referral, ReferralEvent, Source, Status
from linkwell.referrals.services import referral_transition

pytestmark = pytest.mark.django_db

ALL_CAST = [
    "referrer",
    "other_referrer",
    "link_worker",
    "colleague",
    "lead",
    "outsider_link_worker",
    "provider",
    "editor",
    "commissioner",
    "nobody",
]
WITHOUT_REFERRAL_ROLE = ["provider", "editor", "commissioner", "nobody"]


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def valid_form(**overrides):
    data = {
        "submission_id": uuid.uuid4().hex,
        "given_name": "Fatima",
        "family_name": "Begum",
        "date_of_birth_day": "3",
        "date_of_birth_month": "4",
        "date_of_birth_year": "1962",
        "nhs_number": "",
        "phone": "07700 900123",
        "postcode": "SR2 7AB",
        "address_line_1": "2 Example Road",
        "language": "bn",
        "interpreter_needed": "true",
        "contact_methods": ["phone"],
        "needs": ["loneliness", "money_debt"],
        "reason": "Lives alone since her husband died.",
        "what_matters": "Getting out of the house",
        "urgency": "routine",
        "consent_confirmed": "true",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def error_summary(response) -> str:
    html = response.content.decode()
    match = re.search(r'<div class="nhsuk-error-summary".*?</ul>', html, re.S)
    return match.group(0) if match else ""


# --- Who may open each page ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["referrals:inbox", "referrals:list", "referrals:create"],
)
def test_it_sends_anonymous_visitors_to_sign_in(client, name, service):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_it_sends_anonymous_visitors_to_sign_in_from_a_referral(client, referral):
    for url in (
        reverse("referrals:detail", args=[referral.pk]),
        reverse("referrals:transition", args=[referral.pk]),
    ):
        response = client.get(url) if "transition" not in url else client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ALL_CAST)
def test_the_inbox_is_only_for_link_workers(request, as_user, referral, who):
    user = request.getfixturevalue(who)
    response = as_user(user).get(reverse("referrals:inbox"))
    if who in ("link_worker", "colleague", "lead"):
        assert response.status_code == 200
        assert referral.reference in response.content.decode()
    elif who == "outsider_link_worker":
        assert response.status_code == 200
        assert referral.reference not in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ALL_CAST)
def test_the_list_shows_only_referrals_in_scope(request, as_user, referral, who):
    user = request.getfixturevalue(who)
    response = as_user(user).get(reverse("referrals:list"))
    if who in WITHOUT_REFERRAL_ROLE:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shown = referral.reference in response.content.decode()
    assert shown == (who in ("referrer", "link_worker", "colleague", "lead"))


@pytest.mark.parametrize("who", ALL_CAST)
def test_the_referral_form_is_for_anyone_who_may_refer(request, as_user, service, who):
    user = request.getfixturevalue(who)
    response = as_user(user).get(reverse("referrals:create"))
    assert response.status_code == (403 if who in WITHOUT_REFERRAL_ROLE else 200)


@pytest.mark.parametrize("who", ALL_CAST)
def test_the_detail_page_is_404_outside_the_organisation_and_403_for_other_roles(
    request, as_user, referral, who
):
    user = request.getfixturevalue(who)
    response = as_user(user).get(reverse("referrals:detail", args=[referral.pk]))
    if who in WITHOUT_REFERRAL_ROLE:
        assert response.status_code == 403
    elif who in ("other_referrer", "outsider_link_worker"):
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert referral.reference in response.content.decode()


@pytest.mark.parametrize("who", ALL_CAST)
def test_only_the_service_may_mark_a_referral_received(request, as_user, referral, who):
    user = request.getfixturevalue(who)
    response = as_user(user).post(
        reverse("referrals:transition", args=[referral.pk]), {"to_status": "received"}
    )
    referral.refresh_from_db()
    if who in ("link_worker", "colleague", "lead"):
        assert response.status_code == 302
        assert referral.status == Status.RECEIVED
        return
    expected = 404 if who in ("other_referrer", "outsider_link_worker") else 403
    assert response.status_code == expected
    assert referral.status == Status.REQUESTED


def test_the_transition_page_refuses_get(as_user, link_worker, referral):
    response = as_user(link_worker).get(reverse("referrals:transition", args=[referral.pk]))
    assert response.status_code == 405


def test_a_missing_referral_is_404(as_user, link_worker):
    assert as_user(link_worker).get(reverse("referrals:detail", args=[999999])).status_code == 404


# --- The lifecycle as each side sees it --------------------------------------------------------


def test_a_practice_sees_its_referral_accepted_and_the_other_practice_never_sees_it(
    client, referrer, other_referrer, link_worker, referral
):
    client.force_login(link_worker)
    response = client.post(
        reverse("referrals:transition", args=[referral.pk]),
        {"to_status": "accepted", "accepted-allocate_to": str(link_worker.pk)},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])

    client.force_login(referrer)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Accepted" in page
    assert "Lina Worker" in page
    assert "871731000000106" in page

    client.force_login(other_referrer)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    listing = client.get(reverse("referrals:list")).content.decode()
    assert referral.reference not in listing
    assert referral.person.given_name not in listing


def test_a_practice_sees_why_its_referral_was_not_accepted(client, referrer, link_worker, referral):
    client.force_login(link_worker)
    response = client.post(
        reverse("referrals:transition", args=[referral.pk]),
        {
            "to_status": "rejected",
            "rejected-reason": "out_of_area",
            "rejected-reason_text": "Lives in Durham; referred to Durham Link Workers.",
        },
    )
    assert response.status_code == 302

    client.force_login(referrer)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Not accepted" in page
    assert "Lives outside the area this service covers" in page
    assert "Lives in Durham; referred to Durham Link Workers." in page


def test_rejecting_without_a_reason_shows_the_error_and_changes_nothing(
    as_user, link_worker, referral
):
    response = as_user(link_worker).post(
        reverse("referrals:transition", args=[referral.pk]),
        {"to_status": "rejected", "rejected-reason_text": "Kept text"},
    )
    assert response.status_code == 400
    summary = error_summary(response)
    assert "Choose a reason" in summary
    assert 'href="#id_rejected-reason"' in summary
    assert "Kept text" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED
    assert referral.events.count() == 1


def test_a_reason_that_does_not_fit_the_move_is_refused(as_user, link_worker, referral):
    response = as_user(link_worker).post(
        reverse("referrals:transition", args=[referral.pk]),
        {"to_status": "rejected", "rejected-reason": "goals_met"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED


def test_a_move_that_is_not_allowed_from_here_shows_an_error(as_user, link_worker, referral):
    response = as_user(link_worker).post(
        reverse("referrals:transition", args=[referral.pk]), {"to_status": "completed"}
    )
    assert response.status_code == 400
    assert "cannot be moved" in error_summary(response)
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED


def test_a_lead_may_allocate_to_a_colleague(as_user, lead, colleague, referral):
    page = as_user(lead).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Colin Colleague" in page  # in the allocation select
    response = as_user(lead).post(
        reverse("referrals:transition", args=[referral.pk]),
        {"to_status": "accepted", "accepted-allocate_to": str(colleague.pk)},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.allocated_to == colleague


def test_a_link_worker_may_only_accept_for_themself(as_user, link_worker, colleague, referral):
    page = as_user(link_worker).get(reverse("referrals:detail", args=[referral.pk]))
    assert "Accept and allocate to me" in page.content.decode()
    response = as_user(link_worker).post(
        reverse("referrals:transition", args=[referral.pk]),
        {"to_status": "accepted", "accepted-allocate_to": str(colleague.pk)},
    )
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED
    assert referral.allocated_to is None


def test_a_referrer_may_withdraw_a_referral_nobody_has_accepted(as_user, referrer, referral):
    page = as_user(referrer).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Withdraw this referral" in page
    assert "Mark as received" not in page
    response = as_user(referrer).post(
        reverse("referrals:transition", args=[referral.pk]),
        {"to_status": "cancelled", "cancelled-reason": "withdrawn_by_referrer"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CANCELLED


def test_a_referrer_cannot_act_once_the_service_has_accepted(
    as_user, referrer, link_worker, referral
):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    page = as_user(referrer).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Withdraw this referral" not in page
    response = as_user(referrer).post(
        reverse("referrals:transition", args=[referral.pk]),
        {"to_status": "cancelled", "cancelled-reason": "withdrawn_by_referrer"},
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_the_detail_page_offers_later_moves_after_acceptance(as_user, link_worker, referral):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    page = (
        as_user(link_worker).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    )
    for text in ("Mark as in progress", "Put on hold", "Mark as completed", "Close the referral"):
        assert text in page
    assert "Accept and allocate" not in page
    response = as_user(link_worker).post(
        reverse("referrals:transition", args=[referral.pk]),
        {"to_status": "on-hold", "on-hold-reason": "waiting_for_person"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ON_HOLD


def test_the_timeline_lists_every_event_with_who_and_why(as_user, referrer, link_worker, referral):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.RECEIVED)
    referral_transition(
        actor=link_worker,
        referral_id=referral.pk,
        to_status=Status.REJECTED,
        reason_code="not_eligible",
        reason_text="Under 18",
    )
    page = as_user(referrer).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Referral sent" in page
    assert "New → Received" in page
    assert "Received → Not accepted" in page
    assert "Not eligible for this service" in page
    assert "Sunderland Link Workers" in page


def test_link_workers_see_contact_details_and_referrers_do_not(
    as_user, referrer, link_worker, referral
):
    lw_page = (
        as_user(link_worker).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    )
    assert "07700 900982" in lw_page
    assert "Interpreter needed" in lw_page
    ref_page = (
        as_user(referrer).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    )
    assert "07700 900982" not in ref_page
    assert referral.person.full_name in ref_page
    assert "17 May 1980" in ref_page
    assert "Isolated since moving" in ref_page


def test_link_workers_are_warned_about_possible_duplicates(
    as_user, referrer, practice, link_worker, referral
):
    twin = submit_referral(referrer, practice, given_name=referral.person.given_name)
    page = as_user(link_worker).get(reverse("referrals:detail", args=[twin.pk])).content.decode()
    assert "This person may already have a record" in page
    assert reverse("people:detail", args=[referral.person_id]) in page
    ref_page = as_user(referrer).get(reverse("referrals:detail", args=[twin.pk])).content.decode()
    assert "This person may already have a record" not in ref_page


def test_viewing_a_referral_is_audited(as_user, link_worker, referral):
    as_user(link_worker).get(reverse("referrals:detail", args=[referral.pk]))
    assert AuditEntry.objects.filter(
        actor=link_worker,
        action="view",
        object_type="referrals.referral",
        object_id=str(referral.pk),
        person_id=referral.person_id,
    ).exists()


def test_user_text_is_escaped_on_the_detail_page(as_user, referrer, practice, link_worker, service):
    referral = submit_referral(referrer, practice, given_name="<b>Bold</b>")
    referral.reason = "<script>alert('x')</script>"
    referral.save()
    page = (
        as_user(link_worker).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    )
    assert "<script>alert(" not in page
    assert "&lt;script&gt;" in page
    assert "<b>Bold</b>" not in page


# --- Inbox and list ----------------------------------------------------------------------------


def test_the_inbox_shows_what_a_link_worker_needs_to_triage(
    as_user, referrer, practice, link_worker, service
):
    referral = submit_referral(referrer, practice)
    self_referral = submit_referral(None, None, source=Source.SELF)
    Referral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=14), urgency="urgent"
    )
    page = as_user(link_worker).get(reverse("referrals:inbox")).content.decode()
    assert referral.reference in page and self_referral.reference in page
    assert "Arabic" in page and "Interpreter" in page
    assert "Phone call" in page
    assert "Loneliness and isolation" in page
    assert "Millfield Surgery" in page and "Self-referral" in page
    assert "Urgent (within 2 working days)" in page
    assert "nhsuk-tag--red" in page  # waiting far longer than 5 working days


def test_the_inbox_leaves_out_accepted_referrals(as_user, link_worker, referral):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    page = as_user(link_worker).get(reverse("referrals:inbox")).content.decode()
    assert referral.reference not in page
    assert "There are no new referrals" in page


def test_the_inbox_and_list_audit_the_people_shown(as_user, link_worker, referral, other_referral):
    as_user(link_worker).get(reverse("referrals:inbox"))
    as_user(link_worker).get(reverse("referrals:list"))
    listed = AuditEntry.objects.filter(actor=link_worker, action="list")
    assert set(listed.values_list("person_id", flat=True)) == {
        referral.person_id,
        other_referral.person_id,
    }
    assert listed.count() == 4


def test_the_list_filters_by_status_without_javascript(
    as_user, link_worker, referral, other_referral
):
    referral_transition(actor=link_worker, referral_id=other_referral.pk, to_status=Status.RECEIVED)
    page = (
        as_user(link_worker).get(reverse("referrals:list"), {"status": "received"}).content.decode()
    )
    assert other_referral.reference in page
    assert referral.reference not in page


def test_link_workers_search_by_name_or_nhs_number(
    as_user, referrer, practice, link_worker, service
):
    wanted = submit_referral(referrer, practice, family_name="Okafor", nhs_number="9434765919")
    other = submit_referral(referrer, practice)
    for term in ("okafor", "943 476 5919", wanted.reference.lower()):
        page = (
            as_user(link_worker).get(reverse("referrals:list"), {"search": term}).content.decode()
        )
        assert wanted.reference in page, term
        assert other.reference not in page, term


def test_referrers_search_by_reference_only(as_user, referrer, referral, other_referral):
    page = as_user(referrer).get(reverse("referrals:list"), {"search": referral.reference}).content
    assert referral.reference in page.decode()
    response = as_user(referrer).get(reverse("referrals:list"), {"search": "Hassan"})
    assert "Enter a referral reference" in error_summary(response)


def test_the_list_is_paginated(as_user, referrer, practice, link_worker, service):
    for _ in range(26):
        submit_referral(referrer, practice)
    page1 = as_user(link_worker).get(reverse("referrals:list")).content.decode()
    assert page1.count('href="/referrals/') >= 25
    assert "?page=2" in page1
    page2 = as_user(link_worker).get(reverse("referrals:list"), {"page": "2"})
    assert page2.status_code == 200


def _twenty_referrals(referrer, practice):
    for _ in range(20):
        referral = submit_referral(referrer, practice)
    return referral


def test_the_list_uses_the_same_number_of_queries_for_twenty_referrals(
    client, referrer, practice, link_worker, service, django_assert_max_num_queries
):
    _twenty_referrals(referrer, practice)
    client.force_login(link_worker)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("referrals:list"))
    assert response.status_code == 200
    assert response.content.decode().count("Loneliness and isolation") == 20


def test_the_inbox_uses_the_same_number_of_queries_for_twenty_referrals(
    client, referrer, practice, link_worker, service, django_assert_max_num_queries
):
    _twenty_referrals(referrer, practice)
    client.force_login(link_worker)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("referrals:inbox"))
    assert response.status_code == 200
    assert response.content.decode().count("Loneliness and isolation") == 20


def test_a_referrer_sees_a_list_for_their_organisation(as_user, referrer, referral):
    page = as_user(referrer).get(reverse("referrals:list")).content.decode()
    assert "Your organisation&#x27;s referrals" in page or "Your organisation's referrals" in page
    assert "Sunderland Link Workers" in page


# --- The referral form -------------------------------------------------------------------------


def test_a_referrer_makes_a_referral(client, referrer, practice, service):
    client.force_login(referrer)
    form = client.get(reverse("referrals:create")).content.decode()
    submission_id = re.search(r'name="submission_id" type="hidden" value="([0-9a-f]+)"', form)
    assert submission_id
    response = client.post(
        reverse("referrals:create"), valid_form(submission_id=submission_id.group(1))
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert referral.referrer_organisation == practice
    assert referral.source == Source.PROFESSIONAL
    assert referral.service == service
    assert sorted(referral.needs.values_list("code", flat=True)) == ["loneliness", "money_debt"]
    person = referral.person
    assert (person.given_name, person.language, person.interpreter_needed) == ("Fatima", "bn", True)
    assert person.date_of_birth == datetime.date(1962, 4, 3)
    assert person.phone == "+447700900123"
    page = client.get(response["Location"]).content.decode()
    assert f"Referral {referral.reference} sent to Sunderland Link Workers" in page


def test_the_form_has_labels_hints_and_autocomplete(as_user, referrer, service):
    page = as_user(referrer).get(reverse("referrals:create")).content.decode()
    for token in ("given-name", "family-name", "tel", "email", "postal-code", "address-line1"):
        assert f'autocomplete="{token}"' in page
    assert 'for="id_nhs_number"' in page
    assert "The person has agreed to be referred and for Linkwell to hold their details" in page
    assert "Asian or Asian British: Bangladeshi" in page


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"nhs_number": "1234567890"}, "Enter a valid NHS number"),
        ({"nhs_number": "12345"}, "Enter an NHS number with 10 digits"),
        ({"postcode": "XX"}, "Enter a real postcode"),
        ({"phone": "12"}, "phone number"),
        (
            {"date_of_birth_year": str(timezone.localdate().year + 1)},
            "Date of birth must be in the past",
        ),
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "Enter a real date"),
        ({"consent_confirmed": None}, "Confirm the person has agreed"),
        ({"given_name": ""}, "Enter a first name"),
        ({"needs": [], "reason": ""}, "Select at least one thing"),
        ({"reason": "x" * 4001}, "Must be 4000 characters or fewer"),
        ({"contact_methods": ["email"]}, "Enter an email address"),
    ],
)
def test_bad_input_shows_the_error_summary_and_saves_nothing(
    as_user, referrer, service, overrides, message
):
    response = as_user(referrer).post(reverse("referrals:create"), valid_form(**overrides))
    assert response.status_code == 400
    assert message in error_summary(response)
    assert Referral.objects.count() == 0
    assert Person.objects.count() == 0


def test_every_problem_is_listed_at_once_and_nothing_typed_is_lost(as_user, referrer, service):
    response = as_user(referrer).post(
        reverse("referrals:create"),
        valid_form(nhs_number="1234567890", postcode="XX", consent_confirmed=None),
    )
    summary = error_summary(response)
    assert "Enter a valid NHS number" in summary
    assert "Enter a real postcode" in summary
    assert "Confirm the person has agreed" in summary
    assert 'href="#id_postcode"' in summary
    page = response.content.decode()
    assert 'value="Fatima"' in page
    assert "Lives alone since her husband died." in page
    assert re.search(r'value="money_debt"\s+checked', page)


def test_html_typed_into_the_form_is_shown_escaped(as_user, referrer, service):
    response = as_user(referrer).post(
        reverse("referrals:create"),
        valid_form(given_name='"><script>alert(1)</script>', postcode="XX"),
    )
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_huge_field_is_refused_without_a_server_error(as_user, referrer, service):
    response = as_user(referrer).post(
        reverse("referrals:create"), valid_form(reason="x" * (10 * 1024 * 1024))
    )
    assert response.status_code == 400
    assert Referral.objects.count() == 0


def test_a_double_submission_makes_one_referral(client, referrer, service):
    client.force_login(referrer)
    data = valid_form()
    first = client.post(reverse("referrals:create"), data)
    second = client.post(reverse("referrals:create"), data)
    assert Referral.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_a_changed_resubmission_with_the_same_id_is_refused(client, referrer, service):
    client.force_login(referrer)
    data = valid_form()
    client.post(reverse("referrals:create"), data)
    response = client.post(reverse("referrals:create"), {**data, "reason": "Something else"})
    assert response.status_code == 400
    assert "already sent" in error_summary(response)
    assert Referral.objects.count() == 1
    assert data["submission_id"] not in response.content.decode()


def test_a_possible_duplicate_is_shown_before_saving_a_new_person(
    client, referrer, service, referral
):
    existing = referral.person
    client.force_login(referrer)
    data = valid_form(
        given_name=existing.given_name,
        family_name=existing.family_name,
        date_of_birth_day="17",
        date_of_birth_month="5",
        date_of_birth_year="1980",
    )
    response = client.post(reverse("referrals:create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This person may already be known to you" in page
    assert referral.reference in page
    assert "17 May 1980" in page
    assert Referral.objects.count() == 1
    assert AuditEntry.objects.filter(
        actor=referrer, action="list", object_type="people.person", person_id=existing.pk
    ).exists()

    # Continuing without answering the question asks again.
    response = client.post(reverse("referrals:create"), {**data, "duplicates_shown": "1"})
    assert response.status_code == 400
    assert "Select one of the people listed" in error_summary(response)
    assert Referral.objects.count() == 1

    response = client.post(
        reverse("referrals:create"),
        {**data, "duplicates_shown": "1", "duplicate_choice": str(existing.pk)},
    )
    assert response.status_code == 302
    assert Referral.objects.count() == 2
    assert Person.objects.count() == 1
    assert Referral.objects.order_by("-id").first().person == existing


def test_a_possible_duplicate_can_be_declared_a_different_person(
    client, referrer, service, referral
):
    existing = referral.person
    client.force_login(referrer)
    data = valid_form(
        given_name=existing.given_name,
        family_name=existing.family_name,
        date_of_birth_day="17",
        date_of_birth_month="5",
        date_of_birth_year="1980",
        duplicates_shown="1",
        duplicate_choice="new",
    )
    response = client.post(reverse("referrals:create"), data)
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_a_duplicate_by_nhs_number_is_found_however_it_is_typed(
    as_user, referrer, practice, service
):
    submit_referral(referrer, practice, nhs_number="9434765919")
    response = as_user(referrer).post(
        reverse("referrals:create"), valid_form(nhs_number="943-476-5919")
    )
    assert "This person may already be known to you" in response.content.decode()


def test_duplicates_outside_scope_are_never_shown(as_user, other_referrer, referral):
    existing = referral.person
    response = as_user(other_referrer).post(
        reverse("referrals:create"),
        valid_form(
            given_name=existing.given_name,
            family_name=existing.family_name,
            date_of_birth_day="17",
            date_of_birth_month="5",
            date_of_birth_year="1980",
        ),
    )
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_an_existing_person_can_be_chosen_instead_of_typing(client, referrer, service, referral):
    client.force_login(referrer)
    form = client.get(reverse("referrals:create")).content.decode()
    assert "Is this someone your team has referred before?" in form
    assert referral.person.full_name in form
    response = client.post(
        reverse("referrals:create"),
        {
            "submission_id": uuid.uuid4().hex,
            "existing_person": str(referral.person_id),
            "needs": ["housing"],
            "urgency": "routine",
            "consent_confirmed": "true",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.count() == 2
    assert Person.objects.count() == 1


def test_a_person_outside_scope_cannot_be_chosen(as_user, other_referrer, referral, service):
    submit_referral(other_referrer, other_referrer.memberships.get().organisation)
    response = as_user(other_referrer).post(
        reverse("referrals:create"),
        valid_form(existing_person=str(referral.person_id)),
    )
    assert response.status_code == 400
    assert "Select a valid choice" in error_summary(response)


def test_the_existing_person_choice_is_hidden_when_nobody_is_in_scope(as_user, referrer, service):
    page = as_user(referrer).get(reverse("referrals:create")).content.decode()
    assert "Is this someone your team has referred before?" not in page


def test_someone_in_two_organisations_chooses_which_one_refers(
    as_user, referrer, other_practice, service
):
    Membership.objects.create(user=referrer, organisation=other_practice, role=Role.REFERRER)
    response = as_user(referrer).post(reverse("referrals:create"), valid_form())
    assert response.status_code == 400
    assert "Select which organisation you are referring from" in error_summary(response)
    response = as_user(referrer).post(
        reverse("referrals:create"), valid_form(referrer_organisation=str(other_practice.pk))
    )
    assert response.status_code == 302
    assert Referral.objects.get().referrer_organisation == other_practice


def test_a_link_worker_takes_a_self_referral_by_phone(as_user, link_worker, service, other_service):
    page = as_user(link_worker).get(reverse("referrals:create")).content.decode()
    assert "This is a self-referral taken by phone" in page
    response = as_user(link_worker).post(
        reverse("referrals:create"), valid_form(self_referral_by_phone="true")
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.source == Source.SELF
    assert referral.referrer_organisation is None
    assert referral.service == service


def test_referrers_are_not_offered_phone_self_referrals(as_user, referrer, service):
    page = as_user(referrer).get(reverse("referrals:create")).content.decode()
    assert "This is a self-referral taken by phone" not in page
    as_user(referrer).post(reverse("referrals:create"), valid_form(self_referral_by_phone="true"))
    assert Referral.objects.get().source == Source.PROFESSIONAL


def test_without_a_route_the_form_explains_and_keeps_the_answers(as_user, practice):
    referrer = make_user("alone@example.org", practice, Role.REFERRER)
    response = as_user(referrer).post(reverse("referrals:create"), valid_form())
    assert response.status_code == 400
    assert "No link worker service takes referrals for this area yet" in error_summary(response)
    assert 'value="Fatima"' in response.content.decode()
    assert not ReferralEvent.objects.exists()


# --- Admin for system administrators ----------------------------------------------------------


@pytest.fixture
def admin_user(db):
    from linkwell.accounts.models import User

    return User.objects.create_superuser(
        email="admin@example.org", password="x" * 12, full_name="Ada Admin"
    )


def test_admins_edit_vocabularies_but_never_delete_them(client, admin_user):
    from linkwell.referrals.models import Need

    client.force_login(admin_user)
    need = Need.objects.get(code="loneliness")
    assert client.get(reverse("admin:referrals_need_changelist")).status_code == 200
    page = client.get(reverse("admin:referrals_need_change", args=[need.pk])).content.decode()
    assert 'name="disabled_on"' in page
    assert 'name="code"' not in page  # a saved code never changes
    assert client.get(reverse("admin:referrals_need_delete", args=[need.pk])).status_code == 403
    assert client.get(reverse("admin:referrals_closurereason_changelist")).status_code == 200
    assert client.get(reverse("admin:referrals_referralroute_changelist")).status_code == 200


def test_admins_see_referrals_read_only(client, admin_user, referral):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:referrals_referral_changelist")).content.decode()
    assert referral.reference in listing
    assert referral.person.given_name not in listing
    page = client.get(reverse("admin:referrals_referral_change", args=[referral.pk]))
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert client.get(reverse("admin:referrals_referral_add")).status_code == 403


def test_a_double_submission_after_choosing_an_existing_person_makes_one_referral(
    client, referrer, service, referral
):
    existing = referral.person
    client.force_login(referrer)
    data = valid_form(
        given_name=existing.given_name,
        family_name=existing.family_name,
        date_of_birth_day="17",
        date_of_birth_month="5",
        date_of_birth_year="1980",
        duplicates_shown="1",
        duplicate_choice=str(existing.pk),
    )
    first = client.post(reverse("referrals:create"), data)
    second = client.post(reverse("referrals:create"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Referral.objects.count() == 2


def test_a_double_submission_of_a_new_person_is_not_taken_for_a_duplicate(
    client, referrer, service
):
    client.force_login(referrer)
    data = valid_form()
    client.post(reverse("referrals:create"), data)
    second = client.post(reverse("referrals:create"), data)
    assert second.status_code == 302
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1
