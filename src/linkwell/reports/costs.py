"""Cost per participant, from records (docs/evaluation.md, "Costs").

    cost = link worker minutes / 60 × LINKWELL_LINK_WORKER_HOURLY_COST
         + Σ over group services (attendances × that service's cost per attendance)
         + LINKWELL_OVERHEAD_PER_PARTICIPANT

- Link worker minutes: every recorded contact on the participant's case (successful or not:
  an unanswered call still takes time) up to the end of the period.
- Attendances: the participant's bookings marked attended or late, in sessions (not
  cancelled) up to the end of the period.
- Cost per attendance: ``groups.funding.service_costs`` over the evaluation period (total
  session cost ÷ everyone who came, walk-ins included). A service with attendances but no
  cost records adds nothing, and is counted in ``services_without_costs`` so the methods note
  says so; it is never guessed.

A participant is an episode of care: one referral and its case. Queries are bounded: three
for minutes and attendances plus those of ``service_costs`` (four), whatever the cohort size.
Reads only; nothing here writes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from linkwell.casework.models import Contact

PENNY = Decimal("0.01")


@dataclass(frozen=True)
class ParticipantCost:
    referral_id: int
    contact_minutes: int
    link_worker_cost: Decimal
    attendances: int
    group_cost: Decimal
    overhead: Decimal

    @property
    def total(self) -> Decimal:
        return self.link_worker_cost + self.group_cost + self.overhead


@dataclass(frozen=True)
class CostSummary:
    participants: dict[int, ParticipantCost]  # by referral id
    hourly_cost: Decimal
    overhead_per_participant: Decimal
    group_costs_available: bool
    services_attended: int
    services_without_costs: int
    cost_per_attendance: dict[str, Decimal] = field(default_factory=dict)  # service id → £
    notes: tuple[str, ...] = ()

    def mean_total(self) -> Decimal | None:
        if not self.participants:
            return None
        total = sum((p.total for p in self.participants.values()), Decimal(0))
        return (total / len(self.participants)).quantize(PENNY, ROUND_HALF_UP)


def _end_bound(end: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )


def _group_costs_function():
    """``groups.funding.service_costs`` when the funding records exist in this build."""
    try:
        from linkwell.groups.funding import service_costs
    except ImportError:  # pragma: no cover - depends on the groups app's version
        return None
    return service_costs


def participant_costs(
    *,
    referral_ids: Iterable[int] | QuerySet,
    start: datetime.date,
    end: datetime.date,
    hourly_cost: Decimal | None = None,
    overhead: Decimal | None = None,
) -> CostSummary:
    """Cost of each participant (referral) in ``referral_ids``; see the module docstring."""
    from linkwell.groups.models import Booking, BookingStatus

    hourly = Decimal(
        settings.LINKWELL_LINK_WORKER_HOURLY_COST if hourly_cost is None else hourly_cost
    )
    extra = Decimal(settings.LINKWELL_OVERHEAD_PER_PARTICIPANT if overhead is None else overhead)
    if hourly < 0 or extra < 0:
        raise ValueError("costs must not be negative")
    ids = referral_ids if isinstance(referral_ids, QuerySet) else list(referral_ids)
    until = _end_bound(end)

    minutes: dict[int, int] = {
        rid: int(total or 0)
        for rid, total in Contact.objects.filter(case__referral_id__in=ids, at__lt=until)
        .values("case__referral_id")
        .annotate(total=Sum("minutes"))
        .values_list("case__referral_id", "total")
    }
    attendance_rows = (
        Booking.objects.filter(
            service_referral__case__referral_id__in=ids,
            status__in=[BookingStatus.ATTENDED, BookingStatus.LATE],
            session__cancelled=False,
            session__starts_at__lt=until,
        )
        .values("service_referral__case__referral_id", "session__service_id")
        .annotate(n=Count("id"))
        .values_list("service_referral__case__referral_id", "session__service_id", "n")
    )
    attended: dict[int, dict[object, int]] = defaultdict(dict)
    for rid, service_id, n in attendance_rows:
        attended[rid][service_id] = n
    service_ids = sorted({s for per in attended.values() for s in per}, key=str)

    notes: list[str] = []
    per_attendance: dict[object, Decimal] = {}
    service_costs = _group_costs_function()
    if service_costs is None:
        notes.append("No provider cost records in this build: group costs are counted as £0.")
    elif service_ids:
        for figures in service_costs(services=service_ids, start=start, end=end):
            if figures.cost_per_attendance is not None and figures.total_cost > 0:
                per_attendance[figures.service_id] = Decimal(figures.cost_per_attendance)
    missing = [s for s in service_ids if s not in per_attendance]
    if service_costs is not None and missing:
        notes.append(
            f"{len(missing)} of {len(service_ids)} group services attended have no provider "
            "cost records for the period: their attendances are counted as £0."
        )

    everyone = set(ids.values_list("pk", flat=True)) if isinstance(ids, QuerySet) else set(ids)
    participants: dict[int, ParticipantCost] = {}
    for rid in sorted(everyone):
        mins = minutes.get(rid, 0)
        visits = attended.get(rid, {})
        group = sum((per_attendance.get(s, Decimal(0)) * n for s, n in visits.items()), Decimal(0))
        participants[rid] = ParticipantCost(
            referral_id=rid,
            contact_minutes=mins,
            link_worker_cost=(Decimal(mins) * hourly / 60).quantize(PENNY, ROUND_HALF_UP),
            attendances=sum(visits.values()),
            group_cost=group.quantize(PENNY, ROUND_HALF_UP),
            overhead=extra.quantize(PENNY, ROUND_HALF_UP),
        )
    return CostSummary(
        participants=participants,
        hourly_cost=hourly,
        overhead_per_participant=extra,
        group_costs_available=service_costs is not None,
        services_attended=len(service_ids),
        services_without_costs=len(missing) if service_costs is not None else len(service_ids),
        cost_per_attendance={str(k): v for k, v in per_attendance.items()},
        notes=tuple(notes),
    )
