"""Measurements gain their case; the link worker is told once when measures fall due.

The data step fills ``Measurement.case`` from referral → case for rows recorded before the
case record existed (a referral has at most one case). Reversing it leaves the column to be
dropped by the schema step.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_case_from_referral(apps, schema_editor):
    Measurement = apps.get_model("outcomes", "Measurement")
    Case = apps.get_model("casework", "Case")
    Measurement.objects.filter(case__isnull=True, referral__isnull=False).update(
        case_id=Subquery(Case.objects.filter(referral_id=OuterRef("referral_id")).values("pk")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0002_vocabulary_and_backfill"),
        ("outcomes", "0002_selfcompletionlink"),
        ("people", "0001_initial"),
        ("referrals", "0002_load_vocabularies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MeasureDueNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("timepoint", models.CharField(max_length=40)),
                ("notified_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.AddField(
            model_name="measurement",
            name="case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="measurements",
                to="casework.case",
            ),
        ),
        migrations.AddIndex(
            model_name="measurement",
            index=models.Index(fields=["case", "completed_at"], name="outcomes_me_case_at_idx"),
        ),
        migrations.AddField(
            model_name="measureduenotice",
            name="case",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="casework.case"
            ),
        ),
        migrations.AddField(
            model_name="measureduenotice",
            name="notified_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="measureduenotice",
            constraint=models.UniqueConstraint(
                fields=("case", "timepoint"), name="outcomes_due_notice_case_timepoint_unique"
            ),
        ),
        migrations.RunPython(fill_case_from_referral, migrations.RunPython.noop),
    ]
