"""Casework pages: who sees what (role × organisation), the forms, the caseload and team view."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cast import submit_referral
from linkwell.audit.models import AuditEntry
from linkwell.casework import services
from linkwell.casework.models import Case, Contact, PlanGoal
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def _date(prefix, value: datetime.date) -> dict:
    return {
        f"{prefix}_day": value.day,
        f"{prefix}_month": value.month,
        f"{prefix}_year": value.year,
    }


# --- scope ---


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("link_worker", 200),
        ("colleague", 200),
        ("lead", 200),
        ("outsider_link_worker", 404),
        ("referrer", 403),
        ("provider", 403),
        ("editor", 403),
        ("commissioner", 403),
        ("nobody", 403),
    ],
)
def test_the_case_page_is_for_the_service_only(request, as_user, case, who, status):
    user = request.getfixturevalue(who)
    response = as_user(user).get(reverse("casework:case", args=[case.pk]))
    assert response.status_code == status


def test_signed_out_people_are_sent_to_sign_in(client, case):
    response = client.get(reverse("casework:case", args=[case.pk]))
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("colleague", 403), ("outsider_link_worker", 404), ("referrer", 403), ("provider", 403)],
)
def test_only_the_allocated_worker_or_a_lead_may_add_a_contact(request, as_user, case, who, status):
    user = request.getfixturevalue(who)
    response = as_user(user).post(
        reverse("casework:contact_add", args=[case.pk]),
        {"mode": "phone", "minutes": "10", "successful": "yes"},
    )
    assert response.status_code == status
    assert not Contact.objects.exists()


def test_a_colleague_sees_the_case_without_the_forms(as_user, case, colleague):
    page = as_user(colleague).get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Only the allocated link worker and team leads can change it" in page
    assert reverse("casework:contact_add", args=[case.pk]) not in page


def test_reading_a_case_is_audited(as_user, case, colleague):
    as_user(colleague).get(reverse("casework:case", args=[case.pk]))
    entry = AuditEntry.objects.filter(actor=colleague, action="view").latest("at")
    assert entry.object_type == "casework.case" and entry.person_id == case.person_id


# --- forms on the case page ---


def test_recording_a_contact_shows_on_the_timeline(as_user, case, link_worker):
    client = as_user(link_worker)
    response = client.post(
        reverse("casework:contact_add", args=[case.pk]),
        {
            "mode": "home_visit",
            "minutes": "45",
            "successful": "yes",
            "with_interpreter": "on",
            "interpreter_language": "Arabic",
            "notes": "Met at home",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Contact: Home visit" in page and "Met at home" in page and "45 minutes" in page


@pytest.mark.parametrize("minutes", ["-5", "600"])
def test_absurd_minutes_are_shown_as_an_error(as_user, case, link_worker, minutes):
    response = as_user(link_worker).post(
        reverse("casework:contact_add", args=[case.pk]),
        {"mode": "phone", "minutes": minutes, "successful": "yes"},
    )
    assert response.status_code == 400
    assert "Minutes spent must be" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_goal_without_wording_is_shown_as_an_error(as_user, case, link_worker):
    response = as_user(link_worker).post(
        reverse("casework:goal_add", args=[case.pk]), {"version": "0", "wording": ""}
    )
    assert response.status_code == 400
    assert "Write the goal in the person&#x27;s own words" in response.content.decode()


def test_a_goal_with_a_past_review_date_is_shown_as_an_error(as_user, case, link_worker):
    past = timezone.localdate() - datetime.timedelta(days=3)
    response = as_user(link_worker).post(
        reverse("casework:goal_add", args=[case.pk]),
        {"version": "0", "wording": "Walk", **_date("review_on", past)},
    )
    assert response.status_code == 400
    assert "Review date must be today or in the future" in response.content.decode()


def test_a_stale_goal_edit_on_the_page_is_refused_with_a_clear_message(
    as_user, case, link_worker, lead
):
    goal = services.plan_goal_add(actor=link_worker, case_id=case.pk, version=0, wording="Walk")
    url = reverse("casework:goal_edit", args=[case.pk, goal.pk])
    # The link worker opens the edit page (version 1) ...
    client = as_user(link_worker)
    assert 'value="1"' in client.get(url).content.decode()
    # ... the lead saves a change meanwhile ...
    services.plan_goal_update(
        actor=lead, case_id=case.pk, goal_id=goal.pk, version=1, wording="Walk with Sue"
    )
    # ... and the link worker's save is refused, not silently applied.
    response = client.post(url, {"version": "1", "wording": "Walk alone"})
    assert response.status_code == 400
    assert "Someone else changed this plan while you were editing it" in response.content.decode()
    assert PlanGoal.objects.get(pk=goal.pk).wording == "Walk with Sue"


def test_goal_progress_and_follow_up_from_the_page(as_user, case, link_worker):
    client = as_user(link_worker)
    goal = services.plan_goal_add(actor=link_worker, case_id=case.pk, version=0, wording="Walk")
    response = client.post(
        reverse("casework:progress_add", args=[case.pk, goal.pk]), {"score": "6"}
    )
    assert response.status_code == 302
    due = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        reverse("casework:follow_up_add", args=[case.pk]), {"what": "Ring", **_date("due", due)}
    )
    assert response.status_code == 302
    follow_up = case.follow_ups.get()
    response = client.post(reverse("casework:follow_up_done", args=[case.pk, follow_up.pk]))
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None
    page = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Goal progress: 6 out of 10" in page and "Follow-up done" in page


def test_what_matters_and_risk_flags_from_the_page(as_user, case, link_worker):
    response = as_user(link_worker).post(
        reverse("casework:conversation", args=[case.pk]),
        {"version": "0", "what_matters": "My dog", "risk_flags": ["home_hazard"]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.risk_flags == ["home_hazard"] and case.what_matters == "My dog"


# --- discharge and what the referrer sees ---


def test_the_discharge_page_offers_a_draft_to_edit(as_user, case, link_worker):
    page = as_user(link_worker).get(reverse("casework:discharge", args=[case.pk])).content.decode()
    assert "Needs at referral: Loneliness and isolation" in page


def test_discharge_sends_the_summary_to_the_referrer_but_never_the_notes(
    as_user, case, link_worker, referrer
):
    services.contact_record(
        actor=link_worker,
        case_id=case.pk,
        at=None,
        mode="phone",
        minutes=20,
        notes="PRIVATE CONTACT NOTE",
    )
    client = as_user(link_worker)
    response = client.post(
        reverse("casework:discharge", args=[case.pk]),
        {"reason": "connected_to_community", "summary": "Now goes to the walking group weekly."},
    )
    assert response.status_code == 302
    case.referral.refresh_from_db()
    assert case.referral.status == Status.COMPLETED

    page = as_user(referrer).get(reverse("referrals:detail", args=[case.referral_id]))
    html = page.content.decode()
    assert "Discharge summary" in html
    assert "Now goes to the walking group weekly." in html
    assert "Connected to community activities" in html
    assert "PRIVATE CONTACT NOTE" not in html
    assert reverse("casework:case", args=[case.pk]) not in html


def test_closing_a_case_twice_on_the_page_is_a_clear_error(as_user, case, link_worker):
    client = as_user(link_worker)
    url = reverse("casework:discharge", args=[case.pk])
    client.post(url, {"reason": "goals_met", "summary": "Done"})
    response = client.post(url, {"reason": "declined", "summary": "Again"})
    assert response.status_code == 400
    assert "This case is already closed" in response.content.decode()


def test_a_colleague_cannot_open_the_discharge_page(as_user, case, colleague):
    assert as_user(colleague).get(reverse("casework:discharge", args=[case.pk])).status_code == 403


# --- printable plan ---


def test_the_printable_plan_is_in_the_persons_language(as_user, case, link_worker):
    services.plan_goal_add(actor=link_worker, case_id=case.pk, version=0, wording="أمشي كل يوم")
    response = as_user(link_worker).get(reverse("casework:plan_print", args=[case.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html  # the cast's person speaks Arabic
    assert "أمشي كل يوم" in html


# --- caseload ---


def _cases(referrer, practice, link_worker, n):
    for _ in range(n):
        referral = submit_referral(referrer, practice)
        referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)


def test_the_caseload_lists_my_open_cases_only(as_user, case, referrer, practice, colleague):
    other = submit_referral(referrer, practice, given_name="Zed")
    referral_transition(actor=colleague, referral_id=other.pk, to_status=Status.ACCEPTED)
    page = as_user(case.link_worker).get(reverse("casework:caseload")).content.decode()
    assert case.person.full_name in page
    assert "Zed" not in page


def test_the_caseload_uses_the_same_number_of_queries_for_twenty_cases(
    as_user, referrer, practice, link_worker, service, django_assert_max_num_queries
):
    _cases(referrer, practice, link_worker, 20)
    for case in Case.objects.all()[:5]:
        services.contact_record(
            actor=link_worker, case_id=case.pk, at=None, mode="phone", minutes=5, successful=False
        )
    client = as_user(link_worker)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("casework:caseload"))
    assert response.status_code == 200
    assert response.content.decode().count("Days since referral") >= 20


def test_the_caseload_filters_and_sorts_without_javascript(
    as_user, referrer, practice, link_worker, service
):
    _cases(referrer, practice, link_worker, 2)
    flagged = Case.objects.first()
    services.case_update_conversation(
        actor=link_worker,
        case_id=flagged.pk,
        version=0,
        what_matters="",
        risk_flags=["safeguarding"],
    )
    client = as_user(link_worker)
    page = client.get(reverse("casework:caseload"), {"risk_only": "on", "sort": "oldest"})
    html = page.content.decode()
    assert page.status_code == 200
    assert flagged.person.full_name in html
    assert html.count("Safeguarding concern") == 1
    assert html.count(reverse("casework:case", args=[flagged.pk])) == 1
    other = Case.objects.exclude(pk=flagged.pk).get()
    assert reverse("casework:case", args=[other.pk]) not in html


def test_the_caseload_is_audited_per_person(as_user, case, link_worker):
    as_user(link_worker).get(reverse("casework:caseload"))
    assert AuditEntry.objects.filter(
        actor=link_worker, action="list", object_type="casework.case", person_id=case.person_id
    ).exists()


@pytest.mark.parametrize("who", ["referrer", "provider", "editor", "commissioner", "nobody"])
def test_the_caseload_is_for_link_workers(request, as_user, who, service):
    user = request.getfixturevalue(who)
    assert as_user(user).get(reverse("casework:caseload")).status_code == 403


# --- team view ---


def test_the_team_view_weights_caseloads_and_warns_over_the_limit(
    as_user, referrer, practice, link_worker, lead, service, referral, settings
):
    settings.LINKWELL_CASELOAD_LIMIT = 2
    _cases(referrer, practice, link_worker, 2)  # two cases, interpreter needed: 1.5 each
    page = as_user(lead).get(reverse("casework:team")).content.decode()
    assert "2 open cases, weighted 3.0" in page
    assert "Over the caseload limit" in page
    assert "1 referral waiting to be allocated" in page
    assert reverse("referrals:inbox") in page


def test_only_leads_see_the_team_view(as_user, link_worker):
    assert as_user(link_worker).get(reverse("casework:team")).status_code == 403


def test_a_lead_reallocates_from_the_case_page(as_user, case, lead, colleague):
    response = as_user(lead).post(
        reverse("casework:reallocate", args=[case.pk]), {"link_worker": colleague.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.link_worker == colleague


def test_the_nav_offers_caseload_and_team_to_a_lead(as_user, lead):
    page = as_user(lead).get(reverse("referrals:inbox")).content.decode()
    assert reverse("casework:caseload") in page and reverse("casework:team") in page


def test_the_nav_offers_no_team_to_a_link_worker(as_user, link_worker):
    page = as_user(link_worker).get(reverse("referrals:inbox")).content.decode()
    assert reverse("casework:caseload") in page and reverse("casework:team") not in page
