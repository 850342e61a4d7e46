"""paired_change and the distribution functions, against scipy and hand-computed values."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from linkwell.reports import evaluation as ev


@pytest.mark.parametrize("df", [1, 2, 3, 4.5, 7, 10, 29, 30, 100, 1000, 1e5])
@pytest.mark.parametrize("q", [0.5, 0.6, 0.9, 0.95, 0.975, 0.995, 0.9995, 0.025, 0.001])
def test_t_ppf_matches_scipy(df, q):
    assert ev.t_ppf(q, df) == pytest.approx(stats.t.ppf(q, df), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("df", [1, 2, 5, 9.3, 50, 400])
@pytest.mark.parametrize("t", [0.0, 0.1, -0.7, 1.0, 2.0, -2.5, 4.0, 12.0, -40.0])
def test_t_cdf_and_p_match_scipy(df, t):
    assert ev.t_cdf(t, df) == pytest.approx(stats.t.cdf(t, df), rel=1e-9, abs=1e-15)
    assert ev.t_two_sided_p(t, df) == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-9, abs=1e-15)


def test_t_quantiles_from_printed_tables():
    # Textbook values for the two-sided 95% critical value.
    assert ev.t_ppf(0.975, 1) == pytest.approx(12.706, abs=5e-4)
    assert ev.t_ppf(0.975, 9) == pytest.approx(2.262, abs=5e-4)
    assert ev.t_ppf(0.975, 30) == pytest.approx(2.042, abs=5e-4)


def test_t_ppf_rejects_bad_arguments():
    with pytest.raises(ValueError):
        ev.t_ppf(1.0, 5)
    with pytest.raises(ValueError):
        ev.t_ppf(0.5, 0)


def test_paired_change_hand_computed():
    # changes: 2, 1, 3, 2 → mean 2, SD sqrt(2/3); t = 2 / (sqrt(2/3)/2) = 4.898979...
    before = [10, 12, 9, 11]
    after = [12, 13, 12, 13]
    r = ev.paired_change(before, after, threshold=2)
    assert r.enough_data
    assert r.n == 4 and r.df == 3
    assert r.mean_before == pytest.approx(10.5)
    assert r.mean_after == pytest.approx(12.5)
    assert r.mean_change == pytest.approx(2.0)
    assert r.sd_change == pytest.approx(math.sqrt(2 / 3))
    assert r.t == pytest.approx(2 / (math.sqrt(2 / 3) / 2))
    half = 3.182446305284263 * math.sqrt(2 / 3) / 2  # t(0.975, 3) from tables
    assert r.ci_low == pytest.approx(2 - half)
    assert r.ci_high == pytest.approx(2 + half)
    assert r.effect_size_dz == pytest.approx(2 / math.sqrt(2 / 3))
    # d_av: SD(before)=1.29099, SD(after)=0.57735 → mean 0.93417
    assert r.effect_size_dav == pytest.approx(2 / ((math.sqrt(5 / 3) + math.sqrt(1 / 3)) / 2))
    assert r.share_improved == pytest.approx(0.75)  # 2, 3, 2 reach the threshold of 2


def test_paired_change_matches_scipy():
    rng = np.random.default_rng(7)
    before = rng.normal(40, 8, size=57)
    after = before + rng.normal(1.5, 5, size=57)
    r = ev.paired_change(before, after)
    ref = stats.ttest_rel(after, before)
    assert r.t == pytest.approx(ref.statistic, rel=1e-10)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-8)
    ci = ref.confidence_interval(0.95)
    assert r.ci_low == pytest.approx(ci.low, rel=1e-9)
    assert r.ci_high == pytest.approx(ci.high, rel=1e-9)
    assert r.share_improved is None


def test_lower_is_better_direction():
    # Loneliness: a fall of 2 or more is an improvement.
    r = ev.paired_change([6, 7, 8, 5], [4, 7, 5, 6], threshold=2, higher_is_better=False)
    assert r.share_improved == pytest.approx(0.5)
    assert r.mean_change == pytest.approx(-1.0)


def test_threshold_zero_means_any_improvement():
    r = ev.paired_change([1, 1, 1], [1, 2, 0], threshold=0)
    assert r.share_improved == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "before,after",
    [([], []), ([3], [5]), ([3, None], [5, 6]), ([float("nan"), 1], [2, float("nan")])],
)
def test_not_enough_data(before, after):
    r = ev.paired_change(before, after, threshold=1)
    assert r.enough_data is False
    assert r.n <= 1
    for field in ("mean_change", "sd_change", "ci_low", "ci_high", "t", "df", "p_value"):
        assert getattr(r, field) is None
    assert r.effect_size_dz is None and r.share_improved is None


def test_missing_pairs_dropped():
    r = ev.paired_change([1, None, 3, 5], [2, 4, None, 7])
    assert r.n == 2
    assert r.mean_change == pytest.approx(1.5)


def test_identical_changes_give_no_infinite_statistics():
    r = ev.paired_change([1, 2, 3], [2, 3, 4])
    assert r.enough_data
    assert r.mean_change == 1.0 and r.sd_change == 0.0
    assert r.ci_low == r.ci_high == 1.0
    assert r.t is None and r.p_value is None and r.effect_size_dz is None


def test_unequal_lengths_rejected():
    with pytest.raises(ValueError):
        ev.paired_change([1, 2], [1])


def test_negative_threshold_rejected():
    with pytest.raises(ValueError):
        ev.paired_change([1, 2], [1, 3], threshold=-1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=70), st.integers(min_value=0, max_value=70)),
        min_size=0,
        max_size=40,
    )
)
def test_property_never_nan_and_matches_scipy(pairs):
    before = [p[0] for p in pairs]
    after = [p[1] for p in pairs]
    r = ev.paired_change(before, after, threshold=3)
    values = [getattr(r, f) for f in r.__dataclass_fields__]
    assert not any(isinstance(v, float) and (math.isnan(v) or math.isinf(v)) for v in values)
    if len(pairs) < 2:
        assert not r.enough_data
        return
    assert r.ci_low <= r.mean_change <= r.ci_high
    if r.t is not None:
        ref = stats.ttest_rel(after, before)
        assert r.t == pytest.approx(ref.statistic, rel=1e-9)
        assert r.p_value == pytest.approx(ref.pvalue, rel=1e-7, abs=1e-14)
