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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("onward referral")
        verbose_name_plural = _("onward referrals")
        indexes = [models.Index(fields=["service", "status"])]

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
