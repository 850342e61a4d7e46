"""Demo support: the outbox as it would look after a year of self-referral confirmations."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from .models import Message, MessageStatus


def demo_date_messages() -> None:
    """Date each queued demo message by its referral (they would have gone at that time)."""
    from linkwell.referrals.models import Referral

    referral_type = ContentType.objects.get_for_model(Referral)
    queued = list(Message.objects.filter(status=MessageStatus.QUEUED, related_type=referral_type))
    rows = Referral.objects.filter(pk__in=[int(m.related_id) for m in queued]).values_list(
        "pk", "created_at", "reference"
    )
    created = {pk: (at, reference) for pk, at, reference in rows}
    for message in queued:
        at, reference = created.get(int(message.related_id), (None, ""))
        if at is not None:
            message.created_at = message.next_attempt_at = at
        if reference and "reference" in message.personalisation:
            # The demo gives each referral its planned reference after creating it.
            message.personalisation = {**message.personalisation, "reference": reference}
    Message.objects.bulk_update(queued, ["created_at", "next_attempt_at", "personalisation"])


def demo_send_outbox(*, stdout=None) -> int:
    """With the console channel, write every due message to DATA_DIR/outbox/ now.

    `linkwell demo` serves without a worker, so this sends the demo's confirmations (the
    Somali one among them) once, where they can be read. Returns how many were sent.
    """
    if settings.LINKWELL_MESSAGING_CHANNEL != "console":
        return 0
    from .worker import send_due_messages

    before = Message.objects.filter(status=MessageStatus.SENT).count()
    while send_due_messages(limit=200):
        pass
    sent = Message.objects.filter(status=MessageStatus.SENT).count() - before
    if stdout is not None and sent:
        outbox = settings.DATA_DIR / "outbox"
        stdout.write(f"Wrote {sent} messages to {outbox} (console channel).\n")
    return sent


def demo_date_notifications(*, now=None, unread_days: int = 7) -> int:
    """Date "new referral" notifications (and their emails) by their referral, as if they had
    come at the time: older than `unread_days` they are read and their emails sent, so staff
    see a realistic bell and the outbox holds only what is still due. Returns how many."""
    from django.utils import timezone

    from linkwell.referrals.models import Referral

    from .models import StaffNotification

    now = now or timezone.now()
    referral_type = ContentType.objects.get_for_model(Referral)
    notes = list(StaffNotification.objects.filter(kind="new_referral", related_type=referral_type))
    created = dict(
        Referral.objects.filter(pk__in={int(n.related_id) for n in notes}).values_list(
            "pk", "created_at"
        )
    )
    old_ids = set()
    for note in notes:
        at = created.get(int(note.related_id))
        if at is None:
            continue
        note.created_at = at
        if at < now - datetime.timedelta(days=unread_days):
            note.read_at = at + datetime.timedelta(hours=2)
            old_ids.add(note.pk)
    StaffNotification.objects.bulk_update(notes, ["created_at", "read_at"], batch_size=500)
    note_type = ContentType.objects.get_for_model(StaffNotification)
    emails = list(
        Message.objects.filter(
            template="staff_notification",
            related_type=note_type,
            status=MessageStatus.QUEUED,
        )
    )
    by_id = {n.pk: n for n in notes}
    for email in emails:
        note = by_id.get(int(email.related_id))
        if note is None:
            continue
        email.created_at = email.next_attempt_at = note.created_at
        if note.pk in old_ids:
            email.status = MessageStatus.SENT
            email.sent_at = note.created_at
            email.next_attempt_at = None
    Message.objects.bulk_update(
        emails, ["created_at", "next_attempt_at", "status", "sent_at"], batch_size=500
    )
    return len(notes)


SOMALI_PERSON = {"given_name": "Hodan", "family_name": "Warsame", "preferred_name": ""}


def plan_somali_self_referral(person_plans, referral_plans) -> None:
    """Issue 6 "Done when": the demo has a self-referral in Somali, confirmed by text in Somali.

    Works on the demo plan (plain data, after every random choice is made, so the rest of the
    plan is unchanged): the latest self-referral from someone who texts becomes Hodan's, who
    reads Somali.
    """
    people = {p.key: p for p in person_plans}
    for plan in sorted(referral_plans, key=lambda p: (p.created_at, p.key), reverse=True):
        person = people[plan.person]
        details = person.details
        if (
            plan.source != "self"
            or person.key == 0
            or "sms" not in details.contact_methods
            or not (details.phone or "").replace(" ", "").startswith("07")
        ):
            continue
        for field, value in SOMALI_PERSON.items():
            if hasattr(details, field):
                setattr(details, field, value)
        details.language = "so"
        details.interpreter_needed = True
        plan.consents = {**plan.consents, "contact_sms": True}
        return
