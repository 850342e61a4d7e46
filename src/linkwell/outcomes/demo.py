"""Demo outcome measures: baseline and 12-week follow-up for accepted demo referrals, each on
its case, and one questionnaire a person completed from a self-completion link.

Called once at the end of ``linkwell.demo.load_demo``. Deterministic for a given rng. Scores
come from the same pure scorer the product uses; rows are bulk-created (the demo's referral
histories are likewise written in bulk and restamped).
"""

from __future__ import annotations

import datetime
import hashlib
import random

from django.conf import settings

from linkwell.casework.models import Case
from linkwell.referrals.models import Referral, Status

from .instruments import INSTRUMENTS, eq5d5l, to_json
from .models import Measurement, Mode, SelfCompletionLink
from .self_completion import LINK_DAYS

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
    case_of = dict(
        Case.objects.filter(referral_id__in={r.referral_id for r in rows}).values_list(
            "referral_id", "pk"
        )
    )
    for row in rows:
        row.case_id = case_of.get(row.referral_id)
    Measurement.objects.bulk_create(rows, batch_size=500)
    return len(rows) + _completed_self_completion(rng, now=now)


def _completed_self_completion(rng: random.Random, *, now: datetime.datetime) -> int:
    """One questionnaire the person completed from a link (ONS4, in their language), on an
    open case that already has a baseline: the link is spent, so it is never usable."""
    measured = Measurement.objects.filter(timepoint="baseline", case__isnull=False).values(
        "referral_id"
    )
    referral = (
        Referral.objects.filter(
            status=Status.IN_PROGRESS, pk__in=measured, allocated_to__isnull=False
        )
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if referral is None:
        return 0
    sent_at = max(referral.accepted_at, now - datetime.timedelta(days=3))
    done_at = min(now, sent_at + datetime.timedelta(hours=rng.randint(2, 30)))
    answers = _answers("ONS4", rng, rng.uniform(0.4, 0.7))
    scores = INSTRUMENTS["ONS4"].score(answers)
    measurement = Measurement.objects.create(
        person_id=referral.person_id,
        referral=referral,
        case=Case.objects.filter(referral=referral).first(),
        instrument="ONS4",
        timepoint="other",
        answers=answers,
        scores=to_json(scores),
        mode=Mode.SELF,
        entered_by=None,
        completed_at=done_at,
        created_at=done_at,
    )
    token = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32))
    SelfCompletionLink.objects.create(
        referral=referral,
        person_id=referral.person_id,
        instrument="ONS4",
        timepoint="other",
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_by_id=referral.allocated_to_id,
        created_at=sent_at,
        expires_at=sent_at + datetime.timedelta(days=LINK_DAYS),
        used_at=done_at,
        measurement=measurement,
    )
    return 1
