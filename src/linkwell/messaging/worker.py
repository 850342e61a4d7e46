"""The sending loop: claim due messages, send each through the channel, record the result.

Claiming and recording are short transactions; the HTTP call happens between them, outside
any database lock. A claim is a lease: if the worker dies mid-send, the message is claimed
again once the lease runs out, and because it may already have gone, the retry first asks the
provider for it by reference and only sends if it is not there.
"""

from __future__ import annotations

import datetime
import logging
import random
import threading

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import channels as channel_module
from .models import PROVIDER_CHANNELS, Channel, Message, MessageStatus
from .templates_text import render

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=5)
MAX_DELAY = datetime.timedelta(hours=6)
BATCH = 50


def backoff(attempt: int, base_seconds: int | None = None) -> datetime.timedelta:
    """Exponential backoff with jitter: base × 2^(attempt-1), capped, then 50-100% of that."""
    base = settings.LINKWELL_MESSAGING_RETRY_SECONDS if base_seconds is None else base_seconds
    delay = min(MAX_DELAY.total_seconds(), base * 2 ** max(attempt - 1, 0))
    return datetime.timedelta(seconds=delay * random.uniform(0.5, 1.0))


def _claim(limit: int) -> list[tuple[int, int, bool]]:
    """Lease up to `limit` due messages: [(id, attempt number, may already have gone)]."""
    now = timezone.now()
    with transaction.atomic():
        qs = (
            Message.objects.filter(channel__in=PROVIDER_CHANNELS)
            .filter(
                Q(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
                | Q(status=MessageStatus.SENDING, claimed_until__lt=now)
            )
            .order_by("next_attempt_at", "id")
        )
        # PostgreSQL: workers skip each other's rows. SQLite: the IMMEDIATE transaction
        # (settings) already holds the write lock, so only one worker claims at a time.
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs.values_list("id", "attempts", "send_attempted")[:limit])
        if rows:
            Message.objects.filter(pk__in=[r[0] for r in rows]).update(
                status=MessageStatus.SENDING,
                attempts=F("attempts") + 1,
                claimed_until=now + LEASE,
                send_attempted=True,
                updated_at=now,
            )
    return [(pk, attempts + 1, attempted) for pk, attempts, attempted in rows]


def _still_ours(pk: int, attempt: int):
    return Message.objects.filter(pk=pk, status=MessageStatus.SENDING, attempts=attempt)


def _record_sent(message: Message, attempt: int, result: channel_module.SendResult) -> None:
    now = timezone.now()
    values = {
        "status": result.status,
        "provider_reference": result.provider_reference,
        "sent_at": now,
        "claimed_until": None,
        "status_reason": "",
        "error_detail": "",
        "updated_at": now,
    }
    if result.status == MessageStatus.DELIVERED:
        values["delivered_at"] = now
    _still_ours(message.pk, attempt).update(**values)


def _record_failure(message: Message, attempt: int, failure: channel_module.ChannelFailure):
    now = timezone.now()
    permanent = isinstance(failure, channel_module.PermanentFailure)
    if permanent or attempt >= settings.LINKWELL_MESSAGING_MAX_ATTEMPTS:
        status = MessageStatus.PERMANENT_FAILURE if permanent else MessageStatus.TEMPORARY_FAILURE
        values = {"status": status, "failed_at": now, "next_attempt_at": None}
    else:
        values = {
            "status": MessageStatus.QUEUED,
            "next_attempt_at": now + backoff(attempt),
        }
    values.update(
        status_reason=failure.reason,
        error_detail=failure.detail,
        claimed_until=None,
        updated_at=now,
    )
    _still_ours(message.pk, attempt).update(**values)
    logger.warning(
        "message %s attempt %s failed: %s %s", message.pk, attempt, failure.reason, failure.detail
    )


def _defer_for_quiet_hours(message: Message, attempt: int, until) -> None:
    _still_ours(message.pk, attempt).update(
        status=MessageStatus.QUEUED,
        attempts=attempt - 1,
        next_attempt_at=until,
        claimed_until=None,
        status_reason="quiet_hours",
        updated_at=timezone.now(),
    )


def _deliver(channel, pk: int, attempt: int, check_first: bool) -> None:
    message = Message.objects.get(pk=pk)
    now = timezone.now()
    quiet = settings.LINKWELL_QUIET_HOURS
    if message.channel == Channel.SMS and quiet and quiet.next_allowed(now) > now:
        _defer_for_quiet_hours(message, attempt, quiet.next_allowed(now))
        return
    try:
        result = channel.find(message) if check_first else None
        if result is None:
            rendered = render(message.template, message.language, message.personalisation)
            result = channel.send(message, rendered)
    except channel_module.ChannelFailure as failure:
        _record_failure(message, attempt, failure)
        return
    except Exception as exc:  # a bug or an unexpected library error: retry, and say what
        # Class name only: an exception's text could quote personalisation.
        logger.error("message %s attempt %s crashed: %s", message.pk, attempt, type(exc).__name__)
        _record_failure(
            message,
            attempt,
            channel_module.TemporaryFailure("provider_unavailable", type(exc).__name__),
        )
        return
    _record_sent(message, attempt, result)


def send_due_messages(*, limit: int = 50, channel=None) -> int:
    """Send one batch of the messages due now. Returns how many were tried."""
    channel = channel or channel_module.get_channel()
    claimed = _claim(limit)
    for pk, attempt, check_first in claimed:
        _deliver(channel, pk, attempt, check_first)
    return len(claimed)


def run_forever(stop: threading.Event | None = None) -> None:
    """The loop `linkwell worker` runs beside django-tasks' db_worker."""
    stop = stop or threading.Event()
    logger.info("messaging worker started (channel: %s)", settings.LINKWELL_MESSAGING_CHANNEL)
    while not stop.is_set():
        busy = False
        try:
            from linkwell.jobs import run_due_jobs

            run_due_jobs()  # reminders, nudges, re-alerts: they queue messages sent below
            busy = send_due_messages(limit=BATCH) >= BATCH
        except Exception:
            logger.exception("messaging worker pass failed; trying again shortly")
        finally:
            connection.close()
        if not busy:
            stop.wait(settings.LINKWELL_MESSAGING_POLL_SECONDS)
