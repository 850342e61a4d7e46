"""Indexes for the directory search (SQLite FTS5 service ids, name order, the public filter).

First, the service id of the SQLite FTS5 table's rows (`directory_service_fts_content.c0`).
Searches then find a service's FTS rowid through this index and work with rowids, which FTS5
lists without reading the stored text (reading `service_id` for every match of a common word
cost hundreds of milliseconds at 100,000 services); deletes by service id stop scanning the
whole table. Nothing to do on PostgreSQL (the tsvector lives on the service row).

Also an index on (lower(name), name, id) of services on both databases (C collation on
PostgreSQL), the order of a search with no text and no place: the directory's first page is
read from the index instead of sorting every listing; and one on (approval_status,
deleted_at, status, last_verified_at), which covers the public filter, so counting the
published listings reads the index only.
"""

from django.db import migrations

INDEX = "directory_service_fts_content_c0"
NAME_INDEX = "directory_service_lower_name"
PUBLIC_INDEX = "directory_service_public"
PUBLIC_COLUMNS = "approval_status, deleted_at, status, last_verified_at"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("sqlite", "postgresql"):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PUBLIC_INDEX} ON directory_service ({PUBLIC_COLUMNS})"
        )
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_service_fts_content (c0)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME_INDEX} ON directory_service (lower(name), name, id)"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME_INDEX} "
            'ON directory_service ((lower(name) COLLATE "C"), name, id)'
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    if vendor in ("sqlite", "postgresql"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {PUBLIC_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_full_text_search")]
    operations = [migrations.RunPython(forwards, backwards)]
