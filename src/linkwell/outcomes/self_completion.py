"""Self-completion links: the person completes a measure on their phone, without an account.

A link is single-use and expires (``LINK_DAYS``). It can be made only for a measure whose
wording may be shown to the person: ONS4 and the ONS loneliness question (Crown copyright,
OGL), UCLA-3, goal progress, and licensed measures only when the deployment has loaded their
licensed wording. The page is shown in the person's preferred language where Linkwell has it.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record

from .instruments import INSTRUMENTS, ScoringError, to_json
from .models import Measurement, Mode, SelfCompletionLink
from .selectors import outcomes_referral_get_for
from .services import RECORDABLE_STATUSES, case_id_for, timepoints_allowed
from .wording import licensed_wording

LINK_DAYS = 14
_LICENSED = ("euroqol", "warwick")


class LinkUnusable(Exception):
    """The link is unknown, expired or already used. ``reason`` says which (never which person)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def can_self_complete(code: str, language: str = "en") -> bool:
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        return False
    if instrument.licence in _LICENSED:
        return licensed_wording(code, language) is not None
    return True


def person_language(person) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return person.language if person.language in codes else settings.LANGUAGE_CODE


def self_completion_link_create(
    *,
    actor,
    referral_id: int,
    instrument: str,
    timepoint: str,
    channel: str = "web",
    send: bool = False,
    link_url: Callable[[str], str] | None = None,
) -> tuple[SelfCompletionLink, str]:
    """Make a link; returns it and the raw token (shown once, never stored).

    With ``send``, the link also goes to the person through the messaging outbox (template
    ``questionnaire_link``) in the same transaction: by text, email or letter as they prefer,
    or as a call task for the link worker when they are phone only (``message_queue`` decides).
    ``link_url(token)`` makes the absolute URL. The message is left on ``link.message``.
    """
    with transaction.atomic():
        referral = outcomes_referral_get_for(actor, referral_id, write=True, channel=channel)
        errors: dict[str, list[str]] = {}
        if referral.status not in RECORDABLE_STATUSES:
            errors["__all__"] = [_("Measures can be recorded once the referral has been accepted.")]
        if not can_self_complete(instrument, person_language(referral.person)):
            errors["instrument"] = [
                _("This measure cannot be sent for self-completion: its wording is not loaded.")
            ]
        if timepoint not in timepoints_allowed():
            errors["timepoint"] = [_("Choose a timepoint from the list.")]
        if errors:
            raise ValidationError(errors)
        token = secrets.token_urlsafe(24)
        link = SelfCompletionLink.objects.create(
            referral=referral,
            person_id=referral.person_id,
            instrument=instrument,
            timepoint=timepoint,
            token_hash=_hash(token),
            created_by=actor,
            expires_at=timezone.now() + datetime.timedelta(days=LINK_DAYS),
        )
        link.message = None
        if send:
            if link_url is None:
                raise ValueError("link_url is needed to send a link")
            from linkwell.messaging.services import message_queue

            link.message = message_queue(
                person=referral.person,
                template="questionnaire_link",
                personalisation={"link": link_url(token)},
                related=referral,
            )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=link,
            person_id=referral.person_id,
            channel=channel,
            detail=f"{instrument} {timepoint}" + (" sent" if send else ""),
        )
    return link, token


def self_completion_link_get(token: str, *, for_update: bool = False) -> SelfCompletionLink:
    """The usable link for a token; LinkUnusable("unknown" | "expired" | "used") otherwise."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        raise LinkUnusable("unknown")
    qs = SelfCompletionLink.objects.select_related("person", "referral")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    link = qs.filter(token_hash=_hash(token)).first()
    if link is None:
        raise LinkUnusable("unknown")
    if link.used_at is not None:
        raise LinkUnusable("used")
    if link.expires_at <= timezone.now():
        raise LinkUnusable("expired")
    return link


def self_completion_submit(*, token: str, answers) -> Measurement:
    """Score and save the person's answers, and spend the link, in one transaction.

    LinkUnusable for an unknown, expired or reused link; ValidationError (keyed by item) for
    invalid answers, in which case nothing is saved and the link stays usable.
    """
    with transaction.atomic():
        link = self_completion_link_get(token, for_update=True)
        instrument = INSTRUMENTS[link.instrument]
        value_set = settings.LINKWELL_EQ5D_VALUE_SET if instrument.uses_value_set else None
        try:
            scores = instrument.score(answers, value_set)
        except ScoringError as exc:
            raise ValidationError(exc.as_dict(_)) from None
        now = timezone.now()
        kept = {item.key: answers.get(item.key) for item in instrument.items}
        if "response" in kept:
            kept["response"] = scores["response"]
        else:
            kept = {k: (int(v) if v not in (None, "") else None) for k, v in kept.items()}
        measurement = Measurement.objects.create(
            person_id=link.person_id,
            referral=link.referral,
            case_id=case_id_for(link.referral),
            instrument=link.instrument,
            timepoint=link.timepoint,
            answers=kept,
            scores=to_json(scores),
            value_set=str(scores.get("value_set") or ""),
            mode=Mode.SELF,
            entered_by=None,
            completed_at=now,
            created_at=now,
        )
        link.used_at = now
        link.measurement = measurement
        link.save(update_fields=["used_at", "measurement"])
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=measurement,
            person_id=link.person_id,
            channel="self",
            detail=f"{link.instrument} {link.timepoint} self-completion",
        )
    return measurement
