"""Evaluation statistics: pure functions on arrays (numpy only at run time, no Django).

Every function takes plain sequences or numpy arrays and returns a frozen dataclass. Inputs
with too few observations give a result with ``enough_data=False`` and ``None`` for the
statistics — never NaN, never ZeroDivisionError. Methods, formulas and references are in
docs/evaluation.md.

The Student t and normal distributions are implemented here (regularised incomplete beta by
Lentz's continued fraction; quantiles by safeguarded Newton/bisection) so that scipy is only a
test dependency; the tests check them against scipy to 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

__all__ = [
    "AdjustedDifference",
    "BootstrapLimitError",
    "CostEffectiveness",
    "Interval",
    "MeanDifference",
    "PairedChange",
    "SignedRank",
    "SubgroupRow",
    "baseline_adjusted_difference",
    "betainc",
    "cost_effectiveness",
    "difference_in_differences",
    "icer",
    "mean_difference",
    "net_monetary_benefit",
    "normal_cdf",
    "normal_ppf",
    "normal_two_sided_p",
    "paired_change",
    "qaly_auc",
    "qaly_gain_auc",
    "quadrant",
    "subgroup_comparison",
    "t_cdf",
    "t_ppf",
    "t_two_sided_p",
    "wilcoxon_signed_rank",
]

_NORMAL = NormalDist()


# ---------------------------------------------------------------------------------------------
# Distributions
# ---------------------------------------------------------------------------------------------


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if abs(d) < tiny:
        d = tiny
    d = 1.0 / d
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if abs(d) < tiny:
            d = tiny
        c = 1.0 + aa / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if abs(d) < tiny:
            d = tiny
        c = 1.0 + aa / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b) for a, b > 0 and 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with ``df`` degrees of freedom (df may be fractional)."""
    if df <= 0:
        raise ValueError("df must be positive")
    if math.isinf(t):
        return 0.0
    return betainc(df / 2.0, 0.5, df / (df + t * t))


def t_cdf(t: float, df: float) -> float:
    """Cumulative distribution function of Student's t."""
    tail = t_two_sided_p(t, df) / 2.0
    return 1.0 - tail if t > 0 else tail


def _t_pdf(t: float, df: float) -> float:
    log_pdf = (
        math.lgamma((df + 1) / 2)
        - math.lgamma(df / 2)
        - 0.5 * math.log(df * math.pi)
        - (df + 1) / 2 * math.log1p(t * t / df)
    )
    return math.exp(log_pdf)


def t_ppf(q: float, df: float) -> float:
    """Quantile of Student's t (inverse of :func:`t_cdf`), accurate to about 1e-12."""
    if not 0.0 < q < 1.0:
        raise ValueError("q must be strictly between 0 and 1")
    if df <= 0:
        raise ValueError("df must be positive")
    if q == 0.5:
        return 0.0
    if q < 0.5:
        return -t_ppf(1.0 - q, df)
    if df >= 1000:
        return _t_ppf_large(q, df)
    # Bracket [lo, hi] with cdf(lo) < q <= cdf(hi), starting from the normal quantile.
    lo, hi = 0.0, max(1.0, normal_ppf(q))
    while t_cdf(hi, df) < q:
        lo, hi = hi, hi * 2.0
        if hi > 1e300:  # pragma: no cover - q this close to 1 is not meaningful
            return math.inf
    x = hi
    for _ in range(200):
        f = t_cdf(x, df) - q
        if abs(f) < 1e-15:
            break
        if f < 0:
            lo = x
        else:
            hi = x
        pdf = _t_pdf(x, df)
        step = x - f / pdf if pdf > 0 else (lo + hi) / 2
        x = step if lo < step < hi else (lo + hi) / 2
        if hi - lo < 1e-13 * max(1.0, abs(x)):
            break
    return x


def _t_ppf_large(q: float, df: float) -> float:
    """The t quantile for many degrees of freedom: the Cornish-Fisher expansion around the
    normal quantile (Abramowitz and Stegun 26.7.5), four terms. From 1,000 degrees of
    freedom its error (the fifth term) is below 1e-15, better than solving t_cdf(x) = q
    through the incomplete beta function (whose continued fraction converges slowly there,
    about a millisecond a call: the dashboard needs a CI for every group)."""
    z = normal_ppf(q)
    z2 = z * z
    g1 = (z2 + 1) * z / 4
    g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df


def normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def normal_ppf(q: float) -> float:
    return _NORMAL.inv_cdf(q)


def normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _as_array(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Float array; None becomes NaN (so it is dropped as missing)."""
    if isinstance(values, np.ndarray):
        return values.astype(float, copy=False).ravel()
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _paired_arrays(before, after) -> tuple[np.ndarray, np.ndarray]:
    b = _as_array(before)
    a = _as_array(after)
    if b.shape != a.shape:
        raise ValueError("before and after must have the same length")
    keep = np.isfinite(b) & np.isfinite(a)
    return b[keep], a[keep]


def _f(x) -> float:
    return float(x)


# ---------------------------------------------------------------------------------------------
# Paired pre/post change
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairedChange:
    """Change from baseline to follow-up for one measure (after − before)."""

    n: int
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    sd_change: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    df: int | None
    p_value: float | None
    effect_size_dz: float | None
    share_improved: float | None
    enough_data: bool
    effect_size_dav: float | None = None
    confidence: float = 0.95
    threshold: float | None = None
    higher_is_better: bool = True


def paired_change(
    before,
    after,
    *,
    threshold: float | None = None,
    higher_is_better: bool = True,
    confidence: float = 0.95,
) -> PairedChange:
    """Paired analysis of ``after − before``.

    Pairs where either value is missing (None/NaN) are dropped; ``n`` counts complete pairs.
    With n < 2 there is not enough data: every statistic is None.

    - mean change, SD of the changes (ddof=1), t-based CI: mean ± t(1−α/2, n−1)·SD/√n;
    - paired t-test: t = mean/(SD/√n), df = n−1, two-sided p;
    - Cohen's d_z = mean change / SD of changes; d_av = mean change / mean of the two SDs;
    - share_improved: share of people whose change is at least ``threshold`` in the direction of
      improvement (``higher_is_better`` False for measures where lower is better, e.g. loneliness).

    When every change is identical (SD = 0) the CI collapses to the mean and t, p and d_z are
    None (undefined) rather than infinite.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1")
    if threshold is not None and threshold < 0:
        raise ValueError("threshold must not be negative; use higher_is_better for direction")
    b, a = _paired_arrays(before, after)
    n = int(b.size)
    if n < 2:
        return PairedChange(
            n=n,
            mean_before=None,
            mean_after=None,
            mean_change=None,
            sd_change=None,
            ci_low=None,
            ci_high=None,
            t=None,
            df=None,
            p_value=None,
            effect_size_dz=None,
            share_improved=None,
            enough_data=False,
            confidence=confidence,
            threshold=threshold,
            higher_is_better=higher_is_better,
        )
    d = a - b
    mean = _f(d.mean())
    sd = _f(d.std(ddof=1))
    df = n - 1
    se = sd / math.sqrt(n)
    tcrit = t_ppf(1.0 - (1.0 - confidence) / 2.0, df)
    if sd > 0:
        t = mean / se
        p = t_two_sided_p(t, df)
        dz = mean / sd
    else:
        t = p = dz = None
    sd_b, sd_a = _f(b.std(ddof=1)), _f(a.std(ddof=1))
    sd_av = (sd_b + sd_a) / 2.0
    dav = mean / sd_av if sd_av > 0 else None
    share = None
    if threshold is not None:
        improved = d >= threshold if higher_is_better else d <= -threshold
        if threshold == 0:
            # "Any improvement": a zero change is not an improvement.
            improved = d > 0 if higher_is_better else d < 0
        share = _f(improved.mean())
    return PairedChange(
        n=n,
        mean_before=_f(b.mean()),
        mean_after=_f(a.mean()),
        mean_change=mean,
        sd_change=sd,
        ci_low=mean - tcrit * se,
        ci_high=mean + tcrit * se,
        t=t,
        df=df,
        p_value=p,
        effect_size_dz=dz,
        share_improved=share,
        enough_data=True,
        effect_size_dav=dav,
        confidence=confidence,
        threshold=threshold,
        higher_is_better=higher_is_better,
    )


# ---------------------------------------------------------------------------------------------
# Wilcoxon signed-rank
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedRank:
    """Wilcoxon signed-rank test, normal approximation.

    Matches ``scipy.stats.wilcoxon(after - before, zero_method="wilcox", correction=False,
    method="approx")``: zero differences are dropped, tied |differences| get average ranks and
    the variance is reduced by Σ(t³ − t)/48. ``statistic`` is min(W+, W−) as scipy reports it.
    """

    n: int  # pairs with a non-zero difference
    n_zero: int
    statistic: float | None
    w_plus: float | None
    w_minus: float | None
    z: float | None
    p_value: float | None
    enough_data: bool


def _average_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average ranks (1-based) of values, and the sizes of the tie groups."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    # Start index of each run of equal values.
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    counts = np.diff(np.r_[starts, sorted_values.size])
    average = starts + (counts + 1) / 2.0  # mean of 1-based ranks start+1 … start+count
    ranks = np.empty(values.size, dtype=float)
    ranks[order] = np.repeat(average, counts)
    return ranks, counts


def wilcoxon_signed_rank(before, after) -> SignedRank:
    b, a = _paired_arrays(before, after)
    d = a - b
    nonzero = d[d != 0]
    n = int(nonzero.size)
    n_zero = int(d.size - n)
    if n < 2:
        return SignedRank(n, n_zero, None, None, None, None, None, enough_data=False)
    ranks, ties = _average_ranks(np.abs(nonzero))
    w_plus = _f(ranks[nonzero > 0].sum())
    w_minus = _f(ranks[nonzero < 0].sum())
    mean = n * (n + 1) / 4.0
    var = n * (n + 1) * (2 * n + 1) / 24.0 - _f((ties**3 - ties).sum()) / 48.0
    if var <= 0:  # pragma: no cover - impossible for n >= 2, kept as a guard
        return SignedRank(n, n_zero, None, None, None, None, None, enough_data=False)
    statistic = min(w_plus, w_minus)
    z = (statistic - mean) / math.sqrt(var)
    return SignedRank(
        n=n,
        n_zero=n_zero,
        statistic=statistic,
        w_plus=w_plus,
        w_minus=w_minus,
        z=z,
        p_value=min(1.0, normal_two_sided_p(z)),
        enough_data=True,
    )


# ---------------------------------------------------------------------------------------------
# Two independent groups (Welch)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeanDifference:
    """Difference in means between two independent groups (group 1 − group 2), Welch's t."""

    n1: int
    n2: int
    mean1: float | None
    mean2: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    df: float | None
    p_value: float | None
    enough_data: bool
    confidence: float = 0.95


def mean_difference(values1, values2, *, confidence: float = 0.95) -> MeanDifference:
    """Welch's unequal-variance comparison of two independent samples (NaN/None dropped).

    difference = mean1 − mean2; SE = √(s1²/n1 + s2²/n2); Welch–Satterthwaite df; t-based CI.
    Needs at least two values in each group.
    """
    x = _as_array(values1)
    y = _as_array(values2)
    x = x[np.isfinite(x)]
    y = y[np.isfinite(y)]
    n1, n2 = int(x.size), int(y.size)
    if n1 < 2 or n2 < 2:
        return MeanDifference(
            n1, n2, None, None, None, None, None, None, None, None, False, confidence
        )
    m1, m2 = _f(x.mean()), _f(y.mean())
    v1, v2 = _f(x.var(ddof=1)) / n1, _f(y.var(ddof=1)) / n2
    diff = m1 - m2
    se2 = v1 + v2
    if se2 <= 0:
        return MeanDifference(n1, n2, m1, m2, diff, diff, diff, None, None, None, True, confidence)
    se = math.sqrt(se2)
    df = se2**2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    tcrit = t_ppf(1.0 - (1.0 - confidence) / 2.0, df)
    t = diff / se
    return MeanDifference(
        n1=n1,
        n2=n2,
        mean1=m1,
        mean2=m2,
        difference=diff,
        ci_low=diff - tcrit * se,
        ci_high=diff + tcrit * se,
        t=t,
        df=df,
        p_value=t_two_sided_p(t, df),
        enough_data=True,
        confidence=confidence,
    )


@dataclass(frozen=True)
class SubgroupRow:
    group: str
    change: PairedChange
    versus_rest: MeanDifference  # this group's mean change − everyone else's


def subgroup_comparison(
    before,
    after,
    groups: Sequence[str],
    *,
    threshold: float | None = None,
    higher_is_better: bool = True,
) -> list[SubgroupRow]:
    """Paired change within each subgroup, and its difference from the rest of the cohort
    (Welch CI on the change scores). Groups are listed in sorted order."""
    b, a = _as_array(before), _as_array(after)
    labels = np.array([str(g) for g in groups], dtype=object)
    if not (b.shape == a.shape == labels.shape):
        raise ValueError("before, after and groups must have the same length")
    change = a - b
    rows = []
    for group in sorted(set(labels.tolist())):
        inside = labels == group
        rows.append(
            SubgroupRow(
                group=group,
                change=paired_change(
                    b[inside], a[inside], threshold=threshold, higher_is_better=higher_is_better
                ),
                versus_rest=mean_difference(change[inside], change[~inside]),
            )
        )
    return rows


def difference_in_differences(
    intervention_before, intervention_after, comparison_before, comparison_after
) -> MeanDifference:
    """DiD = (mean change in the intervention group) − (mean change in the comparison group),
    with a Welch CI on the individual change scores (people measured before and after in each
    arm; unpaired rows are dropped)."""
    ib, ia = _paired_arrays(intervention_before, intervention_after)
    cb, ca = _paired_arrays(comparison_before, comparison_after)
    return mean_difference(ia - ib, ca - cb)


# ---------------------------------------------------------------------------------------------
# QALYs
# ---------------------------------------------------------------------------------------------

DAYS_PER_YEAR = 365.25


def qaly_auc(times_years, utilities) -> float | None:
    """Area under one person's utility curve by the trapezoid rule (time in years).

    Points need not be evenly spaced; they are sorted by time. Fewer than two points → None.
    """
    t = _as_array(times_years)
    u = _as_array(utilities)
    if t.shape != u.shape:
        raise ValueError("times and utilities must have the same length")
    keep = np.isfinite(t) & np.isfinite(u)
    t, u = t[keep], u[keep]
    if t.size < 2:
        return None
    order = np.argsort(t, kind="mergesort")
    t, u = t[order], u[order]
    return _f(((u[1:] + u[:-1]) / 2.0 * np.diff(t)).sum())


def qaly_gain_auc(times_years, utilities) -> float | None:
    """QALYs gained over the person's own baseline: AUC − baseline utility × follow-up time."""
    t = _as_array(times_years)
    u = _as_array(utilities)
    total = qaly_auc(t, u)
    if total is None:
        return None
    keep = np.isfinite(t) & np.isfinite(u)
    t, u = t[keep], u[keep]
    first = int(np.argmin(t))
    return total - _f(u[first]) * _f(t.max() - t.min())


@dataclass(frozen=True)
class AdjustedDifference:
    """Arm coefficient from OLS: outcome = a + b·arm + c·baseline (Manca et al. 2005)."""

    n: int
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    baseline_coefficient: float | None
    unadjusted_difference: float | None
    enough_data: bool


def baseline_adjusted_difference(outcome, arm, baseline) -> AdjustedDifference:
    """Difference in ``outcome`` between arm 1 and arm 0 adjusted for baseline utility by
    linear regression (ANCOVA), with a t-based 95% CI from the OLS standard error."""
    y = _as_array(outcome)
    g = _as_array(arm)
    x = _as_array(baseline)
    if not (y.shape == g.shape == x.shape):
        raise ValueError("outcome, arm and baseline must have the same length")
    keep = np.isfinite(y) & np.isfinite(g) & np.isfinite(x)
    y, g, x = y[keep], g[keep], x[keep]
    n = int(y.size)
    n1 = int((g == 1).sum())
    n0 = int((g == 0).sum())
    if n1 + n0 != n:
        raise ValueError("arm must be 0 (comparison) or 1 (intervention)")
    unadjusted = _f(y[g == 1].mean() - y[g == 0].mean()) if n1 and n0 else None
    if n1 < 2 or n0 < 2 or n < 4:
        return AdjustedDifference(n, None, None, None, None, unadjusted, False)
    design = np.column_stack([np.ones(n), g, x])
    coef, _res, rank, _sv = np.linalg.lstsq(design, y, rcond=None)
    if rank < 3:  # baseline constant or collinear with arm
        return AdjustedDifference(n, None, None, None, None, unadjusted, False)
    resid = y - design @ coef
    df = n - 3
    sigma2 = _f(resid @ resid) / df
    cov = sigma2 * np.linalg.inv(design.T @ design)
    se = math.sqrt(max(_f(cov[1, 1]), 0.0))
    tcrit = t_ppf(0.975, df)
    b = _f(coef[1])
    return AdjustedDifference(
        n=n,
        difference=b,
        ci_low=b - tcrit * se,
        ci_high=b + tcrit * se,
        baseline_coefficient=_f(coef[2]),
        unadjusted_difference=unadjusted,
        enough_data=True,
    )


# ---------------------------------------------------------------------------------------------
# Cost-effectiveness
# ---------------------------------------------------------------------------------------------

QALY_EPSILON = 1e-9  # |ΔQALY| below this is treated as no difference (ICER undefined)
THRESHOLDS = (20_000, 30_000)  # NICE's usual range, £ per QALY


def icer(delta_cost: float, delta_qaly: float) -> float | None:
    """Incremental cost-effectiveness ratio Δcost/ΔQALY; None when ΔQALY ≈ 0 (undefined)."""
    if not (math.isfinite(delta_cost) and math.isfinite(delta_qaly)):
        return None
    if abs(delta_qaly) < QALY_EPSILON:
        return None
    return delta_cost / delta_qaly


def quadrant(delta_cost: float, delta_qaly: float) -> str:
    """Where a point falls on the cost-effectiveness plane.

    "NE" costs more and gains QALYs (ICER is the price of a QALY); "SE" dominant (cheaper and
    better); "NW" dominated (dearer and worse); "SW" cheaper and worse (ICER is the saving per
    QALY lost). Points on an axis are given to the quadrant on the side of more QALYs or more
    cost, and "origin" when both are zero.
    """
    if abs(delta_qaly) < QALY_EPSILON and delta_cost == 0:
        return "origin"
    if delta_qaly >= 0:
        return "NE" if delta_cost > 0 else "SE"
    return "NW" if delta_cost >= 0 else "SW"


def net_monetary_benefit(delta_cost: float, delta_qaly: float, threshold: float) -> float:
    """NMB = λ·ΔQALY − Δcost (positive: cost-effective at threshold λ)."""
    return threshold * delta_qaly - delta_cost


class BootstrapLimitError(ValueError):
    """More resamples were asked for than the deployment allows."""


@dataclass(frozen=True)
class Interval:
    estimate: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class CostEffectiveness:
    """Result of :func:`cost_effectiveness` (all money in £, effects in QALYs)."""

    n_intervention: int
    n_comparison: int | None  # None when the comparison is a stated assumption
    mean_cost_intervention: float | None
    mean_cost_comparison: float | None
    mean_qaly_intervention: float | None
    mean_qaly_comparison: float | None
    delta_cost: Interval
    delta_qaly: Interval
    icer: Interval
    icer_note: str
    quadrant: str | None
    quadrant_shares: dict[str, float]
    nmb: dict[int, Interval]
    ceac: list[tuple[float, float]]  # (threshold £/QALY, probability cost-effective)
    plane: np.ndarray  # (resamples, 2): Δcost, ΔQALY per resample
    resamples: int
    seed: int
    baseline_adjusted: bool
    enough_data: bool
    note: str = ""


CEAC_THRESHOLDS = tuple(range(0, 50_001, 1_000))
ICER_NOTES = {
    "ok": "ICER percentile interval from bootstrap resamples that all lie on the same side "
    "of zero QALYs.",
    "no_qaly_difference": "ΔQALY is zero (or nearly), so the ICER is undefined; use net "
    "monetary benefit and the acceptability curve.",
    "mixed": "Bootstrap resamples fall on both sides of zero QALYs, so no ICER interval is "
    "given (a ratio interval would be misleading); use net monetary benefit and the "
    "acceptability curve.",
    "dominant": "The intervention is cheaper and gains QALYs (dominant): no ICER is reported.",
    "dominated": "The intervention costs more and loses QALYs (dominated): no ICER is reported.",
}


def _arm_sums(data: np.ndarray, n_resamples: int, rng: np.random.Generator, chunk: int):
    """Sums over bootstrap resamples of the rows of ``data`` (n, k): returns (B, k).

    Resamples are drawn in chunks so memory stays bounded (chunk × n indices at a time).
    Columns are packed in pairs into complex numbers so one gather serves two columns.
    """
    n, k = data.shape
    packed = [data[:, j] + 1j * (data[:, j + 1] if j + 1 < k else 0.0) for j in range(0, k, 2)]
    out = np.empty((n_resamples, k))
    done = 0
    while done < n_resamples:
        size = min(chunk, n_resamples - done)
        idx = rng.integers(0, n, size=(size, n), dtype=np.int32 if n < 2**31 else np.int64)
        for p, column in enumerate(packed):
            sums = np.take(column, idx).sum(axis=1)
            out[done : done + size, 2 * p] = sums.real
            if 2 * p + 1 < k:
                out[done : done + size, 2 * p + 1] = sums.imag
        done += size
    return out


def _adjusted_delta_q(s1: np.ndarray, n1: int, s0: np.ndarray, n0: int) -> np.ndarray:
    """ANCOVA arm effect from per-arm sums of (q, b, q·b, b²) for each resample (rows)."""
    q1, b1 = s1[:, 0] / n1, s1[:, 1] / n1
    q0, b0 = s0[:, 0] / n0, s0[:, 1] / n0
    sxy = (s1[:, 2] - n1 * q1 * b1) + (s0[:, 2] - n0 * q0 * b0)
    sxx = (s1[:, 3] - n1 * b1 * b1) + (s0[:, 3] - n0 * b0 * b0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(sxx > 0, sxy / np.where(sxx > 0, sxx, 1.0), 0.0)
    return (q1 - q0) - slope * (b1 - b0)


def _percentile_interval(values: np.ndarray, estimate: float | None) -> Interval:
    if values.size == 0:
        return Interval(estimate, None, None)
    low, high = np.percentile(values, [2.5, 97.5])
    return Interval(estimate, _f(low), _f(high))


def cost_effectiveness(
    cost_intervention,
    qaly_intervention,
    *,
    cost_comparison=None,
    qaly_comparison=None,
    baseline_intervention=None,
    baseline_comparison=None,
    assumed_comparison_cost: float | None = None,
    assumed_comparison_qaly: float | None = None,
    resamples: int = 5_000,
    seed: int = 20_240_601,
    max_resamples: int = 20_000,
    thresholds: Sequence[float] = CEAC_THRESHOLDS,
    chunk: int = 250,
) -> CostEffectiveness:
    """Incremental cost-effectiveness of the intervention against a comparison.

    The comparison is either person-level data (``cost_comparison``/``qaly_comparison``,
    e.g. matched controls) or a stated assumption (``assumed_comparison_cost`` and
    ``assumed_comparison_qaly``, fixed mean values: then only the intervention arm is
    resampled and the interval reflects uncertainty in the intervention arm alone).

    With baselines for both arms, ΔQALY is adjusted for baseline utility by regression
    (Manca et al. 2005) in the point estimate and inside every resample.

    Non-parametric bootstrap: ``resamples`` resamples of people with replacement within each
    arm, seeded; percentile 95% intervals for Δcost, ΔQALY, NMB; ICER interval only when every
    resample has ΔQALY of the same sign (see ICER_NOTES). CEAC: share of resamples with
    NMB > 0 at each threshold.
    """
    if resamples > max_resamples:
        raise BootstrapLimitError(
            f"{resamples} resamples were requested; the limit is {max_resamples} "
            "(LINKWELL_BOOTSTRAP_MAX_RESAMPLES)."
        )
    if resamples < 1:
        raise BootstrapLimitError("Ask for at least one bootstrap resample.")
    ci = _as_array(cost_intervention)
    qi = _as_array(qaly_intervention)
    if ci.shape != qi.shape:
        raise ValueError("intervention costs and QALYs must have the same length")
    has_data_comparison = cost_comparison is not None or qaly_comparison is not None
    has_assumption = assumed_comparison_cost is not None or assumed_comparison_qaly is not None
    if has_data_comparison == has_assumption:
        raise ValueError("give either comparison data or an assumed comparison, not both")
    if has_assumption and (assumed_comparison_cost is None or assumed_comparison_qaly is None):
        raise ValueError("an assumed comparison needs both a cost and a QALY value")
    adjust = baseline_intervention is not None and baseline_comparison is not None
    bi = _as_array(baseline_intervention) if adjust else np.zeros_like(qi)
    keep = np.isfinite(ci) & np.isfinite(qi) & np.isfinite(bi)
    ci, qi, bi = ci[keep], qi[keep], bi[keep]
    n1 = int(ci.size)
    if has_data_comparison:
        cc = _as_array(cost_comparison)
        qc = _as_array(qaly_comparison)
        bc = _as_array(baseline_comparison) if adjust else np.zeros_like(qc)
        if not (cc.shape == qc.shape == bc.shape):
            raise ValueError("comparison costs, QALYs and baselines must have the same length")
        keep = np.isfinite(cc) & np.isfinite(qc) & np.isfinite(bc)
        cc, qc, bc = cc[keep], qc[keep], bc[keep]
        n0: int | None = int(cc.size)
    else:
        n0 = None
    empty = {t: Interval(None, None, None) for t in THRESHOLDS}
    if n1 < 2 or (n0 is not None and n0 < 2):
        return CostEffectiveness(
            n_intervention=n1,
            n_comparison=n0,
            mean_cost_intervention=None,
            mean_cost_comparison=None,
            mean_qaly_intervention=None,
            mean_qaly_comparison=None,
            delta_cost=Interval(None, None, None),
            delta_qaly=Interval(None, None, None),
            icer=Interval(None, None, None),
            icer_note="",
            quadrant=None,
            quadrant_shares={},
            nmb=empty,
            ceac=[],
            plane=np.empty((0, 2)),
            resamples=0,
            seed=seed,
            baseline_adjusted=False,
            enough_data=False,
            note="Not enough data: at least two people are needed in each arm.",
        )
    rng = np.random.default_rng(seed)
    mean_ci, mean_qi = _f(ci.mean()), _f(qi.mean())
    if n0 is not None:
        mean_cc, mean_qc = _f(cc.mean()), _f(qc.mean())
        if adjust:
            adj = baseline_adjusted_difference(
                np.r_[qi, qc], np.r_[np.ones(n1), np.zeros(n0)], np.r_[bi, bc]
            )
            adjust = adj.enough_data
            dq = adj.difference if adjust else mean_qi - mean_qc
        else:
            dq = mean_qi - mean_qc
        dc = mean_ci - mean_cc
        cols1 = np.column_stack([ci, qi, bi, qi * bi, bi * bi]) if adjust else np.c_[ci, qi]
        cols0 = np.column_stack([cc, qc, bc, qc * bc, bc * bc]) if adjust else np.c_[cc, qc]
        s1 = _arm_sums(cols1, resamples, rng, chunk)
        s0 = _arm_sums(cols0, resamples, rng, chunk)
        boot_dc = s1[:, 0] / n1 - s0[:, 0] / n0
        if adjust:
            boot_dq = _adjusted_delta_q(s1[:, 1:], n1, s0[:, 1:], n0)
        else:
            boot_dq = s1[:, 1] / n1 - s0[:, 1] / n0
    else:
        mean_cc, mean_qc = float(assumed_comparison_cost), float(assumed_comparison_qaly)
        adjust = False
        dc, dq = mean_ci - mean_cc, mean_qi - mean_qc
        s1 = _arm_sums(np.c_[ci, qi], resamples, rng, chunk)
        boot_dc = s1[:, 0] / n1 - mean_cc
        boot_dq = s1[:, 1] / n1 - mean_qc

    point_quadrant = quadrant(dc, dq)
    shares = {
        "NE": _f(((boot_dq >= 0) & (boot_dc > 0)).mean()),
        "SE": _f(((boot_dq >= 0) & (boot_dc <= 0)).mean()),
        "NW": _f(((boot_dq < 0) & (boot_dc >= 0)).mean()),
        "SW": _f(((boot_dq < 0) & (boot_dc < 0)).mean()),
    }
    point_icer = icer(dc, dq)
    if point_icer is None:
        icer_interval, note = Interval(None, None, None), "no_qaly_difference"
    elif point_quadrant == "SE":
        icer_interval, note = Interval(point_icer, None, None), "dominant"
    elif point_quadrant == "NW":
        icer_interval, note = Interval(point_icer, None, None), "dominated"
    elif np.all(boot_dq > QALY_EPSILON) or np.all(boot_dq < -QALY_EPSILON):
        icer_interval = _percentile_interval(boot_dc / boot_dq, point_icer)
        note = "ok"
    else:
        icer_interval, note = Interval(point_icer, None, None), "mixed"

    nmb = {
        t: _percentile_interval(t * boot_dq - boot_dc, net_monetary_benefit(dc, dq, t))
        for t in THRESHOLDS
    }
    ceac = [(float(t), _f((t * boot_dq - boot_dc > 0).mean())) for t in thresholds]
    return CostEffectiveness(
        n_intervention=n1,
        n_comparison=n0,
        mean_cost_intervention=mean_ci,
        mean_cost_comparison=mean_cc,
        mean_qaly_intervention=mean_qi,
        mean_qaly_comparison=mean_qc,
        delta_cost=_percentile_interval(boot_dc, dc),
        delta_qaly=_percentile_interval(boot_dq, dq),
        icer=icer_interval,
        icer_note=note,
        quadrant=point_quadrant,
        quadrant_shares=shares,
        nmb=nmb,
        ceac=ceac,
        plane=np.column_stack([boot_dc, boot_dq]),
        resamples=resamples,
        seed=seed,
        baseline_adjusted=adjust,
        enough_data=True,
    )
