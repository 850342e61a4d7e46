"""The demo has funding, session costs and noticeboard posts with figures to show."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.groups import funding
from linkwell.groups.models import FundingSource, ServiceCost
from linkwell.noticeboard.models import Post, Reply


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--seed", "2026", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_demo_provider_has_funding_costs_and_cost_per_attendance(demo):
    provider = User.objects.get(email="provider@example.org")
    services = funding.funding_services_for(provider).filter(places_per_session__isnull=False)
    assert services.exists()
    assert FundingSource.objects.filter(service__isnull=True).count() == 2
    assert ServiceCost.objects.filter(service__in=services).exists()
    today = timezone.localdate()
    figures = funding.service_costs(
        services=services, start=funding.uk_financial_year_start(today), end=today
    )
    assert any(f.cost_per_attendance is not None for f in figures)
    funded = set(
        FundingSource.objects.filter(service__in=services).values_list("service", flat=True)
    )
    assert funded
    assert all(f.funding_total > 0 for f in figures if f.service_id in funded)


@pytest.mark.django_db
def test_the_demo_noticeboard_has_a_dozen_posts_with_replies(demo):
    assert Post.objects.filter(deleted_at__isnull=True).count() == 12
    assert Reply.objects.count() >= 15
    authors = set(Post.objects.values_list("author__email", flat=True))
    assert {"provider@example.org", "lead@example.org", "referrer@example.org"} <= authors
