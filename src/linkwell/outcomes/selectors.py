"""Reads for outcome measures, scoped by the actor.

Only the link worker service that holds a referral sees its measurements. Outside the actor's
referral scope is a 404 (as for referrals); a referrer who can see the referral itself gets a
403: outcome measures are never shared back with referrers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from linkwell.accounts import permissions
from linkwell.accounts.models import Role
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.referrals.models import Referral
from linkwell.referrals.selectors import referral_get_for, referral_viewer_is_service

from . import schedule as schedule_mod
from .instruments import INSTRUMENTS, Tracked
from .models import Measurement


def outcomes_referral_get_for(
    actor, referral_id, *, write: bool = False, audit: bool = True, channel: str = "web"
) -> Referral:
    """The referral whose measurements the actor may see; 404 out of scope, 403 for referrers."""
    referral = referral_get_for(actor, referral_id, write=write, audit=False, channel=channel)
    if not referral_viewer_is_service(actor, referral):
        raise PermissionDenied
    if audit and not write:
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            object_type="outcomes.measurement",
            object_id=f"referral:{referral.pk}",
            person_id=referral.person_id,
            channel=channel,
        )
    return referral


def measurement_list(referral: Referral) -> QuerySet[Measurement]:
    """Measurements of a referral already checked by outcomes_referral_get_for."""
    return referral.measurements.select_related("entered_by").order_by("completed_at", "id")


@dataclass
class DueRow:
    instrument: str
    timepoint: schedule_mod.Timepoint
    due_on: datetime.date | None
    status: str  # done / not_yet / due / overdue / at_event


def schedule_for(
    referral: Referral, measurements: list[Measurement], *, today: datetime.date | None = None
) -> list[DueRow]:
    """The deployment's schedule applied to this referral, counted from its acceptance."""
    today = today or timezone.localdate()
    start = timezone.localtime(referral.accepted_at).date() if referral.accepted_at else None
    done = {(m.instrument, m.timepoint) for m in measurements}
    rows = []
    for item in settings.LINKWELL_OUTCOME_SCHEDULE:
        rows.append(
            DueRow(
                instrument=item.instrument,
                timepoint=item.timepoint,
                due_on=schedule_mod.due_date(start, item.timepoint) if start else None,
                status=schedule_mod.due_status(
                    start,
                    item.timepoint,
                    today,
                    done=(item.instrument, item.timepoint.code) in done,
                ),
            )
        )
    return rows


@dataclass
class ChangePoint:
    measurement: Measurement
    value: Decimal | None
    change: Decimal | None  # from baseline; None for the baseline itself
    meaningful: bool
    direction: str  # "better", "worse", "same" or ""


@dataclass
class ChangeSeries:
    instrument: str
    tracked: Tracked
    points: list[ChangePoint]


def _value(measurement: Measurement, key: str) -> Decimal | None:
    value = measurement.scores.get(key)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def change_from_baseline(measurements: list[Measurement]) -> list[ChangeSeries]:
    """Each tracked score over time, with change from baseline and the meaningful-change flag.

    Baseline is the first measurement at the ``baseline`` timepoint, else the first recorded.
    A change is meaningful when its size reaches the instrument's published threshold
    (``Tracked.meaningful_change``); where none is published, nothing is flagged.
    """
    series: list[ChangeSeries] = []
    for code, instrument in INSTRUMENTS.items():
        rows = [m for m in measurements if m.instrument == code]
        if not rows:
            continue
        baseline = next((m for m in rows if m.timepoint == "baseline"), rows[0])
        for tracked in instrument.tracked:
            base_value = _value(baseline, tracked.key)
            points = []
            for m in rows:
                value = _value(m, tracked.key)
                change = None
                meaningful = False
                direction = ""
                if m is not baseline and value is not None and base_value is not None:
                    change = value - base_value
                    better = change > 0 if tracked.higher_is_better else change < 0
                    direction = "same" if change == 0 else "better" if better else "worse"
                    threshold = tracked.meaningful_change
                    meaningful = threshold is not None and abs(change) >= threshold
                points.append(ChangePoint(m, value, change, meaningful, direction))
            if any(p.value is not None for p in points):
                series.append(ChangeSeries(code, tracked, points))
    return series


@dataclass
class DueMeasure:
    referral: Referral
    row: DueRow


def measures_due_for(actor, *, today: datetime.date | None = None) -> list[DueMeasure]:
    """Scheduled measures due or overdue on the actor's caseload, overdue first.

    A link worker's caseload is the open referrals allocated to them; a lead sees the whole
    team's. (When the casework issue brings the case record, this reads cases instead.)
    """
    today = today or timezone.localdate()
    services = permissions.link_worker_service_ids(actor)
    if not services:
        return []
    leads = permissions.organisation_ids(actor, Role.LINK_WORKER_LEAD)
    referrals = Referral.objects.filter(
        service_id__in=services,
        status__in=["accepted", "in-progress", "on-hold"],
        accepted_at__isnull=False,
    ).select_related("person", "allocated_to")
    if not leads:
        referrals = referrals.filter(allocated_to=actor)
    else:
        referrals = referrals.filter(Q(service_id__in=leads) | Q(allocated_to=actor))
    referrals = list(referrals.order_by("accepted_at", "pk"))
    by_referral: dict[int, list[Measurement]] = {}
    for m in Measurement.objects.filter(referral__in=referrals).only(
        "referral_id", "instrument", "timepoint"
    ):
        by_referral.setdefault(m.referral_id, []).append(m)
    due = [
        DueMeasure(referral, row)
        for referral in referrals
        for row in schedule_for(referral, by_referral.get(referral.pk, []), today=today)
        if row.status in ("due", "overdue")
    ]
    due.sort(key=lambda d: (d.row.status != "overdue", d.row.due_on or today, d.referral.pk))
    return due
