"""`linkwell run-jobs`: run every periodic job once (reminders, nudges, lapses, re-alerts)."""

from django.core.management.base import BaseCommand

from linkwell.jobs import registered_jobs, run_all_jobs


class Command(BaseCommand):
    help = "Run every periodic job once (for cron, or to catch up by hand)."

    def add_arguments(self, parser):
        parser.add_argument("--only", help="run just this job (see --list)")
        parser.add_argument("--list", action="store_true", help="list the registered jobs")

    def handle(self, *args, only=None, list=False, **options):
        if list:
            for job in registered_jobs():
                self.stdout.write(f"{job.name}\tevery {job.every}")
            return
        names = {job.name for job in registered_jobs()}
        if only and only not in names:
            self.stderr.write(f"No job called {only!r}. Use --list to see them.")
            raise SystemExit(2)
        for name, count in run_all_jobs(only=only).items():
            self.stdout.write(f"{name}: {count}")
