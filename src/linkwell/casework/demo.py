"""Demo casework: cases for the demo's accepted referrals, with contacts, a plan and progress,
and a discharge summary for completed ones.

Called once at the end of ``linkwell.demo.load_demo``, after the referral histories are
restamped. Deterministic for a given rng; rows are bulk-created with times inside each
referral's history (the demo's referrals were moved by referral_transition, so each accepted
one already has its case through the casework hook; any without one get it here).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from linkwell.referrals.models import Referral, Status

from .models import (
    Case,
    Contact,
    ContactMode,
    DischargeReason,
    FollowUp,
    GoalProgress,
    PlanChange,
    PlanChangeKind,
    PlanGoal,
)
from .selectors import discharge_summary_draft

GOALS = [
    ("I want to get out of the house at least twice a week", "Try the walking group on Tuesdays"),
    ("I'd like to meet people who speak my language", "Visit the community centre coffee morning"),
    ("I want to sort out my money worries", "Book an appointment with Citizens Advice"),
    ("I want to feel less on my own in the evenings", "Join the befriending phone scheme"),
    ("I'd like to learn to use my phone for video calls", "Go to the library digital drop-in"),
    ("I want to get back into gardening", "Visit the community garden on Saturday"),
]
WHAT_MATTERS = [
    "Seeing my grandchildren and being well enough to look after them.",
    "Having someone to talk to. Since my wife died the days are very long.",
    "Getting my confidence back so I can go out on my own.",
    "Feeling part of the community again.",
]
MODES = [ContactMode.PHONE, ContactMode.PHONE, ContactMode.FACE_TO_FACE, ContactMode.HOME_VISIT]


def load_casework_demo(rng: random.Random, *, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    referrals = list(
        Referral.objects.filter(accepted_at__isnull=False)
        .select_related("person", "status_reason")
        .order_by("pk")
    )
    existing = {c.referral_id: c for c in Case.objects.all()}
    for referral in referrals:
        if referral.pk not in existing:
            existing[referral.pk] = Case.objects.create(
                referral=referral, person_id=referral.person_id
            )
    reasons = {r.code: r for r in DischargeReason.objects.all()}
    by_closure = {r.referral_reason_code: r for r in reasons.values()}
    contacts, goals_by_case, progress, follow_ups = [], {}, [], []
    cases = []
    for referral in referrals:
        case = existing[referral.pk]
        start = referral.accepted_at
        end = referral.closed_at or now
        span = max((end - start).total_seconds(), 3600)

        def at(fraction: float) -> datetime.datetime:
            return start + datetime.timedelta(seconds=span * fraction)  # noqa: B023

        case.link_worker_id = referral.allocated_to_id
        case.opened_at = start
        case.what_matters = rng.choice(WHAT_MATTERS)
        if rng.random() < 0.15:
            case.risk_flags = [rng.choice(["lone_working", "home_hazard", "safeguarding"])]
        for i in range(rng.randint(1, 4)):
            successful = referral.status != Status.FAILED and (i > 0 or rng.random() > 0.25)
            contacts.append(
                Contact(
                    case=case,
                    at=at(0.1 + 0.2 * i),
                    mode=rng.choice(MODES),
                    minutes=rng.choice([10, 20, 30, 45, 60, 90]),
                    successful=successful,
                    with_interpreter=referral.person.interpreter_needed and successful,
                    interpreter_language=(
                        referral.person.get_language_display()
                        if referral.person.interpreter_needed and successful
                        else ""
                    ),
                    recorded_by_id=referral.allocated_to_id,
                    recorded_at=at(0.1 + 0.2 * i),
                )
            )
        if referral.status != Status.FAILED:
            chosen = rng.sample(GOALS, rng.randint(1, 2))
            goals_by_case[case.pk] = [
                PlanGoal(
                    case=case,
                    wording=wording,
                    steps=steps,
                    who_does_what="Link worker finds the details; I go along.",
                    review_on=(
                        timezone.localdate(now) + datetime.timedelta(days=rng.randint(7, 42))
                        if referral.is_open
                        else None
                    ),
                    created_by_id=referral.allocated_to_id,
                    created_at=at(0.3),
                )
                for wording, steps in chosen
            ]
        if referral.is_open and rng.random() < 0.6:
            follow_ups.append(
                FollowUp(
                    case=case,
                    due=timezone.localdate(now) + datetime.timedelta(days=rng.randint(-3, 21)),
                    what=rng.choice(["Ring to see how the group went", "Check in after visit"]),
                    created_by_id=referral.allocated_to_id,
                    created_at=at(0.9),
                )
            )
        cases.append(case)
    Contact.objects.bulk_create(contacts, batch_size=500)
    all_goals = [g for goals in goals_by_case.values() for g in goals]
    PlanGoal.objects.bulk_create(all_goals, batch_size=500)
    changes = []
    for case in cases:
        goals = goals_by_case.get(case.pk, [])
        case.plan_version = len(goals)
        for version, goal in enumerate(goals, start=1):
            changes.append(
                PlanChange(
                    case=case,
                    version=version,
                    kind=PlanChangeKind.GOAL_ADDED,
                    goal=goal,
                    actor_id=goal.created_by_id,
                    at=goal.created_at,
                )
            )
            score = rng.randint(1, 4)
            steps = rng.randint(1, 3)
            for n in range(steps):
                score = min(10, score + rng.randint(0, 3))
                progress.append(
                    GoalProgress(
                        goal=goal,
                        score=score,
                        at=min(
                            goal.created_at + datetime.timedelta(days=7 * (n + 1)),
                            case.referral.closed_at or now,
                        ),
                        recorded_by_id=goal.created_by_id,
                    )
                )
        dues = [g.review_on for g in goals if g.review_on]
        case.next_action_due = min(dues) if dues else None
    PlanChange.objects.bulk_create(changes, batch_size=500)
    GoalProgress.objects.bulk_create(progress, batch_size=500)
    FollowUp.objects.bulk_create(follow_ups, batch_size=500)
    for follow_up in follow_ups:
        case = follow_up.case
        if case.next_action_due is None or follow_up.due < case.next_action_due:
            case.next_action_due = follow_up.due
    for case in cases:
        referral = case.referral
        if referral.status == Status.COMPLETED:
            code = referral.status_reason.code if referral.status_reason else "goals_met"
            case.discharge_reason = by_closure.get(code) or reasons.get("goals_met")
            case.discharged_at = referral.closed_at
            case.discharged_by_id = referral.allocated_to_id
            case.next_action_due = None
            case.discharge_summary = discharge_summary_draft(case)
    Case.objects.bulk_update(
        cases,
        [
            "link_worker",
            "opened_at",
            "what_matters",
            "risk_flags",
            "plan_version",
            "next_action_due",
            "discharge_reason",
            "discharged_at",
            "discharged_by",
            "discharge_summary",
        ],
        batch_size=200,
    )
    return len(cases)
