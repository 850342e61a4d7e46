"""Spatial index for the distance box (reserved; filled in by the search performance work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_matching_indexes"),
    ]

    operations = []
