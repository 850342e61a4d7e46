"""`linkwell refresh-report-facts [--full]`

Brings the commissioner dashboard's per-referral facts up to date: the referrals that changed
since the last refresh, or every referral with --full (docs/reports.md). The periodic job
`reports.refresh_facts` does the same on its own; this is for cron, after an import, or to
build the facts of a large database before the first visit to /reports/.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from linkwell.reports.facts import refresh


class Command(BaseCommand):
    help = "Refresh the commissioner dashboard's facts (changed referrals, or all with --full)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help="rebuild the facts of every referral"
        )

    def handle(self, *args, full: bool = False, **options):
        started = time.perf_counter()
        done = refresh(full=full)
        self.stdout.write(
            f"Refreshed the report facts of {done} referrals "
            f"({'full' if full else 'changes'}) in {time.perf_counter() - started:.1f} s."
        )
