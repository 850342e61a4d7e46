"""Keep SQLite's query-planner statistics current (a periodic job; nothing to do on PostgreSQL).

The directory search, matching and report queries are planned from table statistics: which
index is selective, how many rows a filter leaves. PostgreSQL gathers them itself (autovacuum
analyses a table after enough of it changed). SQLite never does: a table that has never been
analysed is planned as if it held about a million rows with ten per index key, and the
figures stored by `ANALYZE` are not updated as the table grows. A directory imported with
`linkwell import-oruk` into an embedded database would otherwise be searched with plans made
for an empty one.

`refresh_statistics` compares each Linkwell table's row count with the count its stored
statistics were made from and analyses the tables that have none yet or have changed by more
than a fifth (`STALE_FRACTION`); tables under `MIN_ROWS` rows are left alone, since any plan is
quick there. It is the `db.refresh_statistics` job (hourly, and on the worker's first pass) and
`linkwell run-jobs --only db.refresh_statistics` runs it by hand. Table names only are logged.
"""

from __future__ import annotations

import datetime
import logging

from django.apps import apps
from django.db import connection

logger = logging.getLogger(__name__)

JOB_EVERY = datetime.timedelta(hours=1)
MIN_ROWS = 1000
STALE_FRACTION = 0.2


def _tables() -> list[str]:
    """The database tables of the installed models (Linkwell's and Django's), each once."""
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    existing = set(connection.introspection.table_names())
    return sorted(names & existing)


def _stored_counts(cursor) -> dict[str, int]:
    """Rows each table had when last analysed (the first figure of its sqlite_stat1 rows)."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        return {}
    cursor.execute("SELECT tbl, stat FROM sqlite_stat1")
    counts: dict[str, int] = {}
    for table, stat in cursor.fetchall():
        try:
            rows = int(str(stat).split()[0])
        except (ValueError, IndexError):
            continue
        counts[table] = max(counts.get(table, 0), rows)
    return counts


def stale_tables() -> list[tuple[str, int, int | None]]:
    """(table, rows now, rows when last analysed or None) for the tables to analyse."""
    if connection.vendor != "sqlite":
        return []
    found = []
    with connection.cursor() as cursor:
        stored = _stored_counts(cursor)
        for table in _tables():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608 - model table names
            rows = cursor.fetchone()[0]
            before = stored.get(table)
            if rows < MIN_ROWS and before is None:
                continue
            if before is None or abs(rows - before) > STALE_FRACTION * max(before, MIN_ROWS):
                found.append((table, rows, before))
    return found


def refresh_statistics(now: datetime.datetime | None = None) -> int:
    """Analyse the tables whose statistics are missing or stale; returns how many."""
    stale = stale_tables()
    if not stale:
        return 0
    with connection.cursor() as cursor:
        for table, rows, before in stale:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            logger.info("analysed %s (%s rows, %s before)", table, rows, before)
    return len(stale)
