"""The social prescription: a one-page summary of the activities chosen with the person.

Chosen = onward referrals accepted or in progress, anything the person is booked on, and
signposting. For each: what (the listing as written), when (the next sessions, else the
listing's times), where, how to get there (the location's transport and access notes), who
to ask for (contacts and phones on the listing), cost. The page is rendered in the person's
language (`translation.override`); the listings' own text stays as the provider wrote it.

`social_prescription_send` queues it to the person through the messaging outbox (template
`social_prescription`), on their chosen channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record

from .models import Case
from .selectors import case_may_edit

CHOSEN_STATUSES = ("accepted", "in-progress")
NEXT_SESSIONS = 3


@dataclass
class Activity:
    referral: object
    service: object
    is_free: bool
    booked_sessions: list = field(default_factory=list)
    next_sessions: list = field(default_factory=list)
    signposted: bool = False
    status_label: str = ""


def chosen_activities(case: Case) -> list[Activity]:
    """The case's chosen activities with everything the page shows (a fixed number of queries)."""
    from linkwell.directory.models import Location, ServiceAtLocation
    from linkwell.groups.models import HOLDS_PLACE, Booking, OnwardKind, ServiceReferral, Session

    now = timezone.now()
    referrals = list(
        ServiceReferral.objects.filter(case=case)
        .filter(
            Q(kind=OnwardKind.SIGNPOSTED)
            | Q(status__in=CHOSEN_STATUSES)
            | Q(bookings__status__in=HOLDS_PLACE, bookings__session__starts_at__gte=now)
        )
        .distinct()
        .select_related("service", "service__organization")
        .prefetch_related(
            "service__schedules",
            "service__phones",
            "service__contacts__phones",
            "service__cost_options",
            Prefetch(
                "service__service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    Prefetch(
                        "location",
                        queryset=Location.objects.prefetch_related("addresses", "accessibility"),
                    )
                ),
            ),
        )
        .order_by("created_at", "id")
    )
    if not referrals:
        return []
    service_ids = {r.service_id for r in referrals}
    upcoming: dict = {}
    for session in (
        Session.objects.filter(service_id__in=service_ids, cancelled=False, starts_at__gte=now)
        .select_related("location")
        .order_by("starts_at")[: NEXT_SESSIONS * len(service_ids) * 4]
    ):
        upcoming.setdefault(session.service_id, []).append(session)
    booked: dict = {}
    for booking in (
        Booking.objects.filter(
            service_referral__in=referrals,
            status__in=HOLDS_PLACE,
            session__starts_at__gte=now,
        )
        .select_related("session", "session__location")
        .order_by("session__starts_at")
    ):
        booked.setdefault(booking.service_referral_id, []).append(booking.session)
    activities = []
    seen = set()
    for referral in referrals:
        if referral.service_id in seen:
            continue
        seen.add(referral.service_id)
        service = referral.service
        activities.append(
            Activity(
                referral=referral,
                service=service,
                is_free=not any(c.amount and c.amount > 0 for c in service.cost_options.all()),
                booked_sessions=booked.get(referral.pk, [])[:NEXT_SESSIONS],
                next_sessions=upcoming.get(service.pk, [])[:NEXT_SESSIONS],
                signposted=referral.kind == OnwardKind.SIGNPOSTED,
                status_label=referral.get_status_display(),
            )
        )
    return activities


def person_language(person) -> str | None:
    available = {code for code, _name in settings.LANGUAGES}
    return person.language if person.language in available else None


def _short_list(activities: list[Activity]) -> str:
    """Plain text for a text message: "Gardening club (Tue 3 Mar 10:00); Walking group"."""
    parts = []
    for activity in activities:
        text = activity.service.name
        sessions = activity.booked_sessions or activity.next_sessions
        if sessions:
            start = timezone.localtime(sessions[0].starts_at)
            text += f" ({start:%d/%m %H:%M})"
        parts.append(text)
    return "; ".join(parts)[:300]


def social_prescription_send(*, actor, case_id):
    """Queue the social prescription to the person on their chosen channel (outbox)."""
    from linkwell.messaging.services import message_queue

    with transaction.atomic():
        case = Case.objects.select_related("referral", "referral__service", "person").get(
            pk=case_id
        )
        if not case_may_edit(actor, case):
            raise PermissionDenied
        activities = chosen_activities(case)
        if not activities:
            raise ValidationError(
                {"activities": _("Choose an activity first: nothing is accepted or booked yet.")}
            )
        service = case.referral.service
        activities_text = _short_list(activities)
        message = message_queue(
            person=case.person,
            template="social_prescription",
            personalisation={
                "first_name": case.person.known_as,
                "activities": activities_text,
                "activity": activities_text,
                "reference": case.referral.reference,
                "phone": service.phone or "",
            },
            related=case.referral,
            service=service,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=message,
            person_id=case.person_id,
            detail="social_prescription",
        )
        return message
