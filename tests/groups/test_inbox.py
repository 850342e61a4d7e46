"""Onward referrals: the rules (consent, signposting, duplicates), the provider's answers,
the nudge and lapse jobs, and reply figures."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cast import submit_referral
from linkwell.audit.models import AuditEntry
from linkwell.casework.models import Case
from linkwell.groups.models import DeclineReason, OnwardKind, ServiceReferral
from linkwell.groups.onward import ReplyFigures, reply_figures, working_hours_between
from linkwell.groups.services import (
    onward_lapse_due,
    onward_nudge_due,
    service_referral_respond,
    service_referral_submit,
    service_referral_transition,
    shared_values_for,
)
from linkwell.messaging.models import StaffNotification
from linkwell.people.models import Consent
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

from .conftest import group_listing, refer_on

pytestmark = pytest.mark.django_db


def new_case(referrer, link_worker, **person):
    referral = submit_referral(referrer, referrer.memberships.first().organisation, **person)
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    return Case.objects.get(referral=referral)


# ---- sending -------------------------------------------------------------------------------


def test_a_referral_needs_the_persons_consent(case, group, link_worker):
    with pytest.raises(ValidationError) as exc:
        refer_on(case, group, link_worker, consent_given=False)
    assert "consent" in exc.value.message_dict
    assert not ServiceReferral.objects.exists()


def test_consent_is_recorded_with_who_when_and_which_items(case, group, link_worker):
    onward = refer_on(case, group, link_worker)
    assert onward.consent_recorded_by == link_worker
    assert onward.consent_recorded_at is not None
    assert onward.shared_items == ["access_needs", "contact_route", "first_name", "language"]
    consent = Consent.objects.filter(person=case.person, purpose="share_with_provider").first()
    assert consent is not None and consent.given and consent.recorded_by == link_worker
    (event,) = onward.events.all()
    assert event.from_status == "" and event.to_status == Status.REQUESTED


def test_only_ticked_items_are_shared_from_the_record(case, link_worker):
    person = case.person
    person.communication_needs = ["large_print"]
    person.safe_times_to_call = "after 5pm"
    person.save()
    nothing = shared_values_for(person, [])
    assert nothing == {
        "first_name": "",
        "contact_route": "",
        "language": "",
        "interpreter_needed": False,
        "access_needs": "",
    }
    values = shared_values_for(person, ["first_name", "contact_route"])
    assert values["first_name"] == person.given_name
    assert "after 5pm" in values["contact_route"]
    assert person.phone not in values["contact_route"]
    assert values["language"] == "" and values["access_needs"] == ""
    assert "Large print" in shared_values_for(person, ["access_needs"])["access_needs"]


def test_a_signpost_only_service_is_refused_but_can_be_recorded_as_signposted(
    case, vcse, link_worker
):
    from linkwell.directory.models import Organization

    org = Organization.objects.create(name=vcse.name, description="x", organisation=vcse)
    drop_in = group_listing(org, name="Drop-in cafe", accepts_referrals=False)
    with pytest.raises(ValidationError) as exc:
        refer_on(case, drop_in, link_worker)
    assert "signposted" in exc.value.message_dict["service"][0]
    signposted, created = service_referral_submit(
        actor=link_worker, case_id=case.pk, service_id=drop_in.pk, kind=OnwardKind.SIGNPOSTED
    )
    assert created and signposted.kind == OnwardKind.SIGNPOSTED
    assert signposted.shared_first_name == "" and signposted.shared_items == []


def test_a_second_open_referral_to_the_same_service_is_refused(
    onward, case, group, link_worker, provider
):
    with pytest.raises(ValidationError) as exc:
        refer_on(case, group, link_worker)
    assert "already has an open referral" in exc.value.message_dict["service"][0]
    service_referral_respond(
        actor=provider,
        service_referral_id=onward.pk,
        response=Status.REJECTED,
        reason=DeclineReason.CAPACITY,
    )
    assert refer_on(case, group, link_worker).status == Status.REQUESTED  # closed: may refer again


def test_a_closed_case_cannot_refer_on(case, group, link_worker):
    referral_transition(
        actor=link_worker,
        referral_id=case.referral_id,
        to_status=Status.COMPLETED,
    )
    with pytest.raises(ValidationError) as exc:
        refer_on(case, group, link_worker)
    assert "case" in exc.value.message_dict


def test_an_idempotency_key_replays_the_first_referral(case, group, link_worker):
    first = refer_on(case, group, link_worker, idempotency_key="abc")
    again, created = service_referral_submit(
        actor=link_worker,
        case_id=case.pk,
        service_id=group.pk,
        first_name="Amina",
        contact_route="Phone after 5pm",
        language="ar",
        interpreter_needed=True,
        access_needs="Step-free access",
        note="Keen on growing herbs.",
        consent_given=True,
        idempotency_key="abc",
    )
    assert again == first and not created
    from linkwell.referrals.services import IdempotencyConflict

    with pytest.raises(IdempotencyConflict):
        refer_on(case, group, link_worker, note="different", idempotency_key="abc")


# ---- answers -------------------------------------------------------------------------------


def test_accepting_sets_the_reply_writes_an_event_and_tells_the_link_worker(
    onward, provider, link_worker
):
    result = service_referral_respond(
        actor=provider, service_referral_id=onward.pk, response=Status.ACCEPTED
    )
    assert result.status == Status.ACCEPTED
    assert result.responded_at is not None and result.first_response == Status.ACCEPTED
    event = result.events.last()
    assert (event.from_status, event.to_status, event.actor) == (
        Status.REQUESTED,
        Status.ACCEPTED,
        provider,
    )
    note = StaffNotification.objects.get(user=link_worker, kind="provider_replied")
    assert str(onward.case_id) in note.title
    assert onward.case.person.family_name not in note.title
    assert AuditEntry.objects.filter(action="transition", object_id=str(onward.pk)).exists()


def test_declining_needs_a_reason_and_other_needs_words(onward, provider):
    with pytest.raises(ValidationError) as exc:
        service_referral_respond(
            actor=provider, service_referral_id=onward.pk, response=Status.REJECTED
        )
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        service_referral_respond(
            actor=provider,
            service_referral_id=onward.pk,
            response=Status.REJECTED,
            reason=DeclineReason.OTHER,
        )
    assert "reason_text" in exc.value.message_dict
    onward.refresh_from_db()
    assert onward.status == Status.REQUESTED and onward.responded_at is None
    result = service_referral_respond(
        actor=provider,
        service_referral_id=onward.pk,
        response=Status.REJECTED,
        reason=DeclineReason.NOT_ELIGIBLE,
    )
    assert result.decline_reason == "not_eligible" and result.closed_at is not None


def test_waitlisting_then_accepting_keeps_the_first_answer(onward, provider):
    service_referral_respond(actor=provider, service_referral_id=onward.pk, response="on-hold")
    result = service_referral_respond(
        actor=provider, service_referral_id=onward.pk, response=Status.ACCEPTED
    )
    assert result.first_response == "on-hold" and result.status == Status.ACCEPTED
    assert [e.to_status for e in result.events.all()] == ["requested", "on-hold", "accepted"]


def test_only_the_services_provider_answers(onward, link_worker, outsider_link_worker, referrer):
    with pytest.raises(ValidationError):  # the link worker may not accept for the provider
        service_referral_respond(
            actor=link_worker, service_referral_id=onward.pk, response=Status.ACCEPTED
        )
    for actor in (outsider_link_worker, referrer):
        with pytest.raises(PermissionDenied):
            service_referral_respond(
                actor=actor, service_referral_id=onward.pk, response=Status.ACCEPTED
            )


def test_the_link_worker_can_cancel_but_not_after_it_closed(onward, link_worker, provider):
    result = service_referral_transition(
        actor=link_worker,
        service_referral_id=onward.pk,
        to_status=Status.CANCELLED,
        reason=DeclineReason.PERSON_DECLINED,
    )
    assert result.status == Status.CANCELLED
    with pytest.raises(ValidationError):
        service_referral_respond(
            actor=provider, service_referral_id=onward.pk, response=Status.ACCEPTED
        )


@settings(max_examples=40, deadline=None)
@given(path=st.lists(st.sampled_from(list(Status.values)), max_size=5))
def test_no_illegal_move_is_ever_accepted(path):
    from linkwell.groups.services import ONWARD_TRANSITIONS

    # Pure check of the table: finals have no moves and nothing moves back to requested.
    for status in path:
        assert Status.REQUESTED not in ONWARD_TRANSITIONS[status]
        if status in (Status.REJECTED, Status.COMPLETED, Status.CANCELLED, Status.FAILED):
            assert not ONWARD_TRANSITIONS[status]


# ---- nudge and lapse -----------------------------------------------------------------------


def _sent_at(onward, at):
    ServiceReferral.objects.filter(pk=onward.pk).update(created_at=at)


def test_the_link_worker_is_nudged_once_after_five_working_days(onward, link_worker):
    monday = timezone.make_aware(datetime.datetime(2030, 1, 7, 9, 0))
    _sent_at(onward, monday)
    friday = monday + datetime.timedelta(days=4)
    assert onward_nudge_due(friday) == 0
    next_monday = monday + datetime.timedelta(days=7)
    assert onward_nudge_due(next_monday) == 1
    assert onward_nudge_due(next_monday) == 0  # idempotent
    assert onward_nudge_due(next_monday + datetime.timedelta(days=1)) == 0
    assert StaffNotification.objects.filter(user=link_worker, kind="referral_nudge").count() == 1
    onward.refresh_from_db()
    assert onward.nudged_at == next_monday


def test_an_answered_referral_is_never_nudged_or_lapsed(onward, provider):
    service_referral_respond(actor=provider, service_referral_id=onward.pk, response="on-hold")
    later = timezone.now() + datetime.timedelta(days=30)
    assert onward_nudge_due(later) == 0
    assert onward_lapse_due(later) == 0


def test_after_fourteen_days_without_reply_the_referral_lapses(onward, link_worker):
    sent = timezone.make_aware(datetime.datetime(2030, 1, 7, 9, 0))
    _sent_at(onward, sent)
    assert onward_lapse_due(sent + datetime.timedelta(days=13, hours=23)) == 0
    when = sent + datetime.timedelta(days=14)
    assert onward_lapse_due(when) == 1
    assert onward_lapse_due(when) == 0  # idempotent
    onward.refresh_from_db()
    assert onward.status == Status.FAILED and onward.decline_reason == "no_response"
    assert onward.responded_at is None
    event = onward.events.last()
    assert event.to_status == Status.FAILED and event.reason == "no_response"
    assert event.actor is None and event.at == when
    assert StaffNotification.objects.filter(user=link_worker, kind="referral_lapsed").count() == 1


def test_jobs_are_registered():
    from linkwell.jobs import registered_jobs

    names = {job.name for job in registered_jobs()}
    assert {"groups.onward_nudge", "groups.onward_lapse"} <= names


# ---- reply figures -------------------------------------------------------------------------


def aware(*args):
    return timezone.make_aware(datetime.datetime(*args))


def test_working_hours_skip_the_weekend():
    friday_noon = aware(2030, 1, 11, 12)
    monday_noon = aware(2030, 1, 14, 12)
    assert working_hours_between(friday_noon, monday_noon) == 24
    assert working_hours_between(monday_noon, friday_noon) == 0
    assert working_hours_between(aware(2030, 1, 12, 9), aware(2030, 1, 13, 20)) == 0


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime.datetime(2029, 1, 1), max_value=datetime.datetime(2031, 1, 1)
    ),
    hours=st.floats(min_value=0, max_value=24 * 40),
)
def test_working_hours_are_never_more_than_the_hours_between(start, hours):
    start = timezone.make_aware(start)
    end = start + datetime.timedelta(hours=hours)
    worked = working_hours_between(start, end)
    assert -1e-6 <= worked <= hours + 1.01  # +1: a clock change inside the span
    whole_weeks = int(hours // (24 * 7))
    assert worked >= whole_weeks * 5 * 24 - 1.01


def _answered(case, group, link_worker, provider, *, hours, response, sent):
    onward = refer_on(case, group, link_worker)
    _sent_at(onward, sent)
    service_referral_respond(
        actor=provider,
        service_referral_id=onward.pk,
        response=response,
        reason=DeclineReason.CAPACITY if response == Status.REJECTED else "",
        now=sent + datetime.timedelta(hours=hours),
    )
    return onward


def test_reply_figures_need_five_replies_then_show_median_and_acceptance(
    group, link_worker, provider, referrer, django_assert_max_num_queries
):
    monday = timezone.now() - datetime.timedelta(days=30)
    monday -= datetime.timedelta(days=monday.weekday())
    monday = monday.replace(hour=9, minute=0, second=0, microsecond=0)
    answers = [(2, "accepted"), (4, "accepted"), (6, "rejected"), (8, "on-hold")]
    for hours, response in answers:
        case = new_case(referrer, link_worker)
        _answered(case, group, link_worker, provider, hours=hours, response=response, sent=monday)
    figures = reply_figures([group.pk])[group.pk]
    assert figures.answered == 4 and not figures.enough
    assert figures.median_hours is None and figures.acceptance_percent is None
    case = new_case(referrer, link_worker)
    _answered(case, group, link_worker, provider, hours=10, response="accepted", sent=monday)
    with django_assert_max_num_queries(1):
        figures = reply_figures([group.pk])[group.pk]
    assert figures.enough and figures.median_hours == 6
    assert figures.acceptance_percent == 60  # 3 of 5 answers


def test_reply_figures_are_zero_for_a_service_without_referrals(group):
    assert reply_figures([group.pk]) == {group.pk: ReplyFigures()}
    assert reply_figures([]) == {}
