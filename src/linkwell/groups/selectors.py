"""Reads for the provider side, always scoped by the acting user (404 outside scope).

A provider sees sessions and bookings of its own organisation's services only, and of a
referred person only the fields the link worker shared.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from linkwell.directory.models import Service
from linkwell.directory.selectors import provider_organisation_ids

from .models import (
    HOLDS_PLACE,
    OPEN_REFERRAL_STATUSES,
    Booking,
    BookingStatus,
    ServiceReferral,
    Session,
)


def provider_services_for(actor) -> QuerySet[Service]:
    """The listings whose groups the actor runs: its provider organisations' services."""
    org_ids = provider_organisation_ids(actor)
    if not org_ids:
        return Service.objects.none()
    return Service.objects.filter(
        deleted_at__isnull=True, organization__organisation_id__in=org_ids
    )


def with_place_counts(qs: QuerySet[Session]) -> QuerySet[Session]:
    return qs.annotate(
        places_taken=Count("bookings", filter=Q(bookings__status__in=HOLDS_PLACE)),
        waitlisted=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITLISTED)),
    )


def sessions_for(actor, *, from_date: datetime.date | None = None) -> QuerySet[Session]:
    """The actor's sessions from the start of `from_date` (today): today's first."""
    from_date = from_date or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(from_date, datetime.time.min))
    qs = Session.objects.filter(service__in=provider_services_for(actor), starts_at__gte=start)
    return with_place_counts(qs.select_related("service", "location")).order_by("starts_at", "id")


def session_get_for(actor, session_id) -> Session:
    try:
        return (
            with_place_counts(Session.objects.filter(service__in=provider_services_for(actor)))
            .select_related("service", "location", "walk_ins")
            .get(pk=int(session_id))
        )
    except (Session.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def booking_get_for(actor, booking_id) -> Booking:
    try:
        return Booking.objects.select_related("session", "service_referral").get(
            pk=int(booking_id), session__service__in=provider_services_for(actor)
        )
    except (Booking.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def session_bookings(session: Session) -> list[Booking]:
    """Everyone booked into, offered, or waiting for the session (not cancelled), in order.

    Only the shared snapshot and the person id (for the audit entry) are loaded.
    """
    return list(
        Booking.objects.filter(session=session)
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("service_referral", "service_referral__case")
        .only(
            "id",
            "status",
            "waitlist_position",
            "session_id",
            "service_referral__id",
            "service_referral__shared_first_name",
            "service_referral__shared_access_needs",
            "service_referral__shared_interpreter_needed",
            "service_referral__shared_language",
            "service_referral__case__id",
            "service_referral__case__person_id",
        )
        .order_by("waitlist_position", "created_at", "id")
    )


def bookable_referrals(session: Session) -> QuerySet[ServiceReferral]:
    """Open onward referrals to the session's service not already in this session."""
    in_session = Booking.objects.filter(session=session).exclude(status=BookingStatus.CANCELLED)
    return (
        ServiceReferral.objects.filter(
            service_id=session.service_id, status__in=OPEN_REFERRAL_STATUSES
        )
        .exclude(pk__in=in_session.values("service_referral_id"))
        .only("id", "shared_first_name")
        .order_by("shared_first_name", "id")
    )
