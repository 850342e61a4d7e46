"""Builders for report tests: referrals with contacts, plans, measures and group activity."""

import datetime

import pytest
from django.utils import timezone

from cast import submit_referral
from linkwell.casework.models import Case, Contact, DischargeReason, PlanGoal
from linkwell.outcomes.models import Measurement
from linkwell.referrals.models import Referral, Status
from linkwell.referrals.services import referral_transition


def at(days_ago: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def build_referral(
    referrer,
    practice,
    link_worker,
    *,
    created_days_ago=30,
    contact_after=None,
    plan_after=None,
    goals_met=False,
    swemwbs=None,
    **person,
) -> Referral:
    """One referral made `created_days_ago` days ago; optionally accepted, contacted `contact_after`
    days later, a goal `plan_after` days later, discharged with goals met, and SWEMWBS
    (baseline, follow-up) metric scores."""
    referral = submit_referral(referrer, practice, **person)
    Referral.objects.filter(pk=referral.pk).update(created_at=at(created_days_ago))
    if contact_after is None and plan_after is None and swemwbs is None and not goals_met:
        return referral
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    case = Case.objects.get(referral=referral)
    if contact_after is not None:
        Contact.objects.create(
            case=case,
            at=at(created_days_ago - contact_after),
            mode="phone",
            minutes=20,
            successful=True,
            recorded_by=link_worker,
        )
    if plan_after is not None:
        goal = PlanGoal.objects.create(case=case, wording="Get out more", created_by=link_worker)
        PlanGoal.objects.filter(pk=goal.pk).update(created_at=at(created_days_ago - plan_after))
    if swemwbs is not None:
        for timepoint, value, days in (("baseline", swemwbs[0], 1), ("12w", swemwbs[1], 0.5)):
            Measurement.objects.create(
                person=referral.person,
                referral=referral,
                instrument="SWEMWBS",
                timepoint=timepoint,
                answers={},
                scores={"metric": value, "raw": 20},
                mode="assisted",
                completed_at=at(days),
            )
    if goals_met:
        Case.objects.filter(pk=case.pk).update(
            discharge_reason=DischargeReason.objects.get(code="goals_met"),
            discharged_at=timezone.now(),
        )
    return referral


@pytest.fixture
def refresh_facts():
    """Bring the dashboard's facts up to date (in full) after building data: the dashboard
    reads them, not the records (reports.facts)."""
    from linkwell.reports.facts import refresh

    return lambda: refresh(full=True)


@pytest.fixture
def build(referrer, practice, link_worker, refresh_facts):
    """build(**kwargs) -> a referral (build_referral), with the facts refreshed after it."""

    def _build(**kwargs):
        referral = build_referral(referrer, practice, link_worker, **kwargs)
        refresh_facts()
        return referral

    return _build
