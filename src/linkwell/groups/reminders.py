"""Messages to people about their group sessions (issue 6), run as periodic jobs.

- `session_reminders`: the day before a session (from LINKWELL_SESSION_REMINDER_HOUR, local
  time), each booked person gets a `session_reminder` in their language by their own channel
  (phone only: a call task). Once per booking.
- `reengagement`: after LINKWELL_REENGAGEMENT_MISSES absences in a row (the latest marked in
  the last two weeks), a `we_missed_you` message to the person. Once per streak: the streak is
  known by its first absent booking, so a third absence does not send another.

Both are idempotent through messaging's ReminderSent(kind, key) table (see
linkwell.messaging.reminders), written in the same transaction as the message; both show on
the case timeline through messaging's timeline source. Registered in GroupsConfig.ready().
"""

from __future__ import annotations

import contextlib
import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from linkwell.messaging.reminders import (
    SESSION_REMINDER,
    WE_MISSED_YOU,
    already_sent,
    contact_phone,
    reminder_claim,
)
from linkwell.messaging.services import message_queue

from .models import ATTENDANCE, Booking, BookingStatus

REENGAGEMENT_WINDOW = datetime.timedelta(days=14)


def _place(session) -> str:
    location = session.location
    if location is not None and location.name:
        return location.name
    return session.service.name


def session_reminder_queue(booking: Booking):
    """Queue the reminder for one booking, once. Returns the message or None."""
    session = booking.session
    case = booking.service_referral.case
    service = case.referral.service
    with transaction.atomic():
        record = reminder_claim(
            kind=SESSION_REMINDER, key=f"booking:{booking.pk}", person=case.person
        )
        if record is None:
            return None
        starts = timezone.localtime(session.starts_at)
        message = message_queue(
            person=case.person,
            template="session_reminder",
            personalisation={
                "activity": session.service.name,
                "date": starts.strftime("%d/%m"),
                "time": starts.strftime("%H:%M"),
                "place": _place(session),
                "phone": contact_phone(service),
            },
            related=booking,
            service=service,
        )
        record.message = message
        record.save(update_fields=["message"])
    return message


def session_reminders(now: datetime.datetime | None = None) -> int:
    """Remind everyone booked on a session tomorrow (local time), once per booking."""
    if not settings.LINKWELL_SESSION_REMINDERS:
        return 0
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.LINKWELL_SESSION_REMINDER_HOUR:
        return 0
    tomorrow = local.date() + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    bookings = list(
        Booking.objects.filter(
            status=BookingStatus.BOOKED,
            service_referral__isnull=False,
            session__cancelled=False,
            session__starts_at__gte=max(start, now),
            session__starts_at__lt=end,
        )
        .select_related(
            "session__service",
            "session__location",
            "service_referral__case__person",
            "service_referral__case__referral__service",
        )
        .order_by("session__starts_at", "id")
    )
    done = already_sent(SESSION_REMINDER, (f"booking:{b.pk}" for b in bookings))
    count = 0
    for booking in bookings:
        if f"booking:{booking.pk}" in done:
            continue
        if session_reminder_queue(booking) is not None:
            count += 1
    return count


def _current_streak(marked: list[Booking]) -> list[Booking]:
    """The trailing run of absences among one person's marked bookings (oldest first)."""
    streak: list[Booking] = []
    for booking in marked:
        if booking.status == BookingStatus.ABSENT:
            streak.append(booking)
        else:
            streak = []
    return streak


def reengagement(now: datetime.datetime | None = None) -> int:
    """Send "we missed you" to people whose latest sessions were missed, once per streak."""
    if not settings.LINKWELL_REENGAGEMENT:
        return 0
    now = now or timezone.now()
    needed = settings.LINKWELL_REENGAGEMENT_MISSES
    referral_ids = set(
        Booking.objects.filter(
            status=BookingStatus.ABSENT,
            service_referral__isnull=False,
            attendance_marked_at__gte=now - REENGAGEMENT_WINDOW,
            service_referral__case__discharged_at__isnull=True,
        ).values_list("service_referral_id", flat=True)
    )
    if not referral_ids:
        return 0
    marked = (
        Booking.objects.filter(service_referral_id__in=referral_ids, status__in=ATTENDANCE)
        .select_related(
            "session__service",
            "service_referral__case__person",
            "service_referral__case__referral__service",
        )
        .order_by("service_referral_id", "session__starts_at", "id")
    )
    by_referral: dict[int, list[Booking]] = {}
    for booking in marked:
        by_referral.setdefault(booking.service_referral_id, []).append(booking)
    due = []
    for bookings in by_referral.values():
        streak = _current_streak(bookings)
        if len(streak) >= needed and streak[-1].attendance_marked_at >= now - REENGAGEMENT_WINDOW:
            due.append(streak)
    done = already_sent(WE_MISSED_YOU, (f"streak:{s[0].pk}" for s in due))
    count = 0
    for streak in due:
        key = f"streak:{streak[0].pk}"
        if key in done:
            continue
        latest = streak[-1]
        case = latest.service_referral.case
        service = case.referral.service
        with transaction.atomic():
            record = reminder_claim(kind=WE_MISSED_YOU, key=key, person=case.person)
            if record is None:
                continue
            record.message = message_queue(
                person=case.person,
                template="we_missed_you",
                personalisation={
                    "activity": latest.session.service.name,
                    "phone": contact_phone(service),
                },
                related=latest,
                service=service,
            )
            record.save(update_fields=["message"])
        count += 1
    return count


def register() -> None:
    """Called from GroupsConfig.ready()."""
    from linkwell.jobs import register_job

    every = datetime.timedelta(minutes=15)
    register_job("groups.session_reminders", session_reminders, every=every)
    register_job("groups.reengagement", reengagement, every=every)


def load_reminders_demo(*, now: datetime.datetime | None = None) -> int:
    """Demo (issue 6): date the staff notifications, make sure someone is booked on a session
    tomorrow, and run the session reminder job as the worker would at the reminder hour.

    Sessions are generated from the real date (groups demo), so "tomorrow" is the real one.
    Returns the session reminders queued.
    """
    from django.core.exceptions import PermissionDenied, ValidationError

    from linkwell.messaging.demo import demo_date_notifications

    from .models import Session
    from .services import booking_create

    demo_date_notifications(now=now)
    real_now = timezone.now()
    local = timezone.localtime(real_now)
    tomorrow = local.date() + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    booked_tomorrow = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        service_referral__isnull=False,
        session__cancelled=False,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    )
    if not booked_tomorrow.exists():
        # Take someone booked later on, and book them on the same group tomorrow too.
        later = (
            Booking.objects.filter(
                status=BookingStatus.BOOKED,
                service_referral__isnull=False,
                session__cancelled=False,
                session__starts_at__gte=real_now,
            )
            .select_related("session")
            .order_by("session__starts_at", "id")
            .first()
        )
        if later is not None:
            first = timezone.localtime(later.session.starts_at)
            starts = timezone.make_aware(datetime.datetime.combine(tomorrow, first.time()))
            session = Session.objects.filter(
                service_id=later.session.service_id,
                cancelled=False,
                starts_at__gte=start,
                starts_at__lt=end,
            ).first() or Session.objects.create(
                service_id=later.session.service_id,
                location_id=later.session.location_id,
                starts_at=starts,
                ends_at=starts + (later.session.ends_at - later.session.starts_at),
                places=later.session.places,
            )
            with contextlib.suppress(ValidationError, PermissionDenied):  # no reminder then
                booking_create(
                    actor=None, session_id=session.pk, service_referral_id=later.service_referral_id
                )
    hour = settings.LINKWELL_SESSION_REMINDER_HOUR
    at_hour = local.replace(hour=min(hour, 23), minute=0, second=0, microsecond=0)
    return session_reminders(max(real_now, at_hour))
