"""A link worker's case: one per accepted referral, with contacts, plan, follow-ups, discharge.

The case's status is the referral's FHIR Task status (never stored twice); closing a case moves
the referral through `referrals.services.referral_transition`, so the referrer's timeline shows it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linkwell.people.models import Person
from linkwell.referrals.models import OPEN_STATUSES, Referral, Vocabulary

from .vocabulary import DISCHARGE_REASON_LABELS, RISK_FLAG_LABELS

MAX_CONTACT_MINUTES = 8 * 60


class DischargeReason(Vocabulary):
    referral_status = models.CharField(max_length=16)
    referral_reason_code = models.SlugField(max_length=48)

    class Meta(Vocabulary.Meta):
        verbose_name = _("discharge reason")
        verbose_name_plural = _("discharge reasons")

    @property
    def display_label(self):
        return DISCHARGE_REASON_LABELS.get(self.code, self.label)


class Case(models.Model):
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="case")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    # Mirrors referral.allocated_to; both change together in casework.services.case_reallocate.
    link_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("link worker"),
    )
    what_matters = models.TextField(
        _("what matters to them, in their own words"), max_length=4000, blank=True
    )
    risk_flags = models.JSONField(default=list, blank=True)
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)
    # Optimistic concurrency: every plan change must name the version it was made from.
    plan_version = models.PositiveIntegerField(default=0)

    discharge_reason = models.ForeignKey(
        DischargeReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discharge_summary = models.TextField(_("discharge summary"), max_length=8000, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.referral_id})"

    @property
    def status(self) -> str:
        return self.referral.status

    @property
    def is_open(self) -> bool:
        return self.discharged_at is None and self.referral.status in OPEN_STATUSES

    @property
    def risk_flag_labels(self) -> list[str]:
        return [str(RISK_FLAG_LABELS.get(code, code)) for code in self.risk_flags]


class ContactMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    HOME_VISIT = "home_visit", _("Home visit")
    TEXT = "text", _("Text message")
    LETTER = "letter", _("Letter")


class Contact(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(_("when"))
    mode = models.CharField(_("how"), max_length=16, choices=ContactMode.choices)
    minutes = models.PositiveSmallIntegerField(
        _("minutes spent"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CONTACT_MINUTES)],
    )
    successful = models.BooleanField(_("spoke to or saw the person"), default=True)
    with_interpreter = models.BooleanField(_("with an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "successful", "at"])]

    def __str__(self) -> str:
        return f"Contact {self.pk}"


class PlanGoal(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    wording = models.TextField(_("the goal, in the person's words"), max_length=1000)
    steps = models.TextField(_("steps"), max_length=2000, blank=True)
    who_does_what = models.TextField(_("who does what"), max_length=2000, blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Goal {self.pk}"


class GoalProgress(models.Model):
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="progress")
    score = models.PositiveSmallIntegerField(
        _("progress (1 to 10)"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Progress {self.pk}"


class PlanChangeKind(models.TextChoices):
    WHAT_MATTERS = "what_matters", _("What matters updated")
    GOAL_ADDED = "goal_added", _("Goal added")
    GOAL_CHANGED = "goal_changed", _("Goal changed")


class PlanChange(models.Model):
    """One row per plan version, for the case timeline (what changed, who, when)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_changes")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=PlanChangeKind.choices)
    goal = models.ForeignKey(
        PlanGoal, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_change_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.version}"


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due = models.DateField(_("due"))
    what = models.CharField(_("what to do"), max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"Follow-up {self.pk}"


class UnmetNeed(models.Model):
    """A need for which the link worker found no suitable service (counted by reports).

    One open row per case and need; `resolved_at` closes it (e.g. a service appeared later).
    The person's postcode district is a snapshot, so reports count by area without the person.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="unmet_needs")
    need = models.ForeignKey("referrals.Need", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("what was missing"), max_length=500, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("unmet need")
        verbose_name_plural = _("unmet needs")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "need"],
                condition=models.Q(resolved_at__isnull=True),
                name="unmet_need_open_once_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"Unmet need {self.pk}"
