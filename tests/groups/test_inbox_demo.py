"""The demo gives the provider an inbox with replies in every state, and a couple of unmet
needs; it is the same for the same seed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from linkwell.accounts.models import User
from linkwell.casework.models import UnmetNeed
from linkwell.groups.models import OnwardKind, ServiceReferral
from linkwell.groups.onward import inbox_for

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
def test_the_demo_provider_has_referrals_awaiting_a_reply_and_answered(demo):
    provider = User.objects.get(email="provider@example.org")
    statuses = {r.status for r in inbox_for(provider)}
    assert {"requested", "accepted", "rejected", "on-hold", "in-progress", "completed"} <= statuses
    assert "failed" in statuses  # one lapsed without a reply
    assert ServiceReferral.objects.filter(kind=OnwardKind.SIGNPOSTED).exists()
    assert UnmetNeed.objects.count() >= 2
    for onward in ServiceReferral.objects.filter(kind=OnwardKind.REFERRAL):
        assert onward.consent_recorded_at is not None and onward.events.exists()
        assert onward.created_at.date() <= TODAY


@pytest.mark.django_db
def test_the_demo_shows_reply_figures_for_the_busiest_service(demo):
    from linkwell.groups.onward import reply_figures

    ids = set(ServiceReferral.objects.values_list("service_id", flat=True))
    assert any(f.enough for f in reply_figures(ids).values())
