"""Load a year of made-up Sunderland social prescribing activity into an empty database."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from linkwell.demo import DemoRefused, load_demo


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2026-06-30, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Load the demo (organisations, sign-ins, people and a year of referrals) into an empty "
        "database. Refuses to run if any organisation already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Pretend today is this date (YYYY-MM-DD); default is the real date.",
        )

    def handle(self, *args, seed: int, today: datetime.date | None, **options):
        try:
            summary = load_demo(seed=seed, today=today, stdout=self.stdout)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(summary.as_text()))
