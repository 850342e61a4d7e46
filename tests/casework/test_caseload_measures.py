"""Measures due and overdue on the caseload: per row, a filter, and no N+1."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from cast import make_org, make_user, submit_referral
from linkwell.accounts.models import OrganisationKind, Role
from linkwell.casework.models import Case
from linkwell.casework.selectors import CaseloadFilters, caseload_for
from linkwell.outcomes.selectors import due_on_cases, overdue_case_q
from linkwell.outcomes.services import measurement_record
from linkwell.referrals.models import Referral, ReferralRoute, Status
from linkwell.referrals.services import referral_transition

pytestmark = pytest.mark.django_db

SWEMWBS = {f"item{n}": 3 for n in range(1, 8)}


def _accept(link_worker, referral, days_ago=0):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    at = timezone.now() - datetime.timedelta(days=days_ago)
    Referral.objects.filter(pk=referral.pk).update(accepted_at=at)
    return Case.objects.select_related("referral").get(referral=referral)


def test_a_row_shows_measures_due_and_overdue(client, link_worker, referrer, practice):
    fresh = _accept(link_worker, submit_referral(referrer, practice))
    old = _accept(link_worker, submit_referral(referrer, practice), days_ago=20)
    client.force_login(link_worker)
    response = client.get(reverse("casework:caseload"))
    cases = {c.pk: c for c in response.context["cases"]}
    assert [d.status for d in cases[fresh.pk].measures_due] == ["due"]
    assert [d.status for d in cases[old.pk].measures_due] == ["overdue"]
    assert cases[old.pk].measures_due[0].instruments == ["SWEMWBS", "ONS4", "EQ5D5L", "UCLA3"]
    html = response.content.decode()
    assert "Baseline: SWEMWBS, ONS4, EQ-5D-5L, UCLA-3" in html


def test_recorded_measures_are_no_longer_due(link_worker, referrer, practice):
    case = _accept(link_worker, submit_referral(referrer, practice), days_ago=20)
    measurement_record(
        actor=link_worker,
        referral_id=case.referral_id,
        instrument="SWEMWBS",
        timepoint="baseline",
        answers=SWEMWBS,
        mode="paper",
    )
    (due,) = due_on_cases([case])[case.pk]
    assert "SWEMWBS" not in due.instruments and due.status == "overdue"


def test_the_measures_overdue_filter(client, link_worker, referrer, practice):
    _accept(link_worker, submit_referral(referrer, practice))
    old = _accept(link_worker, submit_referral(referrer, practice), days_ago=20)
    client.force_login(link_worker)
    response = client.get(reverse("casework:caseload"), {"measures_overdue_only": "on"})
    assert [c.pk for c in response.context["cases"]] == [old.pk]
    assert "Only cases with outcome measures overdue" in response.content.decode()


def test_the_caseload_costs_the_same_queries_for_3_or_25_cases(
    client, link_worker, referrer, practice, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        _accept(link_worker, submit_referral(referrer, practice), days_ago=n * 10)
    client.force_login(link_worker)
    client.get(reverse("casework:caseload"))  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("casework:caseload"))
    for n in range(22):
        _accept(link_worker, submit_referral(referrer, practice), days_ago=n * 5)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("casework:caseload"))
    assert len(response.context["cases"]) == 25
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("casework:caseload"), {"measures_overdue_only": "on"})
    assert response.context["cases"]


class OverdueRuleMatches(HypothesisTestCase):
    """The SQL filter and the per-row rule agree, whatever the acceptance date and records."""

    @classmethod
    def setUpTestData(cls):
        practice = make_org("Practice", OrganisationKind.GP_PRACTICE)
        service = make_org("LWS", OrganisationKind.LINK_WORKER_SERVICE)
        ReferralRoute.objects.create(service=service, is_default=True)
        cls.worker = make_user("lw@example.org", service, Role.LINK_WORKER)
        cls.referrer = make_user("r@example.org", practice, Role.REFERRER)
        cls.case = _accept(cls.worker, submit_referral(cls.referrer, practice))

    @settings(max_examples=30, deadline=None)
    @given(days_ago=st.integers(0, 200), baseline_done=st.booleans())
    def test_sql_and_python_agree(self, days_ago, baseline_done):
        Referral.objects.filter(pk=self.case.referral_id).update(
            accepted_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
        case = Case.objects.select_related("referral").get(pk=self.case.pk)
        from linkwell.outcomes.models import Measurement

        Measurement.objects.filter(case=case).delete()
        if baseline_done:
            for code in ("SWEMWBS",):
                measurement_record(
                    actor=self.worker,
                    referral_id=case.referral_id,
                    instrument=code,
                    timepoint="baseline",
                    answers=SWEMWBS,
                    mode="paper",
                )
        in_python = any(d.status == "overdue" for d in due_on_cases([case])[case.pk])
        in_sql = Case.objects.filter(overdue_case_q(), pk=case.pk).exists()
        assert in_python == in_sql
        listed = caseload_for(self.worker, CaseloadFilters(measures_overdue_only=True))
        assert (case.pk in {c.pk for c in listed}) == in_python


def test_the_team_view_counts_cases_with_measures_overdue(
    client, link_worker, lead, referrer, practice
):
    _accept(link_worker, submit_referral(referrer, practice))
    _accept(link_worker, submit_referral(referrer, practice), days_ago=20)
    client.force_login(lead)
    html = client.get(reverse("casework:team")).content.decode()
    assert "1 case with outcome measures overdue" in html
    assert "Baseline measures overdue" in html
