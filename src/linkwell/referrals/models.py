"""Referrals into a link worker service and their lifecycle (FHIR Task status vocabulary)."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linkwell.accounts.models import Organisation
from linkwell.people.models import Person

from .vocabulary import CLOSURE_REASON_LABELS, NEED_LABELS, NEED_PLAIN_LABELS


class Vocabulary(models.Model):
    code = models.SlugField(max_length=48, unique=True)
    label = models.CharField(max_length=200)
    disabled_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return str(self.display_label)


class Need(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    @property
    def display_label(self):
        return NEED_LABELS.get(self.code, self.label)

    @property
    def plain_label(self):
        return NEED_PLAIN_LABELS.get(self.code, self.display_label)


class ClosureReason(Vocabulary):
    applies_to = models.JSONField(default=list)

    class Meta(Vocabulary.Meta):
        verbose_name = _("status reason")
        verbose_name_plural = _("status reasons")

    @property
    def display_label(self):
        return CLOSURE_REASON_LABELS.get(self.code, self.label)


class Status(models.TextChoices):
    REQUESTED = "requested", _("New")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")
    IN_PROGRESS = "in-progress", _("In progress")
    ON_HOLD = "on-hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Closed: could not complete")


# The only moves a referral may make. Anything else is refused by referral_transition.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REQUESTED: frozenset(
        {Status.RECEIVED, Status.ACCEPTED, Status.REJECTED, Status.CANCELLED}
    ),
    Status.RECEIVED: frozenset({Status.ACCEPTED, Status.REJECTED, Status.CANCELLED}),
    Status.ACCEPTED: frozenset(
        {Status.IN_PROGRESS, Status.ON_HOLD, Status.COMPLETED, Status.CANCELLED, Status.FAILED}
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.ON_HOLD, Status.COMPLETED, Status.CANCELLED, Status.FAILED}
    ),
    Status.ON_HOLD: frozenset(
        {Status.IN_PROGRESS, Status.COMPLETED, Status.CANCELLED, Status.FAILED}
    ),
    Status.REJECTED: frozenset(),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.FAILED: frozenset(),
}
OPEN_STATUSES = frozenset(s for s, targets in TRANSITIONS.items() if targets)
REASON_REQUIRED = frozenset({Status.REJECTED, Status.CANCELLED, Status.FAILED, Status.ON_HOLD})


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Soon (within a week)")
    URGENT = "urgent", _("Urgent (within 2 working days)")


class Source(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional referral")
    SELF = "self", _("Self-referral")
    API = "api", _("From another system")


def new_reference() -> str:
    # No 0/O/1/I so it can be read out over the phone.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "LW-" + "".join(secrets.choice(alphabet) for _ in range(6))


# Link worker services aim to contact a new referral within this many working days.
WAITING_TOO_LONG_WORKING_DAYS = 5


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Monday-to-Friday days after `start` up to and including `end` (bank holidays not known)."""
    if end <= start:
        return 0
    total = (end - start).days
    weeks, rest = divmod(total, 7)
    days = weeks * 5
    for offset in range(1, rest + 1):
        if (start + datetime.timedelta(days=weeks * 7 + offset)).weekday() < 5:
            days += 1
    return days


class Referral(models.Model):
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    referrer_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("referred by"),
    )
    referrer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_made",
    )
    referrer_contact = models.CharField(
        _("referrer's contact details"),
        max_length=200,
        blank=True,
        help_text=_("So the link worker can call back if needed."),
    )
    service = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        limit_choices_to={"kind": "link_worker_service"},
        verbose_name=_("link worker service"),
    )
    needs = models.ManyToManyField(Need, related_name="referrals", blank=True)
    reason = models.TextField(_("reason for referral"), max_length=4000, blank=True)
    what_matters = models.TextField(_("what matters to them"), max_length=4000, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    risks = models.TextField(
        _("risks to lone working"),
        max_length=2000,
        blank=True,
        help_text=_("Anything a link worker visiting alone should know."),
    )
    consent_confirmed_at = models.DateTimeField(_("consent confirmed"))

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    status_reason = models.ForeignKey(
        ClosureReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_reason_text = models.CharField(_("reason"), max_length=1000, blank=True)
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocated_referrals",
        verbose_name=_("link worker"),
    )
    snomed_code = models.CharField(max_length=18, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    received_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["service", "status", "created_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def allowed_targets(self) -> frozenset[str]:
        return TRANSITIONS[self.status]

    def waiting_days(self, now=None) -> int:
        now = now or timezone.now()
        return (now - self.created_at).days

    def waiting_working_days(self, now=None) -> int:
        now = now or timezone.now()
        return working_days_between(timezone.localdate(self.created_at), timezone.localdate(now))

    @property
    def waiting_too_long(self) -> bool:
        return self.waiting_working_days() > WAITING_TOO_LONG_WORKING_DAYS


class ReferralEvent(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    reason = models.ForeignKey(
        ClosureReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason_text = models.CharField(max_length=1000, blank=True)
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status or '∅'} → {self.to_status}"


class ReferralRoute(models.Model):
    """Which link worker service receives a referral.

    The most specific route wins: the referrer's organisation, then the person's postcode
    district, then the default route.
    """

    service = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="routes",
        limit_choices_to={"kind": "link_worker_service"},
        verbose_name=_("link worker service"),
    )
    referrer_organisation = models.OneToOneField(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="route",
        verbose_name=_("referrals from this organisation"),
    )
    postcode_district = models.CharField(
        _("people living in postcode district"), max_length=4, blank=True, db_index=True
    )
    is_default = models.BooleanField(_("default for everything else"), default=False)

    class Meta:
        verbose_name = _("referral route")
        verbose_name_plural = _("referral routes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_route"
            ),
            models.UniqueConstraint(
                fields=["postcode_district"],
                condition=~models.Q(postcode_district=""),
                name="one_route_per_district",
            ),
        ]

    def __str__(self) -> str:
        if self.referrer_organisation_id:
            target = str(self.referrer_organisation)
        elif self.postcode_district:
            target = self.postcode_district
        else:
            target = "default"
        return f"{target} → {self.service}"


class IdempotencyRecord(models.Model):
    """Remembers a submission so a retried or double-clicked one returns the same referral."""

    scope = models.CharField(max_length=64)  # "user:<id>" or "self-referral"
    key = models.CharField(max_length=200)
    body_hash = models.CharField(max_length=64)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
