"""Own figures: a link worker's own cases, a lead's team, a provider's own services."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwell.casework.models import Case
from linkwell.reports.dashboard import Period
from linkwell.reports.own_figures import caseload_table, outcomes_table, scopes_for

from .conftest import at, build_referral


def period():
    today = timezone.localdate()
    return Period(today - datetime.timedelta(days=365), today)


@pytest.fixture
def caseloads(referrer, practice, link_worker, colleague):
    for i in range(6):
        build_referral(referrer, practice, link_worker, created_days_ago=30 + i, contact_after=1,
                       swemwbs=(20, 24 + i))  # fmt: skip
    for i in range(2):
        build_referral(referrer, practice, colleague, created_days_ago=30 + i, contact_after=1)
    closed = Case.objects.filter(link_worker=link_worker).order_by("pk")[:5]
    for case in closed:
        Case.objects.filter(pk=case.pk).update(opened_at=at(40), discharged_at=at(30))


@pytest.mark.django_db
def test_a_link_worker_sees_only_their_own_cases(caseloads, link_worker):
    (scope,) = scopes_for(link_worker)
    assert scope.kind == "link_worker"
    rows = [[c.data() for c in row] for row in caseload_table(scope, period()).publish().cells]
    assert rows == [["Lina Worker", 6, 5, pytest.approx(10.0, abs=0.01), "<5"]]


@pytest.mark.django_db
def test_a_lead_sees_the_team_by_link_worker(caseloads, lead):
    (scope,) = scopes_for(lead)
    assert scope.kind == "lead"
    rows = [[c.data() for c in row] for row in caseload_table(scope, period()).publish().cells]
    names = [r[0] for r in rows]
    assert names == ["Colin Colleague", "Lina Worker", "Whole team"]
    assert rows[2][1] == 8


@pytest.mark.django_db
def test_outcomes_of_my_cases_use_the_paired_change(caseloads, link_worker):
    (scope,) = scopes_for(link_worker)
    row = [c.data() for c in outcomes_table(scope, period()).publish().cells[0]]
    assert row[0] == "SWEMWBS metric score" and row[1] == 6
    assert row[2] == pytest.approx(6.5)  # changes 4..9


@pytest.mark.django_db
def test_the_page_shows_the_tables(client, caseloads, link_worker):
    client.force_login(link_worker)
    body = client.get(reverse("reports:mine")).content.decode()
    assert "Caseload throughput" in body and "Contacts and minutes" in body
    assert "Colin Colleague" not in body


@pytest.mark.django_db
def test_a_bad_period_on_my_figures_is_explained(client, link_worker):
    client.force_login(link_worker)
    response = client.get(reverse("reports:mine"), {"from": "2099-01-01"})
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()


@pytest.mark.django_db
def test_a_provider_sees_only_its_own_services(client, provider):
    (scope,) = scopes_for(provider)
    assert scope.kind == "provider"
    client.force_login(provider)
    body = client.get(reverse("reports:mine")).content.decode()
    assert "Utilisation of places" in body and "Attendance and drop-out by service" in body
