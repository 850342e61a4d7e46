"""Scoring is exact: every EQ-5D-5L state under every value set, every SWEMWBS raw score, the
ONS4 band edges and the UCLA-3 range, checked against the shared published references.

The full-table tests read ../shared/data/outcomes (beside the project). Where it is absent they
skip, saying so; the golden values below always run.
"""

import csv
import gzip
import io
import itertools
import json
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkwell.outcomes.instruments import (
    INSTRUMENTS,
    ScoringError,
    eq5d5l,
    get_instrument,
    loneliness,
    ons4,
    score,
    to_json,
    wellbeing,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "outcomes"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/data/outcomes is not beside the project"
)
SHIPPED = files("linkwell.outcomes") / "data"


def _reference_text(name: str) -> str:
    """The published table from ../shared when it is beside the project, else the copy the
    package ships (identical where both exist: see the byte-for-byte test below), so the
    every-state checks run on any clean clone too."""
    if SHARED.is_dir():
        return (SHARED / name).read_text(encoding="utf-8")
    shipped = SHIPPED / name
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    return gzip.decompress((SHIPPED / f"{name}.gz").read_bytes()).decode("utf-8")


ALL_PROFILES = ["".join(p) for p in itertools.product("12345", repeat=5)]
ADDITIVE = [eq5d5l.ENGLAND_DEVLIN_2018, eq5d5l.UK_ROWEN_2026]

# Worked by hand from the published papers' decrements, and from the van Hout table.
GOLDEN = [
    ("11111", eq5d5l.ENGLAND_DEVLIN_2018, "1.000"),
    ("12345", eq5d5l.ENGLAND_DEVLIN_2018, "0.322"),  # 1 - .050 - .063 - .276 - .289
    ("21111", eq5d5l.ENGLAND_DEVLIN_2018, "0.942"),
    ("55555", eq5d5l.ENGLAND_DEVLIN_2018, "-0.285"),  # 1 - 1.285
    ("11111", eq5d5l.UK_ROWEN_2026, "1.000"),
    ("12345", eq5d5l.UK_ROWEN_2026, "0.114"),  # 1 - .038 - .086 - .371 - .391
    ("55555", eq5d5l.UK_ROWEN_2026, "-0.567"),  # 1 - 1.567
    ("11111", eq5d5l.UK_CROSSWALK_VANHOUT_2012, "1.000"),
    ("11112", eq5d5l.UK_CROSSWALK_VANHOUT_2012, "0.879"),
    ("11144", eq5d5l.UK_CROSSWALK_VANHOUT_2012, "0.352"),
    ("55555", eq5d5l.UK_CROSSWALK_VANHOUT_2012, "-0.594"),
]


@pytest.mark.parametrize(("profile", "value_set", "expected"), GOLDEN)
def test_it_scores_the_golden_eq5d5l_states(profile, value_set, expected):
    assert eq5d5l.index(profile, value_set) == Decimal(expected)
    assert str(eq5d5l.index(profile, value_set)) == expected


@needs_shared
def test_the_shipped_reference_files_are_the_shared_ones():
    for name in ("eq5d_value_sets.json", "ons4_thresholds.csv", "swemwbs_conversion.csv"):
        assert (SHIPPED / name).read_bytes() == (SHARED / name).read_bytes(), name
    shipped = gzip.decompress((SHIPPED / "eq5d5l_crosswalk_uk_vanhout2012.csv.gz").read_bytes())
    assert shipped == (SHARED / "eq5d5l_crosswalk_uk_vanhout2012.csv").read_bytes()


@pytest.mark.parametrize("value_set", ADDITIVE)
def test_every_eq5d5l_state_matches_the_shared_coefficients(value_set):
    data = json.loads(_reference_text("eq5d_value_sets.json"))
    key = eq5d5l.VALUE_SETS[value_set].data_key
    coefficients = data[key]["coefficients"]
    prefixes = ("MO", "SC", "UA", "PD", "AD")
    for profile in ALL_PROFILES:
        expected = coefficients["StartValue"] + sum(
            coefficients[f"{p}{level}"]
            for p, level in zip(prefixes, profile, strict=True)
            if level != "1"
        )
        got = eq5d5l.index(profile, value_set)
        assert got == Decimal(f"{expected:.3f}"), profile


def test_every_eq5d5l_state_matches_the_shared_crosswalk_table():
    f = io.StringIO(_reference_text("eq5d5l_crosswalk_uk_vanhout2012.csv"), newline="")
    table = {row["profile"]: row["index"] for row in csv.DictReader(f)}
    assert sorted(table) == ALL_PROFILES
    for profile in ALL_PROFILES:
        got = eq5d5l.index(profile, eq5d5l.UK_CROSSWALK_VANHOUT_2012)
        assert f"{got:.3f}" == table[profile], profile


def test_every_value_set_scores_all_3125_states_within_bounds():
    for value_set in eq5d5l.VALUE_SETS:
        values = [eq5d5l.index(p, value_set) for p in ALL_PROFILES]
        assert max(values) == Decimal("1.000")
        assert values.count(Decimal("1.000")) == 1  # only full health is 1


@given(
    profile=st.text(alphabet="12345", min_size=5, max_size=5),
    dimension=st.integers(0, 4),
    value_set=st.sampled_from(ADDITIVE),
)
def test_a_worse_level_never_raises_the_index_under_an_additive_set(profile, dimension, value_set):
    level = int(profile[dimension])
    base = eq5d5l.index(profile, value_set)
    assert base <= 1
    if level < 5:
        worse = profile[:dimension] + str(level + 1) + profile[dimension + 1 :]
        assert eq5d5l.index(worse, value_set) <= base


@given(
    profile=st.text(alphabet="12345", min_size=5, max_size=5),
    value_set=st.sampled_from(sorted(eq5d5l.VALUE_SETS)),
)
def test_the_index_is_at_most_one_and_never_below_the_worst_state(profile, value_set):
    value = eq5d5l.index(profile, value_set)
    assert eq5d5l.index("55555", value_set) <= value <= 1


def test_the_additive_sets_are_checked_to_have_no_constant():
    start, decrements = eq5d5l.additive_coefficients(eq5d5l.ENGLAND_DEVLIN_2018)
    assert start == 1
    assert decrements["mobility"][1] == 0
    assert decrements["anxiety_depression"][5] == Decimal("-0.289")


@pytest.mark.parametrize("profile", ["1234", "123456", "12340", "12346", "abcde", "", None, 1.5])
def test_it_refuses_a_profile_of_the_wrong_length_or_digits(profile):
    with pytest.raises(ScoringError) as exc:
        eq5d5l.index(profile, eq5d5l.ENGLAND_DEVLIN_2018)
    assert "profile" in exc.value.as_dict()


def test_it_refuses_an_unknown_value_set():
    with pytest.raises(ScoringError, match="Unknown value set 'us-2016'"):
        eq5d5l.index("11111", "us-2016")
    with pytest.raises(ScoringError) as exc:
        score("EQ5D5L", eq5d5l.answers_from_profile("11111"), "us-2016")
    assert "value_set" in exc.value.as_dict()


@pytest.mark.parametrize(("vas", "ok"), [(0, True), (100, True), ("55", True), (101, False),
                                         (-1, False), ("7.5", False)])  # fmt: skip
def test_it_checks_the_vas_is_0_to_100(vas, ok):
    answers = eq5d5l.answers_from_profile("11111") | {"vas": vas}
    if ok:
        assert score("EQ5D5L", answers, eq5d5l.ENGLAND_DEVLIN_2018)["vas"] == int(vas)
    else:
        with pytest.raises(ScoringError) as exc:
            score("EQ5D5L", answers, eq5d5l.ENGLAND_DEVLIN_2018)
        assert list(exc.value.as_dict()) == ["vas"]


def test_an_eq5d5l_response_names_every_missing_or_bad_dimension():
    with pytest.raises(ScoringError) as exc:
        score("EQ5D5L", {"mobility": 6, "self_care": "x", "usual_activities": 1}, None)
    assert set(exc.value.as_dict()) == {
        "mobility",
        "self_care",
        "pain_discomfort",
        "anxiety_depression",
    }


def test_eq5d5l_scores_use_the_default_value_set_when_none_is_given():
    result = score("EQ5D5L", eq5d5l.answers_from_profile("11112"))
    assert result["value_set"] == eq5d5l.DEFAULT_VALUE_SET == "uk-crosswalk-vanhout-2012"
    assert to_json(result)["index"] == 0.879


# SWEMWBS -----------------------------------------------------------------------------------

PUBLISHED_SWEMWBS = {7: "7.00", 8: "9.51", 9: "11.25", 10: "12.40", 11: "13.33", 12: "14.08",
    13: "14.75", 14: "15.32", 15: "15.84", 16: "16.36", 17: "16.88", 18: "17.43", 19: "17.98",
    20: "18.59", 21: "19.25", 22: "19.98", 23: "20.73", 24: "21.54", 25: "22.35", 26: "23.21",
    27: "24.11", 28: "25.03", 29: "26.02", 30: "27.03", 31: "28.13", 32: "29.31", 33: "30.70",
    34: "32.55", 35: "35.00"}  # fmt: skip


def _swemwbs_answers_for(raw):
    """Seven 1-5 answers adding up to raw."""
    answers, left = {}, raw
    for n in range(1, 8):
        value = min(5, left - (7 - n))
        answers[f"item{n}"] = value
        left -= value
    return answers


@pytest.mark.parametrize("raw", range(7, 36))
def test_every_swemwbs_raw_score_converts_to_the_published_metric(raw):
    result = score("SWEMWBS", _swemwbs_answers_for(raw))
    assert result == {"raw": raw, "metric": Decimal(PUBLISHED_SWEMWBS[raw])}


def test_the_swemwbs_table_is_the_shared_one_row_by_row():
    f = io.StringIO(_reference_text("swemwbs_conversion.csv"), newline="")
    shared = {int(r["raw_score"]): r["metric_score"] for r in csv.DictReader(f)}
    assert shared == PUBLISHED_SWEMWBS
    for raw, metric in shared.items():
        assert f"{wellbeing.swemwbs_metric(raw):.2f}" == metric


@given(st.lists(st.integers(1, 5), min_size=7, max_size=7))
def test_swemwbs_metric_is_within_7_to_35_and_rises_with_raw(items):
    result = score("SWEMWBS", {f"item{n}": v for n, v in enumerate(items, 1)})
    assert 7 <= result["raw"] <= 35
    assert Decimal(7) <= result["metric"] <= Decimal(35)
    if result["raw"] < 35:
        assert wellbeing.swemwbs_metric(result["raw"] + 1) > result["metric"]


def test_a_swemwbs_response_with_a_missing_item_is_not_scored_and_says_why():
    answers = _swemwbs_answers_for(21)
    answers["item4"] = ""
    with pytest.raises(ScoringError) as exc:
        score("SWEMWBS", answers)
    errors = exc.value.as_dict()
    assert "no prorating" in errors["__all__"][0]
    assert "1 of 7" in errors["__all__"][0]
    assert errors["item4"] == ["Answer this question."]


@pytest.mark.parametrize("bad", [0, 6, "6", "3.0", True, "three"])
def test_a_swemwbs_item_out_of_range_is_refused(bad):
    answers = _swemwbs_answers_for(21) | {"item1": bad}
    with pytest.raises(ScoringError) as exc:
        score("SWEMWBS", answers)
    assert exc.value.as_dict()["item1"] == ["Enter a whole number from 1 to 5."]


# WEMWBS ------------------------------------------------------------------------------------


@given(st.lists(st.integers(1, 5), min_size=14, max_size=14))
def test_wemwbs_totals_the_14_items_from_14_to_70(items):
    result = score("WEMWBS", {f"item{n}": v for n, v in enumerate(items, 1)})
    assert result == {"total": sum(items)}
    assert 14 <= result["total"] <= 70


def test_wemwbs_is_not_prorated():
    answers = {f"item{n}": 3 for n in range(1, 14)}
    with pytest.raises(ScoringError, match="1 of 14"):
        score("WEMWBS", answers)


# ONS4 --------------------------------------------------------------------------------------

BAND_EDGES = [
    ("life_satisfaction", 0, "low"), ("life_satisfaction", 4, "low"),
    ("life_satisfaction", 5, "medium"), ("life_satisfaction", 6, "medium"),
    ("life_satisfaction", 7, "high"), ("life_satisfaction", 8, "high"),
    ("life_satisfaction", 9, "very_high"), ("life_satisfaction", 10, "very_high"),
    ("worthwhile", 4, "low"), ("worthwhile", 5, "medium"), ("worthwhile", 9, "very_high"),
    ("happiness", 6, "medium"), ("happiness", 7, "high"), ("happiness", 8, "high"),
    ("anxiety", 0, "very_low"), ("anxiety", 1, "very_low"), ("anxiety", 2, "low"),
    ("anxiety", 3, "low"), ("anxiety", 4, "medium"), ("anxiety", 5, "medium"),
    ("anxiety", 6, "high"), ("anxiety", 10, "high"),
]  # fmt: skip


@pytest.mark.parametrize(("measure", "value", "band"), BAND_EDGES)
def test_ons4_bands_change_at_the_published_edges(measure, value, band):
    assert ons4.band(measure, value) == band
    answers = dict.fromkeys(ons4.ITEMS, 5) | {measure: value}
    assert score("ONS4", answers)[f"{measure}_band"] == band


def test_ons4_bands_match_the_shared_thresholds_for_every_score():
    rows = list(csv.DictReader(io.StringIO(_reference_text("ons4_thresholds.csv"), newline="")))
    assert len(rows) == 44
    for row in rows:
        assert ons4.band(row["measure"], int(row["score"])) == row["band"]


@pytest.mark.parametrize("bad", [-1, 11, "", "x", 5.5])
def test_ons4_refuses_an_answer_outside_0_to_10(bad):
    answers = dict.fromkeys(ons4.ITEMS, 5) | {"anxiety": bad}
    with pytest.raises(ScoringError) as exc:
        score("ONS4", answers)
    assert list(exc.value.as_dict()) == ["anxiety"]


# Loneliness and goals ----------------------------------------------------------------------


@pytest.mark.parametrize("items", list(itertools.product((1, 2, 3), repeat=3)))
def test_ucla3_scores_every_combination_with_the_6_plus_convention(items):
    result = score("UCLA3", {f"item{n}": v for n, v in enumerate(items, 1)})
    assert result["total"] == sum(items)
    assert 3 <= result["total"] <= 9
    assert result["band"] == ("lonely" if sum(items) >= 6 else "not_lonely")


def test_ucla3_threshold_edges_and_labels():
    assert loneliness.ucla3_band(5) == "not_lonely"
    assert loneliness.ucla3_band(6) == "lonely"
    assert "convention" in loneliness.UCLA3_BAND_LABELS["lonely"]
    for bad in (2, 10):
        with pytest.raises(ValueError):
            loneliness.ucla3_band(bad)


@pytest.mark.parametrize("bad", [0, 4, ""])
def test_ucla3_refuses_an_item_outside_1_to_3(bad):
    with pytest.raises(ScoringError):
        score("UCLA3", {"item1": 1, "item2": 2, "item3": bad})


@pytest.mark.parametrize(
    ("answer", "code", "band"),
    [
        ("often_always", "often_always", "chronic"),
        ("Often/always", "often_always", "chronic"),
        ("some_of_the_time", "some_of_the_time", "not_chronic"),
        ("Occasionally", "occasionally", "not_chronic"),
        ("hardly ever", "hardly_ever", "not_chronic"),
        ("never", "never", "not_chronic"),
    ],
)
def test_the_ons_loneliness_question_takes_its_five_answers(answer, code, band):
    assert score("ONS_LONELINESS", {"response": answer}) == {"response": code, "band": band}


def test_the_ons_loneliness_question_refuses_other_answers():
    with pytest.raises(ScoringError):
        score("ONS_LONELINESS", {"response": "sometimes"})
    with pytest.raises(ScoringError):
        score("ONS_LONELINESS", {})


@pytest.mark.parametrize(("value", "ok"), [(1, True), (10, True), (0, False), (11, False)])
def test_goal_progress_is_1_to_10(value, ok):
    if ok:
        assert score("GOAL_PROGRESS", {"progress": value}) == {"total": value}
    else:
        with pytest.raises(ScoringError):
            score("GOAL_PROGRESS", {"progress": value})


def test_it_refuses_an_unknown_instrument():
    with pytest.raises(ScoringError, match="Unknown instrument"):
        get_instrument("PHQ9")
    assert get_instrument("swemwbs") is INSTRUMENTS["SWEMWBS"]


def test_licensed_instruments_ship_a_licence_notice_and_no_full_wording():
    for code in ("EQ5D5L", "SWEMWBS", "WEMWBS"):
        instrument = INSTRUMENTS[code]
        assert instrument.licence_notice
        assert all(item.question == "" for item in instrument.items)
    assert all(item.question for item in INSTRUMENTS["ONS4"].items)
