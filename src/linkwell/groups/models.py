"""The provider side: onward referrals, sessions with places and a waitlist, attendance.

A provider only ever sees what the link worker shared (the `shared_*` snapshot on
ServiceReferral), never the person's record. Places are taken under a row lock on the Session
(groups.services.booking_create), so a session is never overbooked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linkwell.casework.models import Case
from linkwell.directory.models import Location, Schedule, Service
from linkwell.referrals.models import Status

MAX_SHARED_NOTE = 500


class OnwardKind(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    # Recorded without a referral (the person goes along themselves); never in the inbox.
    SIGNPOSTED = "signposted", _("Signposted")


class DeclineReason(models.TextChoices):
    """Why an onward referral was not taken up (provider's decline, or a lapse)."""

    CAPACITY = "capacity", _("No space")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NOT_SUITABLE = "not_suitable", _("Not suitable for this group")
    PERSON_DECLINED = "person_declined", _("The person decided not to go")
    NO_RESPONSE = "no_response", _("No response")
    OTHER = "other", _("Other")


# What a link worker may share with a provider, item by item (nothing else, ever).
SHARE_ITEMS = ("first_name", "contact_route", "language", "access_needs")


class ServiceReferral(models.Model):
    """An onward referral from a link worker's case to a community service.

    Status uses the FHIR Task vocabulary (referrals.models.Status), like referrals to the link
    worker service. The shared fields are a snapshot of only what the link worker chose to
    share; the provider never reads the person's record.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="service_referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="service_referrals")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_first_name = models.CharField(_("first name"), max_length=100)
    shared_contact_route = models.CharField(_("how to contact them"), max_length=200, blank=True)
    shared_language = models.CharField(_("language"), max_length=16, blank=True)
    shared_interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    shared_access_needs = models.CharField(_("access needs"), max_length=500, blank=True)
    shared_note = models.TextField(
        _("note from the link worker"), max_length=MAX_SHARED_NOTE, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # Onward referrals and the provider inbox (groups/0002, docs/onward-referrals.md).
    kind = models.CharField(
        _("kind"), max_length=16, choices=OnwardKind.choices, default="referral"
    )
    # The provider's first answer (accepted | rejected | on-hold), for reply figures.
    first_response = models.CharField(max_length=16, blank=True)
    decline_reason = models.CharField(
        _("reason"), max_length=24, choices=DeclineReason.choices, blank=True
    )
    decline_text = models.CharField(_("more about the reason"), max_length=500, blank=True)
    # Consent to share: who recorded it, when, and which items (codes from SHARE_ITEMS).
    shared_items = models.JSONField(default=list, blank=True)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nudged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    idempotency_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("onward referral")
        verbose_name_plural = _("onward referrals")
        indexes = [
            models.Index(fields=["service", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            # One open referral of a case to a service at a time (signposting does not count).
            models.UniqueConstraint(
                fields=["case", "service"],
                condition=Q(kind="referral")
                & Q(status__in=["requested", "received", "accepted", "in-progress", "on-hold"]),
                name="onward_one_open_per_case_service",
            ),
            models.UniqueConstraint(
                fields=["referred_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="onward_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"ServiceReferral {self.pk}"


class Session(models.Model):
    """One meeting of a group, with a number of places.

    Generated sessions keep the schedule they came from, so generating again is a no-op;
    one-off sessions have no schedule.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="group_sessions")
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="group_sessions"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="group_sessions"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    places = models.PositiveIntegerField(_("places"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="group_session_has_places"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="group_session_ends_after"
            ),
            models.UniqueConstraint(
                fields=["schedule", "starts_at"],
                condition=Q(schedule__isnull=False),
                name="group_session_once_per_schedule_time",
            ),
        ]
        indexes = [models.Index(fields=["service", "starts_at"])]

    def __str__(self) -> str:
        return f"Session {self.pk}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Offered a place")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")
    LATE = "late", _("Late")


# Statuses that hold one of the session's places (an offer holds it until answered).
HOLDS_PLACE = frozenset(
    {
        BookingStatus.BOOKED,
        BookingStatus.OFFERED,
        BookingStatus.ATTENDED,
        BookingStatus.ABSENT,
        BookingStatus.LATE,
    }
)
ATTENDANCE = frozenset({BookingStatus.ATTENDED, BookingStatus.ABSENT, BookingStatus.LATE})
# On the register: the people expected, and those already marked.
ON_REGISTER = frozenset({BookingStatus.BOOKED} | ATTENDANCE)


class Booking(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    service_referral = models.ForeignKey(
        ServiceReferral,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    status = models.CharField(_("status"), max_length=16, choices=BookingStatus.choices)
    # Order on the waitlist (1 = next); kept as taken, so gaps are fine - order by it.
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session", "waitlist_position", "created_at", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            # A person is in a session once (a cancelled booking does not count).
            models.UniqueConstraint(
                fields=["session", "service_referral"],
                condition=Q(service_referral__isnull=False) & ~Q(status="cancelled"),
                name="group_booking_once_per_session",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"Booking {self.pk}"


class WalkInCount(models.Model):
    """People who came without a referral: counted, never named."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="walk_ins")
    count = models.PositiveIntegerField(_("walk-ins"), default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"WalkInCount {self.session_id}"


class AlertKind(models.TextChoices):
    PLACE_OFFERED = "place_offered", _("A place was offered")
    MISSED_SESSIONS = "missed_sessions", _("Missed two sessions in a row")


class LinkWorkerAlert(models.Model):
    """Something the person's link worker must hear about, in-app (an email is also queued)."""

    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_alerts")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="alerts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "booking"], name="group_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.booking_id}"


# Onward referrals a provider may book into sessions: not closed.
OPEN_REFERRAL_STATUSES = frozenset(
    {Status.REQUESTED, Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS}
)


class ServiceReferralEvent(models.Model):
    """One change of an onward referral's status: who, when, why (seen on the case at once)."""

    service_referral = models.ForeignKey(
        ServiceReferral, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    reason = models.CharField(max_length=24, choices=DeclineReason.choices, blank=True)
    reason_text = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["service_referral", "at"])]

    def __str__(self) -> str:
        return f"{self.service_referral_id}: {self.from_status} -> {self.to_status}"


# ---- participant feedback, facilitator notes, concerns (groups/0003, docs/feedback-and-concerns.md)

MAX_FEEDBACK_COMMENT = 1000
MAX_NOTE = 4000
MAX_CONCERN_TEXT = 4000


class Feeling(models.IntegerChoices):
    """How did you feel today: a faces scale, always shown with words (never a face alone)."""

    VERY_UNHAPPY = 1, _("Very unhappy")
    UNHAPPY = 2, _("Unhappy")
    OKAY = 3, _("Okay")
    HAPPY = 4, _("Happy")
    VERY_HAPPY = 5, _("Very happy")


class ComeAgain(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class FeedbackSource(models.TextChoices):
    PAPER = "paper", _("Entered by the facilitator")
    PHONE = "phone", _("On their phone")


class Feedback(models.Model):
    """Three answers after a session, about one booking or anonymous (walk-ins, paper slips)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="feedback")
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback"
    )
    feeling = models.PositiveSmallIntegerField(_("how they felt"), choices=Feeling.choices)
    come_again = models.CharField(_("would come again"), max_length=8, choices=ComeAgain.choices)
    comment = models.TextField(
        _("anything to tell us"), max_length=MAX_FEEDBACK_COMMENT, blank=True
    )
    # Free text reaches the link worker only when the person ticked this.
    share_comment = models.BooleanField(_("share my words with my link worker"), default=False)
    source = models.CharField(max_length=8, choices=FeedbackSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(feeling__gte=1) & Q(feeling__lte=5), name="group_feedback_feeling_1_5"
            ),
            models.CheckConstraint(
                condition=Q(come_again__in=["yes", "maybe", "no"]),
                name="group_feedback_come_again_known",
            ),
            # One answer per person per session; anonymous feedback may be many.
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(booking__isnull=False),
                name="group_feedback_once_per_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback {self.pk}"


class FeedbackLink(models.Model):
    """A single-use, expiring link for the person to answer on their phone (no sign-in).

    Only a hash of the token is stored; the page shows no personal data.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback_links")
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=16, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    feedback = models.OneToOneField(
        Feedback, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"FeedbackLink {self.pk}"


class SessionNote(models.Model):
    """The facilitator's own note on a session: private to the provider organisation unless,
    for a note about one booking, they choose to share it with the person's link worker."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="notes")
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="notes"
    )
    text = models.TextField(_("note"), max_length=MAX_NOTE)
    share_with_link_worker = models.BooleanField(
        _("share with the person's link worker"), default=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("session note")
        verbose_name_plural = _("session notes")
        constraints = [
            models.CheckConstraint(
                condition=Q(share_with_link_worker=False) | Q(booking__isnull=False),
                name="group_note_shared_only_about_a_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"SessionNote {self.pk}"


class ConcernSeverity(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate danger")
    URGENT = "urgent", _("Urgent – today")
    NOT_URGENT = "not_urgent", _("Not urgent")


# Severities that re-alert while nobody has acknowledged them.
REALERT_SEVERITIES = frozenset({ConcernSeverity.IMMEDIATE, ConcernSeverity.URGENT})


class Concern(models.Model):
    """A concern ("I'm worried about someone"): raised by a provider, acknowledged and
    resolved by the person's link worker service. Visible only to that service and the raising
    provider.

    `case` is the person's case (from the booking); a concern about a walk-in has none and
    stays with the provider.
    """

    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="group_concerns"
    )
    provider_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    severity = models.CharField(_("how urgent"), max_length=12, choices=ConcernSeverity.choices)
    what_happened = models.TextField(_("what you saw or heard"), max_length=MAX_CONCERN_TEXT)
    actions_taken = models.TextField(
        _("what you have done"), max_length=MAX_CONCERN_TEXT, blank=True
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(_("how it was resolved"), max_length=MAX_CONCERN_TEXT, blank=True)
    # When the re-alert job last re-notified (idempotency: once per interval).
    realerted_at = models.DateTimeField(null=True, blank=True)
    realert_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=["immediate", "urgent", "not_urgent"]),
                name="group_concern_severity_known",
            ),
            models.CheckConstraint(
                condition=~Q(what_happened=""), name="group_concern_has_description"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(acknowledged_at__isnull=False),
                name="group_concern_acknowledged_before_resolved",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                name="group_concern_resolution_written",
            ),
        ]
        indexes = [
            models.Index(fields=["acknowledged_at", "severity"]),
            models.Index(fields=["provider_organisation", "raised_at"]),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


# ---- funding and costs (groups/0004_funding; groups/funding.py) ---------------------------


class FundingKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    CONTRACT = "commissioned_contract", _("Commissioned contract")
    MICROFINANCE = "microfinance", _("Microfinance")
    DONATIONS = "donations", _("Donations")
    IN_KIND = "in_kind", _("In kind")


class FundingSource(models.Model):
    """Money (or its value in kind) a provider has for a period, for one service or for the
    whole organisation (service empty)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="funding_sources"
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_sources",
        verbose_name=_("service"),
    )
    kind = models.CharField(_("kind of funding"), max_length=24, choices=FundingKind.choices)
    funder = models.CharField(_("funder"), max_length=200)
    amount = models.DecimalField(_("amount (£)"), max_digits=12, decimal_places=2)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "id"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="funding_period_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["service", "period_start"])]

    def __str__(self) -> str:
        return f"FundingSource {self.pk}"


class ServiceCost(models.Model):
    """What one session of a service costs to run, from a date until the next row's date."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="session_costs")
    cost_per_session = models.DecimalField(
        _("cost per session (£)"), max_digits=10, decimal_places=2
    )
    valid_from = models.DateField(_("from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service", "-valid_from"]
        verbose_name = _("session cost")
        verbose_name_plural = _("session costs")
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_per_session__gte=0), name="service_cost_not_negative"
            ),
            models.UniqueConstraint(
                fields=["service", "valid_from"], name="service_cost_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"ServiceCost {self.pk}"
