"""Demo outcome measures: baseline and 12-week follow-up for accepted demo referrals.

Called once at the end of ``linkwell.demo.load_demo``. Deterministic for a given rng. Scores
come from the same pure scorer the product uses; rows are bulk-created (the demo's referral
histories are likewise written in bulk and restamped).
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings

from linkwell.referrals.models import Referral, Status

from .instruments import INSTRUMENTS, eq5d5l, to_json
from .models import Measurement, Mode

DEMO_INSTRUMENTS = ("SWEMWBS", "ONS4", "EQ5D5L", "UCLA3")
FOLLOW_UP_DAYS = 84


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _answers(code: str, rng: random.Random, wellbeing: float) -> dict[str, object]:
    """Plausible answers for a person whose wellbeing is ``wellbeing`` (0 worst, 1 best)."""

    def level(low: int, high: int, *, reverse: bool = False) -> int:
        centre = low + (high - low) * (1 - wellbeing if reverse else wellbeing)
        return _clamp(round(rng.gauss(centre, (high - low) / 6)), low, high)

    instrument = INSTRUMENTS[code]
    if code == "ONS4":
        return {item.key: level(0, 10, reverse=item.key == "anxiety") for item in instrument.items}
    if code == "EQ5D5L":
        answers: dict[str, object] = {
            dim: level(1, 3, reverse=True) if rng.random() < 0.7 else level(1, 5, reverse=True)
            for dim in eq5d5l.DIMENSIONS
        }
        answers["vas"] = level(20, 95)
        return answers
    if code == "UCLA3":
        return {item.key: level(1, 3, reverse=True) for item in instrument.items}
    return {item.key: level(1, 5) for item in instrument.items}


def load_outcomes_demo(
    rng: random.Random, *, today: datetime.date, now: datetime.datetime, limit: int = 80
) -> int:
    """Record baseline (and, where 12 weeks have passed, follow-up) measures; return the count."""
    referrals = list(
        Referral.objects.filter(
            status__in=[Status.IN_PROGRESS, Status.ON_HOLD, Status.COMPLETED],
            accepted_at__isnull=False,
        ).order_by("accepted_at", "pk")
    )
    rng.shuffle(referrals)
    value_set = settings.LINKWELL_EQ5D_VALUE_SET
    rows: list[Measurement] = []
    for referral in sorted(referrals[:limit], key=lambda r: r.pk):
        baseline_at = referral.accepted_at + datetime.timedelta(days=rng.randint(0, 10))
        follow_at = referral.accepted_at + datetime.timedelta(
            days=FOLLOW_UP_DAYS + rng.randint(-3, 10)
        )
        if baseline_at > now:
            continue
        start = rng.uniform(0.2, 0.55)
        gain = rng.choice((0.0, 0.05, 0.15, 0.25, 0.3))
        moments = [("baseline", baseline_at, start)]
        if follow_at <= now:
            moments.append(("follow_up_12w", follow_at, min(1.0, start + gain)))
        for timepoint, at, wellbeing in moments:
            for code in DEMO_INSTRUMENTS:
                answers = _answers(code, rng, wellbeing)
                scores = INSTRUMENTS[code].score(answers, value_set if code == "EQ5D5L" else None)
                rows.append(
                    Measurement(
                        person_id=referral.person_id,
                        referral=referral,
                        instrument=code,
                        timepoint=timepoint,
                        answers=answers,
                        scores=to_json(scores),
                        value_set=str(scores.get("value_set") or ""),
                        mode=rng.choice((Mode.ASSISTED, Mode.ASSISTED, Mode.PAPER)),
                        entered_by_id=referral.allocated_to_id,
                        completed_at=at,
                        created_at=at,
                    )
                )
    Measurement.objects.bulk_create(rows, batch_size=500)
    return len(rows)
