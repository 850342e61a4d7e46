"""Writes for outcome measures. Each service checks scope and permission, validates with the
pure scorer, saves in one transaction and writes an audit entry (ids only)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.referrals.models import Status

from . import schedule as schedule_mod
from .instruments import INSTRUMENTS, ScoringError, to_json
from .models import Measurement, Mode
from .selectors import outcomes_referral_get_for

# Measures are taken while the link worker works with the person, and at discharge.
RECORDABLE_STATUSES = frozenset(
    {Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD, Status.COMPLETED}
)


def timepoints_allowed() -> list[str]:
    return schedule_mod.timepoint_codes(settings.LINKWELL_OUTCOME_SCHEDULE)


def _normalised_answers(instrument_code: str, answers: Mapping[str, object], scores: dict):
    """Keep only the instrument's items, as the scorer read them (ints, or the answer code)."""
    out: dict[str, object] = {}
    for item in INSTRUMENTS[instrument_code].items:
        value = answers.get(item.key)
        if item.minimum is not None and value not in (None, ""):
            out[item.key] = int(str(value).strip())
        elif item.key == "response":
            out[item.key] = scores["response"]
        else:
            out[item.key] = None
    return out


def case_id_for(referral) -> int | None:
    """The case of an accepted referral (opened now if an older referral lacks one), else None."""
    from linkwell.casework.services import case_ensure

    case = case_ensure(referral)
    return case.pk if case else None


def measurement_record(
    *,
    actor,
    referral_id: int,
    instrument: str,
    timepoint: str,
    answers: Mapping[str, object],
    mode: str,
    completed_on: datetime.date | None = None,
    value_set: str | None = None,
    channel: str = "web",
) -> Measurement:
    """Score and save one completed measure for the person on a referral the actor works.

    Raises Http404 outside scope, PermissionDenied for a referrer, ValidationError (keyed by
    field or item) for anything invalid; nothing is saved unless everything is valid.
    """
    with transaction.atomic():
        referral = outcomes_referral_get_for(actor, referral_id, write=True, channel=channel)
        errors: dict[str | None, list[str]] = {}
        if referral.status not in RECORDABLE_STATUSES:
            errors[None] = [_("Measures can be recorded once the referral has been accepted.")]
        if instrument not in INSTRUMENTS:
            errors["instrument"] = [_("Choose a measure from the list.")]
        if timepoint not in timepoints_allowed():
            errors["timepoint"] = [_("Choose a timepoint from the list.")]
        if mode not in Mode.values:
            errors["mode"] = [_("Choose how the measure was completed.")]
        today = timezone.localdate()
        completed_on = completed_on or today
        if completed_on > today:
            errors["completed_on"] = [_("The date completed cannot be in the future.")]
        if value_set is not None and instrument != "EQ5D5L":
            errors["value_set"] = [_("A value set applies to EQ-5D-5L only.")]
        scores: dict = {}
        if instrument in INSTRUMENTS:
            chosen = (
                (value_set or settings.LINKWELL_EQ5D_VALUE_SET) if instrument == "EQ5D5L" else None
            )
            try:
                scores = INSTRUMENTS[instrument].score(answers, chosen)
            except ScoringError as exc:
                for key, messages in exc.as_dict(_).items():
                    errors.setdefault(None if key == "__all__" else key, []).extend(messages)
        if errors:
            raise ValidationError({k or "__all__": v for k, v in errors.items()})

        now = timezone.now()
        completed_at = (
            now
            if completed_on == today
            else timezone.make_aware(datetime.datetime.combine(completed_on, datetime.time(12)))
        )
        measurement = Measurement.objects.create(
            person_id=referral.person_id,
            referral=referral,
            case_id=case_id_for(referral),
            instrument=instrument,
            timepoint=timepoint,
            answers=_normalised_answers(instrument, answers, scores),
            scores=to_json(scores),
            value_set=str(scores.get("value_set") or ""),
            mode=mode,
            entered_by=actor if getattr(actor, "is_authenticated", False) else None,
            completed_at=completed_at,
            created_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=measurement,
            person_id=referral.person_id,
            channel=channel,
            detail=f"{instrument} {timepoint}",
        )
    return measurement
