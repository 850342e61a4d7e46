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
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.accounts import permissions
from linkwell.accounts.models import Role
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.referrals.models import Referral
from linkwell.referrals.selectors import referral_get_for, referral_viewer_is_service

from . import schedule as schedule_mod
from .instruments import INSTRUMENTS, Tracked
from .models import Measurement
from .vocabulary import BAND_LABELS, short_name, timepoint_label


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


# --- On the case (casework) -------------------------------------------------------------------


def case_measurement_list(case) -> QuerySet[Measurement]:
    """Measurements of a case already checked by casework's case_get_for."""
    return Measurement.objects.filter(case=case).select_related("entered_by")


def headline(measurement: Measurement) -> str:
    """The measurement's main score(s) in a few words: "21.54", "index 0.735 · EQ VAS 70"."""
    instrument = INSTRUMENTS.get(measurement.instrument)
    if instrument is None:
        return ""
    values = [
        (tracked, measurement.scores.get(tracked.key))
        for tracked in instrument.tracked
        if measurement.scores.get(tracked.key) is not None
    ]
    if len(values) == 1:
        return str(values[0][1])
    if values:
        return " · ".join(f"{_(tracked.label)} {value}" for tracked, value in values)
    band = measurement.scores.get("band")
    return str(BAND_LABELS.get(band, band)) if band else ""


def case_timeline_entries(case) -> list:
    """Case timeline source (registered in OutcomesConfig.ready): one entry per measurement,
    e.g. "SWEMWBS – Baseline: 21.54". One query per case."""
    from linkwell.casework.selectors import TimelineEntry

    entries = []
    for m in case_measurement_list(case):
        title = _("%(measure)s – %(timepoint)s: %(score)s") % {
            "measure": short_name(m.instrument),
            "timepoint": timepoint_label(m.timepoint),
            "score": headline(m),
        }
        entries.append(TimelineEntry(m.completed_at, "measurement", title, m, m.entered_by))
    return entries


@dataclass
class CaseDue:
    """Measures at one timepoint that are due or overdue on a case."""

    timepoint: str
    label: str
    due_on: datetime.date | None
    status: str  # "due" or "overdue"
    instruments: list[str]

    @property
    def instrument_names(self) -> str:
        return ", ".join(short_name(code) for code in self.instruments)


def due_on_cases(cases, *, today: datetime.date | None = None) -> dict[int, list[CaseDue]]:
    """Measures due or overdue for each case (by case pk), overdue first, for a whole page of
    cases in one query. Each case must carry its referral (select_related)."""
    today = today or timezone.localdate()
    cases = list(cases)
    referral_ids = [c.referral_id for c in cases]
    done: dict[int, set[tuple[str, str]]] = {rid: set() for rid in referral_ids}
    if referral_ids:
        for referral_id, instrument, timepoint in Measurement.objects.filter(
            referral_id__in=referral_ids
        ).values_list("referral_id", "instrument", "timepoint"):
            done[referral_id].add((instrument, timepoint))
    result: dict[int, list[CaseDue]] = {}
    for case in cases:
        grouped: dict[str, CaseDue] = {}
        for row in schedule_for(case.referral, [], today=today):
            if row.status not in ("due", "overdue"):
                continue
            if (row.instrument, row.timepoint.code) in done[case.referral_id]:
                continue
            item = grouped.setdefault(
                row.timepoint.code,
                CaseDue(
                    row.timepoint.code,
                    timepoint_label(row.timepoint.code),
                    row.due_on,
                    row.status,
                    [],
                ),
            )
            item.instruments.append(row.instrument)
        result[case.pk] = sorted(
            grouped.values(), key=lambda d: (d.status != "overdue", d.due_on or today)
        )
    return result


def overdue_case_q(today: datetime.date | None = None, *, prefix: str = "") -> Q:
    """A filter on Case (or on another model through ``prefix``, e.g. "case__") matching cases
    with at least one scheduled measure overdue: accepted so long ago that the due date plus
    OVERDUE_AFTER_DAYS has passed, and not recorded. Same rule as ``schedule.due_status``."""
    today = today or timezone.localdate()
    q = Q(pk__in=[])
    for item in settings.LINKWELL_OUTCOME_SCHEDULE:
        days = item.timepoint.days
        if days is None:
            continue
        # overdue  <=>  local acceptance date + days + OVERDUE_AFTER_DAYS < today
        cutoff = today - datetime.timedelta(days=days + schedule_mod.OVERDUE_AFTER_DAYS)
        start_of_cutoff = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
        recorded = Measurement.objects.filter(
            referral_id=OuterRef(f"{prefix}referral_id"),
            instrument=item.instrument,
            timepoint=item.timepoint.code,
        )
        q |= Q(**{f"{prefix}referral__accepted_at__lt": start_of_cutoff}) & ~Exists(recorded)
    return q
