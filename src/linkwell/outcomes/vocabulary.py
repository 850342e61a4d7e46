"""Labels for timepoints, modes and bands, translated at display time."""

from __future__ import annotations

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .instruments import ons4

# Short names for the case timeline and caseload ("SWEMWBS baseline: 21.54").
SHORT_NAMES = {
    "ONS4": _("ONS4"),
    "SWEMWBS": _("SWEMWBS"),
    "WEMWBS": _("WEMWBS"),
    "EQ5D5L": _("EQ-5D-5L"),
    "UCLA3": _("UCLA-3"),
    "ONS_LONELINESS": _("ONS loneliness"),
    "GOAL_PROGRESS": _("Goal progress"),
}


def short_name(code: str) -> str:
    return str(SHORT_NAMES.get(code, code))


TIMEPOINT_LABELS = {
    "baseline": _("Baseline"),
    "discharge": _("Discharge"),
    "other": _("Other"),
}
_FOLLOW_UP = re.compile(r"follow_up_(\d+)([wdm])")


def timepoint_label(code: str) -> str:
    """A readable label for a configured timepoint code (``follow_up_12w`` -> 12-week follow-up)."""
    if code in TIMEPOINT_LABELS:
        return str(TIMEPOINT_LABELS[code])
    match = _FOLLOW_UP.fullmatch(code)
    if match:
        number, unit = int(match[1]), match[2]
        template = {
            "w": gettext("%(n)s-week follow-up"),
            "d": gettext("%(n)s-day follow-up"),
            "m": gettext("%(n)s-month follow-up"),
        }[unit]
        return template % {"n": number}
    if code == "follow_up":
        return gettext("Follow-up")
    return code.replace("_", " ").capitalize()


BAND_LABELS = {
    **{code: _(label) for code, label in ons4.BAND_LABELS.items()},
    "lonely": _("Lonely (score 6 or more, a research convention)"),
    "not_lonely": _("Not lonely (score 3 to 5, a research convention)"),
    "chronic": _("Often or always lonely"),
    "not_chronic": _("Not often lonely"),
}
