"""Measurements: one completed outcome measure for a person, scored when it was recorded.

A measurement belongs to the referral the link worker is working on and, once the referral
has been accepted, to its case (``case`` is set whenever a measure is recorded for a referral
that has a case; migration 0003 filled it for earlier rows). The referral link stays for history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linkwell.casework.models import Case
from linkwell.people.models import Person
from linkwell.referrals.models import Referral

from .instruments import INSTRUMENTS


class Mode(models.TextChoices):
    SELF = "self", _("Completed by the person")
    ASSISTED = "assisted", _("Completed with the link worker")
    PAPER = "paper", _("Entered from a paper form")


INSTRUMENT_CHOICES = [(code, _(instrument.name)) for code, instrument in INSTRUMENTS.items()]


class Measurement(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="measurements")
    referral = models.ForeignKey(
        Referral,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measurements",
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measurements",
    )
    instrument = models.CharField(_("measure"), max_length=32, choices=INSTRUMENT_CHOICES)
    # A code from LINKWELL_OUTCOME_SCHEDULE (or "other"): deployments choose their own
    # timepoints, so this is not a fixed choice list.
    timepoint = models.CharField(_("timepoint"), max_length=40)
    answers = models.JSONField(_("answers"))
    scores = models.JSONField(_("scores"))
    value_set = models.CharField(_("value set"), max_length=40, blank=True)
    mode = models.CharField(_("how it was completed"), max_length=16, choices=Mode.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed on"), default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["completed_at", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        indexes = [
            models.Index(fields=["referral", "instrument", "completed_at"]),
            models.Index(fields=["case", "completed_at"], name="outcomes_me_case_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.timepoint}"


class SelfCompletionLink(models.Model):
    """A secure, expiring, single-use link for the person to complete one measure themselves.

    Only a SHA-256 of the token is stored; the link worker sees the full link once, when it is
    made, and sends it (by the messaging outbox when that is wired in, or by hand).
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=32, choices=INSTRUMENT_CHOICES)
    timepoint = models.CharField(max_length=40)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    measurement = models.OneToOneField(
        Measurement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.instrument} {self.timepoint} link"


class MeasureDueNotice(models.Model):
    """The link worker was told that a case's measures at a timepoint fell due (once only).

    Written by the ``outcomes.measures_due`` job in the same transaction as the notification;
    the unique constraint makes the job idempotent across runs and workers.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    timepoint = models.CharField(max_length=40)
    notified_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "timepoint"], name="outcomes_due_notice_case_timepoint_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.timepoint}"
