"""Indexes for matching (reserved; filled in by the matching performance work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_schedule_attending_type_length"),
    ]

    operations = []
