"""Provider pages: the sessions list and the mobile-first attendance register.

Views parse, call one selector or service, and render. Scope (404) is the selectors'; every
form is a plain POST that works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linkwell.accounts.models import Role
from linkwell.audit.services import audit_list
from linkwell.referrals.views import roles_required

from . import selectors, services
from .models import ATTENDANCE, BookingStatus


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@roles_required(Role.PROVIDER)
@require_GET
def session_list(request):
    sessions = list(selectors.sessions_for(request.user))
    today = timezone.localdate()
    for session in sessions:
        session.places_left = max(session.places - session.places_taken, 0)
        session.is_today = timezone.localdate(session.starts_at) == today
    return render(
        request,
        "groups/session_list.html",
        {
            "sessions": sessions,
            "services": selectors.provider_services_for(request.user).filter(
                places_per_session__isnull=False
            ),
        },
    )


@roles_required(Role.PROVIDER)
@require_POST
def sessions_generate(request, service_id):
    created = services.sessions_generate_for(actor=request.user, service_id=service_id)
    messages.success(
        request, _("%(n)s new sessions added from the listing's times.") % {"n": len(created)}
    )
    return redirect("groups:sessions")


@roles_required(Role.PROVIDER)
@require_GET
def register(request, pk):
    session = selectors.session_get_for(request.user, pk)
    bookings = selectors.session_bookings(session)
    audit_list(
        actor=request.user,
        object_type="groups.booking",
        person_ids=[b.service_referral.case.person_id for b in bookings if b.service_referral],
    )
    walk_ins = getattr(session, "walk_ins", None)
    return render(
        request,
        "groups/register.html",
        {
            "session": session,
            "places_left": max(session.places - session.places_taken, 0),
            "on_register": [b for b in bookings if b.status in {BookingStatus.BOOKED, *ATTENDANCE}],
            "offered": [b for b in bookings if b.status == BookingStatus.OFFERED],
            "waitlist": [b for b in bookings if b.status == BookingStatus.WAITLISTED],
            "bookable": list(selectors.bookable_referrals(session)),
            "walk_ins": walk_ins.count if walk_ins else 0,
            "attendance_choices": [
                (BookingStatus.ATTENDED, _("Attended")),
                (BookingStatus.LATE, _("Late")),
                (BookingStatus.ABSENT, _("Absent")),
            ],
            "is_future": timezone.localdate(session.starts_at) > timezone.localdate(),
        },
    )


@roles_required(Role.PROVIDER)
@require_POST
def attendance(request, pk):
    booking = selectors.booking_get_for(request.user, pk)
    try:
        services.attendance_mark(
            actor=request.user, booking_id=booking.pk, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("groups:register", pk=booking.session_id)


@roles_required(Role.PROVIDER)
@require_POST
def walk_ins(request, pk):
    session = selectors.session_get_for(request.user, pk)
    try:
        services.walk_ins_record(
            actor=request.user, session_id=session.pk, count=request.POST.get("count")
        )
        messages.success(request, _("Walk-ins saved."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("groups:register", pk=session.pk)


@roles_required(Role.PROVIDER)
@require_POST
def booking_add(request, pk):
    session = selectors.session_get_for(request.user, pk)
    try:
        booking = services.booking_create(
            actor=request.user,
            session_id=session.pk,
            service_referral_id=request.POST.get("service_referral"),
        )
        if booking.status == BookingStatus.BOOKED:
            messages.success(request, _("Booked."))
        else:
            messages.success(
                request,
                _("The session is full: added to the waitlist (number %(n)s).")
                % {"n": services.waitlist_position(booking)},
            )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("groups:register", pk=session.pk)


@roles_required(Role.PROVIDER)
@require_POST
def booking_cancel(request, pk):
    booking = selectors.booking_get_for(request.user, pk)
    try:
        services.booking_cancel(actor=request.user, booking_id=booking.pk)
        messages.success(request, _("Booking cancelled."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("groups:register", pk=booking.session_id)


@roles_required(Role.PROVIDER)
@require_POST
def offer_accept(request, pk):
    booking = selectors.booking_get_for(request.user, pk)
    try:
        services.booking_offer_accept(actor=request.user, booking_id=booking.pk)
        messages.success(request, _("Place taken."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("groups:register", pk=booking.session_id)
