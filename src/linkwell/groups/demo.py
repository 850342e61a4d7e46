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
                consent_given=True,
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


def load_onward_demo(rng: random.Random, *, now=None) -> int:
    """Onward referrals in every state from demo cases to the demo provider's services, so the
    provider inbox has items awaiting a reply and link workers see replies on their cases; a
    signposting; a couple of unmet needs. Deterministic for a seed and `now`. Returns the number
    of onward referrals made."""
    import datetime

    from django.utils import timezone

    from linkwell.casework.onward_services import unmet_need_record

    from .models import DeclineReason, OnwardKind, ServiceReferral, ServiceReferralEvent
    from .services import (
        service_referral_submit,
        service_referral_transition,
        shared_values_for,
    )

    now = now or timezone.now()
    provider = User.objects.filter(email=DEMO_PROVIDER_EMAIL).first()
    if provider is None:
        return 0
    org_ids = provider.memberships.values_list("organisation_id", flat=True)
    published = Service.objects.filter(
        approval_status=ApprovalStatus.PUBLISHED, deleted_at__isnull=True
    )
    referable = list(
        published.filter(
            organization__organisation_id__in=org_ids, accepts_referrals=True
        ).order_by("name")
    )
    if not referable:
        return 0
    # The groups demo referred a few people on: the provider accepted them before booking.
    for onward in ServiceReferral.objects.filter(
        service__in=referable, status=Status.REQUESTED
    ).order_by("pk"):
        _backdate(onward, now - datetime.timedelta(days=9))
        service_referral_transition(
            actor=provider,
            service_referral_id=onward.pk,
            to_status=Status.ACCEPTED,
            now=now - datetime.timedelta(days=8, hours=2),
        )
    taken = set(ServiceReferral.objects.values_list("case_id", flat=True))
    cases = [
        c
        for c in Case.objects.filter(
            referral__status=Status.IN_PROGRESS, referral__allocated_to__isnull=False
        )
        .select_related("referral__person", "referral__allocated_to", "person")
        .order_by("pk")
        if c.pk not in taken
    ]
    # (days ago sent, answer, hours to answer, reason): None = no answer yet.
    plan = [
        (1, None, 0, ""),
        (3, None, 0, ""),
        (8, None, 0, ""),  # older than 5 working days: the link worker was nudged
        (20, "lapse", 0, ""),  # lapsed: no reply in 14 days
        (12, Status.ACCEPTED, 5, ""),
        (15, Status.ACCEPTED, 30, ""),
        (25, Status.IN_PROGRESS, 20, ""),
        (30, Status.COMPLETED, 8, ""),
        (10, Status.REJECTED, 26, DeclineReason.CAPACITY),
        (18, Status.ON_HOLD, 50, ""),
        (40, Status.ACCEPTED, 3, ""),
        (45, Status.REJECTED, 70, DeclineReason.NOT_ELIGIBLE),
    ]
    made = 0
    for (days, answer, hours, reason), case in zip(plan, cases, strict=False):
        # Most go to the first listing, so its reply figures have enough replies to show.
        service = referable[0] if made % 4 != 3 else referable[(made // 4 + 1) % len(referable)]
        worker = case.referral.allocated_to
        items = ["first_name", "contact_route", "language"]
        if rng.random() < 0.5:
            items.append("access_needs")
        values = shared_values_for(case.person, items)
        try:
            onward, _created = service_referral_submit(
                actor=worker,
                case_id=case.pk,
                service_id=service.pk,
                consent_given=True,
                items=items,
                note=rng.choice(
                    [
                        "Would like to meet people nearby.",
                        "Nervous about groups at first; may bring a friend.",
                        "",
                    ]
                ),
                **values,
            )
        except (ValidationError, PermissionDenied):
            continue
        sent = now - datetime.timedelta(days=days)
        _backdate(onward, sent)
        made += 1
        if answer is None:
            if days >= 7:
                ServiceReferral.objects.filter(pk=onward.pk).update(
                    nudged_at=sent + datetime.timedelta(days=7)
                )
            continue
        if answer == "lapse":
            service_referral_transition(
                actor=None,
                service_referral_id=onward.pk,
                to_status=Status.FAILED,
                reason=DeclineReason.NO_RESPONSE,
                now=sent + datetime.timedelta(days=14),
            )
            continue
        first = Status.ACCEPTED if answer in (Status.IN_PROGRESS, Status.COMPLETED) else answer
        at = sent + datetime.timedelta(hours=hours)
        service_referral_transition(
            actor=provider,
            service_referral_id=onward.pk,
            to_status=first,
            reason=reason,
            now=at,
        )
        if answer in (Status.IN_PROGRESS, Status.COMPLETED):
            service_referral_transition(
                actor=provider,
                service_referral_id=onward.pk,
                to_status=Status.IN_PROGRESS,
                now=at + datetime.timedelta(days=2),
            )
        if answer == Status.COMPLETED:
            service_referral_transition(
                actor=provider,
                service_referral_id=onward.pk,
                to_status=Status.COMPLETED,
                now=at + datetime.timedelta(days=14),
            )
    ServiceReferralEvent.objects.filter(at__gt=now).update(at=now)
    # Signposting to a drop-in anyone can go to, and a couple of needs nothing suited.
    drop_in = published.filter(accepts_referrals=False).order_by("name").first()
    rest = cases[len(plan) :]
    if drop_in is not None and rest:
        case = rest[0]
        service_referral_submit(
            actor=case.referral.allocated_to,
            case_id=case.pk,
            service_id=drop_in.pk,
            kind=OnwardKind.SIGNPOSTED,
        )
        made += 1
    for case in rest[1:3]:
        need = case.referral.needs.order_by("order").first()
        if need is None:
            continue
        try:
            unmet_need_record(
                actor=case.referral.allocated_to,
                case_id=case.pk,
                need_code=need.code,
                note="Nothing in the evenings within 2 miles.",
            )
        except (ValidationError, PermissionDenied):
            continue
    return made


def _backdate(onward, at) -> None:
    """Demo only: make an onward referral look as if it was sent at `at`."""
    from .models import ServiceReferral, ServiceReferralEvent

    ServiceReferral.objects.filter(pk=onward.pk).update(created_at=at, consent_recorded_at=at)
    ServiceReferralEvent.objects.filter(service_referral=onward, from_status="").update(at=at)
