"""What groups adds to the case record (registered in GroupsConfig.ready()).

- Timeline: every onward referral event (sent, signposted, the provider's answers, lapses)
  and bookings/attendance, in two queries per case.
- Discharge summary: "Activities connected to: …" (accepted, in progress, completed referrals
  and signposting), with attendance counts.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from linkwell.referrals.models import Status

from .models import (
    ATTENDANCE,
    Booking,
    BookingStatus,
    OnwardKind,
    ServiceReferral,
    ServiceReferralEvent,
)

CONNECTED = (Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD, Status.COMPLETED)


def _event_title(event: ServiceReferralEvent) -> str:
    referral = event.service_referral
    service = referral.service.name
    if referral.kind == OnwardKind.SIGNPOSTED:
        return _("Signposted to %(service)s") % {"service": service}
    if not event.from_status:
        return _("Referred on to %(service)s") % {"service": service}
    status = Status(event.to_status).label
    title = _("%(service)s: %(status)s") % {"service": service, "status": status}
    if event.reason:
        title += f" ({event.get_reason_display()})"
    return title


def onward_timeline(case) -> list:
    from linkwell.casework.selectors import TimelineEntry

    entries = []
    events = ServiceReferralEvent.objects.filter(service_referral__case=case).select_related(
        "service_referral__service", "actor"
    )
    for event in events:
        entries.append(TimelineEntry(event.at, "onward", _event_title(event), event, event.actor))
    bookings = Booking.objects.filter(service_referral__case=case).select_related(
        "session__service", "attendance_marked_by"
    )
    for booking in bookings:
        session = booking.session
        when = session.starts_at
        if booking.status in ATTENDANCE:
            title = _("%(service)s: %(status)s") % {
                "service": session.service.name,
                "status": booking.get_status_display(),
            }
            entries.append(
                TimelineEntry(
                    booking.attendance_marked_at or when,
                    "attendance",
                    title,
                    booking,
                    booking.attendance_marked_by,
                )
            )
        elif booking.status != BookingStatus.CANCELLED:
            title = _("%(service)s: %(status)s") % {
                "service": session.service.name,
                "status": booking.get_status_display(),
            }
            entries.append(TimelineEntry(booking.created_at, "booking", title, booking, None))
    return entries


def activities_section(case) -> list[str]:
    """Discharge summary lines: the activities the person was connected to."""
    referrals = (
        ServiceReferral.objects.filter(case=case)
        .filter(Q(kind=OnwardKind.SIGNPOSTED) | Q(status__in=CONNECTED))
        .select_related("service")
        .annotate(
            attended=Count(
                "bookings",
                filter=Q(bookings__status__in=[BookingStatus.ATTENDED, BookingStatus.LATE]),
            )
        )
        .order_by("created_at", "id")
    )
    lines = [_("Activities connected to:")]
    for referral in referrals:
        if referral.kind == OnwardKind.SIGNPOSTED:
            detail = _("signposted")
        else:
            detail = referral.get_status_display()
        if referral.attended:
            detail += " · " + (_("attended %(n)s sessions") % {"n": referral.attended})
        lines.append(f"- {referral.service.name} ({detail})")
    if len(lines) == 1:
        lines.append("- " + _("none recorded"))
    lines.append("")
    return lines
