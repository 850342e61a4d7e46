"""``linkwell evaluate``: the evaluation of a period, from records, written to a folder.

Cohort (docs/evaluation.md): every referral with a ``baseline`` measurement completed in
[from, to]. For each measure, the baseline is the first baseline measurement, the follow-up
the latest later measurement at a follow-up (``follow_up…``) or ``discharge`` timepoint
completed by the end of the period — the same pairing as the dashboard. EQ-5D-5L answers are
re-scored with the chosen value set so every index in the analysis uses one value set.

Outputs (aggregates only; small numbers suppressed as on the dashboard):
outcome_change.csv, outcome_change_by_group.csv, costs.csv, costs_by_group.csv, qalys.csv,
cost_effectiveness.csv, ceac.csv, ce_plane.csv, difference_in_differences.csv (when the
comparison has before and after utilities), ce_plane.svg, ceac.svg, methods.md.
"""

from __future__ import annotations

import csv
import datetime
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils import timezone

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.outcomes.instruments import INSTRUMENTS, ScoringError, eq5d5l
from linkwell.outcomes.models import Measurement
from linkwell.people.vocabulary import ETHNIC_GROUP_OF
from linkwell.referrals.models import Referral

from . import evaluation as ev
from .comparison import ComparisonGroup
from .costs import participant_costs
from .evaluation_charts import ce_plane_svg, ceac_svg

SMALL = 5  # counts 1–4 are shown as "<5"
SUPPRESSED = "<5"
SECONDARY = "[c]"
AGE_BANDS = ((0, 18), (18, 25), (25, 35), (35, 50), (50, 65), (65, 75), (75, None))
DIMENSIONS = ("imd_quintile", "ethnic_group", "language", "age_band", "sex")


class EvaluationError(ValueError):
    pass


@dataclass
class Participant:
    referral_id: int
    groups: dict[str, str]
    # (instrument, key) -> (baseline value, follow-up value or None)
    pairs: dict[tuple[str, str], tuple[float | None, float | None]] = field(default_factory=dict)
    # EQ-5D-5L (years since baseline, index) in order, baseline to the pairing follow-up
    utilities: list[tuple[float, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    start: datetime.date
    end: datetime.date
    output: Path
    value_set: str
    resamples: int = 5_000
    seed: int = 20_240_601
    comparison: ComparisonGroup | None = None
    comparison_label: str = ""
    assumed_cost: float | None = None
    assumed_qaly_gain: float | None = None


# ---------------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------------


def _age_band(dob: datetime.date | None, on: datetime.date) -> str:
    if dob is None:
        return "unknown"
    age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    for low, high in AGE_BANDS:
        if high is None or age < high:
            return f"{low}-{high - 1}" if high else f"{low}+"
    return "unknown"  # pragma: no cover


def person_groups(
    *, imd_decile, ethnicity, language, interpreter_needed, date_of_birth, sex, on
) -> dict[str, str]:
    """Equity groups, with the dashboard's codes (reports.dashboard.DIMENSIONS)."""
    return {
        "imd_quintile": str((imd_decile + 1) // 2) if imd_decile else "unknown",
        "ethnic_group": ETHNIC_GROUP_OF.get(ethnicity, "unknown") if ethnicity else "unknown",
        "language": "interpreter"
        if interpreter_needed
        else ("english" if language == "en" else "not_english"),
        "age_band": _age_band(date_of_birth, on),
        "sex": sex or "unknown",
    }


# ---------------------------------------------------------------------------------------------
# Cohort from records
# ---------------------------------------------------------------------------------------------


def _bounds(start: datetime.date, end: datetime.date):
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    return first, after


def _is_follow_up(timepoint: str) -> bool:
    return timepoint.startswith("follow_up") or timepoint == "discharge"


def _value(instrument: str, key: str, scores: dict, answers: dict, value_set: str):
    if instrument == "EQ5D5L" and key == "index":
        try:
            return float(eq5d5l.score(answers or {}, value_set)["index"])
        except ScoringError:
            return None
    raw = (scores or {}).get(key)
    if raw is None or isinstance(raw, bool):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def load_cohort(start: datetime.date, end: datetime.date, value_set: str) -> list[Participant]:
    """Participants with a baseline in the period; two queries whatever the size."""
    first, after = _bounds(start, end)
    with_baseline = Measurement.objects.filter(
        timepoint="baseline",
        completed_at__gte=first,
        completed_at__lt=after,
        referral__isnull=False,
    ).values("referral_id")
    people = (
        Referral.objects.filter(pk__in=with_baseline)
        .order_by("pk")
        .values_list(
            "pk",
            "person__imd_decile",
            "person__ethnicity",
            "person__language",
            "person__interpreter_needed",
            "person__date_of_birth",
            "person__sex",
        )
    )
    participants: dict[int, Participant] = {}
    for rid, imd, ethnicity, language, interpreter, dob, sex in people:
        participants[rid] = Participant(
            rid,
            person_groups(
                imd_decile=imd,
                ethnicity=ethnicity,
                language=language,
                interpreter_needed=interpreter,
                date_of_birth=dob,
                sex=sex,
                on=end,
            ),
        )
    rows = (
        Measurement.objects.filter(
            referral_id__in=with_baseline, completed_at__lt=after, instrument__in=INSTRUMENTS
        )
        .order_by("referral_id", "instrument", "completed_at", "id")
        .values_list("referral_id", "instrument", "timepoint", "completed_at", "scores", "answers")
    )
    by_series: dict[tuple[int, str], list] = defaultdict(list)
    for rid, instrument, timepoint, at, scores, answers in rows:
        by_series[(rid, instrument)].append((timepoint, at, scores, answers))
    for (rid, instrument), series in by_series.items():
        participant = participants.get(rid)
        baselines = [m for m in series if m[0] == "baseline" and first <= m[1] < after]
        if participant is None or not baselines:
            continue
        base = baselines[0]
        follow_ups = [m for m in series if _is_follow_up(m[0]) and m[1] > base[1]]
        follow = follow_ups[-1] if follow_ups else None
        for tracked in INSTRUMENTS[instrument].tracked:
            b = _value(instrument, tracked.key, base[2], base[3], value_set)
            f = _value(instrument, tracked.key, follow[2], follow[3], value_set) if follow else None
            if b is not None:
                participant.pairs[(instrument, tracked.key)] = (b, f)
        if instrument == "EQ5D5L" and follow is not None:
            points = []
            for m in series:
                if base[1] <= m[1] <= follow[1] and (m is base or m[0] != "baseline"):
                    u = _value("EQ5D5L", "index", m[2], m[3], value_set)
                    if u is not None:
                        years = (m[1] - base[1]).total_seconds() / 86400 / ev.DAYS_PER_YEAR
                        points.append((years, u))
            participant.utilities = points
    return list(participants.values())


# ---------------------------------------------------------------------------------------------
# Formatting and suppression
# ---------------------------------------------------------------------------------------------


def _r(value, digits: int = 4):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # money
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, float):
        if value != 0 and abs(value) < 10**-digits:
            return f"{value:.3e}"  # small p-values stay visible
        return f"{value:.{digits}f}"
    return value


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_r(v) for v in row])


def suppress_groups(counts: dict[str, int]) -> dict[str, str | None]:
    """Marker per group: "<5" for 1–4 people, "[c]" for the smallest other group when only
    one group in the dimension would otherwise be hidden (so it cannot be found by
    subtracting from the total), None when shown."""
    marks: dict[str, str | None] = {
        g: (SUPPRESSED if 0 < n < SMALL else None) for g, n in counts.items()
    }
    hidden = [g for g, m in marks.items() if m]
    if len(hidden) == 1:
        others = sorted((n, g) for g, n in counts.items() if marks[g] is None and n > 0)
        if others:
            marks[others[0][1]] = SECONDARY
    return marks


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    files: list[str]
    participants: int
    paired: dict[str, int]
    cost_effectiveness: ev.CostEffectiveness | None
    notes: list[str]


def _measures():
    for code, instrument in INSTRUMENTS.items():
        for tracked in instrument.tracked:
            yield code, tracked


def _measure_label(code: str, tracked) -> str:
    return f"{INSTRUMENTS[code].name}: {tracked.label}"


def _outcome_tables(options: Options, cohort: list[Participant], files, paired_counts):
    overall_rows, group_rows = [], []
    for code, tracked in _measures():
        pairs = [
            (p.pairs[(code, tracked.key)], p.groups)
            for p in cohort
            if (code, tracked.key) in p.pairs and p.pairs[(code, tracked.key)][1] is not None
        ]
        if not pairs:
            continue
        before = [b for (b, _f), _g in pairs]
        after = [f for (_b, f), _g in pairs]
        threshold = (
            float(tracked.meaningful_change) if tracked.meaningful_change is not None else None
        )
        change = ev.paired_change(
            before, after, threshold=threshold, higher_is_better=tracked.higher_is_better
        )
        signed = ev.wilcoxon_signed_rank(before, after)
        paired_counts[f"{code}.{tracked.key}"] = change.n
        label = _measure_label(code, tracked)
        if 0 < change.n < SMALL:
            overall_rows.append([label, code, tracked.key, SUPPRESSED] + [None] * 17)
        else:
            overall_rows.append(
                [
                    label,
                    code,
                    tracked.key,
                    change.n,
                    change.mean_before,
                    change.mean_after,
                    change.mean_change,
                    change.ci_low,
                    change.ci_high,
                    change.sd_change,
                    change.t,
                    change.df,
                    change.p_value,
                    signed.statistic,
                    signed.z,
                    signed.p_value,
                    change.effect_size_dz,
                    change.effect_size_dav,
                    "higher" if tracked.higher_is_better else "lower",
                    threshold,
                    change.share_improved,
                ]  # fmt: skip
            )
        for dimension in DIMENSIONS:
            groups = [g[dimension] for _pair, g in pairs]
            rows = ev.subgroup_comparison(
                before,
                after,
                groups,
                threshold=threshold,
                higher_is_better=tracked.higher_is_better,
            )
            marks = suppress_groups({r.group: r.change.n for r in rows})
            for row in rows:
                mark = marks[row.group]
                if mark:
                    group_rows.append([label, dimension, row.group, mark] + [None] * 8)
                    continue
                c, d = row.change, row.versus_rest
                group_rows.append(
                    [label, dimension, row.group, c.n, c.mean_change, c.ci_low, c.ci_high,
                     c.share_improved, d.difference, d.ci_low, d.ci_high, d.p_value]
                )  # fmt: skip
    _write_csv(
        options.output / "outcome_change.csv",
        ["measure", "instrument", "score", "n", "mean_baseline", "mean_follow_up",
         "mean_change", "ci95_low", "ci95_high", "sd_change", "t", "df", "p_value_t",
         "wilcoxon_statistic", "wilcoxon_z", "p_value_wilcoxon", "cohen_dz", "cohen_dav",
         "better_is", "meaningful_change_threshold", "share_meaningfully_improved"],
        overall_rows,
    )  # fmt: skip
    _write_csv(
        options.output / "outcome_change_by_group.csv",
        ["measure", "dimension", "group", "n", "mean_change", "ci95_low", "ci95_high",
         "share_meaningfully_improved", "difference_from_rest", "difference_ci95_low",
         "difference_ci95_high", "difference_p_value"],
        group_rows,
    )  # fmt: skip
    files += ["outcome_change.csv", "outcome_change_by_group.csv"]


def _cost_tables(options: Options, cohort: list[Participant], files):
    ids = [p.referral_id for p in cohort]
    summary = participant_costs(referral_ids=ids, start=options.start, end=options.end)
    people = list(summary.participants.values())
    totals = [float(p.total) for p in people]

    def mean(values):
        return statistics.fmean(values) if values else None

    rows = [
        ["participants", len(people) if len(people) == 0 or len(people) >= SMALL else SUPPRESSED],
        ["link_worker_hourly_cost", summary.hourly_cost],
        ["overhead_per_participant", summary.overhead_per_participant],
    ]
    if len(people) >= SMALL:
        rows += [
            ["mean_contact_minutes", mean([p.contact_minutes for p in people])],
            ["mean_link_worker_cost", mean([float(p.link_worker_cost) for p in people])],
            ["mean_group_attendances", mean([p.attendances for p in people])],
            ["mean_group_cost", mean([float(p.group_cost) for p in people])],
            ["mean_total_cost", mean(totals)],
            ["median_total_cost", statistics.median(totals)],
            ["total_cost", sum(totals)],
        ]
    rows += [
        ["group_services_attended", summary.services_attended],
        ["group_services_without_cost_records", summary.services_without_costs],
    ]
    _write_csv(options.output / "costs.csv", ["figure", "value"], rows)
    by_group_rows = []
    for dimension in DIMENSIONS:
        grouped: dict[str, list[float]] = defaultdict(list)
        for p in cohort:
            grouped[p.groups[dimension]].append(float(summary.participants[p.referral_id].total))
        marks = suppress_groups({g: len(v) for g, v in grouped.items()})
        for group in sorted(grouped):
            values = grouped[group]
            if marks[group]:
                by_group_rows.append([dimension, group, marks[group], None])
            else:
                by_group_rows.append([dimension, group, len(values), mean(values)])
    _write_csv(
        options.output / "costs_by_group.csv",
        ["dimension", "group", "participants", "mean_total_cost"],
        by_group_rows,
    )
    files += ["costs.csv", "costs_by_group.csv"]
    return summary


def _qaly_arrays(cohort: list[Participant], summary):
    """Intervention arm: people with EQ-5D-5L at baseline and follow-up."""
    costs, qalys, gains, baselines, followups, years = [], [], [], [], [], []
    for p in cohort:
        if len(p.utilities) < 2:
            continue
        t = [u[0] for u in p.utilities]
        u = [u[1] for u in p.utilities]
        total = ev.qaly_auc(t, u)
        gain = ev.qaly_gain_auc(t, u)
        if total is None or gain is None or max(t) <= 0:
            continue
        costs.append(float(summary.participants[p.referral_id].total))
        qalys.append(total)
        gains.append(gain)
        baselines.append(u[0])
        followups.append(u[-1])
        years.append(max(t))
    return {
        "cost": np.array(costs),
        "qaly": np.array(qalys),
        "gain": np.array(gains),
        "baseline": np.array(baselines),
        "followup": np.array(followups),
        "years": np.array(years),
    }


def _ce(options: Options, arm, files, notes):
    n = int(arm["qaly"].size)
    mean_years = float(arm["years"].mean()) if n else None
    rows = [
        ["value_set", options.value_set],
        ["people_with_eq5d_baseline_and_follow_up", n if n == 0 or n >= SMALL else SUPPRESSED],
    ]
    if n >= SMALL:
        rows += [
            ["mean_follow_up_years", mean_years],
            ["mean_utility_baseline", float(arm["baseline"].mean())],
            ["mean_utility_follow_up", float(arm["followup"].mean())],
            ["mean_qalys_over_follow_up", float(arm["qaly"].mean())],
            ["mean_qaly_gain_over_own_baseline", float(arm["gain"].mean())],
        ]
    _write_csv(options.output / "qalys.csv", ["figure", "value"], rows)
    files.append("qalys.csv")
    if n < SMALL:
        notes.append(
            f"Cost-effectiveness was not computed: fewer than {SMALL} people had EQ-5D-5L at "
            "baseline and follow-up in the period."
        )
        return None

    comparison = options.comparison
    if comparison is not None:
        kwargs = dict(cost_comparison=comparison.costs, qaly_comparison=comparison.qalys)
        if comparison.has_baseline:
            kwargs.update(
                baseline_intervention=arm["baseline"], baseline_comparison=comparison.baselines
            )
        qaly_values = arm["qaly"]
        cy = comparison.mean_followup_years
        if cy is not None and mean_years and abs(cy - mean_years) > 0.1 * mean_years:
            notes.append(
                f"The comparison group's mean follow-up ({cy:.2f} years) differs from the "
                f"intervention group's ({mean_years:.2f} years) by more than 10%: QALYs over "
                "different horizons are not comparable."
            )
    else:
        kwargs = dict(
            assumed_comparison_cost=options.assumed_cost or 0.0,
            assumed_comparison_qaly=options.assumed_qaly_gain or 0.0,
        )
        qaly_values = arm["gain"]  # vs baseline carried forward, plus the assumed gain
    result = ev.cost_effectiveness(
        arm["cost"],
        qaly_values,
        resamples=options.resamples,
        seed=options.seed,
        max_resamples=settings.LINKWELL_BOOTSTRAP_MAX_RESAMPLES,
        **kwargs,
    )
    rows = [
        ["n_intervention", result.n_intervention, None, None],
        ["n_comparison", result.n_comparison if result.n_comparison is not None else "assumed",
         None, None],
        ["mean_cost_intervention", result.mean_cost_intervention, None, None],
        ["mean_cost_comparison", result.mean_cost_comparison, None, None],
        ["mean_qaly_intervention", result.mean_qaly_intervention, None, None],
        ["mean_qaly_comparison", result.mean_qaly_comparison, None, None],
        ["delta_cost", result.delta_cost.estimate, result.delta_cost.ci_low,
         result.delta_cost.ci_high],
        ["delta_qaly", result.delta_qaly.estimate, result.delta_qaly.ci_low,
         result.delta_qaly.ci_high],
        ["icer", result.icer.estimate, result.icer.ci_low, result.icer.ci_high],
        ["quadrant", result.quadrant, None, None],
    ]  # fmt: skip
    for t in ev.THRESHOLDS:
        nmb = result.nmb[t]
        rows.append([f"net_monetary_benefit_at_{t}", nmb.estimate, nmb.ci_low, nmb.ci_high])
        prob = dict(result.ceac).get(float(t))
        if prob is None:
            draws = t * result.plane[:, 1] - result.plane[:, 0]
            prob = float((draws > 0).mean())
        rows.append([f"probability_cost_effective_at_{t}", prob, None, None])
    for q, share in result.quadrant_shares.items():
        rows.append([f"share_of_resamples_{q}", share, None, None])
    rows += [
        ["baseline_adjusted", "yes" if result.baseline_adjusted else "no", None, None],
        ["resamples", result.resamples, None, None],
        ["seed", result.seed, None, None],
    ]
    _write_csv(
        options.output / "cost_effectiveness.csv",
        ["statistic", "estimate", "ci95_low", "ci95_high"],
        rows,
    )
    _write_csv(
        options.output / "ceac.csv",
        ["threshold_gbp_per_qaly", "probability_cost_effective"],
        [[t, p] for t, p in result.ceac],
    )
    _write_csv(
        options.output / "ce_plane.csv",
        ["resample", "delta_cost", "delta_qaly"],
        [[i + 1, float(c), float(q)] for i, (c, q) in enumerate(result.plane)],
    )
    (options.output / "ce_plane.svg").write_text(
        ce_plane_svg(
            result.plane.tolist(),
            estimate=(result.delta_cost.estimate, result.delta_qaly.estimate),
        ),
        encoding="utf-8",
    )
    (options.output / "ceac.svg").write_text(ceac_svg(result.ceac), encoding="utf-8")
    files += ["cost_effectiveness.csv", "ceac.csv", "ce_plane.csv", "ce_plane.svg", "ceac.svg"]
    notes.append(ev.ICER_NOTES[result.icer_note])

    if comparison is not None and comparison.has_before_after:
        did = ev.difference_in_differences(
            arm["baseline"], arm["followup"], comparison.baselines, comparison.followups
        )
        _write_csv(
            options.output / "difference_in_differences.csv",
            ["outcome", "n_intervention", "n_comparison", "mean_change_intervention",
             "mean_change_comparison", "difference_in_differences", "ci95_low", "ci95_high",
             "p_value"],
            [["EQ-5D-5L index", did.n1, did.n2, did.mean1, did.mean2, did.difference,
              did.ci_low, did.ci_high, did.p_value]],
        )  # fmt: skip
        files.append("difference_in_differences.csv")
    return result


def run_evaluation(options: Options, *, actor=None) -> Result:
    if options.end < options.start:
        raise EvaluationError("The end date must not be before the start date.")
    if options.end > timezone.localdate():
        raise EvaluationError("The end date must not be in the future.")
    eq5d5l.check_value_set(options.value_set)
    if options.resamples > settings.LINKWELL_BOOTSTRAP_MAX_RESAMPLES or options.resamples < 1:
        raise EvaluationError(
            f"Resamples must be between 1 and {settings.LINKWELL_BOOTSTRAP_MAX_RESAMPLES} "
            "(LINKWELL_BOOTSTRAP_MAX_RESAMPLES)."
        )
    if options.comparison is not None and (
        options.assumed_cost is not None or options.assumed_qaly_gain is not None
    ):
        raise EvaluationError("Give a comparison file or assumed comparison values, not both.")
    options.output.mkdir(parents=True, exist_ok=True)
    cohort = load_cohort(options.start, options.end, options.value_set)
    files: list[str] = []
    notes: list[str] = []
    paired: dict[str, int] = {}
    _outcome_tables(options, cohort, files, paired)
    summary = _cost_tables(options, cohort, files)
    notes.extend(summary.notes)
    arm = _qaly_arrays(cohort, summary)
    result = _ce(options, arm, files, notes)
    from .evaluation_methods import methods_markdown

    (options.output / "methods.md").write_text(
        methods_markdown(
            options=options,
            participants=len(cohort),
            paired=paired,
            costs=summary,
            result=result,
            intervention_years=float(arm["years"].mean()) if arm["years"].size else None,
            notes=notes,
            files=files,
        ),
        encoding="utf-8",
    )
    files.append("methods.md")
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="reports.evaluation",
        object_id=f"{options.start}/{options.end}",
        channel="cli",
        detail=f"evaluate participants={len(cohort)} files={len(files)}",
    )
    return Result(files, len(cohort), paired, result, notes)
