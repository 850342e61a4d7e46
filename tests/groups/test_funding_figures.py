"""The pure funding and cost calculation: worked examples and properties (hypothesis)."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from linkwell.groups.funding import (
    FundingFacts,
    SessionFacts,
    compute_figures,
    cost_on,
    prorated,
    uk_financial_year_start,
)

D = datetime.date
START, END = D(2026, 4, 1), D(2027, 3, 31)


def facts(day=None, places=10, filled=8, came=6, walk_ins=2):
    return SessionFacts(
        day=day or D(2026, 5, 5),
        places=places,
        places_filled=filled,
        attendances=came,
        walk_ins=walk_ins,
    )


def test_a_worked_example():
    figures = compute_figures(
        service_id="s",
        sessions=[facts(), facts(day=D(2026, 6, 2), filled=10, came=9, walk_ins=0)],
        costs=[(D(2026, 1, 1), Decimal("100.00")), (D(2026, 6, 1), Decimal("130.00"))],
        funding=[FundingFacts(Decimal("12000"), START, END)],
        start=START,
        end=END,
    )
    assert figures.sessions == 2 and figures.places == 20 and figures.places_filled == 18
    assert figures.utilisation == Decimal("90.0")
    assert figures.attendances == 15 and figures.walk_ins == 2
    assert figures.total_cost == Decimal("230.00")  # 100 before June, 130 from 1 June
    assert figures.cost_per_session == Decimal("115.00")
    assert figures.cost_per_attendance == Decimal("13.53")  # 230 / 17 people who came
    assert figures.funding_total == Decimal("12000.00")


def test_no_attendances_is_none_not_a_division_by_zero():
    figures = compute_figures(
        service_id="s",
        sessions=[facts(filled=3, came=0, walk_ins=0)],
        costs=[(D(2026, 1, 1), Decimal("80"))],
        funding=[],
        start=START,
        end=END,
    )
    assert figures.cost_per_attendance is None
    assert figures.total_cost == Decimal("80.00")


def test_nothing_held_gives_zeros_and_the_current_cost():
    figures = compute_figures(
        service_id="s",
        sessions=[],
        costs=[(D(2026, 1, 1), Decimal("80")), (D(2027, 1, 1), Decimal("90"))],
        funding=[],
        start=START,
        end=END,
    )
    assert figures.sessions == figures.places == figures.places_filled == 0
    assert figures.utilisation is None and figures.cost_per_attendance is None
    assert figures.total_cost == Decimal("0.00")
    assert figures.cost_per_session == Decimal("90.00")


def test_sessions_before_any_cost_cost_nothing_known():
    figures = compute_figures(
        service_id="s",
        sessions=[facts(day=D(2026, 4, 7)), facts(day=D(2026, 8, 4))],
        costs=[(D(2026, 7, 1), Decimal("50"))],
        funding=[],
        start=START,
        end=END,
    )
    assert figures.total_cost == Decimal("50.00")
    assert figures.cost_per_session == Decimal("50.00")


def test_funding_is_prorated_by_days_in_the_period():
    year = FundingFacts(Decimal("3650"), D(2026, 1, 1), D(2026, 12, 31))
    assert prorated(year, D(2026, 1, 1), D(2026, 1, 10)) == Decimal(100)
    assert prorated(year, D(2025, 1, 1), D(2025, 12, 31)) == 0
    one_day = FundingFacts(Decimal("10"), D(2026, 3, 3), D(2026, 3, 3))
    assert prorated(one_day, D(2026, 3, 3), D(2026, 3, 3)) == Decimal(10)


def test_the_cost_valid_on_a_day_is_the_latest_before_it():
    costs = [(D(2026, 1, 1), Decimal(1)), (D(2026, 3, 1), Decimal(3)), (D(2026, 2, 1), Decimal(2))]
    assert cost_on(costs, D(2025, 12, 31)) is None
    assert cost_on(costs, D(2026, 2, 15)) == Decimal(2)
    assert cost_on(costs, D(2026, 3, 1)) == Decimal(3)


def test_the_uk_financial_year_starts_on_1_april():
    assert uk_financial_year_start(D(2026, 3, 31)) == D(2025, 4, 1)
    assert uk_financial_year_start(D(2026, 4, 1)) == D(2026, 4, 1)


# ---- properties --------------------------------------------------------------------------

days = st.dates(min_value=START, max_value=END)


@st.composite
def session_facts(draw):
    places = draw(st.integers(min_value=1, max_value=40))
    filled = draw(st.integers(min_value=0, max_value=places))
    came = draw(st.integers(min_value=0, max_value=filled))
    return SessionFacts(
        day=draw(days),
        places=places,
        places_filled=filled,
        attendances=came,
        walk_ins=draw(st.integers(min_value=0, max_value=30)),
    )


money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False)
costs = st.lists(st.tuples(st.dates(min_value=D(2025, 1, 1), max_value=END), money), max_size=5)


@st.composite
def funding_facts(draw):
    start = draw(st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 1, 1)))
    end = start + datetime.timedelta(days=draw(st.integers(min_value=0, max_value=1500)))
    return FundingFacts(draw(money), start, end)


@given(
    sessions=st.lists(session_facts(), max_size=30),
    costs=costs,
    funding=st.lists(funding_facts(), max_size=5),
)
def test_figures_are_always_sane(sessions, costs, funding):
    figures = compute_figures(
        service_id="s", sessions=sessions, costs=costs, funding=funding, start=START, end=END
    )
    assert figures.sessions == len(sessions)
    assert 0 <= figures.places_filled <= figures.places
    if figures.places:
        assert Decimal(0) <= figures.utilisation <= Decimal(100)
    else:
        assert figures.utilisation is None
    assert figures.total_cost >= 0 and figures.funding_total >= 0
    came = figures.attendances + figures.walk_ins
    if came == 0:
        assert figures.cost_per_attendance is None
    else:
        # Rounded to the penny, the cost per attendance times attendances gives back the total.
        assert abs(figures.cost_per_attendance * came - figures.total_cost) <= Decimal(
            "0.005"
        ) * came + Decimal("0.01")
    # Funding in the period never exceeds the funding that exists.
    assert figures.funding_total <= sum((f.amount for f in funding), Decimal(0)) + Decimal("0.01")
    # Costs per session only ever come from the costs recorded.
    if figures.cost_per_session is not None and figures.sessions:
        amounts = [a for _, a in costs]
        assert min(amounts) - Decimal("0.01") <= figures.cost_per_session
        assert figures.cost_per_session <= max(amounts) + Decimal("0.01")


@given(sessions=st.lists(session_facts(), max_size=20), costs=costs)
def test_splitting_sessions_adds_up(sessions, costs):
    """Figures for two halves of the sessions add up to the figures for all of them."""
    half = len(sessions) // 2
    whole, a, b = (
        compute_figures(service_id="s", sessions=s, costs=costs, funding=[], start=START, end=END)
        for s in (sessions, sessions[:half], sessions[half:])
    )
    for name in ("sessions", "places", "places_filled", "attendances", "walk_ins", "total_cost"):
        assert getattr(whole, name) == getattr(a, name) + getattr(b, name)


@given(funding=funding_facts(), cut=days)
def test_prorating_two_adjacent_periods_adds_up(funding, cut):
    """The funding counted in [START, cut] and (cut, END] is the funding counted in the whole."""
    whole = prorated(funding, START, END)
    first = prorated(funding, START, cut)
    second = prorated(funding, cut + datetime.timedelta(days=1), END) if cut < END else 0
    assert abs((first + second) - whole) < Decimal("0.000001")
