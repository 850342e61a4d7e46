"""The demo as `linkwell demo` loads it (dated from today), for the provider side: funding,
costs, noticeboard, feedback, notes and concerns, and an inbox a provider can answer.

One load for the whole module (loading the demo is the slowest thing in the suite); each test
runs in its own savepoint, so the one that answers a referral changes nothing for the others.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.groups import funding
from linkwell.groups.models import Concern, Feedback, FundingSource, ServiceCost, SessionNote
from linkwell.groups.onward import inbox_for
from linkwell.messaging.models import StaffNotification
from linkwell.noticeboard.models import Post, Reply
from linkwell.referrals.models import Status

from .test_provider_journey import html_of, signed_in


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


@pytest.mark.django_db
def test_demo_has_feedback_notes_and_an_acknowledged_and_an_open_urgent_concern(demo):
    assert Feedback.objects.filter(booking__isnull=False).exists()
    assert Feedback.objects.filter(booking__isnull=True).exists()
    assert SessionNote.objects.filter(share_with_link_worker=True).exists()
    assert SessionNote.objects.filter(share_with_link_worker=False).exists()
    acknowledged = Concern.objects.get(acknowledged_at__isnull=False)
    open_urgent = Concern.objects.get(acknowledged_at__isnull=True, severity="urgent")
    for concern in (acknowledged, open_urgent):
        assert concern.raised_by.email == "provider@example.org"
        assert concern.case.link_worker.email == "linkworker@example.org"


@pytest.mark.django_db
def test_on_the_demo_the_provider_accepts_a_referral_awaiting_a_reply(demo):
    provider = User.objects.get(email="provider@example.org")
    facilitator = signed_in(provider)
    waiting = [r for r in inbox_for(provider) if r.status == Status.REQUESTED]
    assert waiting, "the demo inbox has referrals awaiting a reply"
    inbox = html_of(facilitator.get(reverse("groups:inbox")))
    onward = waiting[0]
    assert reverse("groups:inbox_detail", args=[onward.pk]) in inbox
    assert onward.shared_first_name in html_of(
        facilitator.get(reverse("groups:inbox_detail", args=[onward.pk]))
    )
    response = facilitator.post(
        reverse("groups:inbox_respond", args=[onward.pk]), {"response": Status.ACCEPTED}
    )
    assert response.status_code == 302
    onward.refresh_from_db()
    assert onward.status == Status.ACCEPTED and onward.first_response == Status.ACCEPTED
    link_worker = onward.case.link_worker
    assert link_worker is not None
    assert StaffNotification.objects.filter(user=link_worker, kind="provider_replied").exists()
