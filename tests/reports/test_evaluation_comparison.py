"""Comparison-group CSV: documented columns, every problem reported with its line, nothing
partial."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkwell.reports.comparison import ComparisonError, parse_comparison, read_comparison


def test_qaly_column():
    group = parse_comparison(
        "id,cost,qaly\na,100,0.10\nb,£1,250.50,0.2\n".replace("£1,250.50", '"£1,250.50"')
    )
    assert group.costs == [100.0, 1250.5]
    assert group.qalys == [0.1, 0.2]
    assert not group.has_baseline and not group.has_before_after


def test_utilities_give_trapezoid_qalys_and_enable_adjustment():
    group = parse_comparison(
        "\ufeffID,Cost,utility_baseline,utility_followup,followup_years,arm\n"
        "a,10,0.5,0.7,0.25,control\nb,20,0.6,0.6,0.5,comparison\n"
    )
    assert group.qalys == pytest.approx([0.15, 0.3])
    assert group.has_baseline and group.has_before_after
    assert group.mean_followup_years == pytest.approx(0.375)


def test_qaly_given_alongside_baseline_is_used_as_given():
    group = parse_comparison("id,cost,qaly,utility_baseline\na,1,0.3,0.5\nb,2,0.4,0.6\n")
    assert group.qalys == [0.3, 0.4] and group.has_baseline and not group.has_before_after


@pytest.mark.parametrize(
    "text,expected",
    [
        ("cost,qaly\n1,0.1\n", "Missing required column(s): id."),
        ("id,qaly\na,0.1\n", "Missing required column(s): cost."),
        ("id,cost\na,1\n", "Give a qaly column, or utility_baseline"),
        ("id,cost,qaly,colour\na,1,0.1\n", "Unknown column(s): colour."),
        ("", "The comparison file is empty"),
        ("id,cost,qaly\na,1,0.1\n", "at least two people"),
    ],
)
def test_file_level_problems(text, expected):
    with pytest.raises(ComparisonError) as exc:
        parse_comparison(text)
    assert expected in str(exc.value)


def test_every_row_problem_is_listed_with_its_line():
    text = (
        "id,cost,qaly,arm\n"
        "a,100,0.1,control\n"  # line 2: fine
        "b,lots,0.1,control\n"  # line 3
        "c,-5,0.1,control\n"  # line 4
        "a,5,0.1,control\n"  # line 5: duplicate id
        "d,5,,control\n"  # line 6: no qaly
        "e,5,0.1,intervention\n"  # line 7
        ",5,0.1,control\n"  # line 8
        "f,5,0.1,control,extra\n"  # line 9
        "g,nan,0.1,control\n"  # line 10
    )
    with pytest.raises(ComparisonError) as exc:
        parse_comparison(text)
    problems = exc.value.problems
    assert "Line 3: cost must be a number, not 'lots'." in problems
    assert "Line 4: cost must be at least 0 and at most 10,000,000, not -5." in problems
    assert "Line 5: id 'a' appears more than once." in problems
    assert any(p.startswith("Line 6: give qaly") for p in problems)
    assert any(p.startswith("Line 7: arm must be") for p in problems)
    assert "Line 8: id is empty." in problems
    assert "Line 9: more values than columns in the header." in problems
    assert any(p.startswith("Line 10: cost must be a number") for p in problems)
    assert not any(p.startswith("Line 2") for p in problems)


def test_utility_and_years_ranges():
    text = "id,cost,utility_baseline,utility_followup,followup_years\na,1,1.2,0.5,0.25\nb,1,0.5,0.5,0\n"
    with pytest.raises(ComparisonError) as exc:
        parse_comparison(text)
    assert any("Line 2: utility_baseline" in p for p in exc.value.problems)
    assert any("Line 3: followup_years must be more than 0" in p for p in exc.value.problems)


def test_read_comparison_file_errors(tmp_path):
    with pytest.raises(ComparisonError, match="Cannot read"):
        read_comparison(tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,cost,qaly\nJos\xe9,1,0.1\n".encode("latin-1"))
    with pytest.raises(ComparisonError, match="UTF-8"):
        read_comparison(latin)
    big = tmp_path / "big.csv"
    big.write_text("id,cost,qaly\n" + "x" * 100)
    with pytest.raises(ComparisonError, match="larger than"):
        read_comparison(big, max_bytes=50)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="0123456789.,-abc£ ", max_size=6), min_size=2, max_size=8))
def test_any_cost_text_is_accepted_or_rejected_cleanly(costs):
    rows = "".join(f'p{i},"{c}",0.1\n' for i, c in enumerate(costs))
    try:
        group = parse_comparison("id,cost,qaly\n" + rows)
    except ComparisonError as exc:
        assert exc.problems and all(p.startswith("Line ") for p in exc.problems)
    else:
        assert len(group.rows) == len(costs)
        assert all(c >= 0 for c in group.costs)
