"""Demo sessions and bookings for the demo provider, so provider@example.org has a register."""

from __future__ import annotations

import random

from django.core.exceptions import PermissionDenied, ValidationError

from linkwell.accounts.models import User
from linkwell.casework.models import Case
from linkwell.directory.models import ApprovalStatus, Service
from linkwell.referrals.models import Status

from .services import (
    booking_create,
    service_referral_create,
    sessions_generate,
    shared_values_for,
)

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


# ---- a year of history: onward referrals, sessions, registers, waitlists, unmet needs -------

# How a link worker's onward referral went, by how the case went: (outcome, weight).
# "attend": accepted and came to sessions; "dropout": accepted, booked, never came;
# "capacity"/"unsuitable": declined; "lapse": no reply in 14 days; "hold": provider's waitlist;
# "signpost": told about a drop-in, nothing shared.
HISTORY_OUTCOMES = {
    Status.COMPLETED: {"attend": 70, "dropout": 6, "capacity": 6, "signpost": 12, "unsuitable": 3},
    Status.IN_PROGRESS: {
        "attend": 45,
        "dropout": 8,
        "capacity": 8,
        "hold": 6,
        "unsuitable": 4,
        "lapse": 4,
        "none": 25,
    },
    Status.ON_HOLD: {"attend": 30, "hold": 20, "none": 50},
    Status.ACCEPTED: {"attend": 15, "none": 85},
    Status.FAILED: {"lapse": 25, "dropout": 25, "none": 50},
    Status.CANCELLED: {"dropout": 30, "capacity": 20, "none": 50},
}
# Needs for which Sunderland's directory often has nothing suitable, and what the worker wrote.
UNMET = {
    "housing": (0.7, "Needs housing advice in person; the only drop-in is full for weeks."),
    "legal_immigration_advice": (0.8, "No regulated immigration adviser with space nearby."),
    "loneliness": (0.2, "Nothing in the evenings or at weekends within 2 miles."),
    "esol": (0.45, "Every beginners' English class near them has a waiting list."),
    "employment": (0.35, "No job club at a time that fits around childcare."),
    "money_debt": (0.25, "Debt advice appointments are booked up for six weeks."),
    "carer_support": (0.2, "No replacement care so they can get out to the carers' group."),
    "substance_use": (0.3, "Nothing for people cutting down who are not in treatment."),
    "domestic_abuse": (0.3, "Wants a women-only group in their own language."),
    "befriending": (0.1, "Befriending scheme has a waiting list."),
}
HISTORY_SERVICES_PER_NEED = 2
WAITLIST_TARGETS = (4, 3)  # people left on the waitlist of the first upcoming session, by service


def _service_needs(services) -> dict:
    from linkwell.directory.models import Attribute, NeedTaxonomyTerm

    needs_of_term: dict = {}
    for term_id, code in NeedTaxonomyTerm.objects.values_list("taxonomy_term_id", "need__code"):
        needs_of_term.setdefault(term_id, set()).add(code)
    met: dict = {s.pk: set() for s in services}
    for link_id, term_id in Attribute.objects.filter(
        link_entity="service", link_id__in=list(met)
    ).values_list("link_id", "taxonomy_term_id"):
        met[link_id] |= needs_of_term.get(term_id, set())
    return met


def load_history_demo(rng: random.Random, *, now=None) -> dict[str, int]:
    """A year of what happened after the link worker's plan: onward referrals to several
    services (accepted, declined, waitlisted, lapsed, signposted) with reply times, the
    services' past weekly sessions with registers (some people never came) and walk-ins,
    upcoming sessions with a waitlist, and needs no service could meet, across areas.

    The commissioner dashboard reads all of these. Written with the same model writes the
    other demo histories use (services stamp "now" and refuse past sessions), except the
    waitlists, which go through booking_create. Only cases without an onward referral yet are
    used, so the provider inbox and care demos keep their people. Deterministic for a seed
    and `now`; everything is dated before `now` except the upcoming sessions.
    """
    import datetime

    from django.utils import timezone

    from linkwell.casework.models import UnmetNeed
    from linkwell.people.models import Consent
    from linkwell.referrals.models import Need

    from .models import (
        ATTENDANCE,
        Booking,
        BookingStatus,
        DeclineReason,
        OnwardKind,
        ServiceReferral,
        ServiceReferralEvent,
        Session,
        WalkInCount,
    )
    from .services import _days_in_schedule, _in_validity

    now = now or timezone.now()
    today = timezone.localdate(now)
    provider = User.objects.filter(email=DEMO_PROVIDER_EMAIL).first()
    own_orgs = (
        set(provider.memberships.values_list("organisation_id", flat=True)) if provider else set()
    )
    published = list(
        Service.objects.filter(approval_status=ApprovalStatus.PUBLISHED, deleted_at__isnull=True)
        .select_related("organization")
        .prefetch_related("schedules")
    )
    published.sort(key=lambda s: (s.name, s.organization.name, s.places_per_session or 0))
    needs_met = _service_needs(published)
    # The demo provider's listings keep their own story (inbox, register, funding).
    bookable = [
        s
        for s in published
        if s.accepts_referrals
        and s.places_per_session
        and s.organization.organisation_id not in own_orgs
        and any(x.opens_at and x.freq == "WEEKLY" and x.byday for x in s.schedules.all())
    ]
    drop_ins = [s for s in published if not s.accepts_referrals]
    pool: dict[str, list] = {}
    for service in bookable:
        for code in sorted(needs_met[service.pk]):
            if len(pool.setdefault(code, [])) < HISTORY_SERVICES_PER_NEED:
                pool[code].append(service)
    signposts: dict[str, list] = {}
    for service in drop_ins:
        for code in sorted(needs_met[service.pk]):
            signposts.setdefault(code, []).append(service)

    taken = set(ServiceReferral.objects.values_list("case_id", flat=True))
    with_unmet = set(UnmetNeed.objects.values_list("case_id", flat=True))
    cases = list(
        Case.objects.filter(referral__accepted_at__isnull=False)
        .select_related("referral", "person")
        .prefetch_related("referral__needs")
        .order_by("pk")
    )
    needs_by_code = {n.code: n for n in Need.objects.all()}
    marker = {s.pk: provider.pk if s.organization.organisation_id in own_orgs else None
              for s in published} if provider else {}  # fmt: skip

    def working(moment):
        local = timezone.localtime(moment)
        while local.weekday() >= 5:
            local += datetime.timedelta(days=1)
        if not 9 <= local.hour < 17:
            local = local.replace(hour=9 + rng.randint(0, 6), minute=rng.randint(0, 59))
        return local

    onward_rows: list[tuple] = []  # (ServiceReferral, [(status, at, actor_id, reason)], plan)
    unmet_rows: list = []
    for case in cases:
        referral = case.referral
        if case.pk in taken:
            continue
        worker = referral.allocated_to_id
        opened = referral.accepted_at
        end = min(referral.closed_at or now, now)
        if (end - opened).days < 5:
            continue
        needs = sorted(referral.needs.all(), key=lambda n: n.code)
        codes = [n.code for n in needs]
        if case.pk not in with_unmet:
            for code in codes:
                chance, note = UNMET.get(code, (0, ""))
                if rng.random() < chance:
                    at = working(opened + datetime.timedelta(days=rng.uniform(3, 25)))
                    if at >= end:
                        continue
                    resolved = None
                    if referral.closed_at and rng.random() < 0.3:
                        resolved = referral.closed_at
                    unmet_rows.append(
                        UnmetNeed(
                            case=case,
                            need=needs_by_code[code],
                            note=note,
                            postcode_district=case.person.postcode_district,
                            recorded_by_id=worker,
                            recorded_at=at,
                            resolved_at=resolved,
                        )
                    )
        weights = HISTORY_OUTCOMES.get(referral.status)
        if not weights:
            continue
        outcomes = list(weights)
        outcome = rng.choices(outcomes, weights=[weights[o] for o in outcomes])[0]
        plan = [outcome]
        if outcome == "capacity" and referral.status == Status.COMPLETED:
            plan.append("attend")  # declined for space, then found somewhere else
        elif outcome == "attend" and rng.random() < 0.15:
            plan.insert(0, "capacity")
        sent = working(opened + datetime.timedelta(days=rng.uniform(2, 18)))
        for outcome in plan:
            if outcome == "none" or sent >= end - datetime.timedelta(days=1):
                break
            if outcome == "signpost":
                options = [s for c in codes for s in signposts.get(c, [])] or drop_ins
                service = options[rng.randrange(len(options))]
                onward_rows.append(
                    (
                        ServiceReferral(
                            case=case,
                            service=service,
                            kind=OnwardKind.SIGNPOSTED,
                            status=Status.COMPLETED,
                            referred_by_id=worker,
                            created_at=sent,
                            closed_at=sent,
                        ),
                        [(Status.COMPLETED, sent, worker, "")],
                        None,
                    )
                )
                break
            options = [s for c in codes for s in pool.get(c, [])]
            if not options:
                break
            service = options[rng.randrange(len(options))]
            person = case.person
            items = ["first_name", "contact_route", "language"]
            values = shared_values_for(person, items)
            onward = ServiceReferral(
                case=case,
                service=service,
                kind=OnwardKind.REFERRAL,
                referred_by_id=worker,
                shared_first_name=values["first_name"],
                shared_contact_route=values["contact_route"],
                shared_language=values["language"],
                shared_interpreter_needed=values["interpreter_needed"],
                shared_items=items,
                consent_recorded_at=sent,
                consent_recorded_by_id=worker,
                created_at=sent,
            )
            # Some services answer the same day, some take a week or more.
            speed = 0.4 + (hash_of(service.name) % 7) * 0.6
            reply = working(sent + datetime.timedelta(days=rng.uniform(0.1, 1.5) * speed))
            events = [(Status.REQUESTED, sent, worker, "")]
            provider_id = marker.get(service.pk)
            if outcome == "lapse" or reply >= end:
                if sent + datetime.timedelta(days=14) < end:
                    lapse = sent + datetime.timedelta(days=14)
                    events.append((Status.FAILED, lapse, None, DeclineReason.NO_RESPONSE))
                    onward.nudged_at = sent + datetime.timedelta(days=7)
                elif referral.closed_at:
                    # The case closed before any reply: the link worker withdrew it.
                    events.append((Status.CANCELLED, end, worker, ""))
                onward_rows.append((onward, events, None))
                break
            onward.responded_at = reply
            if outcome in ("capacity", "unsuitable"):
                reason = (
                    DeclineReason.CAPACITY
                    if outcome == "capacity"
                    else rng.choice([DeclineReason.NOT_SUITABLE, DeclineReason.NOT_ELIGIBLE])
                )
                events.append((Status.REJECTED, reply, provider_id, reason))
                onward_rows.append((onward, events, None))
                sent = working(reply + datetime.timedelta(days=rng.uniform(1, 6)))
                continue
            if outcome == "hold":
                events.append((Status.ON_HOLD, reply, provider_id, ""))
                onward_rows.append((onward, events, None))
                break
            events.append((Status.ACCEPTED, reply, provider_id, ""))
            onward_rows.append((onward, events, (outcome, end, referral.status)))
            break

    # Sessions: every week of each used service's schedule, from its first referral to now.
    used: dict = {}
    for onward, _events, plan in onward_rows:
        if plan is not None:
            first = used.get(onward.service_id)
            used[onward.service_id] = min(first, onward.created_at) if first else onward.created_at
    by_pk = {s.pk: s for s in published}
    sessions_of: dict = {}
    new_sessions = []
    for service_id in sorted(used, key=lambda pk: (by_pk[pk].name, by_pk[pk].organization.name)):
        service = by_pk[service_id]
        start = timezone.localdate(used[service_id])
        for schedule in sorted(service.schedules.all(), key=lambda x: (x.byday, x.opens_at)):
            if not schedule.opens_at or schedule.freq != "WEEKLY":
                continue
            for day in _days_in_schedule(schedule, start, today):
                if not _in_validity(schedule, day):
                    continue
                starts = timezone.make_aware(datetime.datetime.combine(day, schedule.opens_at))
                ends = (
                    timezone.make_aware(datetime.datetime.combine(day, schedule.closes_at))
                    if schedule.closes_at and schedule.closes_at > schedule.opens_at
                    else starts + datetime.timedelta(hours=2)
                )
                new_sessions.append(
                    Session(
                        service=service,
                        schedule=schedule,
                        starts_at=starts,
                        ends_at=ends,
                        places=service.places_per_session,
                        cancelled=rng.random() < 0.03,
                        created_at=starts - datetime.timedelta(days=28),
                    )
                )
    Session.objects.bulk_create(new_sessions, batch_size=500)
    for session in Session.objects.filter(service_id__in=list(used), starts_at__lt=now).order_by(
        "starts_at", "pk"
    ):
        sessions_of.setdefault(session.service_id, []).append(session)
    WalkInCount.objects.bulk_create(
        [
            WalkInCount(session=s, count=rng.randint(0, max(2, s.places // 3)))
            for s in new_sessions
            if not s.cancelled
        ],
        batch_size=500,
    )

    # Registers: who came. People who need an interpreter come less often (the demo's equity
    # finding: groups rarely have someone who speaks their language).
    bookings = []
    per_session: dict = {}
    for onward, events, plan in onward_rows:
        if plan is None:
            continue
        outcome, end, case_status = plan
        accepted_at = events[-1][1]
        person = onward.case.person
        chance = 0.85
        if person.interpreter_needed:
            chance = 0.45
        elif person.imd_decile and person.imd_decile <= 2:
            chance = 0.75
        upcoming = [
            s
            for s in sessions_of.get(onward.service_id, [])
            if s.starts_at > accepted_at + datetime.timedelta(days=1)
            and s.ends_at < end
            and not s.cancelled
        ]
        if outcome == "dropout":
            upcoming = upcoming[: rng.randint(1, 3)]
        else:
            upcoming = upcoming[: rng.randint(3, 10)]
        if not upcoming:
            continue
        came_at = None
        for session in upcoming:
            if per_session.get(session.pk, 0) >= session.places:
                continue
            per_session[session.pk] = per_session.get(session.pk, 0) + 1
            if outcome == "dropout" or rng.random() > chance:
                status = BookingStatus.ABSENT
            else:
                status = BookingStatus.LATE if rng.random() < 0.1 else BookingStatus.ATTENDED
                came_at = came_at or session.starts_at
            bookings.append(
                Booking(
                    session=session,
                    service_referral=onward,
                    status=status,
                    created_at=accepted_at,
                    attendance_marked_at=session.ends_at,
                    attendance_marked_by_id=marker.get(onward.service_id),
                )
            )
        last = upcoming[-1].ends_at
        provider_id = events[-1][2]
        if came_at is None:
            # Never came: the link worker closes it with the person's reason.
            done = min(last + datetime.timedelta(days=3), end - datetime.timedelta(hours=1))
            events.append((Status.CANCELLED, done, onward.referred_by_id, "person_declined"))
            continue
        events.append((Status.IN_PROGRESS, came_at, provider_id, ""))
        if case_status != Status.IN_PROGRESS or rng.random() < 0.3:
            done = min(last + datetime.timedelta(days=2), end - datetime.timedelta(hours=1))
            if done > came_at:
                events.append((Status.COMPLETED, done, provider_id, ""))

    for onward, events, _plan in onward_rows:
        status, at, _actor, reason = events[-1]
        onward.status = status
        first = next((e for e in events[1:] if e[0] != Status.FAILED), None)
        if first is not None and onward.kind == OnwardKind.REFERRAL:
            onward.first_response = first[0]
        if reason:
            onward.decline_reason = reason
        if status in (Status.REJECTED, Status.COMPLETED, Status.CANCELLED, Status.FAILED):
            onward.closed_at = at
    ServiceReferral.objects.bulk_create([o for o, _e, _p in onward_rows], batch_size=500)
    ServiceReferralEvent.objects.bulk_create(
        [
            ServiceReferralEvent(
                service_referral=onward,
                from_status=previous,
                to_status=status,
                reason=reason,
                actor_id=actor,
                at=at,
            )
            for onward, events, _plan in onward_rows
            for previous, (status, at, actor, reason) in zip(
                ["", *(e[0] for e in events[:-1])], events, strict=True
            )
        ],
        batch_size=500,
    )
    for booking in bookings:
        booking.service_referral_id = booking.service_referral.pk
    Booking.objects.bulk_create(bookings, batch_size=500)
    Consent.objects.bulk_create(
        [
            Consent(
                person_id=o.case.person_id,
                purpose="share_with_provider",
                given=True,
                recorded_by_id=o.referred_by_id,
                method="verbal",
                recorded_at=o.created_at,
            )
            for o, _e, _p in onward_rows
            if o.kind == OnwardKind.REFERRAL
        ],
        batch_size=500,
    )
    UnmetNeed.objects.bulk_create(unmet_rows, batch_size=500)
    waitlisted = _waitlists(rng, now=now, used=[by_pk[pk] for pk in used])
    return {
        "onward": len(onward_rows),
        "sessions": len(new_sessions),
        "bookings": len(bookings),
        "marked": sum(b.status in ATTENDANCE for b in bookings),
        "unmet": len(unmet_rows),
        "waitlisted": waitlisted,
    }


def hash_of(text: str) -> int:
    """A stable small number for a name (str hash is salted per process)."""
    return sum(text.encode())


def _onward_accepted(case, service, *, sent, accepted, provider_id=None):
    """An onward referral the service accepted (demo history: model writes, as above)."""
    from linkwell.people.models import Consent

    from .models import OnwardKind, ServiceReferral, ServiceReferralEvent

    items = ["first_name", "contact_route", "language"]
    values = shared_values_for(case.person, items)
    worker = case.link_worker_id or case.referral.allocated_to_id
    onward = ServiceReferral.objects.create(
        case=case,
        service=service,
        kind=OnwardKind.REFERRAL,
        status=Status.ACCEPTED,
        referred_by_id=worker,
        shared_first_name=values["first_name"],
        shared_contact_route=values["contact_route"],
        shared_language=values["language"],
        shared_interpreter_needed=values["interpreter_needed"],
        shared_items=items,
        consent_recorded_at=sent,
        consent_recorded_by_id=worker,
        created_at=sent,
        responded_at=accepted,
        first_response=Status.ACCEPTED,
    )
    ServiceReferralEvent.objects.bulk_create(
        [
            ServiceReferralEvent(
                service_referral=onward, from_status="", to_status=Status.REQUESTED,
                actor_id=worker, at=sent,
            ),
            ServiceReferralEvent(
                service_referral=onward, from_status=Status.REQUESTED,
                to_status=Status.ACCEPTED, actor_id=provider_id, at=accepted,
            ),
        ]
    )  # fmt: skip
    Consent.objects.create(
        person_id=case.person_id,
        purpose="share_with_provider",
        given=True,
        recorded_by_id=worker,
        method="verbal",
        recorded_at=sent,
    )
    return onward


def _waitlists(rng: random.Random, *, now, used) -> int:
    """Fill the next session of the smallest popular groups and leave people on the waitlist,
    through booking_create (so places and waitlist order are the product's own). Sessions and
    bookings are for real upcoming dates, like the provider's own sessions above; the onward
    referrals are dated before the demo's `now`."""
    import datetime

    from django.utils import timezone

    from .models import BookingStatus, ServiceReferral

    real_now = timezone.now()
    waitlisted = 0
    chosen = sorted(used, key=lambda s: (s.places_per_session, s.name, s.organization.name))
    for service, extra in zip(chosen, WAITLIST_TARGETS, strict=False):
        sessions_generate(service=service, weeks=4)
        session = (
            service.group_sessions.filter(
                cancelled=False, starts_at__gt=real_now + datetime.timedelta(hours=1)
            )
            .order_by("starts_at")
            .first()
        )
        if session is None:
            continue
        onward = list(
            ServiceReferral.objects.filter(
                service=service, status__in=[Status.ACCEPTED, Status.IN_PROGRESS]
            )
            .select_related("case")
            .order_by("created_at", "pk")
        )
        wanted = session.places + extra
        if len(onward) < wanted:
            have = {o.case_id for o in onward}
            open_cases = [
                c
                for c in Case.objects.filter(
                    referral__status__in=[Status.IN_PROGRESS, Status.ACCEPTED],
                    referral__allocated_to__isnull=False,
                    referral__accepted_at__lt=now - datetime.timedelta(days=21),
                )
                .select_related("referral", "person")
                .order_by("pk")
                if c.pk not in have
            ]
            for case in rng.sample(open_cases, min(len(open_cases), wanted - len(onward))):
                sent = now - datetime.timedelta(days=rng.uniform(3, 20))
                onward.append(
                    _onward_accepted(
                        case,
                        service,
                        sent=sent,
                        accepted=sent + datetime.timedelta(hours=rng.uniform(2, 48)),
                    )
                )
        for referral in onward[:wanted]:
            try:
                booking = booking_create(
                    actor=None, session_id=session.pk, service_referral_id=referral.pk
                )
            except (ValidationError, PermissionDenied):
                continue
            waitlisted += booking.status == BookingStatus.WAITLISTED
    return waitlisted
