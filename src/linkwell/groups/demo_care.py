"""Demo feedback, notes and concerns: a session last week at one of the demo provider's groups,
with linkworker@example.org's people on it, their feedback, the facilitator's notes, one
acknowledged concern and one open urgent concern (so the lead and link worker have something
to acknowledge). Deterministic for a seed and `now`."""

from __future__ import annotations

import datetime
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.directory.models import ApprovalStatus, Service
from linkwell.referrals.models import Status

from .concerns import concern_acknowledge, concern_raise
from .feedback import feedback_record, session_note_add
from .models import BookingStatus, Concern, Feedback, ServiceReferral, Session, SessionNote
from .services import attendance_mark, booking_create

DEMO_PROVIDER_EMAIL = "provider@example.org"
DEMO_LINK_WORKER_EMAIL = "linkworker@example.org"
OPEN_ONWARD = (Status.ACCEPTED, Status.IN_PROGRESS, Status.REQUESTED, Status.RECEIVED)


def load_care_demo(rng: random.Random, *, now: datetime.datetime | None = None) -> int:
    """Returns the number of feedback answers made (0 when the demo cast is missing)."""
    now = now or timezone.now()
    provider = User.objects.filter(email=DEMO_PROVIDER_EMAIL).first()
    worker = User.objects.filter(email=DEMO_LINK_WORKER_EMAIL).first()
    if provider is None or worker is None:
        return 0
    org_ids = list(provider.memberships.values_list("organisation_id", flat=True))
    services = Service.objects.filter(
        organization__organisation_id__in=org_ids,
        approval_status=ApprovalStatus.PUBLISHED,
        deleted_at__isnull=True,
        places_per_session__isnull=False,
    )
    onward = list(
        ServiceReferral.objects.filter(service__in=services, status__in=OPEN_ONWARD)
        .filter(Q(case__link_worker=worker) | Q(case__referral__allocated_to=worker))
        .select_related("service", "case")
        .order_by("pk")
    )
    if not onward:
        onward = list(
            ServiceReferral.objects.filter(service__in=services, status__in=OPEN_ONWARD)
            .select_related("service", "case")
            .order_by("pk")
        )
    if not onward:
        return 0
    service = onward[0].service
    same = [o for o in onward if o.service_id == service.pk][:4]
    day = timezone.localtime(now).date() - datetime.timedelta(days=7)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    # Booked while it was still to come (booking refuses past sessions), then moved to last
    # week's date: demo data only.
    upcoming = timezone.now() + datetime.timedelta(days=1)
    session = Session.objects.create(
        service=service,
        starts_at=upcoming,
        ends_at=upcoming + datetime.timedelta(hours=2),
        places=max(service.places_per_session or 0, len(same) + 2),
        created_at=starts - datetime.timedelta(days=14),
    )
    booked = []
    for referral in same:
        try:
            booking = booking_create(
                actor=None, session_id=session.pk, service_referral_id=referral.pk
            )
        except (ValidationError, PermissionDenied):
            continue
        if booking.status == BookingStatus.BOOKED:
            booked.append(booking)
    Session.objects.filter(pk=session.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    bookings = []
    for booking in booked:
        try:
            attendance_mark(actor=provider, booking_id=booking.pk, status="attended")
        except (ValidationError, PermissionDenied):
            continue
        bookings.append(booking)
    if not bookings:
        return 0
    comments = ["", "I liked the gardening.", "Good to talk to people.", ""]
    made = 0
    for i, booking in enumerate(bookings):
        feedback_record(
            actor=provider,
            session_id=session.pk,
            booking_id=booking.pk,
            feeling=rng.choice([3, 4, 4, 5]),
            come_again=rng.choice(["yes", "yes", "maybe"]),
            comment=comments[i % len(comments)],
            share_comment=i == 1,
        )
        made += 1
    for feeling in (4, 5):  # walk-ins on paper slips
        feedback_record(actor=provider, session_id=session.pk, feeling=feeling, come_again="yes")
        made += 1
    Feedback.objects.filter(session=session).update(created_at=starts + datetime.timedelta(hours=2))
    session_note_add(
        actor=provider, session_id=session.pk, text="Room was cold; bring the heater next week."
    )
    session_note_add(
        actor=provider,
        session_id=session.pk,
        booking_id=bookings[0].pk,
        text="Asked where to get help with a letter about rent arrears.",
        share_with_link_worker=True,
    )
    SessionNote.objects.filter(session=session).update(
        created_at=starts + datetime.timedelta(hours=2, minutes=10)
    )
    first = concern_raise(
        actor=provider,
        booking_id=bookings[0].pk,
        severity="not_urgent",
        what_happened="Said they are worried about paying the rent this month.",
        actions_taken="Gave them the Citizens Advice details from the signposting list.",
    )
    Concern.objects.filter(pk=first.pk).update(
        raised_at=starts + datetime.timedelta(hours=2, minutes=20)
    )
    concern_acknowledge(actor=worker, concern_id=first.pk)
    Concern.objects.filter(pk=first.pk).update(acknowledged_at=starts + datetime.timedelta(days=1))
    urgent = concern_raise(
        actor=provider,
        booking_id=bookings[-1].pk,
        severity="urgent",
        what_happened="Was tearful and said they have not been sleeping or eating.",
        actions_taken="Stayed with them after the group and gave them the Samaritans number.",
    )
    Concern.objects.filter(pk=urgent.pk).update(raised_at=now - datetime.timedelta(minutes=40))
    return made
