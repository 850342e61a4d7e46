"""Every change to a case: keyword-only, one transaction, audited.

Plan changes (what matters, goals) carry the plan version they were made from; a change made
from an older version is refused (`stale_plan`) rather than silently overwriting someone else's.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.accounts import permissions
from linkwell.accounts.models import User
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.referrals.models import Referral, ReferralEvent
from linkwell.referrals.selectors import link_workers_of
from linkwell.referrals.services import referral_transition

from . import selectors
from .models import (
    MAX_CONTACT_MINUTES,
    Case,
    Contact,
    ContactMode,
    FollowUp,
    GoalProgress,
    PlanChange,
    PlanChangeKind,
    PlanGoal,
)
from .vocabulary import RISK_FLAG_LABELS


def _err(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code)]})


# --- opening -----------------------------------------------------------------------------


def case_open_for_referral(*, referral: Referral) -> Case:
    """The case for an accepted referral (called by referral_transition on accept). Idempotent."""
    case, _created = Case.objects.get_or_create(
        referral=referral,
        defaults={
            "person_id": referral.person_id,
            "link_worker_id": referral.allocated_to_id,
            "what_matters": referral.what_matters,
            "opened_at": referral.accepted_at or timezone.now(),
        },
    )
    return case


def cases_ensure_for(actor) -> int:
    """Give referrals accepted before casework existed (or set up by fixtures) their case."""
    service_ids = permissions.link_worker_service_ids(actor)
    missing = list(
        Referral.objects.filter(
            service_id__in=service_ids, accepted_at__isnull=False, case__isnull=True
        )
    )
    for referral in missing:
        case_open_for_referral(referral=referral)
    return len(missing)


def case_ensure(referral: Referral) -> Case | None:
    if referral.accepted_at is None:
        return None
    return case_open_for_referral(referral=referral)


# --- helpers -----------------------------------------------------------------------------


def _case_for_change(actor, case_id, channel) -> Case:
    """Lock the case, check the actor may change it and that it is still open."""
    case = selectors.case_get_for(actor, case_id, write=True, channel=channel)
    if not selectors.case_may_edit(actor, case):
        raise PermissionDenied
    if not case.is_open:
        raise _err("case", _("This case is closed and cannot be changed"), "case_closed")
    return case


def _check_version(case: Case, version) -> None:
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise _err("version", _("The plan version is missing"), "required") from None
    if version != case.plan_version:
        raise _err(
            "version",
            _(
                "Someone else changed this plan while you were editing it. Your change has "
                "not been saved: check the plan as it is now and make your change again."
            ),
            "stale_plan",
        )


def _bump_plan(case: Case, *, actor, kind: str, goal: PlanGoal | None = None) -> None:
    case.plan_version += 1
    case.save(update_fields=["plan_version", "updated_at"])
    PlanChange.objects.create(
        case=case, version=case.plan_version, kind=kind, goal=goal, actor=actor
    )


def _refresh_next_action(case: Case) -> None:
    """Next action due = the earliest open follow-up or goal review."""
    dates = [
        case.follow_ups.filter(done_at__isnull=True).aggregate(d=Min("due"))["d"],
        case.goals.aggregate(d=Min("review_on"))["d"],
    ]
    dates = [d for d in dates if d]
    case.next_action_due = min(dates) if dates else None
    case.save(update_fields=["next_action_due", "updated_at"])


def _audit(actor, case, action, channel, detail=""):
    audit_record(
        actor=actor,
        action=action,
        obj=case,
        person_id=case.person_id,
        channel=channel,
        detail=detail,
    )


def _text(value, field, limit, errors, *, required=False, required_message=""):
    value = (value or "").strip()
    if required and not value:
        errors[field] = [ValidationError(required_message, "required")]
    elif len(value) > limit:
        errors[field] = [
            ValidationError(
                _("Must be %(limit)s characters or fewer") % {"limit": limit}, "max_length"
            )
        ]
    return value


# --- the case ------------------------------------------------------------------------------


def case_update_conversation(
    *,
    actor: User,
    case_id: int,
    version: int,
    what_matters: str,
    risk_flags: list[str],
    channel: str = "web",
) -> Case:
    """Record what matters to the person (their words) and the risk flags."""
    with transaction.atomic():
        case = _case_for_change(actor, case_id, channel)
        _check_version(case, version)
        errors: dict[str, list] = {}
        what_matters = _text(what_matters, "what_matters", 4000, errors)
        flags = list(dict.fromkeys(risk_flags or []))
        if any(flag not in RISK_FLAG_LABELS for flag in flags):
            errors["risk_flags"] = [ValidationError(_("Choose from the list"), "invalid_choice")]
        if errors:
            raise ValidationError(errors)
        case.what_matters = what_matters
        case.risk_flags = flags
        case.save(update_fields=["what_matters", "risk_flags", "updated_at"])
        _bump_plan(case, actor=actor, kind=PlanChangeKind.WHAT_MATTERS)
        _audit(actor, case, AuditAction.UPDATE, channel, "what_matters")
    return case


def case_reallocate(
    *, actor: User, case_id: int, link_worker: User | int, channel: str = "web"
) -> Case:
    """A lead moves a case to another link worker of the service: the case and referral together."""
    with transaction.atomic():
        case = selectors.case_get_for(actor, case_id, write=True, channel=channel)
        referral = case.referral
        if not permissions.is_lead_of(actor, referral.service_id):
            raise PermissionDenied
        if not case.is_open:
            raise _err("case", _("This case is closed and cannot be changed"), "case_closed")
        if not isinstance(link_worker, User):
            link_worker = User.objects.filter(pk=link_worker).first()
        if (
            link_worker is None
            or not link_workers_of(referral.service).filter(pk=link_worker.pk).exists()
        ):
            raise _err("link_worker", _("Choose a link worker in this service"), "invalid_choice")
        if link_worker.pk == case.link_worker_id:
            return case
        case.link_worker = link_worker
        case.save(update_fields=["link_worker", "updated_at"])
        Referral.objects.filter(pk=referral.pk).update(
            allocated_to=link_worker, updated_at=timezone.now()
        )
        ReferralEvent.objects.create(
            referral=referral,
            from_status=referral.status,
            to_status=referral.status,
            note=_("Reallocated to another link worker"),
            actor=actor,
            actor_organisation=referral.service,
        )
        _audit(actor, case, AuditAction.UPDATE, channel, "reallocate")
    return case


# --- contacts ----------------------------------------------------------------------------


def contact_record(
    *,
    actor: User,
    case_id: int,
    at: datetime.datetime | None,
    mode: str,
    minutes,
    successful: bool = True,
    with_interpreter: bool = False,
    interpreter_language: str = "",
    notes: str = "",
    channel: str = "web",
) -> Contact:
    """A contact or an attempt: attempts count towards "unable to contact"."""
    with transaction.atomic():
        case = _case_for_change(actor, case_id, channel)
        errors: dict[str, list] = {}
        if mode not in ContactMode.values:
            errors["mode"] = [ValidationError(_("Choose how you made contact"), "invalid_choice")]
        try:
            minutes = int(minutes)
        except (TypeError, ValueError):
            errors["minutes"] = [ValidationError(_("Enter the minutes spent"), "required")]
        else:
            if minutes <= 0:
                errors["minutes"] = [
                    ValidationError(_("Minutes spent must be more than 0"), "min_value")
                ]
            elif minutes > MAX_CONTACT_MINUTES:
                errors["minutes"] = [
                    ValidationError(
                        _("Minutes spent must be %(max)s or fewer (8 hours)")
                        % {"max": MAX_CONTACT_MINUTES},
                        "max_value",
                    )
                ]
        now = timezone.now()
        at = at or now
        if at > now + datetime.timedelta(minutes=5):
            errors["at"] = [ValidationError(_("A contact cannot be in the future"), "future")]
        notes = _text(notes, "notes", 4000, errors)
        interpreter_language = _text(interpreter_language, "interpreter_language", 60, errors)
        if with_interpreter and not interpreter_language:
            errors["interpreter_language"] = [
                ValidationError(_("Enter the language interpreted"), "required")
            ]
        if errors:
            raise ValidationError(errors)
        contact = Contact.objects.create(
            case=case,
            at=at,
            mode=mode,
            minutes=minutes,
            successful=bool(successful),
            with_interpreter=bool(with_interpreter),
            interpreter_language=interpreter_language if with_interpreter else "",
            notes=notes,
            recorded_by=actor,
        )
        _audit(actor, case, AuditAction.CREATE, channel, "contact")
    return contact


# --- the plan ----------------------------------------------------------------------------


def _clean_goal(wording, steps, who_does_what, review_on) -> tuple[dict, dict]:
    errors: dict[str, list] = {}
    values = {
        "wording": _text(
            wording,
            "wording",
            1000,
            errors,
            required=True,
            required_message=_("Write the goal in the person's own words"),
        ),
        "steps": _text(steps, "steps", 2000, errors),
        "who_does_what": _text(who_does_what, "who_does_what", 2000, errors),
        "review_on": review_on,
    }
    if review_on is not None and review_on < timezone.localdate():
        errors["review_on"] = [
            ValidationError(_("Review date must be today or in the future"), "past")
        ]
    return values, errors


def plan_goal_add(
    *,
    actor: User,
    case_id: int,
    version: int,
    wording: str,
    steps: str = "",
    who_does_what: str = "",
    review_on: datetime.date | None = None,
    channel: str = "web",
) -> PlanGoal:
    with transaction.atomic():
        case = _case_for_change(actor, case_id, channel)
        _check_version(case, version)
        values, errors = _clean_goal(wording, steps, who_does_what, review_on)
        if errors:
            raise ValidationError(errors)
        goal = PlanGoal.objects.create(case=case, created_by=actor, **values)
        _bump_plan(case, actor=actor, kind=PlanChangeKind.GOAL_ADDED, goal=goal)
        _refresh_next_action(case)
        _audit(actor, case, AuditAction.CREATE, channel, "goal")
    return goal


def plan_goal_update(
    *,
    actor: User,
    case_id: int,
    goal_id: int,
    version: int,
    wording: str,
    steps: str = "",
    who_does_what: str = "",
    review_on: datetime.date | None = None,
    channel: str = "web",
) -> PlanGoal:
    with transaction.atomic():
        case = _case_for_change(actor, case_id, channel)
        goal = case.goals.filter(pk=goal_id).first()
        if goal is None:
            raise _err("goal", _("That goal is not part of this plan"), "not_found")
        _check_version(case, version)
        values, errors = _clean_goal(wording, steps, who_does_what, review_on)
        if errors:
            raise ValidationError(errors)
        for name, value in values.items():
            setattr(goal, name, value)
        goal.save()
        _bump_plan(case, actor=actor, kind=PlanChangeKind.GOAL_CHANGED, goal=goal)
        _refresh_next_action(case)
        _audit(actor, case, AuditAction.UPDATE, channel, "goal")
    return goal


def goal_progress_record(
    *,
    actor: User,
    case_id: int,
    goal_id: int,
    score,
    note: str = "",
    channel: str = "web",
) -> GoalProgress:
    """Progress is appended, never overwritten, so it needs no plan version."""
    with transaction.atomic():
        case = _case_for_change(actor, case_id, channel)
        goal = case.goals.filter(pk=goal_id).first()
        if goal is None:
            raise _err("goal", _("That goal is not part of this plan"), "not_found")
        errors: dict[str, list] = {}
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = None
        if score is None or not 1 <= score <= 10:
            errors["score"] = [ValidationError(_("Progress must be from 1 to 10"), "invalid")]
        note = _text(note, "note", 2000, errors)
        if errors:
            raise ValidationError(errors)
        progress = GoalProgress.objects.create(goal=goal, score=score, note=note, recorded_by=actor)
        _audit(actor, case, AuditAction.CREATE, channel, "goal_progress")
    return progress


# --- follow-ups --------------------------------------------------------------------------


def follow_up_add(
    *,
    actor: User,
    case_id: int,
    due: datetime.date | None,
    what: str,
    channel: str = "web",
) -> FollowUp:
    with transaction.atomic():
        case = _case_for_change(actor, case_id, channel)
        errors: dict[str, list] = {}
        what = _text(what, "what", 300, errors, required=True, required_message=_("Say what to do"))
        if due is None:
            errors["due"] = [ValidationError(_("Enter when it is due"), "required")]
        elif due < timezone.localdate():
            errors["due"] = [ValidationError(_("Due date must be today or later"), "past")]
        if errors:
            raise ValidationError(errors)
        follow_up = FollowUp.objects.create(case=case, due=due, what=what, created_by=actor)
        _refresh_next_action(case)
        _audit(actor, case, AuditAction.CREATE, channel, "follow_up")
    return follow_up


def follow_up_done(
    *, actor: User, case_id: int, follow_up_id: int, channel: str = "web"
) -> FollowUp:
    with transaction.atomic():
        case = _case_for_change(actor, case_id, channel)
        follow_up = case.follow_ups.filter(pk=follow_up_id).first()
        if follow_up is None:
            raise _err("follow_up", _("That follow-up is not part of this case"), "not_found")
        if follow_up.done_at is None:
            follow_up.done_at = timezone.now()
            follow_up.done_by = actor
            follow_up.save(update_fields=["done_at", "done_by"])
            _refresh_next_action(case)
            _audit(actor, case, AuditAction.UPDATE, channel, "follow_up_done")
    return follow_up


# --- discharge ---------------------------------------------------------------------------


def case_discharge(
    *,
    actor: User,
    case_id: int,
    reason_code: str,
    summary: str,
    channel: str = "web",
) -> Case:
    """Close the case, send the summary to the referrer and close the referral to match."""
    with transaction.atomic():
        case = selectors.case_get_for(actor, case_id, write=True, channel=channel)
        if not selectors.case_may_edit(actor, case):
            raise PermissionDenied
        if not case.is_open:
            raise _err("reason", _("This case is already closed"), "already_closed")
        errors: dict[str, list] = {}
        reason = selectors.discharge_reasons_active().filter(code=reason_code).first()
        if reason is None:
            errors["reason"] = [ValidationError(_("Choose why the case is closing"), "required")]
        elif reason.code == "unable_to_contact":
            limit = selectors.failed_contact_limit()
            tried = selectors.failed_attempts(case)
            if tried < limit:
                errors["reason"] = [
                    ValidationError(
                        _(
                            "Record at least %(limit)s attempts to contact the person first "
                            "(%(tried)s so far)"
                        )
                        % {"limit": limit, "tried": tried},
                        "too_few_attempts",
                    )
                ]
        summary = _text(
            summary,
            "summary",
            8000,
            errors,
            required=True,
            required_message=_("Write the discharge summary for the referrer"),
        )
        if errors:
            raise ValidationError(errors)
        referral_transition(
            actor=actor,
            referral_id=case.referral_id,
            to_status=reason.referral_status,
            reason_code=reason.referral_reason_code,
            note=_("Discharged by the link worker"),
            channel=channel,
        )
        now = timezone.now()
        case.discharge_reason = reason
        case.discharge_summary = summary
        case.discharged_at = now
        case.discharged_by = actor
        case.next_action_due = None
        case.save()
        case.referral.refresh_from_db()
        _audit(actor, case, AuditAction.TRANSITION, channel, f"discharge:{reason.code}")
    return case
