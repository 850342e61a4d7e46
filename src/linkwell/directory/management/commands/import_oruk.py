"""`linkwell import-oruk SOURCE`: import an Open Referral feed (API URL, v1 feed or file)."""

from django.core.management.base import BaseCommand, CommandError

from linkwell.directory.oruk_io import FeedError, ImportReport, feed_import, read_source


class Command(BaseCommand):
    help = (
        "Import services from an ORUK/HSDS 3.0 API base URL (every page of /services, then "
        "each /services/{id}), an ORUK v1 feed ('content'/'totalElements' pages), or an HSDS "
        "JSON file or datapackage. Services are upserted by id and record where they came from. "
        "A bad record is reported and skipped; a broken feed imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="http(s) URL of the API or feed, or a file path")
        parser.add_argument(
            "--pending",
            action="store_true",
            help="New services wait for a directory editor's approval instead of being "
            "published at once.",
        )
        parser.add_argument(
            "--no-retire",
            action="store_true",
            help="Keep services imported earlier from this source that the feed no longer "
            "lists (by default they are retired: marked inactive and hidden, never deleted).",
        )

    def handle(self, *args, **options):
        source = options["source"]
        self.stdout.write(f"Reading {source} …")
        try:
            feed = read_source(source, progress=self.stdout.write)
        except FeedError as exc:
            raise CommandError(f"{exc.message} Nothing was imported.") from None
        total = len(feed.services) + len(feed.unreadable)
        self.stdout.write(f"Importing {total:,} services …")
        bar = _ProgressBar(self.stdout, total)
        report = feed_import(
            feed,
            publish=not options["pending"],
            retire=not options["no_retire"],
            progress=bar.update,
        )
        bar.finish()
        for record_id, reason in report.errors:
            self.stderr.write(f"service {record_id}: {reason} (skipped)")
        for record_id, message in report.warnings:
            where = "" if record_id == "(feed)" else f"location {record_id}: "
            self.stderr.write(f"{where}{message}")
        if report.error_count > len(report.errors):
            self.stderr.write(f"… and {report.error_count - len(report.errors):,} more skipped")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported from {report.source}: {report.read:,} read, {report.created:,} "
                f"created, {report.updated:,} updated, {report.skipped:,} skipped."
            )
        )
        if report.retired:
            for record_id in report.retired_ids:
                self.stdout.write(f"service {record_id}: no longer in the feed (retired)")
            self.stdout.write(
                f"Retired {report.retired:,} services imported earlier from this source that "
                "the feed no longer lists (marked inactive and hidden; not deleted)."
            )


class _ProgressBar:
    """A bar on a terminal; a line every 10% otherwise (logs, tests)."""

    WIDTH = 30

    def __init__(self, out, total: int) -> None:
        self.out = out
        self.total = max(total, 1)
        self.tty = out.isatty()
        self.last_tenth = -1

    def _line(self, report: ImportReport) -> str:
        done = report.read
        filled = int(self.WIDTH * done / self.total)
        return (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:,}/{self.total:,} "
            f"({report.created:,} created, {report.updated:,} updated, "
            f"{report.skipped:,} skipped)"
        )

    def update(self, report: ImportReport) -> None:
        if self.tty:
            self.out.write("\r" + self._line(report), ending="")
            self.out.flush()
            return
        tenth = report.read * 10 // self.total
        if tenth != self.last_tenth:
            self.last_tenth = tenth
            self.out.write(self._line(report))

    def finish(self) -> None:
        if self.tty:
            self.out.write("")
