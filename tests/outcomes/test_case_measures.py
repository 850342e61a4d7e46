"""Measurements belong to the case: set when recorded, filled by the migration, on the case
timeline ("SWEMWBS – Baseline: 21.54") and in the case page's change-from-baseline panel."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from linkwell.casework.models import Case
from linkwell.casework.selectors import case_timeline
from linkwell.outcomes import selectors
from linkwell.outcomes.models import Measurement
from linkwell.outcomes.self_completion import self_completion_link_create, self_completion_submit
from linkwell.outcomes.services import measurement_record

from .conftest import SWEMWBS_21, SWEMWBS_25

pytestmark = pytest.mark.django_db


def _record(actor, referral, answers, timepoint, days_ago=0):
    return measurement_record(
        actor=actor,
        referral_id=referral.pk,
        instrument="SWEMWBS",
        timepoint=timepoint,
        answers=answers,
        mode="assisted",
        completed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def test_a_measurement_recorded_on_an_accepted_referral_belongs_to_its_case(accepted, link_worker):
    m = _record(link_worker, accepted, SWEMWBS_21, "baseline")
    assert m.case_id == Case.objects.get(referral=accepted).pk


def test_a_self_completed_measurement_belongs_to_the_case(accepted, link_worker):
    _link, token = self_completion_link_create(
        actor=link_worker, referral_id=accepted.pk, instrument="ONS4", timepoint="baseline"
    )
    m = self_completion_submit(
        token=token,
        answers={"life_satisfaction": 6, "worthwhile": 7, "happiness": 5, "anxiety": 2},
    )
    assert m.case_id == accepted.case.pk


def test_the_migration_fills_the_case_of_earlier_measurements(accepted, link_worker):
    m = _record(link_worker, accepted, SWEMWBS_21, "baseline")
    Measurement.objects.filter(pk=m.pk).update(case=None)
    migration = importlib.import_module("linkwell.outcomes.migrations.0003_measurement_case")
    migration.fill_case_from_referral(apps, None)
    m.refresh_from_db()
    assert m.case_id == accepted.case.pk


def test_each_measurement_is_on_the_case_timeline(accepted, link_worker):
    _record(link_worker, accepted, SWEMWBS_21, "baseline", days_ago=1)
    titles = [e.title for e in case_timeline(accepted.case) if e.kind == "measurement"]
    assert titles == ["SWEMWBS – Baseline: 19.25"]


def test_the_timeline_source_is_one_query_however_many_measurements(
    accepted, link_worker, django_assert_num_queries
):
    for n in range(6):
        _record(link_worker, accepted, SWEMWBS_21, "other", days_ago=n)
    case = Case.objects.get(referral=accepted)
    with django_assert_num_queries(1):
        entries = selectors.case_timeline_entries(case)
    assert len(entries) == 6


def test_the_case_page_shows_change_from_baseline(accepted, client, link_worker):
    _record(link_worker, accepted, SWEMWBS_21, "baseline", days_ago=1)
    _record(link_worker, accepted, SWEMWBS_25, "follow_up_12w")
    client.force_login(link_worker)
    html = client.get(reverse("casework:case", args=[accepted.case.pk])).content.decode()
    assert "Outcome measures" in html
    assert "SWEMWBS metric score" in html
    assert "19.25" in html and "22.35" in html and "+3.10" in html
    assert "Meaningful improvement" in html  # 3.10 >= 2.87 (Shah et al. 2018)
    assert "SWEMWBS – 12-week follow-up: 22.35" in html  # on the timeline too
    assert reverse("outcomes:referral", args=[accepted.pk]) in html


def test_the_case_page_says_which_measures_are_due(accepted, client, link_worker):
    client.force_login(link_worker)
    html = client.get(reverse("casework:case", args=[accepted.case.pk])).content.decode()
    # Accepted today: the baseline measures are due now.
    assert "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS) – Baseline" in html
    assert "No measures recorded yet." not in html


def test_a_colleague_sees_the_panel_but_no_record_link_wording(accepted, client, colleague):
    client.force_login(colleague)
    html = client.get(reverse("casework:case", args=[accepted.case.pk])).content.decode()
    assert "All outcome measures" in html
    assert "Record a measure or send a link" not in html
