"""Reminders: session reminders, re-engagement, follow-ups, "we tried to reach you", timeline."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from groups.conftest import group_listing, refer_on
from linkwell.casework.models import Case, FollowUp
from linkwell.casework.selectors import case_timeline
from linkwell.directory.models import Organization
from linkwell.groups import reminders as group_reminders
from linkwell.groups.models import Booking, BookingStatus, Session
from linkwell.jobs import registered_jobs
from linkwell.messaging import reminders
from linkwell.messaging.models import (
    CallTask,
    Channel,
    Message,
    MessageStatus,
    ReminderSent,
    StaffNotification,
)
from linkwell.messaging.services import call_task_record, message_queue
from linkwell.people.services import consent_record
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    settings.LINKWELL_QUIET_HOURS = None


@pytest.fixture
def group(vcse):
    org = Organization.objects.create(name=vcse.name, description="Groups", organisation=vcse)
    return group_listing(org)


@pytest.fixture
def case(referral, link_worker) -> Case:
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.IN_PROGRESS)
    return Case.objects.select_related("referral", "person").get(referral=referral)


@pytest.fixture
def onward(case, group, link_worker):
    return refer_on(case, group, link_worker)


def texter(person):
    """Make the person reachable by text (mobile, consent, text first)."""
    person.contact_methods = ["sms"]
    person.save()
    consent_record(person=person, purpose="contact_sms", given=True, method="verbal", actor=None)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def session_on(group, when: datetime.datetime, **extra) -> Session:
    return Session.objects.create(
        service=group,
        location=group.service_at_locations.first().location,
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=2),
        places=5,
        **extra,
    )


def book(session, onward, status=BookingStatus.BOOKED, **extra) -> Booking:
    return Booking.objects.create(session=session, service_referral=onward, status=status, **extra)


def test_jobs_are_registered():
    names = {job.name for job in registered_jobs()}
    assert {
        "groups.session_reminders",
        "groups.reengagement",
        "messaging.follow_up_reminders",
    } <= names


# --- Session reminders ------------------------------------------------------------------------


def test_a_session_tomorrow_is_reminded_once_in_the_persons_language(case, group, onward):
    texter(case.person)
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    booking = book(session_on(group, at(tomorrow, 10, 30)), onward)
    book(session_on(group, at(tomorrow + datetime.timedelta(days=1), 10)), onward)  # not yet
    now = at(today, 11)

    assert group_reminders.session_reminders(now) == 1
    assert group_reminders.session_reminders(now) == 0  # idempotent
    message = Message.objects.get(template="session_reminder")
    assert message.person == case.person
    assert message.channel == Channel.SMS
    assert message.language == "ar"
    assert message.personalisation["time"] == "10:30"
    assert message.personalisation["date"] == tomorrow.strftime("%d/%m")
    assert message.personalisation["place"] == "Hendon Garden"
    assert message.service_id == case.referral.service_id
    assert message.related_id == str(booking.pk)
    assert ReminderSent.objects.get(kind="session_reminder").message == message


def test_before_the_reminder_hour_nothing_is_sent(case, group, onward, settings):
    settings.LINKWELL_SESSION_REMINDER_HOUR = 10
    today = timezone.localdate()
    book(session_on(group, at(today + datetime.timedelta(days=1), 10)), onward)
    assert group_reminders.session_reminders(at(today, 9, 59)) == 0
    assert group_reminders.session_reminders(at(today, 10, 0)) == 1


def test_switched_off_sends_nothing(case, group, onward, settings):
    settings.LINKWELL_SESSION_REMINDERS = False
    today = timezone.localdate()
    book(session_on(group, at(today + datetime.timedelta(days=1), 10)), onward)
    assert group_reminders.session_reminders(at(today, 12)) == 0


def test_cancelled_sessions_and_bookings_and_waitlists_are_not_reminded(case, group, onward):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    book(session_on(group, at(tomorrow, 10), cancelled=True), onward)
    book(session_on(group, at(tomorrow, 11)), onward, status=BookingStatus.CANCELLED)
    book(session_on(group, at(tomorrow, 12)), onward, status=BookingStatus.WAITLISTED)
    assert group_reminders.session_reminders(at(today, 12)) == 0
    assert not Message.objects.filter(template="session_reminder").exists()


def test_a_phone_only_person_gets_a_call_task_not_a_text(case, group, onward):
    assert case.person.phone_only
    today = timezone.localdate()
    book(session_on(group, at(today + datetime.timedelta(days=1), 10)), onward)
    assert group_reminders.session_reminders(at(today, 12)) == 1
    message = Message.objects.get(template="session_reminder")
    assert message.channel == Channel.CALL_TASK
    assert CallTask.objects.filter(message=message).exists()


def test_a_second_claim_for_the_same_reminder_is_refused(case):
    assert reminders.reminder_claim(kind="x", key="k", person=case.person) is not None
    assert reminders.reminder_claim(kind="x", key="k", person=case.person) is None
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(kind="x", key="k")


# --- Re-engagement ----------------------------------------------------------------------------


def absent_series(group, onward, statuses, *, now):
    bookings = []
    for i, status in enumerate(statuses):
        start = now - datetime.timedelta(days=7 * (len(statuses) - i))
        bookings.append(
            book(
                session_on(group, start),
                onward,
                status=status,
                attendance_marked_at=start + datetime.timedelta(hours=3),
            )
        )
    return bookings


def test_two_absences_in_a_row_send_we_missed_you_once_per_streak(case, group, onward):
    texter(case.person)
    now = timezone.now()
    series = absent_series(group, onward, ["attended", "absent", "absent"], now=now)
    assert group_reminders.reengagement(now) == 1
    assert group_reminders.reengagement(now) == 0
    message = Message.objects.get(template="we_missed_you")
    assert message.person == case.person and message.language == "ar"
    assert message.personalisation["activity"] == group.name
    # A third absence continues the same streak: nothing new.
    later = now + datetime.timedelta(days=7)
    book(
        session_on(group, later - datetime.timedelta(hours=4)),
        onward,
        status="absent",
        attendance_marked_at=later - datetime.timedelta(hours=1),
    )
    assert group_reminders.reengagement(later) == 0
    assert ReminderSent.objects.get(kind="we_missed_you").key == f"streak:{series[1].pk}"


def test_a_new_streak_after_attending_sends_again(case, group, onward):
    now = timezone.now()
    absent_series(group, onward, ["absent", "absent", "attended", "absent", "absent"], now=now)
    # only the current streak counts; the old one was before the window or already past
    assert group_reminders.reengagement(now) == 1
    assert Message.objects.filter(template="we_missed_you").count() == 1


def test_one_absence_or_an_old_streak_sends_nothing(case, group, onward):
    now = timezone.now()
    absent_series(group, onward, ["attended", "absent"], now=now)
    assert group_reminders.reengagement(now) == 0
    assert group_reminders.reengagement(now + datetime.timedelta(days=60)) == 0


def test_reengagement_can_be_switched_off(case, group, onward, settings):
    settings.LINKWELL_REENGAGEMENT = False
    now = timezone.now()
    absent_series(group, onward, ["absent", "absent"], now=now)
    assert group_reminders.reengagement(now) == 0


# --- Follow-ups -------------------------------------------------------------------------------


def test_a_follow_up_due_today_tells_the_link_worker_once(case, link_worker):
    StaffNotification.objects.all().delete()
    today = timezone.localdate()
    follow_up = FollowUp.objects.create(case=case, due=today, what="Ring Amina about the group")
    FollowUp.objects.create(case=case, due=today + datetime.timedelta(days=1), what="Later")
    FollowUp.objects.create(case=case, due=today, what="Done", done_at=timezone.now())
    assert reminders.follow_up_reminders() == 1
    assert reminders.follow_up_reminders() == 0
    note = StaffNotification.objects.get(kind="follow_up_due")
    assert note.user == link_worker
    assert "Amina" not in note.title and "Amina" not in note.body
    assert note.related_id == str(follow_up.pk)
    email = Message.objects.get(template="staff_notification", user=link_worker)
    assert "Amina" not in str(email.personalisation)


def test_follow_up_reminders_can_be_switched_off(case, settings):
    settings.LINKWELL_FOLLOW_UP_REMINDERS = False
    FollowUp.objects.create(case=case, due=timezone.localdate(), what="x")
    assert reminders.follow_up_reminders() == 0


def test_discharged_cases_get_no_follow_up_reminder(case):
    FollowUp.objects.create(case=case, due=timezone.localdate(), what="x")
    Case.objects.filter(pk=case.pk).update(discharged_at=timezone.now())
    assert reminders.follow_up_reminders() == 0


# --- We tried to reach you --------------------------------------------------------------------


def call_task_for(person, link_worker):
    message_queue(
        person=person,
        template="appointment_reminder",
        personalisation={"date": "1/1", "time": "10:00", "place": "x", "phone": "0191"},
    )
    return CallTask.objects.get(person=person)


def test_no_answer_sends_we_tried_to_reach_you_by_text_when_allowed(case, link_worker):
    person = case.person
    person.contact_methods = ["phone", "sms"]
    person.save()
    consent_record(person=person, purpose="contact_sms", given=True, method="verbal", actor=None)
    # An earlier message that went as a call task (e.g. queued while phone only).
    person.contact_methods = ["phone"]
    person.save()
    task = call_task_for(person, link_worker)
    person.contact_methods = ["phone", "sms"]
    person.save()
    call_task_record(actor=link_worker, call_task_id=task.pk, outcome="no_answer")
    call_task_record(actor=link_worker, call_task_id=task.pk, outcome="no_answer")
    sent = Message.objects.filter(template="tried_to_reach_you")
    assert sent.count() == 1  # once per call task
    assert sent.get().channel == Channel.SMS


def test_phone_only_people_get_nothing_in_writing_and_why_is_recorded(case, link_worker):
    task = call_task_for(case.person, link_worker)
    call_task_record(actor=link_worker, call_task_id=task.pk, outcome="no_answer")
    assert not Message.objects.filter(template="tried_to_reach_you").exists()
    record = ReminderSent.objects.get(kind="tried_to_reach_you")
    assert record.message is None and record.note == "phone_only"
    titles = [e.title for e in case_timeline(case)]
    assert any("We tried to reach you" in t and "phone only" in t for t in titles)


def test_no_consent_for_texts_means_no_text(case, link_worker):
    person = case.person
    task = call_task_for(person, link_worker)
    person.contact_methods = ["phone", "sms"]
    person.save()
    call_task_record(actor=link_worker, call_task_id=task.pk, outcome="no_answer")
    assert not Message.objects.filter(template="tried_to_reach_you").exists()
    assert ReminderSent.objects.get(kind="tried_to_reach_you").note == "no_written_channel"


def test_a_done_call_sends_nothing(case, link_worker):
    task = call_task_for(case.person, link_worker)
    call_task_record(actor=link_worker, call_task_id=task.pk, outcome="done")
    assert not ReminderSent.objects.exists()


# --- Timeline ---------------------------------------------------------------------------------


def test_messages_since_the_case_opened_are_on_the_timeline(
    case, group, onward, django_assert_max_num_queries
):
    from linkwell.messaging.timeline import messages_timeline

    texter(case.person)
    today = timezone.localdate()
    book(session_on(group, at(today + datetime.timedelta(days=1), 10)), onward)
    group_reminders.session_reminders(at(today, 12))
    old = message_queue(
        person=case.person, template="tried_to_reach_you", personalisation={"phone": "1"}
    )
    Message.objects.filter(pk=old.pk).update(created_at=case.opened_at - datetime.timedelta(days=1))
    with django_assert_max_num_queries(2):
        entries = messages_timeline(case)
    titles = [e.title for e in entries]
    assert any("Session reminder by text message" in t for t in titles)
    assert not any("We tried to reach you" in t for t in titles)
    assert Message.objects.filter(status=MessageStatus.QUEUED).exists()
