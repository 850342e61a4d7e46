"""Queue messages, choose how each reaches the person, and record what happened.

`message_queue` is called inside the caller's transaction, so a message exists exactly when the
change that caused it does. The worker (worker.py) sends it later.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.people.models import Consent, Person
from linkwell.people.validators import is_mobile

from .models import (
    PROVIDER_CHANNELS,
    RETRYABLE_STATUSES,
    CallTask,
    CallTaskStatus,
    Channel,
    Message,
    MessageStatus,
    StaffNotification,
)
from .templates_text import PERSON_TEMPLATES, STAFF_TEMPLATES, TEXTS, placeholders

WRITTEN = (Channel.SMS, Channel.EMAIL, Channel.LETTER)


def sms_consent_given(person: Person) -> bool:
    latest = (
        Consent.objects.filter(person=person, purpose="contact_sms")
        .order_by("-recorded_at", "-id")
        .values_list("given", flat=True)
        .first()
    )
    return bool(latest)


def postal_address(person: Person) -> list[str]:
    """Letter address lines, last line the postcode; [] if a letter cannot be addressed."""
    if person.no_fixed_abode and not person.care_of:
        return []
    if not (person.address_line_1 and person.postcode):
        return []
    lines = [person.full_name]
    if person.care_of:
        lines.append(f"c/o {person.care_of}")
    lines += [person.address_line_1, person.address_line_2, person.town, person.postcode]
    return [line.strip() for line in lines if line and line.strip()]


def _check_written(person: Person, channel: str) -> tuple[str, str]:
    """(to_address, "") if `channel` can reach the person, else ("", reason code)."""
    if channel == Channel.SMS:
        if not person.phone:
            return "", "sms_no_phone"
        if person.phone_is_shared:
            return "", "sms_shared_phone"
        if not is_mobile(person.phone):
            return "", "sms_not_mobile"
        if not sms_consent_given(person):
            return "", "sms_no_consent"
        return person.phone, ""
    if channel == Channel.EMAIL:
        return (person.email, "") if person.email else ("", "email_no_address")
    if channel == Channel.LETTER:
        lines = postal_address(person)
        return ("\n".join(lines), "") if lines else ("", "letter_no_address")
    raise ValueError(channel)


def choose_channel(person: Person) -> tuple[str | None, str, list[str]]:
    """The channel for a person-facing message: (channel or None, to_address, notes).

    The person's own order decides among text, email and letter; a channel that cannot be
    used is noted with why. "Phone only" - or no written route at all - becomes a call task
    for a link worker, so nothing is silently dropped.
    """
    notes: list[str] = []
    if person.phone_only:
        if person.phone:
            return Channel.CALL_TASK, person.phone, ["phone_only"]
        return None, "", ["phone_only", "phone_no_number"]
    chosen = [m for m in person.contact_methods if m in WRITTEN] or list(WRITTEN)
    for channel in chosen:
        to_address, reason = _check_written(person, channel)
        if not reason:
            return channel, to_address, notes
        notes.append(reason)
    if person.phone:
        return Channel.CALL_TASK, person.phone, [*notes, "no_written_channel"]
    return None, "", [*notes, "phone_no_number"]


def _service_and_worker(person: Person | None, related) -> tuple[int | None, int | None]:
    """The link worker service responsible (and the allocated link worker, if any)."""
    service_id = getattr(related, "service_id", None)
    allocated = getattr(related, "allocated_to_id", None)
    if service_id is None and person is not None:
        from linkwell.referrals.models import Referral

        row = (
            Referral.objects.filter(person=person)
            .order_by("-created_at", "-id")
            .values_list("service_id", "allocated_to_id")
            .first()
        )
        if row:
            service_id, allocated = row
    return service_id, allocated


def _quiet_until(now):
    quiet = settings.LINKWELL_QUIET_HOURS
    return quiet.next_allowed(now) if quiet else now


def message_queue(
    *,
    person: Person | None = None,
    user=None,
    template: str,
    personalisation: dict,
    related: models.Model | None = None,
    service=None,
) -> Message:
    """Write one outgoing message to the outbox (in the caller's transaction)."""
    if (person is None) == (user is None):
        raise ValueError("give exactly one of person or user")
    if template not in TEXTS:
        raise ValueError(f"unknown message template {template!r}")
    if person is not None and template not in PERSON_TEMPLATES:
        raise ValueError(f"{template!r} is a staff template")
    if user is not None and template not in STAFF_TEMPLATES:
        raise ValueError(f"{template!r} is a person template")
    values = dict(personalisation)
    if person is not None:
        values.setdefault("name", person.known_as)
    missing = placeholders(template) - set(values)
    if missing:
        # A programming error: say which fields, never their values.
        raise ValueError(f"{template!r} needs {sorted(missing)}")

    now = timezone.now()
    service_id, allocated_id = _service_and_worker(person, related)
    if service is not None:
        service_id = service.pk
    message = Message(
        person=person,
        user=user,
        service_id=service_id,
        template=template,
        personalisation=values,
        next_attempt_at=now,
        created_at=now,
    )
    if related is not None:
        message.related_type = ContentType.objects.get_for_model(related)
        message.related_id = str(related.pk)

    if person is not None:
        message.language = person.language or "en"
        channel, to_address, notes = choose_channel(person)
        message.large_print = "large_print" in (person.communication_needs or [])
    else:
        message.language = "en"
        channel, to_address, notes = (
            (Channel.EMAIL, user.email, []) if user.email else (None, "", ["no_recipient_email"])
        )
    message.channel_notes = notes
    message.language_fell_back = message.language not in TEXTS[template]
    if message.language_fell_back:
        message.channel_notes = [*notes, "language_fallback"]

    if channel is None:
        message.channel = Channel.SMS if person is None else _first_choice(person)
        message.status = MessageStatus.SKIPPED
        message.status_reason = "no_contact_route"
        message.failed_at = now
        message.next_attempt_at = None
    else:
        message.channel = channel
        message.to_address = to_address
        if channel == Channel.SMS:
            message.next_attempt_at = _quiet_until(now)
            if message.next_attempt_at > now:
                message.status_reason = "quiet_hours"
        if channel == Channel.CALL_TASK:
            message.next_attempt_at = None
    message.save()
    if channel == Channel.CALL_TASK:
        CallTask.objects.create(
            message=message,
            person=person,
            service_id=service_id,
            assigned_to_id=allocated_id,
            created_at=now,
        )
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        obj=message,
        person_id=person.pk if person else None,
        channel="system",
        detail=f"{template} {message.channel} {message.status}",
    )
    return message


def _first_choice(person: Person) -> str:
    for method in person.contact_methods:
        if method in WRITTEN:
            return method
    return Channel.CALL_TASK if person.phone_only else Channel.SMS


# --- Staff actions ----------------------------------------------------------------------------


def message_retry(*, actor, message_id) -> Message:
    """Send a failed or skipped message again. Re-chooses the route unless it may have gone."""
    from . import selectors

    with transaction.atomic():
        message = selectors.message_get_for(actor, message_id, write=True)
        if message.status not in RETRYABLE_STATUSES:
            raise PermissionDenied
        now = timezone.now()
        if message.person_id and message.status != MessageStatus.TEMPORARY_FAILURE:
            # Never sent (skipped, or refused by the provider): the details may be fixed now.
            channel, to_address, notes = choose_channel(message.person)
            if channel is not None:
                message.channel, message.to_address = channel, to_address
                message.channel_notes = notes + (
                    ["language_fallback"] if message.language_fell_back else []
                )
                message.large_print = "large_print" in (message.person.communication_needs or [])
            else:
                message.channel_notes = notes
        reachable = message.channel == Channel.CALL_TASK or (
            message.channel in PROVIDER_CHANNELS and bool(message.to_address)
        )
        if not reachable:
            raise ValidationError(
                {
                    "message": [
                        _("There is still no way to contact this person. Check their details.")
                    ]
                }
            )
        message.status = MessageStatus.QUEUED
        message.status_reason = ""
        message.error_detail = ""
        message.attempts = 0
        message.failed_at = None
        message.claimed_until = None
        message.next_attempt_at = _quiet_until(now) if message.channel == Channel.SMS else now
        if message.channel == Channel.CALL_TASK:
            message.next_attempt_at = None
            _service_id, allocated = _service_and_worker(message.person, None)
            CallTask.objects.update_or_create(
                message=message,
                defaults={
                    "person": message.person,
                    "service_id": message.service_id,
                    "assigned_to_id": allocated,
                    "status": CallTaskStatus.OPEN,
                },
            )
        message.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=message,
            person_id=message.person_id,
            detail="retry",
        )
    return message


def call_task_record(*, actor, call_task_id, outcome: str) -> CallTask:
    """A link worker rang: "done" (spoke to them) or "no_answer" (try again later)."""
    from . import selectors

    if outcome not in ("done", "no_answer"):
        raise ValueError(outcome)
    with transaction.atomic():
        task = selectors.call_task_get_for(actor, call_task_id, write=True)
        if task.status != CallTaskStatus.OPEN:
            raise PermissionDenied
        now = timezone.now()
        task.last_tried_at = now
        if outcome == "done":
            task.status = CallTaskStatus.DONE
            task.done_by = actor
            task.done_at = now
            Message.objects.filter(pk=task.message_id).update(
                status=MessageStatus.DELIVERED, delivered_at=now, updated_at=now
            )
        else:
            task.no_answer_count += 1
        task.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=task,
            person_id=task.person_id,
            detail=f"call {outcome}",
        )
        if outcome == "no_answer":
            from .reminders import tried_to_reach_you

            tried_to_reach_you(task=task, actor=actor)
    return task


def message_record_receipt(*, reference: str, provider_reference: str, status: str) -> bool:
    """Apply a delivery receipt from the provider. True if it matched a message."""
    from .channels import NOTIFY_STATUS

    new_status = NOTIFY_STATUS.get(status)
    if new_status is None:
        return False
    with transaction.atomic():
        qs = Message.objects.select_for_update()
        message = None
        if reference:
            try:
                message = qs.filter(uuid=reference).first()
            except Exception:  # not a UUID
                message = None
        if message is None and provider_reference:
            message = qs.filter(provider_reference=provider_reference).first()
        if message is None:
            return False
        if message.status in (MessageStatus.DELIVERED, MessageStatus.CANCELLED):
            return True  # receipts can arrive twice or out of order; final stays final
        now = timezone.now()
        message.status = new_status
        message.provider_reference = message.provider_reference or provider_reference
        if new_status == MessageStatus.DELIVERED:
            message.delivered_at = now
        elif new_status in (MessageStatus.PERMANENT_FAILURE, MessageStatus.TEMPORARY_FAILURE):
            message.status_reason = "delivery_failed"
            message.error_detail = status
            message.failed_at = now
        message.save()
    return True


# --- Staff notifications ------------------------------------------------------------------------


def notification_mark_read(*, actor, notification_id) -> StaffNotification:
    """Mark one of the actor's own notifications as read (404 for anyone else's)."""
    from . import selectors

    with transaction.atomic():
        notification = selectors.notification_get_for(actor, notification_id, write=True)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor) -> int:
    """Mark all the actor's unread notifications as read; how many changed."""
    return StaffNotification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
