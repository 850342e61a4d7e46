"""Quiet hours for texts: pure parsing and arithmetic (no Django), so settings can use it."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class QuietHours:
    start: datetime.time
    end: datetime.time

    def contains(self, local: datetime.time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # spans midnight

    def next_allowed(self, moment: datetime.datetime) -> datetime.datetime:
        """`moment` if texts may go then, else the end of this quiet period (aware, UTC)."""
        local = moment.astimezone(LONDON)
        if not self.contains(local.time()):
            return moment
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += datetime.timedelta(days=1)
        end = datetime.datetime.combine(day, self.end, tzinfo=LONDON)
        return end.astimezone(datetime.UTC)


def parse_quiet_hours(raw: str | None) -> QuietHours | None:
    """ "21:00-08:00" → QuietHours; "off" or "" → None. Anything else raises ValueError."""
    value = (raw or "").strip().lower()
    if value in ("", "off", "none"):
        return None
    match = _PATTERN.match(value.replace(" ", ""))
    if not match:
        raise ValueError(f"quiet hours must look like 21:00-08:00 or be 'off', not {raw!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = datetime.time(h1, m1), datetime.time(h2, m2)
    if start == end:
        raise ValueError("quiet hours must start and end at different times")
    return QuietHours(start=start, end=end)
