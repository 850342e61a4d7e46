"""Dashboard figures from hand-built records: counts, waits, outcome change, equity, no data."""

import datetime
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwell.reports import dashboard as d
from linkwell.reports.evaluation import paired_change


def period(**kw):
    today = timezone.localdate()
    return d.Period(today - datetime.timedelta(days=365), today, **kw)


def table(tables, name):
    return next(t for t in tables if t.name == name)


def cells(t):
    return [[c.data() for c in row] for row in t.publish().cells]


@pytest.fixture
def seven(build):
    """Seven referrals: contact after 1..7 days, plan after 5..11 days, SWEMWBS 20 -> 22..28."""
    return [
        build(
            created_days_ago=60 + i,
            contact_after=i + 1,
            plan_after=i + 5,
            swemwbs=(20.0, 22.0 + i),
            goals_met=i < 5,
        )
        for i in range(7)
    ]


@pytest.mark.django_db
def test_pathway_counts_and_waits_match_the_records(seven, build):
    build(created_days_ago=10)  # referred, nothing else yet
    facts = d.pathway_facts(period())
    overall = facts[d.ALL][d.ALL]
    assert (overall.referred, overall.contacted, overall.planned, overall.goals_met) == (8, 7, 7, 5)
    assert overall.contact_n == 7
    assert overall.contact_median == pytest.approx(4.0, abs=0.01)  # 1..7 days
    assert overall.contact_p90 == pytest.approx(6.4, abs=0.01)  # percentile_cont definition
    assert overall.plan_median == pytest.approx(8.0, abs=0.01)
    funnel = cells(table(d.pathway_tables(facts), "pathway"))
    assert funnel[0][1:] == [8, 100.0]
    assert funnel[1][1] == 7 and funnel[5][1] == 5


@pytest.mark.django_db
def test_outcome_change_equals_the_evaluation_toolkit(seven):
    moments = d.outcome_moments(period())
    tables = d.outcome_tables(moments)
    row = cells(table(tables, "outcome-change"))[0]
    expected = paired_change([20.0] * 7, [22.0 + i for i in range(7)], threshold=2.87)
    assert row[1] == 7
    assert row[2] == pytest.approx(expected.mean_change, abs=1e-4)
    assert row[3] == pytest.approx(expected.ci_low, abs=1e-4)
    assert row[4] == pytest.approx(expected.ci_high, abs=1e-4)
    assert row[5] == 6  # changes of 3..8 reach 2.87; the change of 2 does not
    assert row[6] == pytest.approx(100 * expected.share_improved, abs=1e-3)


@pytest.mark.django_db
def test_equity_shows_each_group_and_its_difference_from_everyone(build):
    for i in range(6):
        build(created_days_ago=40 + i, contact_after=2, language="en", interpreter_needed=False)
    for i in range(6):
        build(created_days_ago=40 + i, contact_after=6 if i < 5 else None, language="pl",
              interpreter_needed=False)  # fmt: skip
    tables = d.equity_tables(d.pathway_facts(period()))
    rows = {r[0]: r for r in cells(table(tables, "equity-language"))}
    english, other, everyone = rows["English"], rows["Not English, no interpreter"], rows["All"]
    assert english[1:4] == [6, 6, 100.0]
    assert other[1:4] == [6, 5, pytest.approx(100 * 5 / 6, abs=1e-3)]
    assert everyone[1:3] == [12, 11]
    assert english[4] == pytest.approx(
        100.0 - 100 * 11 / 12, abs=1e-3
    )  # difference from all, in points
    assert other[4] == pytest.approx(100 * 5 / 6 - 100 * 11 / 12, abs=1e-3)
    assert rows["Needs an interpreter"][1] == 0


@pytest.mark.django_db
def test_small_equity_counts_are_hidden_with_whatever_would_give_them_away(build):
    for i in range(6):
        build(created_days_ago=40 + i, contact_after=2, language="en", interpreter_needed=False)
    for i in range(6):
        build(created_days_ago=40 + i, contact_after=6 if i < 3 else None, language="pl",
              interpreter_needed=False)  # fmt: skip
    tables = d.equity_tables(d.pathway_facts(period()))
    rows = {r[0]: r for r in cells(table(tables, "equity-language"))}
    english, other, everyone = rows["English"], rows["Not English, no interpreter"], rows["All"]
    assert other[1:5] == [6, "<5", "[c]", "[c]"]  # 3 contacted: hidden, with its rate
    # All = 9 contacted is published, so English's 6 is hidden too (9 - 6 would give 3 away).
    assert everyone[2] == 9 and english[2] == "[c]" and english[3] == "[c]"


@pytest.mark.django_db
def test_the_area_filter_counts_only_people_living_there(build):
    build(created_days_ago=20, postcode="SR1 1AA")
    build(created_days_ago=20, postcode="SR4 7AA")
    only = d.pathway_facts(period(area="SR4"))[d.ALL][d.ALL]
    assert only.referred == 1
    nobody = d.dashboard_tables(period(area="NE1"))
    assert all(t.is_empty for t in nobody if not t.name.startswith("equity-age"))


@pytest.mark.django_db
def test_a_period_with_no_data_says_so_and_never_divides_by_zero(commissioner, client):
    tables = d.dashboard_tables(period())
    for t in tables:
        for row in t.publish().cells:
            for cell in row:
                value = cell.value
                assert not (isinstance(value, float) and math.isnan(value))
    client.force_login(commissioner)
    response = client.get(reverse("reports:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "No referrals in this period." in body
    assert "nan" not in body.lower().replace("nanum", "") and "NaN" not in body


def _count_queries(p):
    with CaptureQueriesContext(connection) as ctx:
        d.dashboard_tables(p)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_data(build):
    build(created_days_ago=30, contact_after=1, plan_after=2, swemwbs=(20, 25))
    few = _count_queries(period())
    for i in range(6):
        build(created_days_ago=31 + i, contact_after=1, plan_after=2, swemwbs=(20, 22 + i),
              goals_met=True, postcode="SR4 7AA", sex="male")  # fmt: skip
    many = _count_queries(period())
    assert few == many
    assert many <= 40


@pytest.mark.django_db
def test_the_dashboard_page_stays_within_its_query_budget(
    seven, commissioner, client, django_assert_max_num_queries
):
    client.force_login(commissioner)
    with django_assert_max_num_queries(50):
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2026-02-30"}, "from", "Enter a real date"),
        ({"from": "2099-01-01", "to": "2099-02-01"}, "from", "today or in the past"),
        ({"from": "2025-06-01", "to": "2025-01-01"}, "to", "same as or after the start date"),
        ({"area": "not an area"}, "area", "Select a valid choice"),
    ],
)
def test_a_bad_period_is_explained_and_shows_no_figures(
    commissioner, client, seven, query, field, message
):
    client.force_login(commissioner)
    response = client.get(reverse("reports:dashboard"), query)
    assert response.status_code == 400
    body = response.content.decode()
    assert "nhsuk-error-summary" in body and message in body
    assert 'id="table-pathway"' not in body


@pytest.mark.django_db
def test_the_dashboard_shows_every_section_with_a_table_beside_each_chart(
    seven, commissioner, client
):
    client.force_login(commissioner)
    body = client.get(reverse("reports:dashboard")).content.decode()
    for _key, title in d.SECTIONS:
        assert f"<h2>{title}</h2>" in body
    assert body.count("<svg") >= 3
    # Every chart sits inside a table block that also holds a <table>.
    for block in body.split('class="lw-report-table"')[1:]:
        if "<svg" in block:
            assert "<table" in block
    assert 'role="img"' in body and "<title id=" in body and "<desc id=" in body
