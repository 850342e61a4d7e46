"""HSDS attending_type values with notes ("in person - bring a packed lunch") need more than 50
characters."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_search_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="schedule",
            name="attending_type",
            field=models.CharField(blank=True, max_length=200),
        ),
    ]
