import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linkwell.groups.models import AlertKind, Booking, BookingStatus, LinkWorkerAlert, Session
from linkwell.groups.services import (
    attendance_mark,
    booking_cancel,
    booking_create,
    sessions_generate,
    walk_ins_record,
)
from linkwell.messaging.models import Message

from .conftest import make_session, refer_on, refer_someone

pytestmark = pytest.mark.django_db


def test_an_onward_referral_keeps_only_the_shared_fields(onward, case):
    assert onward.shared_first_name == "Amina"
    assert onward.status == "requested"
    assert onward.case == case


def test_only_the_case_link_worker_refers_on(case, group, colleague, provider):
    for actor in (colleague, provider):
        with pytest.raises(PermissionDenied):
            refer_on(case, group, actor)


def test_referring_on_needs_a_first_name(case, group, link_worker):
    with pytest.raises(ValidationError) as exc:
        refer_on(case, group, link_worker, first_name=" ")
    assert "first_name" in exc.value.message_dict


def test_sessions_are_generated_from_the_schedule_once(group):
    monday = datetime.date(2030, 1, 7)
    created = sessions_generate(service=group, weeks=8, today=monday)
    assert len(created) == 8
    assert all(timezone.localtime(s.starts_at).weekday() == 1 for s in created)
    assert {timezone.localtime(s.starts_at).hour for s in created} == {10}
    assert all(s.places == 3 and s.location is not None for s in created)
    assert sessions_generate(service=group, weeks=8, today=monday) == []
    assert Session.objects.filter(service=group).count() == 8


def test_a_monthly_schedule_gives_the_nth_weekday(group):
    schedule = group.schedules.get()
    schedule.freq, schedule.byday = "MONTHLY", "1MO,-1FR"
    schedule.save()
    created = sessions_generate(service=group, weeks=8, today=datetime.date(2030, 1, 1))
    days = sorted(timezone.localtime(s.starts_at).date() for s in created)
    assert days == [
        datetime.date(2030, 1, 7),
        datetime.date(2030, 1, 25),
        datetime.date(2030, 2, 4),
        datetime.date(2030, 2, 22),
    ]


def test_booking_takes_places_then_fills_the_waitlist_in_order(case, group, link_worker, provider):
    session = make_session(group, places=3)
    referrals = [refer_someone(case, group, link_worker, first_name=f"P{i}") for i in range(10)]
    bookings = [
        booking_create(actor=provider, session_id=session.pk, service_referral_id=r.pk)
        for r in referrals
    ]
    assert [b.status for b in bookings[:3]] == [BookingStatus.BOOKED] * 3
    assert [b.status for b in bookings[3:]] == [BookingStatus.WAITLISTED] * 7
    assert [b.waitlist_position for b in bookings[3:]] == list(range(1, 8))
    assert session.bookings.filter(status=BookingStatus.BOOKED).count() == session.places


def test_a_person_cannot_be_booked_twice_into_one_session(session, onward, provider):
    booking_create(actor=provider, session_id=session.pk, service_referral_id=onward.pk)
    with pytest.raises(ValidationError) as exc:
        booking_create(actor=provider, session_id=session.pk, service_referral_id=onward.pk)
    assert "already booked" in str(exc.value)
    assert Booking.objects.count() == 1


def test_another_provider_cannot_book_into_my_session(session, onward, other_group):
    from cast import make_org, make_user
    from linkwell.accounts.models import OrganisationKind, Role

    stranger = make_user("x@example.org", make_org("X", OrganisationKind.VCSE), Role.PROVIDER)
    with pytest.raises(PermissionDenied):
        booking_create(actor=stranger, session_id=session.pk, service_referral_id=onward.pk)


def test_cancelling_offers_the_place_to_the_next_and_tells_the_link_worker(
    case, group, link_worker, provider
):
    session = make_session(group, places=1)
    first, second, third = (refer_someone(case, group, link_worker, first_name=n) for n in "ABC")
    held = booking_create(actor=provider, session_id=session.pk, service_referral_id=first.pk)
    waiting = booking_create(actor=provider, session_id=session.pk, service_referral_id=second.pk)
    booking_create(actor=provider, session_id=session.pk, service_referral_id=third.pk)

    booking_cancel(actor=provider, booking_id=held.pk)

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.OFFERED
    assert session.bookings.filter(status__in=["booked", "offered"]).count() == 1
    alert = LinkWorkerAlert.objects.get(kind=AlertKind.PLACE_OFFERED)
    assert alert.booking == waiting and alert.user == link_worker
    message = Message.objects.get(pk=alert.message_id)
    assert message.user == link_worker and message.template == "group_place_offered"
    assert "A" not in message.personalisation.values()  # no names in the email


def test_two_missed_sessions_in_a_row_alert_the_link_worker(onward, group, provider, link_worker):
    # Three past weekly sessions (whatever the time of day the test runs at). Past sessions
    # can't be booked any more: book them directly, as they were.
    sessions = [make_session(group, days=-d, hour=10) for d in (21, 14, 7)]
    past = [
        Booking.objects.create(session=s, service_referral=onward, status="booked")
        for s in sessions
    ]
    attendance_mark(actor=provider, booking_id=past[0].pk, status="absent")
    attendance_mark(actor=provider, booking_id=past[1].pk, status="late")
    attendance_mark(actor=provider, booking_id=past[2].pk, status="absent")
    assert not LinkWorkerAlert.objects.exists()
    attendance_mark(actor=provider, booking_id=past[1].pk, status="absent")
    alert = LinkWorkerAlert.objects.get(kind=AlertKind.MISSED_SESSIONS)
    assert alert.user == link_worker
    assert Message.objects.filter(template="group_missed_sessions", user=link_worker).count() == 1


def test_attendance_cannot_be_marked_for_a_future_session(group, onward, provider):
    future = make_session(group, days=2, hour=10)
    booking = booking_create(actor=provider, session_id=future.pk, service_referral_id=onward.pk)
    with pytest.raises(ValidationError):
        attendance_mark(actor=provider, booking_id=booking.pk, status="attended")
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_walk_ins_are_a_count_not_names(session, provider):
    assert walk_ins_record(actor=provider, session_id=session.pk, count="4").count == 4
    with pytest.raises(ValidationError):
        walk_ins_record(actor=provider, session_id=session.pk, count="-1")


def test_a_session_needs_at_least_one_place(group, provider):
    from linkwell.groups.services import session_create

    start = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        session_create(
            actor=provider,
            service_id=group.pk,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            places=0,
        )
    assert "places" in exc.value.message_dict


def test_shared_fields_longer_than_the_database_allows_are_refused_clearly(
    case, group, link_worker
):
    from linkwell.groups.services import service_referral_create

    with pytest.raises(ValidationError) as exc:
        service_referral_create(
            actor=link_worker,
            case_id=case.pk,
            service_id=group.pk,
            first_name="Amina",
            language="Chinese (Mandarin) with Hakka",
        )
    assert "language" in exc.value.message_dict
