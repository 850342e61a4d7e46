"""Casework services: opening, contacts, the plan (with its version), follow-ups, discharge."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linkwell.audit.models import AuditEntry
from linkwell.casework import selectors, services
from linkwell.casework.models import Case, PlanChange
from linkwell.referrals.models import ClosureReason, ReferralEvent, Status
from linkwell.referrals.services import referral_transition


def codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


def test_accepting_a_referral_opens_one_case_for_the_allocated_link_worker(referral, link_worker):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    case = Case.objects.get(referral=referral)
    assert case.link_worker == link_worker
    assert case.person_id == referral.person_id
    assert case.status == Status.ACCEPTED
    assert services.case_open_for_referral(referral=referral) == case
    assert Case.objects.count() == 1


def test_referrals_accepted_before_casework_get_a_case_lazily(referral, link_worker):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    Case.objects.all().delete()
    assert services.cases_ensure_for(link_worker) == 1
    assert Case.objects.get(referral=referral).link_worker == link_worker
    assert services.cases_ensure_for(link_worker) == 0


def test_a_new_referral_has_no_case(referral, link_worker):
    assert services.case_ensure(referral) is None
    assert not Case.objects.exists()


def test_closure_reasons_casework_needs_are_in_the_referrals_vocabulary(db):
    assert set(
        ClosureReason.objects.filter(
            code__in=["connected_to_community", "needs_met_elsewhere", "inappropriate_referral"]
        ).values_list("code", flat=True)
    ) == {"connected_to_community", "needs_met_elsewhere", "inappropriate_referral"}
    for reason in selectors.discharge_reasons_active():
        closure = ClosureReason.objects.get(code=reason.referral_reason_code)
        assert reason.referral_status in closure.applies_to, reason.code


# --- contacts ---


def test_it_records_a_contact_with_an_interpreter(case, link_worker):
    contact = services.contact_record(
        actor=link_worker,
        case_id=case.pk,
        at=None,
        mode="phone",
        minutes=30,
        with_interpreter=True,
        interpreter_language="Arabic",
        notes="Talked about the garden group",
    )
    assert contact.successful and contact.minutes == 30
    assert contact.interpreter_language == "Arabic"
    assert AuditEntry.objects.filter(action="create", object_id=str(case.pk)).exists()


@pytest.mark.parametrize(
    ("minutes", "code"),
    [(-5, "min_value"), (0, "min_value"), (481, "max_value"), ("x", "required")],
)
def test_it_refuses_negative_zero_or_absurd_minutes(case, link_worker, minutes, code):
    with pytest.raises(ValidationError) as exc:
        services.contact_record(
            actor=link_worker, case_id=case.pk, at=None, mode="phone", minutes=minutes
        )
    assert codes(exc.value, "minutes") == [code]


def test_eight_hours_exactly_is_allowed(case, link_worker):
    services.contact_record(
        actor=link_worker, case_id=case.pk, at=None, mode="home_visit", minutes=480
    )


def test_it_refuses_an_unknown_mode_and_an_interpreter_without_a_language(case, link_worker):
    with pytest.raises(ValidationError) as exc:
        services.contact_record(
            actor=link_worker,
            case_id=case.pk,
            at=None,
            mode="carrier_pigeon",
            minutes=5,
            with_interpreter=True,
        )
    assert set(exc.value.error_dict) == {"mode", "interpreter_language"}


def test_a_colleague_may_read_but_not_record_a_contact(case, colleague):
    assert selectors.case_get_for(colleague, case.pk) == case
    with pytest.raises(PermissionDenied):
        services.contact_record(actor=colleague, case_id=case.pk, at=None, mode="phone", minutes=5)


def test_a_lead_may_record_a_contact_on_a_team_members_case(case, lead):
    services.contact_record(actor=lead, case_id=case.pk, at=None, mode="phone", minutes=5)


# --- plan ---


def test_a_goal_needs_the_persons_words(case, link_worker):
    with pytest.raises(ValidationError) as exc:
        services.plan_goal_add(actor=link_worker, case_id=case.pk, version=0, wording="   ")
    assert codes(exc.value, "wording") == ["required"]


def test_a_review_date_in_the_past_is_refused(case, link_worker, yesterday):
    with pytest.raises(ValidationError) as exc:
        services.plan_goal_add(
            actor=link_worker, case_id=case.pk, version=0, wording="Walk", review_on=yesterday
        )
    assert codes(exc.value, "review_on") == ["past"]


def test_each_plan_change_moves_the_version_on_and_is_on_the_timeline(case, link_worker, tomorrow):
    goal = services.plan_goal_add(
        actor=link_worker,
        case_id=case.pk,
        version=0,
        wording="I want to get out of the house twice a week",
        review_on=tomorrow,
    )
    services.plan_goal_update(
        actor=link_worker, case_id=case.pk, goal_id=goal.pk, version=1, wording="Three times"
    )
    case.refresh_from_db()
    assert case.plan_version == 2
    assert case.next_action_due is None  # the edit dropped the review date
    assert list(PlanChange.objects.filter(case=case).values_list("kind", flat=True)) == [
        "goal_added",
        "goal_changed",
    ]
    kinds = [e.kind for e in selectors.case_timeline(case)]
    assert kinds.count("plan") == 2


def test_a_stale_plan_edit_is_refused_not_silently_overwritten(case, link_worker, lead):
    goal = services.plan_goal_add(actor=link_worker, case_id=case.pk, version=0, wording="Walk")
    # Both open the plan at version 1; the lead saves first.
    services.plan_goal_update(
        actor=lead, case_id=case.pk, goal_id=goal.pk, version=1, wording="Walk with a group"
    )
    with pytest.raises(ValidationError) as exc:
        services.plan_goal_update(
            actor=link_worker, case_id=case.pk, goal_id=goal.pk, version=1, wording="Walk alone"
        )
    assert codes(exc.value, "version") == ["stale_plan"]
    assert "Someone else changed this plan" in exc.value.error_dict["version"][0].message
    goal.refresh_from_db()
    assert goal.wording == "Walk with a group"
    with pytest.raises(ValidationError):
        services.case_update_conversation(
            actor=link_worker, case_id=case.pk, version=1, what_matters="x", risk_flags=[]
        )


def test_what_matters_and_risk_flags_are_recorded(case, link_worker):
    services.case_update_conversation(
        actor=link_worker,
        case_id=case.pk,
        version=0,
        what_matters="Seeing my grandchildren",
        risk_flags=["lone_working"],
    )
    case.refresh_from_db()
    assert case.what_matters == "Seeing my grandchildren"
    assert case.risk_flags == ["lone_working"]
    with pytest.raises(ValidationError) as exc:
        services.case_update_conversation(
            actor=link_worker, case_id=case.pk, version=1, what_matters="", risk_flags=["bogus"]
        )
    assert codes(exc.value, "risk_flags") == ["invalid_choice"]


@pytest.mark.parametrize("score", [0, 11, "ten", None])
def test_progress_is_scored_from_1_to_10(case, link_worker, score):
    goal = services.plan_goal_add(actor=link_worker, case_id=case.pk, version=0, wording="Walk")
    with pytest.raises(ValidationError) as exc:
        services.goal_progress_record(
            actor=link_worker, case_id=case.pk, goal_id=goal.pk, score=score
        )
    assert codes(exc.value, "score") == ["invalid"]


def test_progress_is_kept_over_time(case, link_worker):
    goal = services.plan_goal_add(actor=link_worker, case_id=case.pk, version=0, wording="Walk")
    for score in (3, 5, 8):
        services.goal_progress_record(
            actor=link_worker, case_id=case.pk, goal_id=goal.pk, score=score
        )
    assert [p.score for p in goal.progress.all()] == [3, 5, 8]


# --- follow-ups ---


def test_follow_ups_set_the_next_action_due(case, link_worker, tomorrow):
    later = tomorrow + datetime.timedelta(days=5)
    services.follow_up_add(actor=link_worker, case_id=case.pk, due=later, what="Ring back")
    first = services.follow_up_add(actor=link_worker, case_id=case.pk, due=tomorrow, what="Visit")
    case.refresh_from_db()
    assert case.next_action_due == tomorrow
    services.follow_up_done(actor=link_worker, case_id=case.pk, follow_up_id=first.pk)
    case.refresh_from_db()
    assert case.next_action_due == later


def test_a_follow_up_needs_what_and_a_due_date_not_in_the_past(case, link_worker, yesterday):
    with pytest.raises(ValidationError) as exc:
        services.follow_up_add(actor=link_worker, case_id=case.pk, due=yesterday, what="")
    assert set(exc.value.error_dict) == {"due", "what"}


# --- reallocation ---


def test_a_lead_reallocates_case_and_referral_together(case, lead, colleague):
    services.case_reallocate(actor=lead, case_id=case.pk, link_worker=colleague.pk)
    case.refresh_from_db()
    case.referral.refresh_from_db()
    assert case.link_worker == colleague
    assert case.referral.allocated_to == colleague
    assert ReferralEvent.objects.filter(
        referral=case.referral, note__icontains="Reallocated"
    ).exists()


def test_a_link_worker_cannot_reallocate(case, link_worker, colleague):
    with pytest.raises(PermissionDenied):
        services.case_reallocate(actor=link_worker, case_id=case.pk, link_worker=colleague.pk)


def test_reallocation_is_only_to_someone_in_the_service(case, lead, outsider_link_worker):
    with pytest.raises(ValidationError) as exc:
        services.case_reallocate(actor=lead, case_id=case.pk, link_worker=outsider_link_worker)
    assert codes(exc.value, "link_worker") == ["invalid_choice"]


# --- discharge ---


@pytest.mark.parametrize(
    ("reason", "status", "closure"),
    [
        ("goals_met", "completed", "goals_met"),
        ("connected_to_community", "completed", "connected_to_community"),
        ("declined", "cancelled", "person_declined"),
        ("moved_away", "cancelled", "person_moved"),
        ("needs_met_elsewhere", "cancelled", "needs_met_elsewhere"),
        ("inappropriate_referral", "cancelled", "inappropriate_referral"),
    ],
)
def test_discharge_closes_the_referral_with_the_matching_status_and_reason(
    case, link_worker, reason, status, closure
):
    services.case_discharge(
        actor=link_worker, case_id=case.pk, reason_code=reason, summary="Doing well"
    )
    case.refresh_from_db()
    referral = case.referral
    referral.refresh_from_db()
    assert referral.status == status
    assert referral.status_reason.code == closure
    assert case.discharge_summary == "Doing well"
    assert case.discharged_at is not None and not case.is_open
    last = referral.events.last()
    assert last.to_status == status and last.actor == link_worker
    assert AuditEntry.objects.filter(
        action="transition", object_type="casework.case", object_id=str(case.pk)
    ).exists()


def test_a_case_closed_twice_is_a_clear_error(case, link_worker):
    services.case_discharge(
        actor=link_worker, case_id=case.pk, reason_code="goals_met", summary="x"
    )
    with pytest.raises(ValidationError) as exc:
        services.case_discharge(
            actor=link_worker, case_id=case.pk, reason_code="declined", summary="y"
        )
    assert codes(exc.value, "reason") == ["already_closed"]
    assert "already closed" in exc.value.error_dict["reason"][0].message


def test_a_closed_case_cannot_be_changed(case, link_worker):
    services.case_discharge(
        actor=link_worker, case_id=case.pk, reason_code="goals_met", summary="x"
    )
    with pytest.raises(ValidationError) as exc:
        services.contact_record(
            actor=link_worker, case_id=case.pk, at=None, mode="phone", minutes=5
        )
    assert codes(exc.value, "case") == ["case_closed"]


def test_unable_to_contact_needs_the_configured_number_of_failed_attempts(
    case, link_worker, settings
):
    settings.LINKWELL_FAILED_CONTACT_LIMIT = 2
    services.contact_record(
        actor=link_worker, case_id=case.pk, at=None, mode="phone", minutes=2, successful=False
    )
    with pytest.raises(ValidationError) as exc:
        services.case_discharge(
            actor=link_worker, case_id=case.pk, reason_code="unable_to_contact", summary="x"
        )
    assert codes(exc.value, "reason") == ["too_few_attempts"]
    services.contact_record(
        actor=link_worker, case_id=case.pk, at=None, mode="letter", minutes=10, successful=False
    )
    services.case_discharge(
        actor=link_worker, case_id=case.pk, reason_code="unable_to_contact", summary="x"
    )
    case.referral.refresh_from_db()
    assert case.referral.status == Status.FAILED
    assert case.referral.status_reason.code == "unable_to_contact"


def test_discharge_needs_a_reason_and_a_summary(case, link_worker):
    with pytest.raises(ValidationError) as exc:
        services.case_discharge(actor=link_worker, case_id=case.pk, reason_code="", summary=" ")
    assert set(exc.value.error_dict) == {"reason", "summary"}


def test_a_case_closed_from_the_referral_page_is_closed_too(case, link_worker):
    referral_transition(
        actor=link_worker,
        referral_id=case.referral_id,
        to_status=Status.CANCELLED,
        reason_code="person_moved",
    )
    case = Case.objects.select_related("referral").get(pk=case.pk)
    assert case.status == Status.CANCELLED and not case.is_open
    with pytest.raises(ValidationError):
        services.case_discharge(
            actor=link_worker, case_id=case.pk, reason_code="goals_met", summary="x"
        )


def test_the_draft_summary_gathers_needs_what_matters_goals_and_progress(case, link_worker):
    services.case_update_conversation(
        actor=link_worker, case_id=case.pk, version=0, what_matters="My allotment", risk_flags=[]
    )
    goal = services.plan_goal_add(
        actor=link_worker, case_id=case.pk, version=1, wording="Grow vegetables"
    )
    for score in (2, 7):
        services.goal_progress_record(
            actor=link_worker, case_id=case.pk, goal_id=goal.pk, score=score
        )
    case.refresh_from_db()
    draft = selectors.discharge_summary_draft(case)
    assert "Loneliness and isolation" in draft
    assert "My allotment" in draft
    assert "Grow vegetables" in draft and "7 out of 10 (started at 2)" in draft


# --- weighting ---


def test_case_weight_follows_the_documented_formula():
    assert selectors.case_weight(needs=1, interpreter=False, risk_flags=0) == 1
    assert selectors.case_weight(needs=0, interpreter=False, risk_flags=0) == 1
    assert selectors.case_weight(needs=3, interpreter=True, risk_flags=2) == 1 + 1 + 0.5 + 2


def test_the_timeline_has_one_entry_per_thing_in_time_order(case, link_worker, tomorrow):
    services.contact_record(
        actor=link_worker,
        case_id=case.pk,
        at=timezone.now(),
        mode="phone",
        minutes=5,
        successful=False,
    )
    services.follow_up_add(actor=link_worker, case_id=case.pk, due=tomorrow, what="Ring")
    services.case_discharge(
        actor=link_worker, case_id=case.pk, reason_code="goals_met", summary="x"
    )
    entries = selectors.case_timeline(selectors.case_get_for(link_worker, case.pk))
    kinds = [e.kind for e in entries]
    assert kinds[0] == "referral" and kinds[-1] in {"discharge", "referral"}
    assert {"contact", "follow_up", "discharge"} <= set(kinds)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
