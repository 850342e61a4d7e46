"""Shared output for the geo import commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from linkwell.geo.services import BrokenFile, ImportResult


def run_and_report(command, label: str, run) -> None:
    def progress(rows: int) -> None:
        command.stdout.write(f"  … {rows:,} rows read")
        command.stdout.flush()

    try:
        result: ImportResult = run(progress)
    except BrokenFile as exc:
        raise CommandError(f"{exc.message} Nothing was imported.") from None
    for line, reason in result.errors:
        command.stderr.write(f"line {line}: {reason} (skipped)")
    if result.error_count > len(result.errors):
        command.stderr.write(f"… and {result.error_count - len(result.errors):,} more bad rows")
    command.stdout.write(
        command.style.SUCCESS(
            f"{label}: {result.rows:,} rows read, {result.created:,} created, "
            f"{result.updated:,} updated, {result.skipped:,} skipped."
        )
    )
