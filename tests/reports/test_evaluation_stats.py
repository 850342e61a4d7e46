"""Wilcoxon, Welch, subgroups, DiD, QALYs, ICER and the bootstrap — against scipy,
hand-computed values and the SPRING_NE published figures."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from linkwell.reports import evaluation as ev


def _scipy_wilcoxon(before, after):
    d = np.asarray(after, float) - np.asarray(before, float)
    return stats.wilcoxon(d, zero_method="wilcox", correction=False, method="approx")


def test_wilcoxon_hand_computed():
    # d = 1, -2, 3, 4, 0 → zero dropped; ranks of |d| 1,2,3,4 → W+ = 8, W− = 2
    r = ev.wilcoxon_signed_rank([0, 2, 0, 0, 5], [1, 0, 3, 4, 5])
    assert (r.n, r.n_zero) == (4, 1)
    assert r.w_plus == 8 and r.w_minus == 2 and r.statistic == 2
    z = (2 - 5) / math.sqrt(4 * 5 * 9 / 24)
    assert r.z == pytest.approx(z)
    assert r.p_value == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))


def test_wilcoxon_matches_scipy_with_ties_and_zeros():
    before = [10, 12, 9, 11, 14, 8, 10, 10, 13, 7, 6, 9]
    after = [12, 13, 12, 11, 15, 10, 9, 12, 13, 9, 9, 8]
    r = ev.wilcoxon_signed_rank(before, after)
    ref = _scipy_wilcoxon(before, after)
    assert r.statistic == pytest.approx(ref.statistic)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(min_value=-6, max_value=6), min_size=0, max_size=40))
def test_wilcoxon_property_matches_scipy(diffs):
    before = [0] * len(diffs)
    r = ev.wilcoxon_signed_rank(before, diffs)
    nonzero = [d for d in diffs if d != 0]
    if len(nonzero) < 2:
        assert not r.enough_data and r.p_value is None
        return
    ref = _scipy_wilcoxon(before, diffs)
    assert r.statistic == pytest.approx(ref.statistic)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-15)
    assert 0 <= r.p_value <= 1


def test_mean_difference_matches_scipy_welch():
    rng = np.random.default_rng(3)
    x = rng.normal(3, 2, 23)
    y = rng.normal(1.5, 4, 31)
    r = ev.mean_difference(x, y)
    ref = stats.ttest_ind(x, y, equal_var=False)
    assert r.t == pytest.approx(ref.statistic, rel=1e-10)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-8)
    assert r.df == pytest.approx(ref.df, rel=1e-10)
    ci = ref.confidence_interval(0.95)
    assert r.ci_low == pytest.approx(ci.low, rel=1e-9)
    assert r.ci_high == pytest.approx(ci.high, rel=1e-9)


def test_mean_difference_not_enough_and_constant():
    assert not ev.mean_difference([1], [1, 2]).enough_data
    r = ev.mean_difference([2, 2, 2], [1, 1])
    assert r.difference == 1 and r.ci_low == r.ci_high == 1 and r.p_value is None


def test_subgroup_comparison():
    before = [10, 10, 10, 10, 10, 10, 10]
    after = [12, 13, 14, 10, 11, 10, 15]
    groups = ["a", "a", "a", "b", "b", "b", "c"]
    rows = ev.subgroup_comparison(before, after, groups, threshold=2)
    assert [r.group for r in rows] == ["a", "b", "c"]
    a, b, c = rows
    assert a.change.mean_change == pytest.approx(3)
    assert a.change.share_improved == pytest.approx(1.0)
    assert b.change.mean_change == pytest.approx(1 / 3)
    ref = stats.ttest_ind([2, 3, 4], [0, 1, 0, 5], equal_var=False)
    assert a.versus_rest.t == pytest.approx(ref.statistic)
    assert a.versus_rest.difference == pytest.approx(3 - 1.5)
    assert not c.change.enough_data and not c.versus_rest.enough_data


def test_difference_in_differences():
    # intervention changes 2, 4, 3 (mean 3); comparison changes 1, 0, 2 (mean 1): DiD = 2
    r = ev.difference_in_differences([5, 6, 7], [7, 10, 10], [5, 6, 7], [6, 6, 9])
    assert r.difference == pytest.approx(2.0)
    ref = stats.ttest_ind([2, 4, 3], [1, 0, 2], equal_var=False)
    assert r.p_value == pytest.approx(ref.pvalue)


def test_qaly_auc_hand_computed():
    # 0.5 at baseline, 0.7 at 3 months, 0.6 at 12 months:
    # (0.5+0.7)/2*0.25 + (0.7+0.6)/2*0.75 = 0.15 + 0.4875 = 0.6375
    assert ev.qaly_auc([0, 0.25, 1.0], [0.5, 0.7, 0.6]) == pytest.approx(0.6375)
    assert ev.qaly_auc([1.0, 0, 0.25], [0.6, 0.5, 0.7]) == pytest.approx(0.6375)  # unsorted
    assert ev.qaly_gain_auc([0, 0.25, 1.0], [0.5, 0.7, 0.6]) == pytest.approx(0.1375)
    assert ev.qaly_auc([0], [0.5]) is None
    assert ev.qaly_auc([], []) is None
    assert ev.qaly_auc([0, 1], [0.5, None]) is None


def test_qaly_auc_matches_scipy_trapezoid():
    t = np.array([0, 0.1, 0.3, 0.35, 1.0])
    u = np.array([0.4, 0.55, 0.62, 0.6, 0.81])
    assert ev.qaly_auc(t, u) == pytest.approx(integrate.trapezoid(u, t))


def test_baseline_adjusted_difference_matches_ols():
    rng = np.random.default_rng(11)
    n = 60
    arm = np.r_[np.ones(n // 2), np.zeros(n // 2)]
    baseline = rng.uniform(0.3, 0.9, n) + 0.1 * arm  # imbalance at baseline
    qaly = 0.05 + 0.8 * baseline + 0.02 * arm + rng.normal(0, 0.01, n)
    r = ev.baseline_adjusted_difference(qaly, arm, baseline)
    ref = stats.linregress  # sanity: the slope on baseline alone is close to 0.8
    assert ref(baseline, qaly).slope == pytest.approx(0.8, abs=0.2)
    x = np.column_stack([np.ones(n), arm, baseline])
    coef = np.linalg.solve(x.T @ x, x.T @ qaly)
    assert r.difference == pytest.approx(coef[1])
    assert r.baseline_coefficient == pytest.approx(coef[2])
    assert r.ci_low < 0.02 < r.ci_high
    # The unadjusted difference is biased by the baseline imbalance.
    assert r.unadjusted_difference > r.difference + 0.05


def test_baseline_adjusted_not_enough_data():
    r = ev.baseline_adjusted_difference([0.1, 0.2, 0.3], [1, 0, 0], [0.5, 0.6, 0.7])
    assert not r.enough_data and r.difference is None
    r = ev.baseline_adjusted_difference([0.1, 0.2, 0.3, 0.4], [1, 1, 0, 0], [0.5] * 4)
    assert not r.enough_data  # constant baseline: coefficient not identifiable


def test_spring_ne_headline_arithmetic():
    """SPRING_NE: mean intervention cost £1,345 per participant, 0.004 QALYs gained, published
    ICER £327,250 per QALY. From the rounded inputs the ICER is £336,250; the published ICER
    implies ΔQALY = 1,345 / 327,250 ≈ 0.00411, i.e. the published ICER used unrounded inputs."""
    assert ev.icer(1345, 0.004) == pytest.approx(336_250)
    implied = 1345 / 327_250
    assert implied == pytest.approx(0.00411, abs=5e-6)
    assert round(implied, 3) == 0.004  # consistent with the published, rounded, 0.004
    assert ev.icer(1345, implied) == pytest.approx(327_250)
    # Net monetary benefit at NICE thresholds is clearly negative.
    assert ev.net_monetary_benefit(1345, 0.004, 20_000) == pytest.approx(-1265)
    assert ev.net_monetary_benefit(1345, 0.004, 30_000) == pytest.approx(-1225)
    assert ev.quadrant(1345, 0.004) == "NE"


def test_icer_undefined_and_quadrants():
    assert ev.icer(100, 0) is None
    assert ev.icer(100, 1e-12) is None
    assert ev.icer(float("nan"), 0.1) is None
    assert ev.quadrant(-10, 0.1) == "SE"
    assert ev.quadrant(10, -0.1) == "NW"
    assert ev.quadrant(-10, -0.1) == "SW"
    assert ev.quadrant(0, 0) == "origin"


def _arms(seed=5, n1=200, n0=180, dc=1000.0, dq=0.02):
    rng = np.random.default_rng(seed)
    c1 = rng.gamma(4, (300 + dc) / 4, n1)
    q1 = rng.normal(0.20 + dq, 0.05, n1)
    c0 = rng.gamma(4, 300 / 4, n0)
    q0 = rng.normal(0.20, 0.05, n0)
    return c1, q1, c0, q0


def test_bootstrap_against_reference_loop():
    c1, q1, c0, q0 = _arms(n1=40, n0=35)
    r = ev.cost_effectiveness(
        c1, q1, cost_comparison=c0, qaly_comparison=q0, resamples=400, seed=9, chunk=64
    )
    assert r.delta_cost.estimate == pytest.approx(c1.mean() - c0.mean())
    assert r.delta_qaly.estimate == pytest.approx(q1.mean() - q0.mean())
    assert r.icer.estimate == pytest.approx((c1.mean() - c0.mean()) / (q1.mean() - q0.mean()))
    # Independent implementation: a plain loop over resamples gives a similar interval.
    rng = np.random.default_rng(123)
    loop = []
    for _ in range(2000):
        i = rng.integers(0, 40, 40)
        j = rng.integers(0, 35, 35)
        loop.append(c1[i].mean() - c0[j].mean())
    lo, hi = np.percentile(loop, [2.5, 97.5])
    width = hi - lo
    assert r.delta_cost.ci_low == pytest.approx(lo, abs=0.15 * width)
    assert r.delta_cost.ci_high == pytest.approx(hi, abs=0.15 * width)
    assert r.plane.shape == (400, 2)
    assert r.plane[:, 0].mean() == pytest.approx(r.delta_cost.estimate, rel=0.05)


def test_bootstrap_is_seeded_and_chunking_does_not_matter_for_seed_reuse():
    c1, q1, c0, q0 = _arms()
    kw = dict(cost_comparison=c0, qaly_comparison=q0, resamples=300)
    a = ev.cost_effectiveness(c1, q1, seed=1, **kw)
    b = ev.cost_effectiveness(c1, q1, seed=1, **kw)
    c = ev.cost_effectiveness(c1, q1, seed=2, **kw)
    assert a.delta_cost == b.delta_cost and a.ceac == b.ceac
    assert a.delta_cost.ci_low != c.delta_cost.ci_low


def test_ceac_and_nmb():
    c1, q1, c0, q0 = _arms(dc=1000, dq=0.04)  # ICER ≈ £25,000
    r = ev.cost_effectiveness(c1, q1, cost_comparison=c0, qaly_comparison=q0, resamples=1000)
    probs = [p for _, p in r.ceac]
    assert r.ceac[0] == (0.0, 0.0)  # costs more, so never cost-effective at £0
    assert all(0 <= p <= 1 for p in probs)
    assert probs == sorted(probs)  # NE quadrant: rises with the threshold
    dq, dc = r.delta_qaly.estimate, r.delta_cost.estimate
    assert r.nmb[20_000].estimate == pytest.approx(20_000 * dq - dc)
    assert r.nmb[30_000].estimate == pytest.approx(30_000 * dq - dc)
    assert r.nmb[20_000].ci_low < r.nmb[20_000].estimate < r.nmb[20_000].ci_high
    assert sum(r.quadrant_shares.values()) == pytest.approx(1.0)
    assert r.icer_note == "ok" and r.icer.ci_low < r.icer.estimate < r.icer.ci_high


def test_mixed_quadrants_give_no_icer_interval():
    c1, q1, c0, q0 = _arms(dq=0.0, n1=60, n0=60)
    r = ev.cost_effectiveness(c1, q1, cost_comparison=c0, qaly_comparison=q0, resamples=500)
    assert r.quadrant_shares["NE"] > 0 and r.quadrant_shares["NW"] > 0
    assert r.icer_note in {"mixed", "dominated"}
    assert r.icer.ci_low is None and r.icer.ci_high is None


def test_dominant_intervention():
    c1, q1, c0, q0 = _arms(dc=-250, dq=0.05)
    r = ev.cost_effectiveness(c1, q1, cost_comparison=c0, qaly_comparison=q0, resamples=200)
    assert r.quadrant == "SE" and r.icer_note == "dominant"
    assert r.ceac[0][1] > 0.9


def test_assumed_comparison():
    c1, q1, _c0, _q0 = _arms()
    r = ev.cost_effectiveness(
        c1, q1, assumed_comparison_cost=300, assumed_comparison_qaly=0.2, resamples=200
    )
    assert r.n_comparison is None
    assert r.delta_cost.estimate == pytest.approx(c1.mean() - 300)
    assert r.delta_qaly.estimate == pytest.approx(q1.mean() - 0.2)


def test_baseline_adjustment_used_in_bootstrap():
    rng = np.random.default_rng(4)
    n = 150
    b1 = rng.uniform(0.5, 0.9, n)
    b0 = rng.uniform(0.3, 0.7, n)  # comparison arm sicker at baseline
    q1 = 0.25 * b1 + 0.01 + rng.normal(0, 0.005, n)
    q0 = 0.25 * b0 + rng.normal(0, 0.005, n)
    c1, c0 = rng.gamma(4, 300, n), rng.gamma(4, 50, n)
    r = ev.cost_effectiveness(
        c1,
        q1,
        cost_comparison=c0,
        qaly_comparison=q0,
        baseline_intervention=b1,
        baseline_comparison=b0,
        resamples=500,
    )
    assert r.baseline_adjusted
    assert r.delta_qaly.estimate == pytest.approx(0.01, abs=0.003)
    assert r.delta_qaly.ci_low < 0.01 < r.delta_qaly.ci_high
    unadjusted = q1.mean() - q0.mean()
    assert unadjusted > 0.04  # would overstate the gain fourfold


def test_limits_and_bad_input():
    c1, q1, c0, q0 = _arms()
    with pytest.raises(ev.BootstrapLimitError, match="limit is 20000"):
        ev.cost_effectiveness(c1, q1, cost_comparison=c0, qaly_comparison=q0, resamples=20_001)
    with pytest.raises(ev.BootstrapLimitError):
        ev.cost_effectiveness(c1, q1, cost_comparison=c0, qaly_comparison=q0, resamples=0)
    with pytest.raises(ValueError):
        ev.cost_effectiveness(c1, q1)  # no comparison at all
    with pytest.raises(ValueError):
        ev.cost_effectiveness(c1, q1, assumed_comparison_cost=1)


@pytest.mark.parametrize("n", [0, 1])
def test_not_enough_people(n):
    r = ev.cost_effectiveness(
        [500.0] * n, [0.1] * n, assumed_comparison_cost=0, assumed_comparison_qaly=0
    )
    assert not r.enough_data
    assert r.delta_cost.estimate is None and r.icer.estimate is None and r.ceac == []
    r = ev.cost_effectiveness(
        [1.0, 2.0], [0.1, 0.2], cost_comparison=[1.0] * n, qaly_comparison=[0.1] * n
    )
    assert not r.enough_data


def test_identical_qalys_give_undefined_icer():
    r = ev.cost_effectiveness(
        [100.0, 200.0, 300.0],
        [0.1, 0.1, 0.1],
        cost_comparison=[10.0, 20.0],
        qaly_comparison=[0.1, 0.1],
        resamples=50,
    )
    assert r.enough_data and r.icer.estimate is None and r.icer_note == "no_qaly_difference"
    assert all(math.isfinite(p) for _, p in r.ceac)
