"""Once-only automatic messages: follow-up reminders, "we tried to reach you", and the record
that shows them on the case timeline.

Every job here is idempotent (see linkwell.jobs): before queueing, it inserts a
`ReminderSent(kind, key)` row; the unique (kind, key) means a job that runs twice, or on two
workers at once, queues each reminder once. The row is written in the same transaction as the
message or notification, so a crash leaves neither or both.

Session reminders and re-engagement after missed sessions live in groups/reminders.py (groups
owns sessions; messaging never imports groups).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record

from .models import ReminderSent

# ReminderSent kinds.
FOLLOW_UP_DUE = "follow_up_due"
TRIED_TO_REACH_YOU = "tried_to_reach_you"
SESSION_REMINDER = "session_reminder"
WE_MISSED_YOU = "we_missed_you"

# How far back a job catches up after downtime (a reminder later than this is not useful).
FOLLOW_UP_CATCH_UP_DAYS = 7


def reminder_claim(*, kind: str, key: str, person=None, note: str = "") -> ReminderSent | None:
    """Record that reminder (kind, key) is being sent, or None if it already was.

    Call inside the transaction that queues the message; the savepoint keeps the caller's
    transaction usable when another worker got there first.
    """
    try:
        with transaction.atomic():
            return ReminderSent.objects.create(
                kind=kind, key=key, person=person, note=note, created_at=timezone.now()
            )
    except IntegrityError:
        return None


def already_sent(kind: str, keys) -> set[str]:
    return set(
        ReminderSent.objects.filter(kind=kind, key__in=list(keys)).values_list("key", flat=True)
    )


def contact_phone(service) -> str:
    """The number a person should ring: their link worker service's, else the default."""
    return (getattr(service, "phone", "") or settings.LINKWELL_SELF_REFERRAL_PHONE or "").strip()


# --- Follow-ups due: a reminder to the link worker ------------------------------------------------


def follow_up_reminders(now: datetime.datetime | None = None) -> int:
    """Tell each link worker about follow-ups due today (or missed in the last week), once."""
    from linkwell.casework.models import FollowUp

    from .notifications import notify_staff

    if not settings.LINKWELL_FOLLOW_UP_REMINDERS:
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        FollowUp.objects.filter(
            done_at__isnull=True,
            due__lte=today,
            due__gte=today - datetime.timedelta(days=FOLLOW_UP_CATCH_UP_DAYS),
            case__discharged_at__isnull=True,
            case__link_worker__isnull=False,
        )
        .select_related("case__link_worker")
        .order_by("due", "id")
    )
    done = already_sent(FOLLOW_UP_DUE, (f"followup:{f.pk}" for f in due))
    count = 0
    for follow_up in due:
        key = f"followup:{follow_up.pk}"
        if key in done:
            continue
        case = follow_up.case
        with transaction.atomic():
            record = reminder_claim(kind=FOLLOW_UP_DUE, key=key, person=case.person)
            if record is None:
                continue
            from django.urls import reverse

            # The "what" is free text and may name people: it stays in the app, out of email.
            title = (
                _("Follow-up due today (case %(case)s)")
                if follow_up.due == today
                else _("Follow-up overdue since %(date)s (case %(case)s)")
            ) % {"case": case.pk, "date": follow_up.due.strftime("%d/%m/%Y")}
            notes = notify_staff(
                users=[case.link_worker],
                kind="follow_up_due",
                title=title,
                url=reverse("casework:case", args=[case.pk]),
                related=follow_up,
            )
            record.notification = notes[0] if notes else None
            record.note = "" if notes else "inactive_user"
            record.save(update_fields=["notification", "note"])
            count += 1
    return count


# --- "We tried to reach you" after an unanswered call ---------------------------------------------


def written_route(person) -> tuple[str | None, list[str]]:
    """A written channel the person allows (their own choices), or (None, why not).

    "Phone only" means no writing to them; with no stated choice, any usable written route
    counts (as for every other message).
    """
    from .services import WRITTEN, _check_written

    if person.phone_only:
        return None, ["phone_only"]
    chosen = [m for m in person.contact_methods if m in WRITTEN]
    if not chosen and not person.contact_methods:
        chosen = list(WRITTEN)
    notes = []
    for channel in chosen:
        _address, reason = _check_written(person, channel)
        if not reason:
            return channel, notes
        notes.append(reason)
    return None, [*notes, "no_written_channel"] if chosen else ["no_written_channel"]


def tried_to_reach_you(*, task, actor=None):
    """After an unanswered call, tell the person in writing, once per call task, if allowed.

    Returns the queued message, or None (the reason is kept on the ReminderSent row and on
    the audit trail, and shown on the case timeline).
    """
    from .services import message_queue

    if not settings.LINKWELL_TRIED_TO_REACH_YOU:
        return None
    person = task.person
    channel, notes = written_route(person)
    with transaction.atomic():
        record = reminder_claim(
            kind=TRIED_TO_REACH_YOU,
            key=f"calltask:{task.pk}",
            person=person,
            note="" if channel else notes[-1],
        )
        if record is None:
            return None
        if channel is None:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=task,
                person_id=person.pk,
                detail=f"tried_to_reach_you not sent: {notes[-1]}",
            )
            return None
        message = message_queue(
            person=person,
            template="tried_to_reach_you",
            personalisation={"phone": contact_phone(task.service)},
            related=task,
            service=task.service,
        )
        record.message = message
        record.save(update_fields=["message"])
    return message
