"""Writes for the provider side: onward referrals, sessions, bookings, attendance, walk-ins.

Every function is keyword-only, runs in one transaction and writes an audit entry. Places are
taken with `select_for_update()` on the Session row, so simultaneous bookings queue on the lock
and count places one at a time: a session is never overbooked, and those who find it full join
the waitlist in the order they got the lock.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.accounts import permissions
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case
from linkwell.casework.selectors import case_may_edit
from linkwell.directory.models import ApprovalStatus, Schedule, Service
from linkwell.referrals.models import Status

from .models import (
    ATTENDANCE,
    HOLDS_PLACE,
    MAX_SHARED_NOTE,
    OPEN_REFERRAL_STATUSES,
    SHARE_ITEMS,
    AlertKind,
    Booking,
    BookingStatus,
    DeclineReason,
    LinkWorkerAlert,
    OnwardKind,
    ServiceReferral,
    ServiceReferralEvent,
    Session,
    WalkInCount,
)
from .selectors import provider_services_for

WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
# A schedule with an opening time but no closing time gives a session of this length.
DEFAULT_SESSION_LENGTH = datetime.timedelta(hours=2)


# ---- onward referrals ---------------------------------------------------------------------


# What each role may do to an onward referral (FHIR Task status vocabulary). The provider
# answers (accept, decline, waitlist = on-hold) and runs it; the link worker cancels or closes it;
# the lapse job fails it with `no_response`.
ONWARD_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REQUESTED: frozenset(
        {Status.ACCEPTED, Status.REJECTED, Status.ON_HOLD, Status.CANCELLED, Status.FAILED}
    ),
    Status.ON_HOLD: frozenset(
        {Status.ACCEPTED, Status.REJECTED, Status.IN_PROGRESS, Status.CANCELLED, Status.FAILED}
    ),
    Status.ACCEPTED: frozenset(
        {Status.IN_PROGRESS, Status.ON_HOLD, Status.COMPLETED, Status.CANCELLED, Status.FAILED}
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.ON_HOLD, Status.COMPLETED, Status.CANCELLED, Status.FAILED}
    ),
    Status.RECEIVED: frozenset({Status.ACCEPTED, Status.REJECTED, Status.ON_HOLD}),
    Status.REJECTED: frozenset(),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.FAILED: frozenset(),
}
ONWARD_OPEN = frozenset(s for s, targets in ONWARD_TRANSITIONS.items() if targets)
ONWARD_FINAL = frozenset(s for s, targets in ONWARD_TRANSITIONS.items() if not targets)
# The provider's answers to a new referral (what the inbox offers).
RESPONSES = (Status.ACCEPTED, Status.REJECTED, Status.ON_HOLD)
PROVIDER_MOVES = frozenset(
    {Status.ACCEPTED, Status.REJECTED, Status.ON_HOLD, Status.IN_PROGRESS, Status.COMPLETED}
)
LINK_WORKER_MOVES = frozenset({Status.CANCELLED, Status.COMPLETED})
SYSTEM_MOVES = frozenset({Status.FAILED, Status.CANCELLED})


def shared_values_for(person, items) -> dict:
    """The values a link worker shares for the ticked `items` (SHARE_ITEMS), from the record.

    Contact route is the person's preference in words (never a phone number or address: the
    provider asks the link worker, or the person gets in touch). Anything not ticked is empty.
    """
    items = set(items or ())
    values = {
        "first_name": "",
        "contact_route": "",
        "language": "",
        "interpreter_needed": False,
        "access_needs": "",
    }
    if "first_name" in items:
        values["first_name"] = person.known_as
    if "contact_route" in items:
        parts = []
        if person.contact_methods:
            parts.append(
                _("Prefers: %(methods)s") % {"methods": ", ".join(person.contact_method_labels)}
            )
        if person.no_voicemail:
            parts.append(_("no voicemail"))
        if person.safe_times_to_call:
            parts.append(_("safe times to call: %(times)s") % {"times": person.safe_times_to_call})
        values["contact_route"] = "; ".join(parts)[:200]
    if "language" in items:
        values["language"] = person.language or ""
        values["interpreter_needed"] = bool(person.interpreter_needed)
    if "access_needs" in items:
        parts = list(person.communication_need_labels)
        if person.communication_notes:
            parts.append(person.communication_notes)
        values["access_needs"] = "; ".join(parts)[:500]
    return values


def service_is_full(service: Service, *, now=None) -> bool:
    """Every upcoming session of the service has all its places taken (none: not known)."""
    now = now or timezone.now()
    upcoming = list(
        Session.objects.filter(service=service, cancelled=False, starts_at__gt=now)
        .annotate(taken=Count("bookings", filter=Q(bookings__status__in=HOLDS_PLACE)))
        .values_list("places", "taken")[:20]
    )
    return bool(upcoming) and all(taken >= places for places, taken in upcoming)


def _onward_body_hash(payload: dict) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()


def _onward_event(referral, *, from_status, to_status, actor, reason="", reason_text="", at=None):
    return ServiceReferralEvent.objects.create(
        service_referral=referral,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        reason_text=reason_text,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at or timezone.now(),
    )


def service_referral_submit(
    *,
    actor,
    case_id: int,
    service_id,
    first_name: str = "",
    contact_route: str = "",
    language: str = "",
    interpreter_needed: bool = False,
    access_needs: str = "",
    note: str = "",
    consent_given: bool = False,
    items=None,
    kind: str = OnwardKind.REFERRAL,
    idempotency_key: str = "",
    channel: str = "web",
) -> tuple[ServiceReferral, bool]:
    """A link worker refers the person on (or records signposting). Returns (referral, created).

    Only the given shared values reach the provider; `items` names what was ticked (derived
    from the non-empty values when not given). A referral needs the person's consent, which is
    recorded on the row (who, when, which items) and as a people.Consent
    (`share_with_provider`). Refused: no consent, a signpost-only service (record it as
    signposted instead), an open referral of this case to this service already, a closed case.
    With an idempotency key, the same request again returns the first referral; the same key
    with a different body raises referrals.services.IdempotencyConflict.
    """
    from linkwell.people.services import consent_record
    from linkwell.referrals.services import IdempotencyConflict

    first_name = (first_name or "").strip()
    contact_route = (contact_route or "").strip()
    language = (language or "").strip()
    access_needs = (access_needs or "").strip()
    note = (note or "").strip()
    if kind not in OnwardKind.values:
        raise ValidationError({"kind": _("Choose referral or signposted.")})
    signposted = kind == OnwardKind.SIGNPOSTED
    if signposted:
        # Signposting shares nothing with the provider.
        first_name = contact_route = language = access_needs = note = ""
        interpreter_needed = False
    if items is None:
        items = [
            name
            for name, value in (
                ("first_name", first_name),
                ("contact_route", contact_route),
                ("language", language or interpreter_needed),
                ("access_needs", access_needs),
            )
            if value
        ]
    items = sorted({i for i in items if i in SHARE_ITEMS})
    payload = {
        "case": int(case_id),
        "service": str(service_id),
        "values": [first_name, contact_route, language, interpreter_needed, access_needs, note],
        "consent": bool(consent_given),
        "items": items,
        "kind": kind,
    }
    body_hash = _onward_body_hash(payload) if idempotency_key else ""
    if idempotency_key:
        existing = ServiceReferral.objects.filter(
            referred_by=actor, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            if existing.idempotency_hash != body_hash:
                raise IdempotencyConflict
            return existing, False
    try:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("referral", "person")
                .get(pk=case_id)
            )
            if not case_may_edit(actor, case):
                raise PermissionDenied
            errors = {}
            if not case.is_open:
                errors["case"] = _("This case is closed.")
            service = None
            if service_id:
                try:
                    service = Service.objects.filter(
                        pk=service_id,
                        deleted_at__isnull=True,
                        approval_status=ApprovalStatus.PUBLISHED,
                    ).first()
                except (ValueError, ValidationError):
                    service = None
            if service is None:
                errors["service"] = _("Choose a service from the directory.")
            elif not signposted:
                if not service.accepts_referrals:
                    errors["service"] = _(
                        "This service does not take referrals. You can record it as "
                        "signposted instead: the person gets in touch themselves."
                    )
                elif ServiceReferral.objects.filter(
                    case=case, service=service, kind=OnwardKind.REFERRAL, status__in=ONWARD_OPEN
                ).exists():
                    errors["service"] = _(
                        "This person already has an open referral to this service."
                    )
            if not signposted and not first_name:
                errors["first_name"] = _(
                    "Share at least their first name, so the service knows who to expect."
                )
            if not signposted and not consent_given:
                errors["consent"] = _("Confirm the person agreed to share this with the service.")
            # Lengths the database enforces (PostgreSQL refuses longer values; SQLite would not).
            for field, value, limit in (
                ("first_name", first_name, 100),
                ("contact_route", contact_route, 200),
                ("language", language, 16),
                ("access_needs", access_needs, 500),
            ):
                if len(value) > limit and field not in errors:
                    errors[field] = _("Keep this to %(n)s characters or fewer.") % {"n": limit}
            if len(note) > MAX_SHARED_NOTE:
                errors["note"] = _("Keep the note to %(n)s characters or fewer.") % {
                    "n": MAX_SHARED_NOTE
                }
            if errors:
                raise ValidationError(errors)
            now = timezone.now()
            referral = ServiceReferral.objects.create(
                case=case,
                service=service,
                kind=kind,
                status=Status.COMPLETED if signposted else Status.REQUESTED,
                referred_by=actor,
                shared_first_name=first_name,
                shared_contact_route=contact_route,
                shared_language=language,
                shared_interpreter_needed=bool(interpreter_needed),
                shared_access_needs=access_needs,
                shared_note=note,
                shared_items=[] if signposted else items,
                consent_recorded_at=None if signposted else now,
                consent_recorded_by=None if signposted else actor,
                closed_at=now if signposted else None,
                created_at=now,
                idempotency_key=idempotency_key or "",
                idempotency_hash=body_hash,
            )
            _onward_event(
                referral,
                from_status="",
                to_status=referral.status,
                actor=actor,
                at=now,
            )
            if not signposted:
                consent_record(
                    person=case.person,
                    purpose="share_with_provider",
                    given=True,
                    method="verbal",
                    actor=actor,
                )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=referral,
                person_id=case.person_id,
                channel=channel,
                detail=kind,
            )
            return referral, True
    except IntegrityError:
        if idempotency_key:
            existing = ServiceReferral.objects.filter(
                referred_by=actor, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                if existing.idempotency_hash != body_hash:
                    raise IdempotencyConflict from None
                return existing, False
        # Two simultaneous referrals of the case to the same service: the other one won.
        raise ValidationError(
            {"service": _("This person already has an open referral to this service.")}
        ) from None


def service_referral_create(**kwargs) -> ServiceReferral:
    """`service_referral_submit` for callers that do not need to know about replays."""
    return service_referral_submit(**kwargs)[0]


def _onward_role(actor, referral: ServiceReferral) -> str | None:
    if actor is None:
        return "system"
    if provider_services_for(actor).filter(pk=referral.service_id).exists():
        return "provider"
    if case_may_edit(actor, referral.case):
        return "link_worker"
    return None


def _notify_link_worker(referral: ServiceReferral, *, kind: str, title: str) -> None:
    from django.urls import reverse

    from linkwell.messaging.notifications import notify_staff

    case = referral.case
    notify_staff(
        users=[case.link_worker],
        kind=kind,
        title=title,
        url=reverse("casework:case", args=[case.pk]),
        related=referral,
    )


def service_referral_transition(
    *,
    actor,
    service_referral_id,
    to_status: str,
    reason: str = "",
    reason_text: str = "",
    now=None,
    channel: str = "web",
) -> ServiceReferral:
    """Move an onward referral on (ONWARD_TRANSITIONS), as the provider, link worker or system.

    A decline (rejected) needs a reason from DeclineReason ("other" needs words). The
    provider's first answer sets `responded_at`/`first_response`. Every move writes a
    ServiceReferralEvent (seen on the case at once) and an audit entry; the provider's moves
    notify the case's link worker. Outside the actor's scope: PermissionDenied (views 404 first).
    """
    reason = (reason or "").strip()
    reason_text = (reason_text or "").strip()
    with transaction.atomic():
        try:
            referral = (
                ServiceReferral.objects.select_for_update(of=("self",))
                .select_related("case__referral", "case__link_worker", "service")
                .get(pk=int(service_referral_id), kind=OnwardKind.REFERRAL)
            )
        except (ServiceReferral.DoesNotExist, TypeError, ValueError):
            raise PermissionDenied from None
        role = _onward_role(actor, referral)
        allowed = {
            "provider": PROVIDER_MOVES,
            "link_worker": LINK_WORKER_MOVES,
            "system": SYSTEM_MOVES,
        }.get(role)
        if allowed is None:
            raise PermissionDenied
        errors = {}
        if to_status not in allowed:
            errors["status"] = _("You cannot make this change.")
        elif to_status not in ONWARD_TRANSITIONS.get(referral.status, ()):
            errors["status"] = _("This referral is %(status)s and cannot be moved to %(to)s.") % {
                "status": referral.get_status_display(),
                "to": Status(to_status).label,
            }
        if to_status == Status.REJECTED:
            if reason not in DeclineReason.values:
                errors["reason"] = _("Choose why the referral is declined.")
            elif reason == DeclineReason.OTHER and not reason_text:
                errors["reason_text"] = _("Say why, in a few words.")
        elif reason and reason not in DeclineReason.values:
            errors["reason"] = _("Choose a reason from the list.")
        if len(reason_text) > 500:
            errors["reason_text"] = _("Keep this to %(n)s characters or fewer.") % {"n": 500}
        if errors:
            raise ValidationError(errors)
        now = now or timezone.now()
        from_status = referral.status
        referral.status = to_status
        if role == "provider" and referral.responded_at is None:
            referral.responded_at = now
            referral.first_response = to_status
        if to_status in (Status.REJECTED, Status.FAILED, Status.CANCELLED) or reason:
            referral.decline_reason = reason
            referral.decline_text = reason_text
        if to_status in ONWARD_FINAL:
            referral.closed_at = now
        referral.save()
        _onward_event(
            referral,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            reason=reason,
            reason_text=reason_text,
            at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=referral,
            person_id=referral.case.person_id,
            channel=channel if actor is not None else "system",
            detail=f"{from_status}->{to_status}",
        )
        if role == "provider":
            _notify_link_worker(
                referral,
                kind="provider_replied",
                title=_("%(service)s replied on case %(case)s: %(status)s")
                % {
                    "service": referral.service.name[:80],
                    "case": referral.case_id,
                    "status": referral.get_status_display(),
                },
            )
        return referral


def service_referral_respond(
    *, actor, service_referral_id, response: str, reason: str = "", reason_text: str = "", **kw
) -> ServiceReferral:
    """The provider's answer from the inbox: accepted, rejected (with a reason) or on-hold."""
    if response not in RESPONSES:
        raise ValidationError({"response": _("Choose accept, decline or waitlist.")})
    return service_referral_transition(
        actor=actor,
        service_referral_id=service_referral_id,
        to_status=response,
        reason=reason,
        reason_text=reason_text,
        **kw,
    )


def _unanswered(now):
    return ServiceReferral.objects.filter(
        kind=OnwardKind.REFERRAL,
        status=Status.REQUESTED,
        responded_at__isnull=True,
        created_at__lte=now,
    )


def onward_nudge_due(now=None) -> int:
    """Job: tell the link worker once when a provider has not answered in N working days."""
    from django.conf import settings

    from linkwell.referrals.models import working_days_between

    now = now or timezone.now()
    days = int(getattr(settings, "LINKWELL_ONWARD_NUDGE_WORKING_DAYS", 5))
    today = timezone.localdate(now)
    # Cheap first cut in SQL (N working days are at least N calendar days), then exact in Python.
    candidates = _unanswered(now - datetime.timedelta(days=days)).filter(nudged_at__isnull=True)
    done = 0
    for pk, created_at in candidates.values_list("pk", "created_at"):
        if working_days_between(timezone.localdate(created_at), today) < days:
            continue
        with transaction.atomic():
            # Claim the nudge: only one run (or worker) gets the row.
            if not ServiceReferral.objects.filter(pk=pk, nudged_at__isnull=True).update(
                nudged_at=now
            ):
                continue
            referral = ServiceReferral.objects.select_related("case__link_worker", "service").get(
                pk=pk
            )
            _notify_link_worker(
                referral,
                kind="referral_nudge",
                title=_("No reply yet from %(service)s on case %(case)s")
                % {"service": referral.service.name[:80], "case": referral.case_id},
            )
            done += 1
    return done


def onward_lapse_due(now=None) -> int:
    """Job: an onward referral unanswered for N days lapses (failed, reason no_response)."""
    from django.conf import settings

    now = now or timezone.now()
    days = int(getattr(settings, "LINKWELL_ONWARD_LAPSE_DAYS", 14))
    done = 0
    for pk in _unanswered(now - datetime.timedelta(days=days)).values_list("pk", flat=True):
        try:
            referral = service_referral_transition(
                actor=None,
                service_referral_id=pk,
                to_status=Status.FAILED,
                reason=DeclineReason.NO_RESPONSE,
                now=now,
            )
        except ValidationError:
            continue  # answered or closed meanwhile (another worker got there first)
        with transaction.atomic():
            _notify_link_worker(
                referral,
                kind="referral_lapsed",
                title=_("Referral to %(service)s on case %(case)s closed: no reply")
                % {"service": referral.service.name[:80], "case": referral.case_id},
            )
        done += 1
    return done


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
        # messaging: the same alert in the header's notifications (the email went above).
        from django.urls import reverse

        from linkwell.messaging.notifications import notify_staff

        notify_staff(
            users=[case.link_worker],
            kind=kind,
            title=(
                _("A place has come up at %(service)s (case %(case)s)")
                if kind == AlertKind.PLACE_OFFERED
                else _("Missed two sessions in a row at %(service)s (case %(case)s)")
            )
            % {"service": session.service.name, "case": case.pk},
            url=reverse("casework:case", args=[case.pk]),
            related=booking,
            email=False,
        )
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
