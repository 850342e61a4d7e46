"""Full-text search: an FTS5 table on SQLite, a GIN index on the tsvector column on PostgreSQL.

The FTS5 table is kept in step with services by `directory.search.index_service` (called by
every service-layer write); it holds one row per service: its id and the searchable text.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS directory_service_fts USING fts5("
            "service_id UNINDEXED, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS directory_service_search_gin "
            "ON directory_service USING gin (search_vector)"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS directory_service_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS directory_service_search_gin")


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_load_vocabularies")]
    operations = [migrations.RunPython(forwards, backwards)]
