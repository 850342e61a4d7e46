"""Ways a message leaves Linkwell. The worker calls `send` and, on a retry, `find` first.

Channels raise TemporaryFailure (try again later) or PermanentFailure (stop and show staff).
Exceptions carry a reason code and a short technical detail, never personal data.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import Channel, Message, MessageStatus
from .templates_text import Rendered


@dataclass(frozen=True)
class SendResult:
    provider_reference: str
    status: str = MessageStatus.SENT


class ChannelFailure(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail[:200]


class TemporaryFailure(ChannelFailure):
    pass


class PermanentFailure(ChannelFailure):
    pass


def letter_lines(message: Message) -> list[str]:
    return [line for line in message.to_address.split("\n") if line.strip()]


class ConsoleChannel:
    """Development: each message becomes a file in DATA_DIR/outbox/, named by its reference."""

    name = "console"

    def __init__(self, directory: Path | None = None):
        self.directory = directory or Path(settings.DATA_DIR) / "outbox"

    def _path(self, message: Message) -> Path:
        return self.directory / f"{message.uuid}.txt"

    def find(self, message: Message) -> SendResult | None:
        return SendResult(f"console-{message.uuid}") if self._path(message).exists() else None

    def send(self, message: Message, rendered: Rendered) -> SendResult:
        self.directory.mkdir(parents=True, exist_ok=True)
        header = [
            f"Reference: {message.uuid}",
            f"Channel: {message.channel}",
            f"Template: {message.template}",
            f"Language: {rendered.language}"
            + (" (person's language missing: English used)" if rendered.fell_back else ""),
            f"Written: {timezone.now().isoformat(timespec='seconds')}",
        ]
        if message.large_print:
            header.append("Format: LARGE PRINT")
        if message.channel == Channel.LETTER:
            to = "\n    ".join(letter_lines(message))
        else:
            to = message.to_address
        text = "\n".join(header) + f"\nTo: {to}\nSubject: {rendered.subject}\n\n{rendered.body}\n"
        path = self._path(message)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)  # all or nothing, so `find` never sees half a message
        return SendResult(f"console-{message.uuid}")


# Notify's statuses (delivery receipts and GET) → ours.
NOTIFY_STATUS = {
    "created": MessageStatus.SENT,
    "sending": MessageStatus.SENT,
    "pending": MessageStatus.SENT,
    "sent": MessageStatus.SENT,
    "accepted": MessageStatus.SENT,
    "pending-virus-check": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "received": MessageStatus.DELIVERED,
    "permanent-failure": MessageStatus.PERMANENT_FAILURE,
    "validation-failed": MessageStatus.PERMANENT_FAILURE,
    "virus-scan-failed": MessageStatus.PERMANENT_FAILURE,
    "temporary-failure": MessageStatus.TEMPORARY_FAILURE,
    "technical-failure": MessageStatus.TEMPORARY_FAILURE,
    "cancelled": MessageStatus.CANCELLED,
}


def _classify(exc: Exception) -> ChannelFailure:
    from notifications_python_client.errors import APIError

    if isinstance(exc, APIError):
        code = exc.status_code
        detail = f"HTTP {code}"
        try:
            errors = exc.response.json().get("errors") or []  # type: ignore[union-attr]
            if errors:
                # The error class only ("BadRequestError"): messages can echo the recipient.
                detail += f" {errors[0].get('error', '')}"
        except (AttributeError, ValueError, TypeError):
            pass
        if code == 403:
            return PermanentFailure("provider_auth", detail)
        if code == 429 or code >= 500:
            return TemporaryFailure("provider_unavailable", detail)
        return PermanentFailure("provider_rejected", detail)
    return TemporaryFailure("provider_unavailable", type(exc).__name__)


# The client logs Notify's error text, which can quote what was sent; our own log line (worker)
# records the status and error class instead.
logging.getLogger("notifications_python_client").setLevel(logging.ERROR)


class NotifyChannel:
    """GOV.UK Notify. Our message UUID is the client reference, which makes retries safe."""

    name = "notify"

    def __init__(self):
        if not settings.NOTIFY_API_KEY:
            self.client = None
            return
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY,
            base_url=settings.NOTIFY_BASE_URL,
            timeout=settings.NOTIFY_TIMEOUT_SECONDS,
        )

    def _client(self):
        if self.client is None:
            raise PermanentFailure("notify_not_configured", "NOTIFY_API_KEY is not set")
        return self.client

    @staticmethod
    def template_id(message: Message, language: str) -> str:
        templates = settings.LINKWELL_NOTIFY_TEMPLATES
        kinds = [message.channel]
        if message.channel == Channel.LETTER and message.large_print:
            kinds.insert(0, "letter_large_print")
        for kind in kinds:
            for key in (
                f"{message.template}:{language}:{kind}",
                f"{message.template}:{kind}",
                kind,
            ):
                if templates.get(key):
                    return templates[key]
        raise PermanentFailure("notify_not_configured", f"no template for {message.channel}")

    def find(self, message: Message) -> SendResult | None:
        try:
            found = self._client().get_all_notifications(reference=str(message.uuid))
        except ChannelFailure:
            raise
        except Exception as exc:
            raise _classify(exc) from None
        notifications = (found or {}).get("notifications") or []
        if not notifications:
            return None
        first = notifications[0]
        return SendResult(
            provider_reference=str(first.get("id", "")),
            status=NOTIFY_STATUS.get(first.get("status", ""), MessageStatus.SENT),
        )

    def send(self, message: Message, rendered: Rendered) -> SendResult:
        client = self._client()
        template_id = self.template_id(message, rendered.language)
        personalisation = {
            **{k: str(v) for k, v in (message.personalisation or {}).items()},
            "subject": rendered.subject,
            "body": rendered.body,
        }
        reference = str(message.uuid)
        try:
            if message.channel == Channel.SMS:
                response = client.send_sms_notification(
                    phone_number=message.to_address,
                    template_id=template_id,
                    personalisation=personalisation,
                    reference=reference,
                )
            elif message.channel == Channel.EMAIL:
                response = client.send_email_notification(
                    email_address=message.to_address,
                    template_id=template_id,
                    personalisation=personalisation,
                    reference=reference,
                )
            elif message.channel == Channel.LETTER:
                lines = letter_lines(message)[:7]
                for i, line in enumerate(lines, start=1):
                    personalisation[f"address_line_{i}"] = line
                response = client.send_letter_notification(
                    template_id=template_id, personalisation=personalisation, reference=reference
                )
            else:
                raise PermanentFailure("provider_rejected", f"cannot send {message.channel}")
        except ChannelFailure:
            raise
        except Exception as exc:
            raise _classify(exc) from None
        return SendResult(provider_reference=str((response or {}).get("id", "")))


def get_channel():
    if settings.LINKWELL_MESSAGING_CHANNEL == "notify":
        return NotifyChannel()
    return ConsoleChannel()
