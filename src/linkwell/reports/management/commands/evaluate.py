"""`linkwell evaluate --from DATE --to DATE --output DIR [--comparison FILE.csv]
[--assume-comparison-cost £] [--assume-comparison-qaly Q] [--resamples N] [--seed S]
[--value-set NAME]`

Writes outcome, equity, cost and cost-effectiveness tables (CSV), the cost-effectiveness plane
and acceptability curve (SVG) and methods.md into DIR (docs/evaluation.md). Exit status 2 for
a usage problem, a bad comparison file or a bootstrap request over the limit.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linkwell.outcomes.instruments import eq5d5l
from linkwell.reports.comparison import ComparisonError, read_comparison
from linkwell.reports.evaluation_run import EvaluationError, Options, run_evaluation


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Dates are YYYY-MM-DD, not {text!r}.", returncode=2) from None


class Command(BaseCommand):
    help = "Evaluate outcomes, costs and cost-effectiveness for a period, from the records."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--output", type=Path, required=True, help="folder to write into")
        parser.add_argument(
            "--comparison",
            type=Path,
            help="comparison group CSV: id,cost and qaly or utility_baseline,utility_followup,"
            "followup_years (docs/evaluation.md)",
        )
        parser.add_argument(
            "--assume-comparison-cost",
            dest="assumed_cost",
            type=float,
            help="without --comparison: cost per person without the intervention (default 0)",
        )
        parser.add_argument(
            "--assume-comparison-qaly",
            dest="assumed_qaly",
            type=float,
            help="without --comparison: QALYs gained over baseline without the intervention "
            "(default 0, i.e. utility stays at baseline)",
        )
        parser.add_argument("--resamples", type=int, default=5_000, help="bootstrap resamples")
        parser.add_argument("--seed", type=int, default=20_240_601, help="bootstrap seed")
        parser.add_argument(
            "--value-set",
            dest="value_set",
            help=f"EQ-5D-5L value set: {', '.join(eq5d5l.VALUE_SETS)} "
            "(default: LINKWELL_EQ5D_VALUE_SET)",
        )

    def handle(self, *args, **options):
        start, end = _date(options["start"]), _date(options["end"])
        value_set = options["value_set"] or settings.LINKWELL_EQ5D_VALUE_SET
        if value_set not in eq5d5l.VALUE_SETS:
            raise CommandError(
                f"Unknown value set {value_set!r}. Choose one of: {', '.join(eq5d5l.VALUE_SETS)}.",
                returncode=2,
            )
        limit = settings.LINKWELL_BOOTSTRAP_MAX_RESAMPLES
        if options["resamples"] > limit:
            raise CommandError(
                f"--resamples {options['resamples']} is over the limit of {limit} "
                "(LINKWELL_BOOTSTRAP_MAX_RESAMPLES).",
                returncode=2,
            )
        if options["resamples"] < 1:
            raise CommandError("--resamples must be at least 1.", returncode=2)
        assumed = options["assumed_cost"] is not None or options["assumed_qaly"] is not None
        comparison = None
        if options["comparison"] is not None:
            if assumed:
                raise CommandError(
                    "Give --comparison or --assume-comparison-*, not both.", returncode=2
                )
            try:
                comparison = read_comparison(options["comparison"])
            except ComparisonError as exc:
                raise CommandError(
                    f"The comparison file was not used:\n{exc}", returncode=2
                ) from None
        if options["assumed_cost"] is not None and options["assumed_cost"] < 0:
            raise CommandError("--assume-comparison-cost must be 0 or more.", returncode=2)
        try:
            result = run_evaluation(
                Options(
                    start=start,
                    end=end,
                    output=options["output"],
                    value_set=value_set,
                    resamples=options["resamples"],
                    seed=options["seed"],
                    comparison=comparison,
                    comparison_label=options["comparison"].name if comparison else "",
                    assumed_cost=options["assumed_cost"],
                    assumed_qaly_gain=options["assumed_qaly"],
                )
            )
        except EvaluationError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(
            f"{result.participants} participants; wrote {len(result.files)} files to "
            f"{options['output']}: {', '.join(result.files)}"
        )
        for note in result.notes:
            self.stdout.write(f"Note: {note}")
