"""What messaging adds to the case record (registered in MessagingConfig.ready()).

Messages and call tasks to the case's person since the case opened (from its link worker
service), and automatic reminders that were recorded without a message to the person (a
follow-up reminder to the link worker, or a "we tried to reach you" that could not be sent):
two queries per case.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import REASONS, TEMPLATE_LABELS, Channel, Message, ReminderSent

REMINDER_LABELS = {
    "follow_up_due": gettext_lazy("Follow-up reminder to the link worker"),
    "tried_to_reach_you": gettext_lazy('"We tried to reach you" not sent'),
    "session_reminder": gettext_lazy("Session reminder not sent"),
    "we_missed_you": gettext_lazy('"We missed you" not sent'),
}


def template_label(code: str) -> str:
    return str(TEMPLATE_LABELS.get(code, code))


def _message_title(message: Message) -> str:
    if message.channel == Channel.CALL_TASK:
        task = getattr(message, "call_task", None)
        status = task.get_status_display() if task is not None else message.get_status_display()
        return _("Call to make: %(what)s (%(status)s)") % {
            "what": template_label(message.template),
            "status": status,
        }
    return _("%(what)s by %(how)s: %(status)s") % {
        "what": template_label(message.template),
        "how": message.get_channel_display().lower(),
        "status": message.get_status_display().lower(),
    }


def messages_timeline(case) -> list:
    from linkwell.casework.selectors import TimelineEntry

    entries = []
    messages = (
        Message.objects.filter(
            person_id=case.person_id,
            service_id=case.referral.service_id,
            created_at__gte=case.opened_at,
        )
        .select_related("call_task")
        .order_by("created_at", "id")
    )
    for message in messages:
        entries.append(
            TimelineEntry(message.created_at, "message", _message_title(message), message)
        )
    reminders = ReminderSent.objects.filter(
        person_id=case.person_id, message__isnull=True, created_at__gte=case.opened_at
    ).order_by("created_at", "id")
    for reminder in reminders:
        title = str(REMINDER_LABELS.get(reminder.kind, reminder.kind))
        if reminder.note:
            title += f" ({REASONS.get(reminder.note, reminder.note)})"
        entries.append(TimelineEntry(reminder.created_at, "reminder", title, reminder))
    return entries
