"""Writes for the provider side: onward referrals, sessions, bookings, attendance, walk-ins.

Every function is keyword-only, runs in one transaction and writes an audit entry. Places are
taken with `select_for_update()` on the Session row, so simultaneous bookings queue on the lock
and count places one at a time: a session is never overbooked, and those who find it full join
the waitlist in the order they got the lock.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.accounts import permissions
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case
from linkwell.casework.selectors import case_may_edit
from linkwell.directory.models import ApprovalStatus, Schedule, Service

from .models import (
    ATTENDANCE,
    HOLDS_PLACE,
    MAX_SHARED_NOTE,
    OPEN_REFERRAL_STATUSES,
    AlertKind,
    Booking,
    BookingStatus,
    LinkWorkerAlert,
    ServiceReferral,
    Session,
    WalkInCount,
)
from .selectors import provider_services_for

WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
# A schedule with an opening time but no closing time gives a session of this length.
DEFAULT_SESSION_LENGTH = datetime.timedelta(hours=2)


# ---- onward referrals ---------------------------------------------------------------------


def service_referral_create(
    *,
    actor,
    case_id: int,
    service_id,
    first_name: str,
    contact_route: str = "",
    language: str = "",
    interpreter_needed: bool = False,
    access_needs: str = "",
    note: str = "",
) -> ServiceReferral:
    """A link worker refers the person on, sharing only these fields with the provider."""
    with transaction.atomic():
        case = Case.objects.select_related("referral").get(pk=case_id)
        if not case_may_edit(actor, case):
            raise PermissionDenied
        errors = {}
        service = (
            Service.objects.filter(
                pk=service_id, deleted_at__isnull=True, approval_status=ApprovalStatus.PUBLISHED
            ).first()
            if service_id
            else None
        )
        if service is None:
            errors["service"] = _("Choose a service from the directory.")
        elif not service.accepts_referrals:
            errors["service"] = _("This service does not take referrals: signpost instead.")
        first_name = (first_name or "").strip()
        if not first_name:
            errors["first_name"] = _("Enter the first name to share.")
        # Lengths the database enforces (PostgreSQL refuses longer values; SQLite would not).
        for field, value, limit in (
            ("first_name", first_name, 100),
            ("contact_route", contact_route or "", 200),
            ("language", language or "", 16),
            ("access_needs", access_needs or "", 500),
        ):
            if len(value.strip()) > limit and field not in errors:
                errors[field] = _("Keep this to %(n)s characters or fewer.") % {"n": limit}
        if len(note or "") > MAX_SHARED_NOTE:
            errors["note"] = _("Keep the note to %(n)s characters or fewer.") % {
                "n": MAX_SHARED_NOTE
            }
        if errors:
            raise ValidationError(errors)
        referral = ServiceReferral.objects.create(
            case=case,
            service=service,
            referred_by=actor,
            shared_first_name=first_name,
            shared_contact_route=contact_route.strip(),
            shared_language=language.strip(),
            shared_interpreter_needed=interpreter_needed,
            shared_access_needs=access_needs.strip(),
            shared_note=(note or "").strip(),
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=referral, person_id=case.person_id)
        return referral


# ---- sessions ----------------------------------------------------------------------------


def _days_in_schedule(schedule: Schedule, start: datetime.date, end: datetime.date):
    """Dates in [start, end) on which a WEEKLY or MONTHLY (nth weekday) schedule meets."""
    codes = [c.strip().upper() for c in (schedule.byday or "").split(",") if c.strip()]
    interval = schedule.interval or 1
    anchor = schedule.dtstart or schedule.valid_from
    day = start
    while day < end:
        for code in codes:
            ordinal, weekday = code[:-2], WEEKDAYS.get(code[-2:])
            if weekday is None or day.weekday() != weekday:
                continue
            if schedule.freq == Schedule.Freq.MONTHLY or ordinal:
                if not ordinal or not ordinal.lstrip("+-").isdigit():
                    continue
                n = int(ordinal)
                if n > 0 and (day.day - 1) // 7 + 1 != n:
                    continue
                if n < 0 and ((day + datetime.timedelta(days=7 * -n)).month == day.month):
                    continue
            elif interval > 1 and anchor:
                weeks = (day - (anchor - datetime.timedelta(days=anchor.weekday()))).days // 7
                if weeks < 0 or weeks % interval:
                    continue
            yield day
        day += datetime.timedelta(days=1)


def _in_validity(schedule: Schedule, day: datetime.date) -> bool:
    if schedule.valid_from and day < schedule.valid_from:
        return False
    if schedule.dtstart and day < schedule.dtstart:
        return False
    last_days = [d for d in (schedule.valid_to, schedule.until) if d]
    return all(day <= last for last in last_days)


def sessions_generate(*, service: Service, weeks: int = 8, today=None) -> list[Session]:
    """Create the sessions the listing's schedules give for the next `weeks` weeks.

    Idempotent: a session already made from the same schedule at the same time is left alone
    (including a cancelled one). A listing without places per session is signpost-only and
    gets no sessions. Returns the sessions created.
    """
    if not service.places_per_session:
        return []
    today = today or timezone.localdate()
    end = today + datetime.timedelta(weeks=weeks)
    created = []
    with transaction.atomic():
        schedules = list(
            service.schedules.select_related("location", "service_at_location__location")
        )
        default_location = service.service_at_locations.select_related("location").first()
        for schedule in schedules:
            if not schedule.opens_at or schedule.freq not in ("", "WEEKLY", "MONTHLY"):
                continue
            location = (
                schedule.location
                or (schedule.service_at_location and schedule.service_at_location.location)
                or (default_location and default_location.location)
            )
            existing = set(
                Session.objects.filter(schedule=schedule).values_list("starts_at", flat=True)
            )
            for day in _days_in_schedule(schedule, today, end):
                if not _in_validity(schedule, day):
                    continue
                starts_at = timezone.make_aware(datetime.datetime.combine(day, schedule.opens_at))
                if starts_at in existing:
                    continue
                if schedule.closes_at and schedule.closes_at > schedule.opens_at:
                    ends_at = timezone.make_aware(
                        datetime.datetime.combine(day, schedule.closes_at)
                    )
                else:
                    ends_at = starts_at + DEFAULT_SESSION_LENGTH
                created.append(
                    Session.objects.create(
                        service=service,
                        schedule=schedule,
                        location=location,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        places=service.places_per_session,
                    )
                )
        if created:
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                object_type="groups.session",
                object_id=str(service.pk),
                channel="system",
                detail=f"generated {len(created)}",
            )
    return created


def sessions_generate_for(*, actor, service_id, weeks: int = 8) -> list[Session]:
    """A provider asks for the next weeks' sessions of one of its own listings."""
    try:
        service = provider_services_for(actor).get(pk=service_id)
    except (Service.DoesNotExist, ValueError, ValidationError):
        raise PermissionDenied from None
    return sessions_generate(service=service, weeks=weeks)


def session_create(*, actor, service_id, starts_at, ends_at, places, location_id=None) -> Session:
    """A one-off session (not from the schedule)."""
    with transaction.atomic():
        try:
            service = provider_services_for(actor).get(pk=service_id)
        except (Service.DoesNotExist, ValueError, ValidationError):
            raise PermissionDenied from None
        errors = {}
        if places is None or int(places) < 1:
            errors["places"] = _("A session needs at least 1 place.")
        if starts_at and ends_at and ends_at <= starts_at:
            errors["ends_at"] = _("The session must end after it starts.")
        if errors:
            raise ValidationError(errors)
        session = Session.objects.create(
            service=service,
            starts_at=starts_at,
            ends_at=ends_at,
            places=int(places),
            location_id=location_id,
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=session)
        return session


# ---- bookings ----------------------------------------------------------------------------


def _may_book(actor, service_referral: ServiceReferral, session: Session) -> bool:
    """The provider running the session, or a link worker of the person's case."""
    if actor is None:
        return True
    if provider_services_for(actor).filter(pk=session.service_id).exists():
        return True
    case_service_id = service_referral.case.referral.service_id
    return case_service_id in permissions.link_worker_service_ids(actor)


def _lock_session(session_id) -> Session:
    try:
        return Session.objects.select_for_update().get(pk=int(session_id))
    except (Session.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"session": _("That session does not exist.")}) from None


def booking_create(*, actor, session_id, service_referral_id) -> Booking:
    """Book a referred person into a session: a place if one is left, else the waitlist.

    The Session row is locked for the whole transaction, so places are counted and taken by
    one booking at a time.
    """
    with transaction.atomic():
        session = _lock_session(session_id)
        try:
            service_referral = ServiceReferral.objects.select_related("case__referral").get(
                pk=int(service_referral_id)
            )
        except (ServiceReferral.DoesNotExist, TypeError, ValueError):
            raise ValidationError(
                {"service_referral": _("Choose someone referred to this service.")}
            ) from None
        if not _may_book(actor, service_referral, session):
            raise PermissionDenied
        if service_referral.service_id != session.service_id:
            raise ValidationError(
                {"service_referral": _("This person was referred to a different service.")}
            )
        if service_referral.status not in OPEN_REFERRAL_STATUSES:
            raise ValidationError({"service_referral": _("This referral is closed.")})
        if session.cancelled:
            raise ValidationError({"session": _("This session is cancelled.")})
        if session.ends_at <= timezone.now():
            raise ValidationError({"session": _("This session has already happened.")})
        bookings = Booking.objects.filter(session=session)
        if (
            bookings.filter(service_referral=service_referral)
            .exclude(status=BookingStatus.CANCELLED)
            .exists()
        ):
            raise ValidationError(
                {"service_referral": _("This person is already booked into this session.")}
            )
        taken = bookings.filter(status__in=HOLDS_PLACE).count()
        booking = Booking(session=session, service_referral=service_referral)
        if taken < session.places:
            booking.status = BookingStatus.BOOKED
        else:
            last = bookings.aggregate(last=Max("waitlist_position"))["last"] or 0
            booking.status = BookingStatus.WAITLISTED
            booking.waitlist_position = last + 1
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError:
            # The unique constraint caught a double booking the check above could not see.
            raise ValidationError(
                {"service_referral": _("This person is already booked into this session.")}
            ) from None
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=booking,
            person_id=service_referral.case.person_id,
            detail=booking.status,
        )
        return booking


def waitlist_position(booking: Booking) -> int | None:
    """1 for the next person to be offered a place."""
    if booking.status != BookingStatus.WAITLISTED:
        return None
    return (
        Booking.objects.filter(
            session_id=booking.session_id,
            status=BookingStatus.WAITLISTED,
            waitlist_position__lt=booking.waitlist_position,
        ).count()
        + 1
    )


def _tell_link_worker(*, kind: str, booking: Booking, session: Session) -> LinkWorkerAlert | None:
    """Record an in-app alert for the case's link worker and queue them an email."""
    from linkwell.messaging.services import message_queue

    if booking.service_referral_id is None:
        return None
    case = Case.objects.select_related("referral", "link_worker").get(
        pk=booking.service_referral.case_id
    )
    alert, created = LinkWorkerAlert.objects.get_or_create(
        kind=kind, booking=booking, defaults={"case": case, "user": case.link_worker}
    )
    if created and case.link_worker is not None:
        template = {
            AlertKind.PLACE_OFFERED: "group_place_offered",
            AlertKind.MISSED_SESSIONS: "group_missed_sessions",
        }[kind]
        alert.message = message_queue(
            user=case.link_worker,
            template=template,
            personalisation={
                "service": session.service.name,
                "session": timezone.localtime(session.starts_at).strftime("%d %b %Y %H:%M"),
                "case": str(case.pk),
            },
            related=booking,
            service=case.referral.service,
        )
        alert.save(update_fields=["message"])
    return alert


def booking_cancel(*, actor, booking_id) -> Booking:
    """Cancel a booking or a place on the waitlist; a freed place goes to the next in line."""
    with transaction.atomic():
        try:
            session_id = Booking.objects.values_list("session_id", flat=True).get(
                pk=int(booking_id)
            )
        except (Booking.DoesNotExist, TypeError, ValueError):
            raise ValidationError({"booking": _("That booking does not exist.")}) from None
        session = _lock_session(session_id)
        booking = Booking.objects.select_related("service_referral__case__referral").get(
            pk=booking_id
        )
        if booking.service_referral and not _may_book(actor, booking.service_referral, session):
            raise PermissionDenied
        if booking.status in ATTENDANCE or booking.status == BookingStatus.CANCELLED:
            raise ValidationError({"booking": _("This booking can no longer be cancelled.")})
        freed = booking.status in HOLDS_PLACE
        booking.status = BookingStatus.CANCELLED
        booking.waitlist_position = None
        booking.cancelled_at = timezone.now()
        booking.save()
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=booking,
            person_id=booking.service_referral.case.person_id if booking.service_referral else None,
            detail="cancelled",
        )
        if freed and not session.cancelled:
            _offer_next(actor=actor, session=session)
        return booking


def _offer_next(*, actor, session: Session) -> Booking | None:
    """Offer free places to the waitlist in order (session row already locked)."""
    taken = Booking.objects.filter(session=session, status__in=HOLDS_PLACE).count()
    if taken >= session.places:
        return None
    nxt = (
        Booking.objects.select_related("service_referral__case")
        .filter(session=session, status=BookingStatus.WAITLISTED)
        .order_by("waitlist_position", "id")
        .first()
    )
    if nxt is None:
        return None
    nxt.status = BookingStatus.OFFERED
    nxt.offered_at = timezone.now()
    nxt.waitlist_position = None
    nxt.save()
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=nxt,
        person_id=nxt.service_referral.case.person_id if nxt.service_referral else None,
        detail="offered",
    )
    _tell_link_worker(kind=AlertKind.PLACE_OFFERED, booking=nxt, session=session)
    return nxt


def booking_offer_accept(*, actor, booking_id) -> Booking:
    """The person takes the place they were offered."""
    with transaction.atomic():
        try:
            booking = Booking.objects.select_related("service_referral__case__referral").get(
                pk=int(booking_id)
            )
        except (Booking.DoesNotExist, TypeError, ValueError):
            raise ValidationError({"booking": _("That booking does not exist.")}) from None
        session = _lock_session(booking.session_id)
        if booking.service_referral and not _may_book(actor, booking.service_referral, session):
            raise PermissionDenied
        booking.refresh_from_db(fields=["status"])
        if booking.status != BookingStatus.OFFERED:
            raise ValidationError({"booking": _("There is no offer to accept.")})
        booking.status = BookingStatus.BOOKED
        booking.save()
        audit_record(actor=actor, action=AuditAction.TRANSITION, obj=booking, detail="booked")
        return booking


# ---- attendance --------------------------------------------------------------------------


def _provider_session(actor, session_id, *, lock: bool = False) -> Session:
    qs = Session.objects.filter(service__in=provider_services_for(actor))
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.select_related("service").get(pk=int(session_id))
    except (Session.DoesNotExist, TypeError, ValueError):
        raise PermissionDenied from None


def _refuse_future(session: Session) -> None:
    if timezone.localdate(session.starts_at) > timezone.localdate():
        raise ValidationError(
            {"session": _("You can only take the register on the day of the session or after.")}
        )


def attendance_mark(*, actor, booking_id, status: str) -> Booking:
    """Mark a booked person attended, absent or late. Two absences in a row tell their
    link worker."""
    if status not in ATTENDANCE:
        raise ValidationError({"status": _("Choose attended, absent or late.")})
    with transaction.atomic():
        try:
            session_id = Booking.objects.values_list("session_id", flat=True).get(
                pk=int(booking_id)
            )
        except (Booking.DoesNotExist, TypeError, ValueError):
            raise PermissionDenied from None
        session = _provider_session(actor, session_id, lock=True)
        _refuse_future(session)
        booking = Booking.objects.select_related("service_referral__case").get(pk=booking_id)
        if booking.status not in {BookingStatus.BOOKED, *ATTENDANCE}:
            raise ValidationError({"status": _("Only people with a place can be marked.")})
        booking.status = status
        booking.attendance_marked_at = timezone.now()
        booking.attendance_marked_by = actor
        booking.save()
        person_id = booking.service_referral.case.person_id if booking.service_referral else None
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=booking, person_id=person_id, detail=status
        )
        if status == BookingStatus.ABSENT and booking.service_referral_id:
            _check_missed_in_a_row(booking=booking, session=session)
        return booking


def _check_missed_in_a_row(*, booking: Booking, session: Session) -> None:
    marked = Booking.objects.filter(
        service_referral_id=booking.service_referral_id, status__in=ATTENDANCE
    ).exclude(pk=booking.pk)
    before = marked.filter(session__starts_at__lt=session.starts_at).order_by("-session__starts_at")
    after = marked.filter(session__starts_at__gt=session.starts_at).order_by("session__starts_at")
    previous, following = before.first(), after.first()
    if previous is not None and previous.status == BookingStatus.ABSENT:
        _tell_link_worker(kind=AlertKind.MISSED_SESSIONS, booking=booking, session=session)
    elif following is not None and following.status == BookingStatus.ABSENT:
        _tell_link_worker(
            kind=AlertKind.MISSED_SESSIONS, booking=following, session=following.session
        )


def walk_ins_record(*, actor, session_id, count) -> WalkInCount:
    """How many came without a referral (counted, not named)."""
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = -1
    if count < 0:
        raise ValidationError({"count": _("Enter the number of walk-ins, 0 or more.")})
    with transaction.atomic():
        session = _provider_session(actor, session_id, lock=True)
        _refuse_future(session)
        walk_ins, _created = WalkInCount.objects.update_or_create(
            session=session, defaults={"count": count, "updated_by": actor}
        )
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=walk_ins, detail=str(count))
        return walk_ins
