# Funding sources and session costs (groups/funding.py).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("directory", "0003_full_text_search"),
        ("groups", "0003_feedback_concerns"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FundingSource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("grant", "Grant"),
                            ("commissioned_contract", "Commissioned contract"),
                            ("microfinance", "Microfinance"),
                            ("donations", "Donations"),
                            ("in_kind", "In kind"),
                        ],
                        max_length=24,
                        verbose_name="kind of funding",
                    ),
                ),
                ("funder", models.CharField(max_length=200, verbose_name="funder")),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=12, verbose_name="amount (£)"),
                ),
                ("period_start", models.DateField(verbose_name="from")),
                ("period_end", models.DateField(verbose_name="to")),
                ("notes", models.TextField(blank=True, max_length=2000, verbose_name="notes")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="funding_sources",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="funding_sources",
                        to="directory.service",
                        verbose_name="service",
                    ),
                ),
            ],
            options={
                "verbose_name": "funding source",
                "verbose_name_plural": "funding sources",
                "ordering": ["-period_start", "id"],
                "indexes": [
                    models.Index(
                        fields=["service", "period_start"], name="groups_fund_service_90f889_idx"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("amount__gte", 0)), name="funding_amount_not_negative"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("period_end__gte", models.F("period_start"))),
                        name="funding_period_ends_after_start",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ServiceCost",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "cost_per_session",
                    models.DecimalField(
                        decimal_places=2, max_digits=10, verbose_name="cost per session (£)"
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="from")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="session_costs",
                        to="directory.service",
                    ),
                ),
            ],
            options={
                "verbose_name": "session cost",
                "verbose_name_plural": "session costs",
                "ordering": ["service", "-valid_from"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("cost_per_session__gte", 0)),
                        name="service_cost_not_negative",
                    ),
                    models.UniqueConstraint(
                        fields=("service", "valid_from"), name="service_cost_once_per_day"
                    ),
                ],
            },
        ),
    ]
