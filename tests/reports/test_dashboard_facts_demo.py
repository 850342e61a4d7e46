"""The dashboard from its facts equals the live queries it replaced on the demo (a module of its
own: the demo stays loaded for the whole module)."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from linkwell.referrals.models import Referral
from linkwell.reports import facts
from linkwell.reports.models import ReferralFact

from .test_dashboard_facts import assert_same_tables, periods


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--seed", "2026", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_facts_give_the_live_figures_on_the_demo(demo):
    facts.refresh(full=True)
    assert ReferralFact.objects.count() == Referral.objects.count()
    assert sum(assert_same_tables(p) for p in periods()) > 500
