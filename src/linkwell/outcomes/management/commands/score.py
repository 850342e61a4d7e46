"""`linkwell score INSTRUMENT --input FILE.csv --output FILE.csv [--value-set NAME]`
and `linkwell score EQ5D5L --profile 12345 [--value-set NAME]`.

Column names per instrument are in README "Scoring outcome measures" and `linkwell score --help`.
Exit status: 0 when the file was processed (even if some rows had errors, which are in the
`error` column); 2 for a usage problem or a file that cannot be processed.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linkwell.outcomes.batch import BatchError, describe, score_file
from linkwell.outcomes.instruments import INSTRUMENTS, ScoringError, eq5d5l, get_instrument


def _columns_help() -> str:
    lines = []
    for code, instrument in INSTRUMENTS.items():
        lines.append(
            f"{code}: {','.join(instrument.item_keys)} -> {','.join(instrument.score_columns)}"
        )
    return "; ".join(lines)


class Command(BaseCommand):
    help = (
        "Score outcome measures from a CSV file (one response per row), or one EQ-5D-5L "
        "profile. Columns per instrument (input -> added): " + _columns_help()
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("instrument", help=f"one of {', '.join(INSTRUMENTS)}")
        parser.add_argument("--input", type=Path, help="CSV file of responses (UTF-8)")
        parser.add_argument("--output", type=Path, help="CSV file to write")
        parser.add_argument(
            "--value-set",
            dest="value_set",
            help=f"EQ-5D-5L value set: {', '.join(eq5d5l.VALUE_SETS)} "
            "(default: LINKWELL_EQ5D_VALUE_SET)",
        )
        parser.add_argument("--profile", help="EQ-5D-5L profile, five digits 1-5 (prints index)")

    def handle(self, *args, **options):
        try:
            instrument = get_instrument(options["instrument"])
        except ScoringError as exc:
            raise CommandError(describe(exc), returncode=2) from None
        value_set = options["value_set"]
        if value_set is not None and not instrument.uses_value_set:
            raise CommandError("--value-set applies to EQ5D5L only.", returncode=2)
        if instrument.uses_value_set:
            value_set = value_set or settings.LINKWELL_EQ5D_VALUE_SET
            try:
                eq5d5l.check_value_set(value_set)
            except ScoringError as exc:
                raise CommandError(describe(exc), returncode=2) from None

        if options["profile"] is not None:
            if not instrument.uses_value_set:
                raise CommandError("--profile applies to EQ5D5L only.", returncode=2)
            if options["input"] or options["output"]:
                raise CommandError("Give either --profile or --input/--output.", returncode=2)
            try:
                value = eq5d5l.index(options["profile"], value_set)
            except ScoringError as exc:
                raise CommandError(describe(exc), returncode=2) from None
            self.stdout.write(str(value))
            return

        if not options["input"] or not options["output"]:
            raise CommandError("Give --input FILE.csv and --output FILE.csv.", returncode=2)
        if options["input"].resolve() == options["output"].resolve():
            raise CommandError("--output must not be the input file.", returncode=2)
        try:
            result = score_file(instrument, options["input"], options["output"], value_set)
        except BatchError as exc:
            raise CommandError(str(exc), returncode=2) from None
        summary = f"{instrument.code}: scored {result.scored} of {result.rows} rows"
        if instrument.uses_value_set:
            summary += f" (value set {value_set})"
        if result.errors:
            summary += f"; {result.errors} not scored (see the error column)"
        self.stderr.write(summary + f". Wrote {options['output']}.")
