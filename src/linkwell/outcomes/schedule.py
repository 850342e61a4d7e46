"""The measurement schedule: which measures a deployment collects, and when.

Configured by ``LINKWELL_OUTCOME_SCHEDULE`` (parsed strictly at start-up)::

    SWEMWBS,ONS4,EQ5D5L@baseline:0,follow_up_12w:84,discharge

Grammar: one or more groups separated by ``;``. A group is
``INSTRUMENT[,INSTRUMENT...]@TIMEPOINT[,TIMEPOINT...]``. A timepoint is a lower-case code
(``[a-z][a-z0-9_]*``) optionally followed by ``:DAYS``, the whole number of days after the
referral was accepted when the measure falls due. A timepoint without days (``discharge``)
is tied to an event, not a date, so it is listed but never flagged as overdue. ``other`` is
always available for measures taken outside the schedule and must not be configured.

A measure is *due* from its due date and *overdue* once ``OVERDUE_AFTER_DAYS`` have passed
without it being recorded.

Pure: no Django imports, so settings can use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .instruments import INSTRUMENTS

DEFAULT_SCHEDULE = "SWEMWBS,ONS4,EQ5D5L,UCLA3@baseline:0,follow_up_12w:84,discharge"
OTHER = "other"
OVERDUE_AFTER_DAYS = 14
_TIMEPOINT = re.compile(r"(?P<code>[a-z][a-z0-9_]*)(?::(?P<days>\d{1,4}))?")


@dataclass(frozen=True)
class Timepoint:
    code: str
    days: int | None  # days after acceptance; None = event-based (for example discharge)


@dataclass(frozen=True)
class ScheduledMeasure:
    instrument: str
    timepoint: Timepoint


def parse_schedule(text: str) -> tuple[ScheduledMeasure, ...]:
    """Parse the schedule setting; ValueError with a plain explanation if it is malformed."""
    measures: list[ScheduledMeasure] = []
    seen: set[tuple[str, str]] = set()
    days_by_code: dict[str, int | None] = {}
    groups = [g.strip() for g in text.split(";") if g.strip()]
    if not groups:
        raise ValueError("the schedule is empty; give at least INSTRUMENT@TIMEPOINT")
    for group in groups:
        if group.count("@") != 1:
            raise ValueError(f"{group!r} must be INSTRUMENTS@TIMEPOINTS (one @)")
        left, right = group.split("@")
        codes = [c.strip().upper() for c in left.split(",")]
        points = [p.strip() for p in right.split(",")]
        if not all(codes) or not all(points):
            raise ValueError(f"{group!r} has an empty instrument or timepoint")
        for code in codes:
            if code not in INSTRUMENTS:
                raise ValueError(f"unknown instrument {code!r}; known: {', '.join(INSTRUMENTS)}")
        for point in points:
            match = _TIMEPOINT.fullmatch(point)
            if not match:
                raise ValueError(
                    f"timepoint {point!r} must be a lower-case code with optional :DAYS"
                )
            tp_code = match["code"]
            if tp_code == OTHER:
                raise ValueError("'other' is always available and cannot be scheduled")
            days = int(match["days"]) if match["days"] is not None else None
            if days_by_code.setdefault(tp_code, days) != days:
                raise ValueError(f"timepoint {tp_code!r} is given two different day counts")
            for code in codes:
                if (code, tp_code) in seen:
                    raise ValueError(f"{code}@{tp_code} is scheduled twice")
                seen.add((code, tp_code))
                measures.append(ScheduledMeasure(code, Timepoint(tp_code, days)))
    return tuple(measures)


def timepoint_codes(schedule: tuple[ScheduledMeasure, ...]) -> list[str]:
    """Every timepoint code in schedule order, then ``other``."""
    codes: list[str] = []
    for measure in schedule:
        if measure.timepoint.code not in codes:
            codes.append(measure.timepoint.code)
    return [*codes, OTHER]


def due_date(start: date, timepoint: Timepoint) -> date | None:
    return None if timepoint.days is None else start + timedelta(days=timepoint.days)


def due_status(start: date | None, timepoint: Timepoint, today: date, *, done: bool) -> str:
    """ "done", "not_yet", "due", "overdue" or "at_event" (event-based, not yet recorded)."""
    if done:
        return "done"
    if start is None or timepoint.days is None:
        return "at_event" if timepoint.days is None else "not_yet"
    due = due_date(start, timepoint)
    assert due is not None
    if today < due:
        return "not_yet"
    if today > due + timedelta(days=OVERDUE_AFTER_DAYS):
        return "overdue"
    return "due"
