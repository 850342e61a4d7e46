"""The measures-due job tells the allocated link worker once per case and timepoint."""

import datetime

import pytest
from django.utils import timezone

from linkwell.jobs import registered_jobs, run_all_jobs
from linkwell.messaging.models import StaffNotification
from linkwell.outcomes.jobs import measures_due_notify
from linkwell.outcomes.models import MeasureDueNotice
from linkwell.outcomes.services import measurement_record
from linkwell.referrals.models import Referral

from .conftest import SWEMWBS_21

pytestmark = pytest.mark.django_db


def _accepted_days_ago(referral, days):
    at = timezone.now() - datetime.timedelta(days=days)
    Referral.objects.filter(pk=referral.pk).update(accepted_at=at)


def test_the_job_is_registered():
    assert "outcomes.measures_due" in {job.name for job in registered_jobs()}


def test_the_link_worker_is_told_once_when_baseline_falls_due(accepted, link_worker):
    assert measures_due_notify() == 1
    (note,) = StaffNotification.objects.filter(kind="measurement_due")
    assert note.user_id == link_worker.pk
    assert accepted.reference in note.title and "Baseline" in note.title
    assert accepted.person.given_name not in note.title + note.body  # never personal data
    assert "SWEMWBS" in note.body
    assert note.url == f"/casework/cases/{accepted.case.pk}/"
    # Running again (or on a second worker) tells nobody twice.
    assert measures_due_notify() == 0
    assert run_all_jobs(only="outcomes.measures_due") == {"outcomes.measures_due": 0}
    assert StaffNotification.objects.filter(kind="measurement_due").count() == 1


def test_each_timepoint_is_told_when_it_falls_due(accepted, link_worker):
    for code in ("SWEMWBS", "ONS4", "EQ5D5L", "UCLA3"):
        answers = (
            SWEMWBS_21
            if code == "SWEMWBS"
            else {
                "ONS4": {"life_satisfaction": 5, "worthwhile": 5, "happiness": 5, "anxiety": 5},
                "EQ5D5L": {
                    "mobility": 1,
                    "self_care": 1,
                    "usual_activities": 2,
                    "pain_discomfort": 2,
                    "anxiety_depression": 3,
                    "vas": 60,
                },
                "UCLA3": {"item1": 2, "item2": 2, "item3": 2},
            }[code]
        )
        measurement_record(
            actor=link_worker,
            referral_id=accepted.pk,
            instrument=code,
            timepoint="baseline",
            answers=answers,
            mode="assisted",
        )
    assert measures_due_notify() == 0  # baseline recorded: nothing due
    _accepted_days_ago(accepted, 84)
    assert measures_due_notify() == 1
    assert set(MeasureDueNotice.objects.values_list("timepoint", flat=True)) == {"follow_up_12w"}


def test_closed_or_unallocated_cases_are_left_alone(accepted):
    case = accepted.case
    case.link_worker = None
    case.save()
    assert measures_due_notify() == 0
    assert not MeasureDueNotice.objects.exists()
