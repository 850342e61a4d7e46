"""The methods note (methods.md) written beside the evaluation tables.

English only: the note is for evaluators and commissioners reading the output folder, like
the CSV headers; it states what was computed, the assumptions, the value set, suppression
and the limitations of this particular run.
"""

from __future__ import annotations

from linkwell.outcomes.instruments import eq5d5l

from . import evaluation as ev


def _money(value) -> str:
    return "not available" if value is None else f"£{float(value):,.2f}"


def methods_markdown(
    *, options, participants, paired, costs, result, intervention_years, notes, files
) -> str:
    vs = eq5d5l.VALUE_SETS[options.value_set]
    lines = [
        "# Evaluation: methods and assumptions",
        "",
        f"Period: {options.start.isoformat()} to {options.end.isoformat()}. "
        f"Participants (referrals with a baseline measure in the period): {participants}.",
        "",
        "## Outcome change (outcome_change.csv, outcome_change_by_group.csv)",
        "",
        "- Pairing: for each measure, the first `baseline` measurement completed in the period "
        "and the latest later measurement at a follow-up or discharge timepoint completed by "
        "the end of the period. People without a follow-up are not in the change tables.",
        "- Mean change (follow-up − baseline) with a 95% confidence interval from the t "
        "distribution (n − 1 degrees of freedom); paired t-test (two-sided); Wilcoxon "
        "signed-rank test by the normal approximation (zero differences dropped, average ranks "
        "for ties with the tie-corrected variance, no continuity correction).",
        "- Effect sizes: Cohen's d_z = mean change ÷ SD of the changes; d_av = mean change ÷ "
        "the average of the baseline and follow-up SDs.",
        "- Share meaningfully improved: share of people whose change reaches the measure's "
        "published meaningful-change threshold in the direction of improvement (only for "
        "measures that have one, e.g. SWEMWBS 2.87 points).",
        "- Equity: the same analysis within each group of IMD quintile, ethnic group (ONS 2021 "
        "high-level groups), main language (English / not English / interpreter needed), age "
        "band on the last day of the period and sex, with the difference from everyone else "
        "in the cohort (Welch 95% CI). Many comparisons are made: treat p-values as "
        "descriptive.",
        "- Pairs per measure: "
        + (", ".join(f"{k} {v}" for k, v in sorted(paired.items())) or "none")
        + ".",
        "",
        "## Costs (costs.csv, costs_by_group.csv)",
        "",
        f"- Link worker time: recorded contact minutes ÷ 60 × {_money(costs.hourly_cost)} per "
        "hour (LINKWELL_LINK_WORKER_HOURLY_COST, an assumption the deployment sets: salary and "
        "on-costs per hour of contact time). All contacts on the case up to the end of the "
        "period count, including unanswered attempts.",
        "- Groups: each attendance (attended or late) × that service's cost per attendance "
        "over the period (session costs recorded by providers ÷ everyone who came, walk-ins "
        "included).",
        f"- Overhead per participant: {_money(costs.overhead_per_participant)} "
        "(LINKWELL_OVERHEAD_PER_PARTICIPANT).",
        f"- Group services attended: {costs.services_attended}; without cost records: "
        f"{costs.services_without_costs} (their attendances are counted as £0, so group costs "
        "are understated).",
        "",
        "## QALYs and cost-effectiveness (qalys.csv, cost_effectiveness.csv, ceac.csv, "
        "ce_plane.csv, ce_plane.svg, ceac.svg)",
        "",
        f"- EQ-5D-5L value set: {vs.name} ({vs.code}; {vs.citation}). Every EQ-5D-5L answer "
        "was re-scored with this value set.",
        "- QALYs: area under each person's utility curve by the trapezoid rule, time in years "
        "(365.25 days) from baseline to their follow-up, using every EQ-5D-5L measurement in "
        "between."
        + (
            f" Mean follow-up: {intervention_years:.3f} years."
            if intervention_years is not None
            else ""
        ),
    ]
    if options.comparison is not None:
        lines += [
            f"- Comparison: person-level data from {options.comparison_label or 'a CSV file'} "
            f"({len(options.comparison.rows)} people).",
            "- ΔQALY adjusted for baseline utility by linear regression (QALY = a + b·arm + "
            "c·baseline; Manca et al. 2005), in the estimate and in every bootstrap resample."
            if result is not None and result.baseline_adjusted
            else "- ΔQALY is the unadjusted difference in mean QALYs (the comparison file has no "
            "baseline utility for every person, so no baseline adjustment was possible).",
        ]
        if options.comparison.has_before_after:
            lines.append(
                "- Difference in differences (difference_in_differences.csv): mean change in "
                "EQ-5D-5L index in the intervention group minus that in the comparison group, "
                "Welch 95% CI."
            )
    else:
        lines += [
            "- No comparison group was supplied. Stated assumption: without the intervention "
            f"each person would have cost {_money(options.assumed_cost or 0)} and their utility "
            "would have stayed at its baseline value"
            + (
                f", plus a QALY gain of {options.assumed_qaly_gain:g}"
                if options.assumed_qaly_gain
                else ""
            )
            + ". ΔQALY is therefore the QALY gain over each person's own baseline; this "
            "before-and-after design cannot separate the intervention's effect from recovery "
            "that would have happened anyway (regression to the mean).",
        ]
    lines += [
        "- ICER = Δcost ÷ ΔQALY. Net monetary benefit = λ·ΔQALY − Δcost at λ = £20,000 and "
        "£30,000 per QALY.",
        f"- Uncertainty: non-parametric bootstrap, {options.resamples} resamples of people with "
        f"replacement within each arm, seed {options.seed}; 95% percentile intervals. "
        "Acceptability curve: share of resamples with positive net monetary benefit at each "
        "threshold from £0 to £50,000 per QALY.",
        "",
        "## Small numbers",
        "",
        "- Counts of 1 to 4 people are shown as `<5` and their statistics withheld; where only "
        "one group in a breakdown would be hidden, the next smallest is hidden too (`[c]`) so "
        "it cannot be found from the total.",
        "",
        "## Notes for this run",
        "",
    ]
    lines += [f"- {note}" for note in notes] or ["- None."]
    if result is not None and result.enough_data:
        icer = result.icer.estimate
        lines += [
            "",
            "## Headline",
            "",
            f"- Δcost {_money(result.delta_cost.estimate)} "
            f"(95% CI {_money(result.delta_cost.ci_low)} to {_money(result.delta_cost.ci_high)}).",
            f"- ΔQALY {result.delta_qaly.estimate:.4f} (95% CI {result.delta_qaly.ci_low:.4f} to "
            f"{result.delta_qaly.ci_high:.4f}).",
            "- ICER: "
            + (
                f"£{icer:,.0f} per QALY ({result.quadrant} quadrant)."
                if icer is not None
                else "undefined."
            ),
        ] + [
            f"- Net monetary benefit at £{t:,}: {_money(result.nmb[t].estimate)}."
            for t in ev.THRESHOLDS
        ]
    lines += [
        "",
        "## Limitations",
        "",
        "- Routine records, not a trial: people who completed follow-up measures may differ "
        "from those who did not (missing follow-ups are not imputed).",
        "- Costs cover link worker contact time, recorded group costs and a flat overhead; "
        "other NHS and social care use is not included.",
        "- QALYs cover the observed follow-up only; no extrapolation or discounting.",
        "",
        "Files: " + ", ".join(files + ["methods.md"]) + ".",
        "",
    ]
    return "\n".join(lines)
