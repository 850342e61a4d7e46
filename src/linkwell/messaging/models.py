"""The outbox: every outgoing message is a row, written in the same transaction as its cause.

The worker sends due rows and records the result; a message's UUID is its client reference at
GOV.UK Notify, so a retry after a crash can ask Notify whether it already went.
Personalisation can hold personal data: it is stored here (the staff log shows it) but never
logged.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    CALL_TASK = "call_task", _("Phone call by a link worker")
    IN_APP = "in_app", _("In Linkwell")


# Channels the worker sends through a provider; the others are done by people or in the app.
PROVIDER_CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.LETTER)


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    TEMPORARY_FAILURE = "temporary_failure", _("Not delivered (temporary problem)")
    PERMANENT_FAILURE = "permanent_failure", _("Not delivered")
    CANCELLED = "cancelled", _("Cancelled")
    SKIPPED = "skipped", _("Not sent")


FAILED_STATUSES = (
    MessageStatus.TEMPORARY_FAILURE,
    MessageStatus.PERMANENT_FAILURE,
    MessageStatus.SKIPPED,
)
RETRYABLE_STATUSES = FAILED_STATUSES


# Why a channel was not used, or why a message failed. Codes are stored; labels are shown.
REASONS = {
    "sms_no_phone": _("No phone number for a text"),
    "sms_not_mobile": _("The phone number is not a mobile (texts need a mobile)"),
    "sms_shared_phone": _("The phone is shared or not safe for messages"),
    "sms_no_consent": _("The person has not agreed to text messages"),
    "email_no_address": _("No email address"),
    "letter_no_address": _("No postal address for a letter"),
    "phone_no_number": _("No phone number to call"),
    "phone_only": _("The person asked to be contacted by phone only"),
    "no_written_channel": _("No text, email or letter route, so a call was planned instead"),
    "no_contact_route": _("There is no way to contact this person"),
    "language_fallback": _("Not available in the person's language: sent in English"),
    "quiet_hours": _("Held until quiet hours end"),
    "provider_rejected": _("GOV.UK Notify rejected the message"),
    "provider_auth": _("GOV.UK Notify refused the API key"),
    "provider_unavailable": _("GOV.UK Notify was unavailable; retries ran out"),
    "notify_not_configured": _("GOV.UK Notify is not set up for this message"),
    "delivery_failed": _("The provider could not deliver it"),
    "no_recipient_email": _("The member of staff has no email address"),
    "inactive_user": _("The member of staff's account is not active"),
}


# What each template is, for staff (the case timeline and message lists).
TEMPLATE_LABELS = {
    "referral_received": _("Referral received"),
    "appointment_reminder": _("Appointment reminder"),
    "social_prescription": _("Social prescription"),
    "session_reminder": _("Session reminder"),
    "questionnaire_link": _("Questionnaire link"),
    "feedback_link": _("Feedback link"),
    "we_missed_you": _("We missed you"),
    "tried_to_reach_you": _("We tried to reach you"),
    "new_referral": _("New referral"),
    "group_place_offered": _("Place offered"),
    "group_missed_sessions": _("Missed sessions"),
    "staff_notification": _("Notification"),
}


class Message(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    # The link worker service whose staff see and retry this message.
    service = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    template = models.CharField(_("template"), max_length=64)
    language = models.CharField(_("language"), max_length=8, default="en")
    language_fell_back = models.BooleanField(_("sent in English instead"), default=False)
    personalisation = models.JSONField(default=dict, blank=True)
    to_address = models.TextField(_("sent to"), blank=True)
    large_print = models.BooleanField(default=False)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MessageStatus.choices,
        default=MessageStatus.QUEUED,
        db_index=True,
    )
    status_reason = models.CharField(max_length=40, blank=True)
    # Channels passed over on the way to this one, as reason codes (never personal data).
    channel_notes = models.JSONField(default=list, blank=True)
    error_detail = models.CharField(max_length=200, blank=True)

    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Set once any attempt has begun: from then on, ask the provider before sending again.
    send_attempted = models.BooleanField(default=False)
    provider_reference = models.CharField(max_length=64, blank=True)

    related_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_id = models.CharField(max_length=64, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(user__isnull=False),
                name="message_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} {self.channel} {self.status}"

    @property
    def reason_label(self) -> str:
        return str(REASONS.get(self.status_reason, self.status_reason))

    @property
    def channel_note_labels(self) -> list[str]:
        return [str(REASONS.get(code, code)) for code in self.channel_notes]

    @property
    def is_failed(self) -> bool:
        return self.status in FAILED_STATUSES


class CallTaskStatus(models.TextChoices):
    OPEN = "open", _("To call")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CallTask(models.Model):
    """A message that a link worker delivers by phone, for people who chose phone only."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="call_task")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_tasks",
    )
    status = models.CharField(
        max_length=16, choices=CallTaskStatus.choices, default=CallTaskStatus.OPEN, db_index=True
    )
    no_answer_count = models.PositiveIntegerField(default=0)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("call task")
        verbose_name_plural = _("call tasks")

    def __str__(self) -> str:
        return f"call task {self.pk} {self.status}"


class NotificationKind(models.TextChoices):
    """What a staff notification is about. Callers pass one of these values."""

    NEW_REFERRAL = "new_referral", _("New referral")
    PROVIDER_REPLIED = "provider_replied", _("Provider replied")
    CONCERN_RAISED = "concern_raised", _("Concern raised")
    CONCERN_UNACKNOWLEDGED = "concern_unacknowledged", _("Concern not yet acknowledged")
    MEASUREMENT_DUE = "measurement_due", _("Measurement due")
    PLACE_OFFERED = "place_offered", _("Place offered")
    MISSED_SESSIONS = "missed_sessions", _("Missed sessions")
    REFERRAL_NUDGE = "referral_nudge", _("Referral waiting")
    REFERRAL_LAPSED = "referral_lapsed", _("Referral lapsed")
    NOTICEBOARD_REPLY = "noticeboard_reply", _("Noticeboard reply")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    OTHER = "other", _("Other")


class StaffNotification(models.Model):
    """An in-app notification for one member of staff (optionally also emailed).

    Titles and bodies never contain a person's name or other personal data: they say what
    happened and where to look (the url), e.g. "New referral LW-1234".
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notifications"
    )
    # Not limited by `choices` in the database, so a new kind needs no migration; services
    # validate against NotificationKind.
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    related_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("staff notification")
        verbose_name_plural = _("staff notifications")
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return f"notification {self.pk} {self.kind}"

    @property
    def kind_label(self) -> str:
        try:
            return str(NotificationKind(self.kind).label)
        except ValueError:
            return self.kind


class ReminderSent(models.Model):
    """Proof that a reminder (or other once-only automatic message) went out.

    Jobs insert a row in the same transaction as the message they queue; the unique
    (kind, key) makes a job that runs twice, or on two workers, queue it once.
    """

    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=128)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notification = models.ForeignKey(
        StaffNotification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="remindersent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
