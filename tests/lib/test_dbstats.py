"""SQLite's planner statistics are gathered for tables that have grown (linkwell.lib.dbstats)."""

import pytest
from django.core.management import call_command
from django.db import connection

from linkwell.directory.models import Organization
from linkwell.jobs import registered_jobs
from linkwell.lib import dbstats

pytestmark = pytest.mark.django_db


def _analysed() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


def _organisations(n: int) -> None:
    Organization.objects.bulk_create(Organization(name=f"Group {i}") for i in range(n))


def test_the_job_is_registered():
    assert "db.refresh_statistics" in {job.name for job in registered_jobs()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL analyses by itself")
def test_a_grown_table_is_analysed_once_then_again_when_it_changes_a_lot():
    table = Organization._meta.db_table
    _organisations(dbstats.MIN_ROWS + 200)
    assert table in {t for t, _rows, _before in dbstats.stale_tables()}

    assert dbstats.refresh_statistics() >= 1
    assert table in _analysed()
    # Nothing changed: nothing to do (small tables are never analysed).
    assert table not in {t for t, _rows, _before in dbstats.stale_tables()}
    assert dbstats.refresh_statistics() == 0

    # A few more rows: still within a fifth, left alone.
    _organisations(100)
    assert dbstats.refresh_statistics() == 0
    # Doubled: the stored figures are stale, analysed again.
    _organisations(dbstats.MIN_ROWS + 300)
    stale = {t: before for t, _rows, before in dbstats.stale_tables()}
    assert stale[table] == dbstats.MIN_ROWS + 200
    assert dbstats.refresh_statistics() >= 1
    assert table not in {t for t, _rows, _before in dbstats.stale_tables()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL analyses by itself")
def test_small_tables_are_left_alone():
    _organisations(10)
    assert dbstats.stale_tables() == []
    assert dbstats.refresh_statistics() == 0


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the PostgreSQL case")
def test_nothing_to_do_on_postgresql():
    _organisations(dbstats.MIN_ROWS + 10)
    assert dbstats.stale_tables() == []
    assert dbstats.refresh_statistics() == 0


def test_run_jobs_runs_it_by_name(capsys):
    call_command("run_jobs", only="db.refresh_statistics")
    assert "db.refresh_statistics:" in capsys.readouterr().out
