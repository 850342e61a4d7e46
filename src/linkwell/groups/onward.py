"""Reads for onward referrals: the provider inbox, the case's section, reply figures.

Scope: a provider sees onward referrals to its own organisation's services only (kind
"referral"; signposting never reaches a provider), and of those only the shared snapshot;
anything else is a 404. A link worker sees those of the cases its service holds.

Reply figures per service (shown to link workers only):
- reply time = working hours between sending and the provider's first answer, counting
  Monday to Friday as 24-hour days and skipping Saturdays and Sundays (bank holidays are not
  known); the median over answered referrals, shown in hours under a working day and in days
  (hours / 24) above;
- acceptance rate = accepted ÷ answered (first answers: accepted, declined, waitlisted);
  lapsed referrals (no reply) are not answers, and count in `unanswered`;
- over the last LINKWELL_REPLY_FIGURES_DAYS days; fewer than LINKWELL_REPLY_FIGURES_MIN
  answers: "not enough replies yet" (no figures).
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.referrals.models import Status

from .models import OnwardKind, ServiceReferral, ServiceReferralEvent
from .selectors import provider_services_for

# What a provider may read of an onward referral: the snapshot and ids, nothing else.
PROVIDER_FIELDS = (
    "id",
    "status",
    "kind",
    "service",
    "service__id",
    "service__name",
    "case",
    "case__id",
    "case__person",
    "shared_first_name",
    "shared_contact_route",
    "shared_language",
    "shared_interpreter_needed",
    "shared_access_needs",
    "shared_note",
    "shared_items",
    "created_at",
    "responded_at",
    "decline_reason",
    "decline_text",
    "first_response",
    "closed_at",
)


def working_hours_between(start: datetime.datetime, end: datetime.datetime) -> float:
    """Hours from `start` to `end` that fall on Monday to Friday (local time)."""
    if end <= start:
        return 0.0
    start, end = timezone.localtime(start), timezone.localtime(end)
    total = 0.0
    cursor = start
    while cursor < end:
        next_midnight = timezone.make_aware(
            datetime.datetime.combine(cursor.date() + datetime.timedelta(days=1), datetime.time())
        )
        stop = min(end, next_midnight)
        if cursor.weekday() < 5:
            total += (stop - cursor).total_seconds() / 3600
        cursor = stop
    return total


@dataclass
class ReplyFigures:
    answered: int = 0
    accepted: int = 0
    unanswered: int = 0  # lapsed without a reply
    median_hours: float | None = None
    minimum: int = 5

    @property
    def enough(self) -> bool:
        return self.answered >= self.minimum

    @property
    def acceptance_percent(self) -> int | None:
        if not self.enough:
            return None
        return round(100 * self.accepted / self.answered)

    @property
    def median_days(self) -> float | None:
        return None if self.median_hours is None else self.median_hours / 24


def reply_figures(service_ids, *, now=None) -> dict:
    """{service_id: ReplyFigures} for the given services, in one query."""
    service_ids = list(service_ids)
    minimum = int(getattr(settings, "LINKWELL_REPLY_FIGURES_MIN", 5))
    figures = {sid: ReplyFigures(minimum=minimum) for sid in service_ids}
    if not service_ids:
        return figures
    now = now or timezone.now()
    since = now - datetime.timedelta(
        days=int(getattr(settings, "LINKWELL_REPLY_FIGURES_DAYS", 365))
    )
    rows = ServiceReferral.objects.filter(
        service_id__in=service_ids, kind=OnwardKind.REFERRAL, created_at__gte=since
    ).values_list("service_id", "created_at", "responded_at", "first_response", "decline_reason")
    hours: dict = {sid: [] for sid in service_ids}
    for service_id, created_at, responded_at, first_response, decline_reason in rows:
        f = figures[service_id]
        if responded_at is not None:
            f.answered += 1
            f.accepted += first_response == Status.ACCEPTED
            hours[service_id].append(working_hours_between(created_at, responded_at))
        elif decline_reason == "no_response":
            f.unanswered += 1
    for sid, values in hours.items():
        if figures[sid].enough:
            figures[sid].median_hours = statistics.median(values)
    return figures


# ---- provider inbox -------------------------------------------------------------------------


def inbox_queryset_for(actor) -> QuerySet[ServiceReferral]:
    return (
        ServiceReferral.objects.filter(
            service__in=provider_services_for(actor), kind=OnwardKind.REFERRAL
        )
        .select_related("service", "case")
        .only(*PROVIDER_FIELDS)
    )


INBOX_STATUSES = (
    Status.REQUESTED,
    Status.ON_HOLD,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.REJECTED,
    Status.COMPLETED,
    Status.CANCELLED,
    Status.FAILED,
)


def inbox_for(actor, *, status: str = "", service_id=None) -> QuerySet[ServiceReferral]:
    """Onward referrals to the actor's services, newest first (filter by status, service)."""
    qs = inbox_queryset_for(actor)
    if status:
        qs = qs.filter(status=status)
    if service_id:
        qs = qs.filter(service_id=service_id)
    return qs.order_by("-created_at", "-id")


def inbox_get_for(actor, pk, *, audit: bool = True, channel: str = "web") -> ServiceReferral:
    try:
        referral = inbox_queryset_for(actor).get(pk=int(pk))
    except (ServiceReferral.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if audit:
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            obj=referral,
            person_id=referral.case.person_id,
            channel=channel,
        )
    return referral


def onward_events(referral: ServiceReferral) -> list[ServiceReferralEvent]:
    return list(referral.events.select_related("actor").order_by("at", "id"))


# ---- the link worker's side ---------------------------------------------------------------


def case_onward_referrals(case) -> list[ServiceReferral]:
    """A case's onward referrals and signposting, with their events (two queries)."""
    return list(
        ServiceReferral.objects.filter(case=case)
        .select_related("service", "service__organization", "referred_by")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ServiceReferralEvent.objects.select_related("actor").order_by("at", "id"),
            )
        )
        .order_by("-created_at", "-id")
    )


def link_worker_queryset_for(actor) -> QuerySet[ServiceReferral]:
    """Onward referrals from the cases of the actor's link worker services."""
    from linkwell.accounts import permissions

    service_ids = permissions.link_worker_service_ids(actor)
    if not service_ids:
        return ServiceReferral.objects.none()
    return ServiceReferral.objects.filter(case__referral__service_id__in=service_ids)


def language_label(code: str) -> str:
    from linkwell.people.vocabulary import LANGUAGE_CHOICES

    return str(dict(LANGUAGE_CHOICES).get(code, code)) if code else ""
