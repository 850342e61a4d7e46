"""Reads for the sessions API, scoped by the acting user (404 outside scope).

Who sees which sessions:
- a provider: the sessions of its own organisation's services (every booking on them, with
  only the fields the link worker shared);
- a link worker or lead: the sessions of services its service's cases were referred on to (so
  it can book its people in), and on them only the bookings of its own service's cases.
Everyone else sees no sessions; the API answers 403 before it gets this far.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from linkwell.accounts import permissions
from linkwell.accounts.models import Role

from .models import Booking, BookingStatus, ServiceReferral, Session
from .selectors import provider_services_for, with_place_counts


def _session_scope(actor) -> Q | None:
    scope = None
    providers = provider_services_for(actor)
    if permissions.has_role(actor, Role.PROVIDER):
        scope = Q(service__in=providers)
    lw_ids = permissions.link_worker_service_ids(actor)
    if lw_ids:
        referred_to = ServiceReferral.objects.filter(case__referral__service_id__in=lw_ids).values(
            "service_id"
        )
        lw = Q(service_id__in=referred_to)
        scope = lw if scope is None else scope | lw
    return scope


def session_queryset_for(actor) -> QuerySet[Session]:
    scope = _session_scope(actor)
    if scope is None:
        return Session.objects.none()
    return Session.objects.filter(scope)


def sessions_api_list(
    actor,
    *,
    service_id=None,
    from_date: datetime.date | None = None,
    to_date: datetime.date | None = None,
) -> QuerySet[Session]:
    """Sessions from the start of `from_date` (default today) to the end of `to_date`, in order,
    with `places_taken` and `waitlisted` counted in the same query."""
    qs = session_queryset_for(actor)
    from_date = from_date or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(from_date, datetime.time.min))
    qs = qs.filter(starts_at__gte=start)
    if to_date is not None:
        end = timezone.make_aware(
            datetime.datetime.combine(to_date + datetime.timedelta(days=1), datetime.time.min)
        )
        qs = qs.filter(starts_at__lt=end)
    if service_id is not None:
        qs = qs.filter(service_id=service_id)
    return with_place_counts(qs.select_related("service", "location", "walk_ins")).order_by(
        "starts_at", "id"
    )


def session_api_get(actor, session_id) -> Session:
    try:
        return (
            with_place_counts(session_queryset_for(actor))
            .select_related("service", "location", "walk_ins")
            .get(pk=int(session_id))
        )
    except (Session.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def booking_queryset_for(actor) -> QuerySet[Booking]:
    scope = None
    if permissions.has_role(actor, Role.PROVIDER):
        scope = Q(session__service__in=provider_services_for(actor))
    lw_ids = permissions.link_worker_service_ids(actor)
    if lw_ids:
        lw = Q(service_referral__case__referral__service_id__in=lw_ids)
        scope = lw if scope is None else scope | lw
    if scope is None:
        return Booking.objects.none()
    return Booking.objects.filter(scope)


def booking_api_get(actor, booking_id) -> Booking:
    try:
        return booking_queryset_for(actor).select_related("session").get(pk=int(booking_id))
    except (Booking.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def session_api_bookings(actor, session: Session) -> list[Booking]:
    """The session's bookings the actor may see (not cancelled), waitlist in order."""
    return list(
        booking_queryset_for(actor)
        .filter(session=session)
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("service_referral", "service_referral__case")
        .only(
            "id",
            "status",
            "waitlist_position",
            "session_id",
            "service_referral__id",
            "service_referral__shared_first_name",
            "service_referral__case__id",
            "service_referral__case__person_id",
        )
        .order_by("waitlist_position", "created_at", "id")
    )
