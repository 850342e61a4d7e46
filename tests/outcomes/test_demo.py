"""The demo has baseline and follow-up measures a demo link worker can open and see change."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from linkwell.outcomes.models import Measurement

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # Load once for the module; the outer transaction is rolled back afterwards.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--seed", "2026", "--today", "2026-06-30", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_records_baseline_and_follow_up_measures_with_change(demo, client):
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


def test_the_demo_case_page_shows_change_and_a_completed_self_completion(demo, client):
    from linkwell.casework.models import Case
    from linkwell.outcomes.models import SelfCompletionLink

    # Every demo measurement sits on its case.
    assert not Measurement.objects.filter(case__isnull=True).exists()
    follow_up = (
        Measurement.objects.filter(timepoint="follow_up_12w", instrument="SWEMWBS")
        .select_related("case__link_worker")
        .first()
    )
    client.force_login(follow_up.case.link_worker)
    html = client.get(reverse("casework:case", args=[follow_up.case_id])).content.decode()
    assert "SWEMWBS metric score" in html and "12-week follow-up" in html
    assert "SWEMWBS – Baseline:" in html  # on the timeline
    # A person completed a questionnaire from a link: the link is spent, the measure is theirs.
    link = SelfCompletionLink.objects.select_related("measurement").get()
    assert link.used_at is not None and link.measurement.mode == "self"
    assert link.measurement.case_id == Case.objects.get(referral=link.referral).pk
    client.force_login(link.referral.allocated_to)
    html = client.get(reverse("casework:case", args=[link.measurement.case_id])).content.decode()
    assert "ONS4 – Other:" in html
