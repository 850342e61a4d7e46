"""The demo has baseline and follow-up measures a demo link worker can open and see change."""

import datetime

import pytest
from django.urls import reverse

from linkwell.demo import load_demo
from linkwell.outcomes.models import Measurement

pytestmark = pytest.mark.django_db


def test_the_demo_records_baseline_and_follow_up_measures_with_change(client):
    load_demo(seed=2026, today=datetime.date(2026, 6, 30))
    assert Measurement.objects.filter(timepoint="baseline").exists()
    follow_up = Measurement.objects.filter(timepoint="follow_up_12w", instrument="SWEMWBS").first()
    assert follow_up is not None
    assert all(m.completed_at >= m.referral.accepted_at for m in Measurement.objects.all())
    referral = follow_up.referral
    client.force_login(referral.allocated_to)
    page = client.get(reverse("outcomes:referral", args=[referral.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Change from baseline" in html and "12-week follow-up" in html
