"""Concerns and escalation ("I'm worried about someone"): services, selectors, the re-alert
job, the crisis contacts and the signposting panel.

A provider raises a concern from the register (about one booked person) or from the session
(about someone, possibly a walk-in). A concern about a referred person goes at once to their
link worker (the case's allocated worker, else every link worker of the service) and the
service's leads, in the app and by email (messaging.notifications.notify_staff). Someone there
acknowledges it, then resolves it with a note. Urgent and immediate-danger concerns nobody has
acknowledged are re-notified every LINKWELL_CONCERN_REALERT_MINUTES (`concerns_realert`).

Visible ONLY to the person's link worker service (its link workers and leads) and to the
raising provider organisation; everyone else gets 404. Every read and change is audited.
A concern about a walk-in has no case: it stays with the provider, who acknowledges and
resolves it.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linkwell.accounts import permissions
from linkwell.accounts.models import Role, User
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_list, audit_record

from .models import (
    MAX_CONCERN_TEXT,
    REALERT_SEVERITIES,
    Booking,
    BookingStatus,
    Concern,
    ConcernSeverity,
    Session,
)
from .selectors import provider_services_for

# ---- crisis contacts ---------------------------------------------------------------------

_DEFAULT_CRISIS_CONTACTS = [
    {
        "title": gettext_lazy("Someone is in immediate danger or seriously hurt"),
        "action": gettext_lazy("Call 999"),
        "href": "tel:999",
    },
    {
        "title": gettext_lazy("Urgent help for their mental health"),
        "action": gettext_lazy("Call NHS 111 and choose option 2"),
        "href": "tel:111",
    },
    {
        "title": gettext_lazy("Samaritans: someone to talk to, any time, free"),
        "action": gettext_lazy("Call 116 123"),
        "href": "tel:116123",
    },
    {
        "title": gettext_lazy("Shout: text support, any time, free"),
        "action": gettext_lazy("Text SHOUT to 85258"),
        "href": "sms:85258",
    },
]


def crisis_contacts() -> list[dict]:
    """The deployment's crisis numbers (LINKWELL_CRISIS_CONTACTS), else the UK defaults."""
    configured = getattr(settings, "LINKWELL_CRISIS_CONTACTS", None)
    items = configured or _DEFAULT_CRISIS_CONTACTS
    return [
        {"title": str(i["title"]), "action": str(i["action"]), "href": i.get("href", "")}
        for i in items
    ]


def realert_interval() -> datetime.timedelta:
    return datetime.timedelta(
        minutes=int(getattr(settings, "LINKWELL_CONCERN_REALERT_MINUTES", 60))
    )


# ---- scope -------------------------------------------------------------------------------


def concern_queryset_for(actor) -> QuerySet[Concern]:
    """Concerns about people in the actor's link worker services' cases, and concerns its
    provider organisations raised. Nothing for anyone else."""
    service_ids = permissions.link_worker_service_ids(actor)
    provider_ids = permissions.organisation_ids(actor, Role.PROVIDER)
    if not service_ids and not provider_ids:
        return Concern.objects.none()
    scope = Q(pk__in=[])
    if service_ids:
        scope |= Q(case__referral__service_id__in=service_ids)
    if provider_ids:
        scope |= Q(provider_organisation_id__in=provider_ids)
    return Concern.objects.filter(scope)


def _person_id(concern: Concern) -> int | None:
    return concern.case.person_id if concern.case_id else None


def concern_get_for(actor, concern_id, *, audit: bool = True, channel: str = "web") -> Concern:
    """One concern in the actor's scope (404 otherwise); the read is audited."""
    try:
        concern = (
            concern_queryset_for(actor)
            .select_related(
                "case__referral__service",
                "case__link_worker",
                "session__service",
                "booking__service_referral",
                "provider_organisation",
                "raised_by",
                "acknowledged_by",
                "resolved_by",
            )
            .get(pk=int(concern_id))
        )
    except (Concern.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if audit:
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            obj=concern,
            person_id=_person_id(concern),
            channel=channel,
        )
    return concern


def concern_may_act(actor, concern: Concern) -> bool:
    """Acknowledge and resolve: the person's link worker service (its link workers and leads);
    for a walk-in (no case), the raising provider organisation."""
    if concern.case_id:
        return concern.case.referral.service_id in permissions.link_worker_service_ids(actor)
    return concern.provider_organisation_id in permissions.organisation_ids(actor, Role.PROVIDER)


def concerns_list_for(actor, *, channel: str = "web", open_only: bool = False) -> list[Concern]:
    """The actor's concerns, unacknowledged first, then open, then resolved; newest first
    within each. One `list` audit entry per person shown."""
    qs = concern_queryset_for(actor)
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    concerns = list(
        qs.select_related(
            "case__referral", "session__service", "booking__service_referral", "raised_by"
        )
        .annotate(
            stage=CaseWhen(
                When(acknowledged_at__isnull=True, resolved_at__isnull=True, then=Value(0)),
                When(resolved_at__isnull=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            urgency=CaseWhen(
                When(severity=ConcernSeverity.IMMEDIATE, then=Value(0)),
                When(severity=ConcernSeverity.URGENT, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("stage", "urgency", F("raised_at").desc(), "-id")[:500]
    )
    audit_list(
        actor=actor,
        object_type="groups.concern",
        person_ids=[c.case.person_id for c in concerns if c.case_id],
        channel=channel,
    )
    return concerns


# ---- notifications -----------------------------------------------------------------------


def concern_recipients(concern: Concern) -> list[User]:
    """The case's allocated link worker, else every link worker of the service; and the
    service's leads. Empty for a walk-in (no case)."""
    if not concern.case_id:
        return []
    case = concern.case
    service_id = case.referral.service_id
    staff = User.objects.filter(
        is_active=True,
        memberships__organisation_id=service_id,
        memberships__organisation__is_active=True,
    )
    leads = list(staff.filter(memberships__role=Role.LINK_WORKER_LEAD).distinct().order_by("pk"))
    workers: list[User] = []
    if case.link_worker_id and case.link_worker.is_active:
        workers = [case.link_worker]
    else:
        workers = list(staff.filter(memberships__role=Role.LINK_WORKER).distinct().order_by("pk"))
    seen, recipients = set(), []
    for user in [*workers, *leads]:
        if user.pk not in seen:
            seen.add(user.pk)
            recipients.append(user)
    return recipients


def _notify(concern: Concern, *, kind: str) -> int:
    from linkwell.messaging.notifications import notify_staff

    users = concern_recipients(concern)
    if not users:
        return 0
    # Never a name: the severity and the case number only.
    if kind == "concern_raised":
        title = _("%(severity)s: a group facilitator is worried about someone (case %(case)s)")
    else:
        title = _("Not yet acknowledged – %(severity)s concern (case %(case)s)")
    title = title % {"severity": concern.get_severity_display(), "case": concern.case_id}
    body = _("Open the concern, acknowledge it and decide what to do.")
    notify_staff(
        users=users,
        kind=kind,
        title=title[:200],
        body=body,
        url=reverse("groups:concern", args=[concern.pk]),
        related=concern,
    )
    return len(users)


# ---- services ----------------------------------------------------------------------------


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def concern_raise(
    *,
    actor,
    severity: str,
    what_happened: str,
    actions_taken: str = "",
    session_id=None,
    booking_id=None,
    channel: str = "web",
) -> Concern:
    """A provider raises a concern about someone at one of its sessions.

    About a booked person (`booking_id`): goes to their link worker and the service's leads.
    About someone not referred (only `session_id`): stays with the provider.
    """
    what_happened, actions_taken = _text(what_happened), _text(actions_taken)
    errors = {}
    if severity not in ConcernSeverity.values:
        errors["severity"] = _("Choose how urgent it is.")
    if not what_happened:
        errors["what_happened"] = _("Describe what you saw or what was said.")
    elif len(what_happened) > MAX_CONCERN_TEXT:
        errors["what_happened"] = _("Keep this to %(n)s characters or fewer.") % {
            "n": MAX_CONCERN_TEXT
        }
    if len(actions_taken) > MAX_CONCERN_TEXT:
        errors["actions_taken"] = _("Keep this to %(n)s characters or fewer.") % {
            "n": MAX_CONCERN_TEXT
        }
    if session_id in (None, "") and booking_id in (None, ""):
        errors["session"] = _("Say which session this is about.")
    if errors:
        raise ValidationError(errors)
    services = provider_services_for(actor)
    with transaction.atomic():
        booking = None
        if booking_id not in (None, ""):
            try:
                booking = Booking.objects.select_related(
                    "session__service__organization", "service_referral__case__referral"
                ).get(pk=int(booking_id), session__service__in=services)
            except (Booking.DoesNotExist, TypeError, ValueError):
                raise PermissionDenied from None
            if booking.status == BookingStatus.CANCELLED:
                raise ValidationError({"booking": _("Choose someone booked on this session.")})
            if session_id not in (None, "") and str(session_id) != str(booking.session_id):
                raise ValidationError({"booking": _("Choose someone booked on this session.")})
            session = booking.session
        else:
            try:
                session = Session.objects.select_related("service__organization").get(
                    pk=int(session_id), service__in=services
                )
            except (Session.DoesNotExist, TypeError, ValueError):
                raise PermissionDenied from None
        case = booking.service_referral.case if booking and booking.service_referral else None
        concern = Concern.objects.create(
            session=session,
            booking=booking,
            case=case,
            provider_organisation_id=session.service.organization.organisation_id,
            severity=severity,
            what_happened=what_happened,
            actions_taken=actions_taken,
            raised_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=concern,
            person_id=case.person_id if case else None,
            channel=channel,
            detail=severity,
        )
        _notify(concern, kind="concern_raised")
    return concern


def _lock_for_action(actor, concern_id) -> Concern:
    try:
        concern = (
            concern_queryset_for(actor)
            .select_for_update(of=("self",))
            .select_related("case__referral")
            .get(pk=int(concern_id))
        )
    except (Concern.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if not concern_may_act(actor, concern):
        raise PermissionDenied
    return concern


def concern_acknowledge(*, actor, concern_id, channel: str = "web") -> Concern:
    """Someone in the person's link worker service takes it on (stops the re-alerts)."""
    with transaction.atomic():
        concern = _lock_for_action(actor, concern_id)
        if concern.acknowledged_at is not None:
            raise ValidationError({"concern": _("This concern has already been acknowledged.")})
        concern.acknowledged_at = timezone.now()
        concern.acknowledged_by = actor
        concern.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=concern,
            person_id=_person_id(concern),
            channel=channel,
            detail="acknowledged",
        )
    return concern


def concern_resolve(*, actor, concern_id, resolution: str, channel: str = "web") -> Concern:
    """Close an acknowledged concern with a note of what was done."""
    resolution = _text(resolution)
    with transaction.atomic():
        concern = _lock_for_action(actor, concern_id)
        errors = {}
        if concern.resolved_at is not None:
            errors["concern"] = _("This concern has already been resolved.")
        elif concern.acknowledged_at is None:
            errors["concern"] = _("Acknowledge the concern before resolving it.")
        if not resolution:
            errors["resolution"] = _("Say how the concern was resolved.")
        elif len(resolution) > MAX_CONCERN_TEXT:
            errors["resolution"] = _("Keep this to %(n)s characters or fewer.") % {
                "n": MAX_CONCERN_TEXT
            }
        if errors:
            raise ValidationError(errors)
        concern.resolved_at = timezone.now()
        concern.resolved_by = actor
        concern.resolution = resolution
        concern.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=concern,
            person_id=_person_id(concern),
            channel=channel,
            detail="resolved",
        )
    return concern


# ---- the re-alert job --------------------------------------------------------------------


def _realert_due(now: datetime.datetime) -> Q:
    cutoff = now - realert_interval()
    return Q(
        acknowledged_at__isnull=True,
        resolved_at__isnull=True,
        case__isnull=False,
        severity__in=list(REALERT_SEVERITIES),
        raised_at__lte=cutoff,
    ) & (Q(realerted_at__isnull=True) | Q(realerted_at__lte=cutoff))


def concerns_realert(now: datetime.datetime | None = None) -> int:
    """Re-notify urgent and immediate-danger concerns nobody has acknowledged, once per
    interval. Idempotent: `realerted_at` is checked and set under a row lock in the same
    transaction as the notification, so two workers (or a rerun) never alert twice."""
    now = now or timezone.now()
    done = 0
    for pk in Concern.objects.filter(_realert_due(now)).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            concern = (
                Concern.objects.select_for_update(of=("self",))
                .select_related("case__referral", "case__link_worker")
                .filter(_realert_due(now), pk=pk)
                .first()
            )
            if concern is None:
                continue
            concern.realerted_at = now
            concern.realert_count += 1
            concern.save(update_fields=["realerted_at", "realert_count"])
            _notify(concern, kind="concern_unacknowledged")
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=concern,
                person_id=_person_id(concern),
                channel="system",
                detail="re-alerted",
            )
            done += 1
    return done


# ---- signposting -------------------------------------------------------------------------

# The panel's categories: taxonomy term codes from directory.vocabulary.
SIGNPOST_CATEGORIES = [
    ("mental_health", gettext_lazy("Mental health"), ("mental_wellbeing", "peer_support")),
    ("debt", gettext_lazy("Money and debt"), ("money_advice", "benefits_advice")),
    ("housing", gettext_lazy("Housing"), ("housing_advice",)),
    ("domestic_abuse", gettext_lazy("Domestic abuse"), ("domestic_abuse_support",)),
    ("immigration", gettext_lazy("Immigration and legal advice"), ("legal_advice",)),
]
SIGNPOST_PER_CATEGORY = 8


@dataclass
class SignpostCategory:
    code: str
    label: str
    services: list = field(default_factory=list)


def signposting_panel(*, per_category: int = SIGNPOST_PER_CATEGORY) -> list[SignpostCategory]:
    """Published, running services in each category, with phone numbers and addresses.

    A fixed number of queries: the terms' attributes, then the services with their details.
    """
    from linkwell.directory.models import Attribute, ServiceStatus
    from linkwell.directory.selectors import service_public_queryset, with_listing_details
    from linkwell.directory.vocabulary import taxonomy_term_uuid

    term_to_category: dict[uuid.UUID, str] = {}
    for code, _label, terms in SIGNPOST_CATEGORIES:
        for term in terms:
            term_to_category[taxonomy_term_uuid(term)] = code
    links = Attribute.objects.filter(
        link_entity="service", taxonomy_term_id__in=list(term_to_category)
    ).values_list("link_id", "taxonomy_term_id")
    by_category: dict[str, list[uuid.UUID]] = {code: [] for code, *_ in SIGNPOST_CATEGORIES}
    for service_id, term_id in links:
        ids = by_category[term_to_category[term_id]]
        if service_id not in ids:
            ids.append(service_id)
    wanted = {sid for ids in by_category.values() for sid in ids}
    services = {
        s.pk: s
        for s in with_listing_details(
            service_public_queryset().filter(pk__in=wanted, status=ServiceStatus.ACTIVE)
        ).order_by("name")
    }
    panel = []
    for code, label, _terms in SIGNPOST_CATEGORIES:
        found = sorted(
            (services[sid] for sid in by_category[code] if sid in services),
            key=lambda s: (s.name.lower(), str(s.pk)),
        )
        panel.append(SignpostCategory(code=code, label=str(label), services=found[:per_category]))
    return panel


# ---- the case record (link worker side) --------------------------------------------------


def case_care_entries(case) -> list:
    """Timeline source (casework.timeline): concerns raised, acknowledged and resolved;
    feedback scores (the words only when the person chose to share them); notes the
    facilitator shared. Three queries per case."""
    from linkwell.casework.selectors import TimelineEntry

    from .models import Feedback, SessionNote

    entries = []
    for concern in Concern.objects.filter(case=case).select_related(
        "session__service", "raised_by", "acknowledged_by", "resolved_by"
    ):
        service = concern.session.service.name if concern.session_id else ""
        entries.append(
            TimelineEntry(
                concern.raised_at,
                "group_concern",
                _("Concern from %(service)s: %(severity)s")
                % {"service": service, "severity": concern.get_severity_display()},
                concern,
                concern.raised_by,
            )
        )
        if concern.acknowledged_at:
            entries.append(
                TimelineEntry(
                    concern.acknowledged_at,
                    "group_concern_acknowledged",
                    _("Concern acknowledged"),
                    concern,
                    concern.acknowledged_by,
                )
            )
        if concern.resolved_at:
            entries.append(
                TimelineEntry(
                    concern.resolved_at,
                    "group_concern_resolved",
                    _("Concern resolved: %(note)s") % {"note": concern.resolution[:200]},
                    concern,
                    concern.resolved_by,
                )
            )
    for feedback in Feedback.objects.filter(booking__service_referral__case=case).select_related(
        "session__service"
    ):
        title = _(
            "Feedback after %(service)s: felt %(feeling)s (%(n)s of 5); would come again: %(again)s"
        ) % {
            "service": feedback.session.service.name,
            "feeling": feedback.get_feeling_display().lower(),
            "n": feedback.feeling,
            "again": feedback.get_come_again_display().lower(),
        }
        if feedback.share_comment and feedback.comment:
            title += " – “" + feedback.comment + "”"
        entries.append(TimelineEntry(feedback.created_at, "group_feedback", title, None, None))
    for note in SessionNote.objects.filter(
        booking__service_referral__case=case, share_with_link_worker=True
    ).select_related("session__service", "author"):
        entries.append(
            TimelineEntry(
                note.created_at,
                "group_note",
                _("Note from %(service)s: %(text)s")
                % {"service": note.session.service.name, "text": note.text},
                None,
                note.author,
            )
        )
    return entries


def case_concerns(actor, case) -> list[Concern]:
    """Concerns about the person on this case, for the case page panel (the case page has
    already checked the actor may read the case). Audited as a list when any are shown."""
    concerns = list(
        concern_queryset_for(actor)
        .filter(case=case)
        .select_related("session__service", "raised_by", "acknowledged_by")
    )
    concerns.sort(key=lambda c: (c.resolved_at is not None, c.acknowledged_at is not None))
    if concerns:
        audit_list(actor=actor, object_type="groups.concern", person_ids=[case.person_id])
    return concerns
