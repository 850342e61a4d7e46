"""Demo support: the outbox as it would look after a year of self-referral confirmations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from .models import Message, MessageStatus


def demo_date_messages() -> None:
    """Date each queued demo message by its referral (they would have gone at that time)."""
    from linkwell.referrals.models import Referral

    referral_type = ContentType.objects.get_for_model(Referral)
    queued = list(Message.objects.filter(status=MessageStatus.QUEUED, related_type=referral_type))
    created = dict(
        Referral.objects.filter(pk__in=[int(m.related_id) for m in queued]).values_list(
            "pk", "created_at"
        )
    )
    for message in queued:
        at = created.get(int(message.related_id))
        if at is not None:
            message.created_at = message.next_attempt_at = at
    Message.objects.bulk_update(queued, ["created_at", "next_attempt_at"])


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
