"""`linkwell research-extract --from DATE --to DATE --output DIR [--research-consent-only]`

Writes a de-identified, person-level extract (research_extract.csv) and its data dictionary
(data_dictionary.csv) for referrals made in the period; refuses to run without
LINKWELL_PSEUDONYM_KEY. Every extract is audited (row count only). docs/evaluation.md.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linkwell.reports.extract import ExtractError, write_extract


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Dates are YYYY-MM-DD, not {text!r}.", returncode=2) from None


class Command(BaseCommand):
    help = "Write a de-identified research extract (pseudonyms, months, bands, no free text)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--output", type=Path, required=True, help="folder to write into")
        parser.add_argument(
            "--research-consent-only",
            action="store_true",
            help="only people whose latest research consent is 'given'",
        )

    def handle(self, *args, **options):
        try:
            result = write_extract(
                start=_date(options["start"]),
                end=_date(options["end"]),
                output=options["output"],
                research_consent_only=options["research_consent_only"],
            )
        except ExtractError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(
            f"Wrote {result.rows} rows to {options['output']}: {', '.join(result.files)}"
        )
