"""Plain-language display of directory data: "Tuesdays, 10am to 12pm"."""

from __future__ import annotations

import re

from django import template
from django.utils.dates import WEEKDAYS
from django.utils.formats import time_format
from django.utils.translation import gettext as _

register = template.Library()


def _day_names():
    return {
        "MO": _("Mondays"),
        "TU": _("Tuesdays"),
        "WE": _("Wednesdays"),
        "TH": _("Thursdays"),
        "FR": _("Fridays"),
        "SA": _("Saturdays"),
        "SU": _("Sundays"),
    }


_BYDAY_INDEX = {code: i for i, code in enumerate(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])}


def _ordinal(n: str) -> str:
    return {
        "1": _("first"),
        "2": _("second"),
        "3": _("third"),
        "4": _("fourth"),
        "5": _("fifth"),
        "-1": _("last"),
    }.get(n, n)


@register.filter
def schedule_text(schedule) -> str:
    days = []
    names = _day_names()
    for part in (schedule.byday or "").split(","):
        m = re.match(r"^([+-]?\d)?([A-Z]{2})$", part.strip())
        if not m:
            continue
        name = names.get(m.group(2), m.group(2))
        if m.group(1):
            # The singular day name comes from Django's own translated weekday names.
            singular = WEEKDAYS.get(_BYDAY_INDEX.get(m.group(2), -1), m.group(2))
            name = _("%(ordinal)s %(day)s of the month") % {
                "ordinal": _ordinal(m.group(1).lstrip("+")),
                "day": singular,
            }
        days.append(str(name))
    when = ", ".join(days)
    if schedule.opens_at and schedule.closes_at:
        times = _("%(start)s to %(end)s") % {
            "start": time_format(schedule.opens_at, "TIME_FORMAT"),
            "end": time_format(schedule.closes_at, "TIME_FORMAT"),
        }
        when = f"{when}, {times}" if when else times
    elif schedule.opens_at:
        when = f"{when}, {time_format(schedule.opens_at, 'TIME_FORMAT')}"
    return when or schedule.description


@register.filter
def miles(value) -> str:
    if value is None:
        return ""
    return _("%(miles)s miles") % {"miles": f"{value:.1f}"}
