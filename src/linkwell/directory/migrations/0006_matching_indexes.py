"""Indexes for matching (casework.matching_selectors): languages listed at a place, read by
location id, and the few online places."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_schedule_attending_type_length"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="language",
            index=models.Index(
                condition=models.Q(("location__isnull", False)),
                fields=["location"],
                name="language_at_location",
            ),
        ),
        migrations.AddIndex(
            model_name="location",
            index=models.Index(
                condition=models.Q(("location_type", "virtual")),
                fields=["location_type"],
                name="location_online",
            ),
        ),
    ]
