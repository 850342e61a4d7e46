"""The demo gives accepted referrals cases with contacts and plans, and completed ones a summary."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from linkwell.casework.models import Case, Contact, GoalProgress, PlanGoal
from linkwell.referrals.models import Referral, Status

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "load_demo", "--seed", "2026", "--today", TODAY.isoformat(), stdout=io.StringIO()
        )
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_accepted_demo_referral_has_a_case_with_contacts(demo):
    accepted = Referral.objects.filter(accepted_at__isnull=False)
    assert accepted.exists()
    assert Case.objects.count() == accepted.count()
    assert Contact.objects.values("case").distinct().count() == accepted.count()
    assert PlanGoal.objects.exists() and GoalProgress.objects.exists()
    for case in Case.objects.select_related("referral"):
        assert case.link_worker_id == case.referral.allocated_to_id
        assert case.opened_at == case.referral.accepted_at


@pytest.mark.django_db
def test_completed_demo_cases_carry_a_discharge_summary(demo):
    completed = Case.objects.filter(referral__status=Status.COMPLETED)
    assert completed.exists()
    for case in completed:
        assert case.discharged_at is not None and case.discharge_reason is not None
        assert "Needs at referral" in case.discharge_summary
    open_cases = Case.objects.filter(referral__status=Status.IN_PROGRESS)
    assert not open_cases.filter(discharged_at__isnull=False).exists()
