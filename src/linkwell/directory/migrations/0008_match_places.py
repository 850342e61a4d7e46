"""Matching places (`directory.match_places`): a derived table of every located place of
every service with the facts matching filters candidates on (needs as bits, age range, cost),
covered by one index on the coordinates; filled here from the existing listings and kept in
step by `search.index_services`."""

from django.db import migrations

TABLE = "directory_matchplace"


def forwards(apps, schema_editor):
    from linkwell.directory import match_places

    for statement in match_places.create_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)
    if match_places.available():
        # Plain SQL over the listings (no models), so the current module can fill it.
        match_places.refresh_all()


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_spatial_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
