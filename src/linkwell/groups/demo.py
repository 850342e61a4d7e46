"""Demo sessions and bookings for the demo provider, so provider@example.org has a register."""

from __future__ import annotations

import random

from django.core.exceptions import PermissionDenied, ValidationError

from linkwell.accounts.models import User
from linkwell.casework.models import Case
from linkwell.directory.models import ApprovalStatus, Service
from linkwell.referrals.models import Status

from .services import booking_create, service_referral_create, sessions_generate

DEMO_PROVIDER_EMAIL = "provider@example.org"


def load_groups_demo(rng: random.Random) -> int:
    """Generate the next four weeks of sessions for the demo provider's listings and book a few
    people from open cases onto them (their link worker refers on). Returns bookings made."""
    provider = User.objects.filter(email=DEMO_PROVIDER_EMAIL).first()
    if provider is None:
        return 0
    org_ids = provider.memberships.values_list("organisation_id", flat=True)
    services = list(
        Service.objects.filter(
            organization__organisation_id__in=org_ids,
            approval_status=ApprovalStatus.PUBLISHED,
            deleted_at__isnull=True,
            places_per_session__isnull=False,
        ).order_by("name")
    )
    for service in services:
        sessions_generate(service=service, weeks=4)
    bookable = [s for s in services if s.accepts_referrals]
    if not bookable:
        return 0
    cases = list(
        Case.objects.filter(
            referral__status=Status.IN_PROGRESS, referral__allocated_to__isnull=False
        )
        .select_related("referral__person", "referral__allocated_to")
        .order_by("pk")[:40]
    )
    booked = 0
    for case in rng.sample(cases, min(6, len(cases))):
        service = rng.choice(bookable)
        session = service.group_sessions.filter(cancelled=False).order_by("starts_at").first()
        if session is None:
            continue
        person = case.referral.person
        try:
            onward = service_referral_create(
                actor=case.referral.allocated_to,
                case_id=case.pk,
                service_id=service.pk,
                first_name=person.known_as,
                contact_route=person.contact_method_labels[0] if person.contact_methods else "",
                language=person.language,
                interpreter_needed=person.interpreter_needed,
            )
            booking_create(
                actor=case.referral.allocated_to,
                session_id=session.pk,
                service_referral_id=onward.pk,
            )
            booked += 1
        except (ValidationError, PermissionDenied):
            continue
    return booked
