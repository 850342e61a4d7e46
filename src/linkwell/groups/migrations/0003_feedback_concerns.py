# Participant feedback, facilitator notes and concerns (docs/feedback-and-concerns.md).
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

USER = settings.AUTH_USER_MODEL
SET_NULL = django.db.models.deletion.SET_NULL
PROTECT = django.db.models.deletion.PROTECT
CASCADE = django.db.models.deletion.CASCADE


def _user():
    return models.ForeignKey(blank=True, null=True, on_delete=SET_NULL, related_name="+", to=USER)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0002_onward_inbox"),
        ("accounts", "0001_initial"),
        ("casework", "0002_vocabulary_and_backfill"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Feedback",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "feeling",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "Very unhappy"),
                            (2, "Unhappy"),
                            (3, "Okay"),
                            (4, "Happy"),
                            (5, "Very happy"),
                        ],
                        verbose_name="how they felt",
                    ),
                ),
                (
                    "come_again",
                    models.CharField(
                        choices=[("yes", "Yes"), ("maybe", "Maybe"), ("no", "No")],
                        max_length=8,
                        verbose_name="would come again",
                    ),
                ),
                (
                    "comment",
                    models.TextField(
                        blank=True, max_length=1000, verbose_name="anything to tell us"
                    ),
                ),
                (
                    "share_comment",
                    models.BooleanField(
                        default=False, verbose_name="share my words with my link worker"
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("paper", "Entered by the facilitator"),
                            ("phone", "On their phone"),
                        ],
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=PROTECT, related_name="feedback", to="groups.session"
                    ),
                ),
                (
                    "booking",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=PROTECT,
                        related_name="feedback",
                        to="groups.booking",
                    ),
                ),
                ("entered_by", _user()),
            ],
            options={
                "verbose_name": "feedback",
                "verbose_name_plural": "feedback",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("feeling__gte", 1), ("feeling__lte", 5)),
                        name="group_feedback_feeling_1_5",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("come_again__in", ["yes", "maybe", "no"])),
                        name="group_feedback_come_again_known",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("booking__isnull", False)),
                        fields=("booking",),
                        name="group_feedback_once_per_booking",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="FeedbackLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("language", models.CharField(blank=True, max_length=16)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("expires_at", models.DateTimeField()),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=CASCADE, related_name="feedback_links", to="groups.session"
                    ),
                ),
                (
                    "booking",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=CASCADE,
                        related_name="feedback_links",
                        to="groups.booking",
                    ),
                ),
                ("created_by", _user()),
                (
                    "feedback",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=SET_NULL,
                        related_name="+",
                        to="groups.feedback",
                    ),
                ),
            ],
            options={"ordering": ["-created_at", "-id"]},
        ),
        migrations.CreateModel(
            name="SessionNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(max_length=4000, verbose_name="note")),
                (
                    "share_with_link_worker",
                    models.BooleanField(
                        default=False, verbose_name="share with the person's link worker"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "session",
                    models.ForeignKey(on_delete=PROTECT, related_name="notes", to="groups.session"),
                ),
                (
                    "booking",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=PROTECT,
                        related_name="notes",
                        to="groups.booking",
                    ),
                ),
                ("author", _user()),
            ],
            options={
                "verbose_name": "session note",
                "verbose_name_plural": "session notes",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("share_with_link_worker", False),
                            ("booking__isnull", False),
                            _connector="OR",
                        ),
                        name="group_note_shared_only_about_a_booking",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Concern",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "severity",
                    models.CharField(
                        choices=[
                            ("immediate", "Immediate danger"),
                            ("urgent", "Urgent – today"),
                            ("not_urgent", "Not urgent"),
                        ],
                        max_length=12,
                        verbose_name="how urgent",
                    ),
                ),
                (
                    "what_happened",
                    models.TextField(max_length=4000, verbose_name="what you saw or heard"),
                ),
                (
                    "actions_taken",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="what you have done"
                    ),
                ),
                ("raised_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "resolution",
                    models.TextField(
                        blank=True, max_length=4000, verbose_name="how it was resolved"
                    ),
                ),
                ("realerted_at", models.DateTimeField(blank=True, null=True)),
                ("realert_count", models.PositiveIntegerField(default=0)),
                (
                    "session",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=PROTECT,
                        related_name="concerns",
                        to="groups.session",
                    ),
                ),
                (
                    "booking",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=PROTECT,
                        related_name="concerns",
                        to="groups.booking",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=PROTECT,
                        related_name="group_concerns",
                        to="casework.case",
                    ),
                ),
                (
                    "provider_organisation",
                    models.ForeignKey(
                        on_delete=PROTECT, related_name="+", to="accounts.organisation"
                    ),
                ),
                ("raised_by", _user()),
                ("acknowledged_by", _user()),
                ("resolved_by", _user()),
            ],
            options={
                "verbose_name": "concern",
                "verbose_name_plural": "concerns",
                "ordering": ["-raised_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["acknowledged_at", "severity"],
                        name="groups_conc_acknowl_53c183_idx",
                    ),
                    models.Index(
                        fields=["provider_organisation", "raised_at"],
                        name="groups_conc_provide_277faf_idx",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("severity__in", ["immediate", "urgent", "not_urgent"])),
                        name="group_concern_severity_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("what_happened", ""), _negated=True),
                        name="group_concern_has_description",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("resolved_at__isnull", True),
                            ("acknowledged_at__isnull", False),
                            _connector="OR",
                        ),
                        name="group_concern_acknowledged_before_resolved",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("resolved_at__isnull", True),
                            models.Q(("resolution", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="group_concern_resolution_written",
                    ),
                ],
            },
        ),
    ]
