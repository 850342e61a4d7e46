"""Every change to a referral: one function, one transaction, one ReferralEvent."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.accounts import permissions
from linkwell.accounts.models import Organisation, OrganisationKind, Role, User
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.lib.postcode import is_valid_postcode, postcode_district
from linkwell.people.models import Person
from linkwell.people.services import PersonDetails, consent_record, person_create

from . import selectors
from .models import (
    REASON_REQUIRED,
    TRANSITIONS,
    ClosureReason,
    IdempotencyRecord,
    Need,
    Referral,
    ReferralEvent,
    ReferralRoute,
    Source,
    Status,
    Urgency,
)
from .vocabulary import SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_SOCIAL_PRESCRIBING_DECLINED


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was used with a different request body."""


@dataclass
class ReferralDetails:
    needs: list[str] = field(default_factory=list)
    reason: str = ""
    what_matters: str = ""
    urgency: str = Urgency.ROUTINE
    risks: str = ""
    referrer_contact: str = ""
    consent_confirmed: bool = False


_LIMITS = {"reason": 4000, "what_matters": 4000, "risks": 2000, "referrer_contact": 200}


def route_referral(
    *, referrer_organisation: Organisation | None, postcode: str
) -> Organisation | None:
    """The link worker service for a referral: by referrer, then postcode district, then default."""
    routes = ReferralRoute.objects.select_related("service").filter(service__is_active=True)
    if referrer_organisation is not None:
        route = routes.filter(referrer_organisation=referrer_organisation).first()
        if route:
            return route.service
    if postcode and is_valid_postcode(postcode):
        route = routes.filter(postcode_district=postcode_district(postcode)).first()
        if route:
            return route.service
    route = routes.filter(is_default=True).first()
    return route.service if route else None


def _body_hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _clean_referral(details: ReferralDetails) -> tuple[ReferralDetails, list[Need]]:
    errors: dict[str, list] = {}
    for name, limit in _LIMITS.items():
        value = (getattr(details, name) or "").strip()
        setattr(details, name, value)
        if len(value) > limit:
            errors.setdefault(name, []).append(
                ValidationError(
                    _("Must be %(limit)s characters or fewer") % {"limit": limit}, "max_length"
                )
            )
    if details.urgency not in Urgency.values:
        errors["urgency"] = [ValidationError(_("Select how urgent this is"), "invalid_choice")]
    codes = list(dict.fromkeys(details.needs or []))
    needs = list(Need.objects.filter(code__in=codes, disabled_on__isnull=True))
    unknown = sorted(set(codes) - {n.code for n in needs})
    if unknown:
        errors["needs"] = [
            ValidationError(
                _("Unknown need: %(codes)s") % {"codes": ", ".join(unknown)}, "invalid_choice"
            )
        ]
    if not codes and not details.reason and "needs" not in errors:
        errors["needs"] = [
            ValidationError(_("Select at least one thing the person wants help with"), "required")
        ]
    if not details.consent_confirmed:
        errors["consent_confirmed"] = [
            ValidationError(_("Confirm the person has agreed to this referral"), "required")
        ]
    if errors:
        raise ValidationError(errors)
    details.needs = codes
    return details, needs


def referral_submit(
    *,
    actor: User | None,
    source: str,
    details: ReferralDetails,
    person: Person | None = None,
    person_details: PersonDetails | None = None,
    referrer_organisation: Organisation | None = None,
    service: Organisation | None = None,
    idempotency_scope: str = "",
    idempotency_key: str = "",
    consents: dict[str, bool] | None = None,
    channel: str = "web",
) -> tuple[Referral, bool]:
    """Create a referral (and the person, if new). Returns (referral, created).

    With an idempotency key, a repeat of the same submission returns the first referral;
    the same key with a different body raises IdempotencyConflict.
    """
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    if (person is None) == (person_details is None):
        raise ValueError("give exactly one of person or person_details")
    if source != Source.SELF:
        if not permissions.can_refer(actor):
            raise PermissionDenied
        if (
            referrer_organisation is not None
            and referrer_organisation.pk
            not in permissions.organisation_ids(
                actor, Role.REFERRER, Role.LINK_WORKER, Role.LINK_WORKER_LEAD
            )
        ):
            raise PermissionDenied
    if (
        person is not None
        and not selectors.person_queryset_for(actor).filter(pk=person.pk).exists()
    ):
        raise ValidationError({"person": _("Choose a person from your organisation's referrals")})

    payload = {
        "source": source,
        "details": asdict(details),
        "person": person.pk if person else asdict(person_details),
        "referrer_organisation": referrer_organisation.pk if referrer_organisation else None,
        "service": service.pk if service else None,
        "consents": consents or {},
    }
    body_hash = _body_hash(payload)
    if idempotency_key:
        existing = (
            IdempotencyRecord.objects.filter(scope=idempotency_scope, key=idempotency_key)
            .select_related("referral")
            .first()
        )
        if existing:
            if existing.body_hash != body_hash:
                raise IdempotencyConflict
            return existing.referral, False

    errors: dict[str, list] = {}
    needs: list[Need] = []
    try:
        details, needs = _clean_referral(details)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if person_details is not None:
        from linkwell.people.services import person_details_clean

        try:
            person_details = person_details_clean(person_details)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if service is not None:
        if service.kind != OrganisationKind.LINK_WORKER_SERVICE or not service.is_active:
            errors["service"] = [
                ValidationError(_("There is no link worker service with that id"), "invalid")
            ]
    else:
        postcode = (
            person.postcode if person else (person_details.postcode if person_details else "")
        )
        service = route_referral(referrer_organisation=referrer_organisation, postcode=postcode)
        if service is None and "postcode" not in errors:
            errors["service"] = [
                ValidationError(
                    _("No link worker service takes referrals for this area yet"), "no_route"
                )
            ]
    if errors:
        raise ValidationError(errors)

    # A person who filled in the form themselves consented online; anyone else (including a
    # self-referral taken by a link worker over the phone) told a member of staff.
    consent_method = "online" if channel == "self-referral" else "verbal"
    try:
        with transaction.atomic():
            if person is None:
                person = person_create(actor=actor, details=person_details, channel=channel)
            now = timezone.now()
            referral = Referral.objects.create(
                person=person,
                source=source,
                referrer_organisation=referrer_organisation,
                referrer_user=actor if getattr(actor, "is_authenticated", False) else None,
                referrer_contact=details.referrer_contact,
                service=service,
                reason=details.reason,
                what_matters=details.what_matters,
                urgency=details.urgency,
                risks=details.risks,
                consent_confirmed_at=now,
            )
            referral.needs.set(needs)
            ReferralEvent.objects.create(
                referral=referral,
                from_status="",
                to_status=Status.REQUESTED,
                actor=referral.referrer_user,
                actor_organisation=referrer_organisation,
                at=now,
            )
            consent_record(
                person=person,
                purpose="care",
                given=True,
                method=consent_method,
                actor=actor,
            )
            for purpose, given in (consents or {}).items():
                consent_record(
                    person=person,
                    purpose=purpose,
                    given=given,
                    method=consent_method,
                    actor=actor,
                )
            if source == Source.SELF:
                # Confirmation to the person, in their language, through the outbox (issue 6).
                from django.conf import settings

                from linkwell.messaging.services import message_queue

                message_queue(
                    person=person,
                    template="referral_received",
                    personalisation={
                        "reference": referral.reference,
                        "service": service.name,
                        "days": settings.LINKWELL_SELF_REFERRAL_REPLY_DAYS,
                    },
                    related=referral,
                )
            # Tell the receiving service's link workers (in-app and email; issue 6).
            from linkwell.messaging.notifications import notify_new_referral

            notify_new_referral(referral=referral)
            if idempotency_key:
                IdempotencyRecord.objects.create(
                    scope=idempotency_scope,
                    key=idempotency_key,
                    body_hash=body_hash,
                    referral=referral,
                )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=referral,
                person_id=person.pk,
                channel=channel,
            )
    except IntegrityError:
        # A concurrent request with the same key won the race: answer as it did.
        existing = IdempotencyRecord.objects.filter(
            scope=idempotency_scope, key=idempotency_key
        ).first()
        if existing is None:
            raise
        if existing.body_hash != body_hash:
            raise IdempotencyConflict from None
        return existing.referral, False
    return referral, True


def _check_may_transition(actor, referral: Referral, to_status: str) -> None:
    if selectors.referral_viewer_is_service(actor, referral):
        return
    # The referring organisation may withdraw a referral nobody has accepted yet.
    if (
        to_status == Status.CANCELLED
        and referral.status in (Status.REQUESTED, Status.RECEIVED)
        and referral.referrer_organisation_id in permissions.organisation_ids(actor, Role.REFERRER)
    ):
        return
    raise PermissionDenied


def referral_transitions_allowed(actor, referral: Referral) -> list[str]:
    """The moves this actor may make on this referral now, so pages offer only those."""
    allowed = []
    for target in TRANSITIONS[referral.status]:
        try:
            _check_may_transition(actor, referral, target)
        except PermissionDenied:
            continue
        allowed.append(target)
    return [s for s in Status.values if s in allowed]


def referral_transition(
    *,
    actor: User,
    referral_id: int,
    to_status: str,
    reason_code: str = "",
    reason_text: str = "",
    allocate_to: User | int | None = None,
    note: str = "",
    channel: str = "web",
) -> Referral:
    """Move a referral to a new status, if that move is allowed from where it is now."""
    with transaction.atomic():
        referral = selectors.referral_get_for(actor, referral_id, write=True)
        _check_may_transition(actor, referral, to_status)
        errors: dict[str, list] = {}
        if to_status not in Status.values:
            raise ValidationError(
                {"status": [ValidationError(_("Unknown status"), "invalid_choice")]}
            )
        if to_status not in TRANSITIONS[referral.status]:
            raise ValidationError(
                {
                    "status": [
                        ValidationError(
                            _("A referral that is “%(current)s” cannot be moved to “%(target)s”")
                            % {
                                "current": Status(referral.status).label,
                                "target": Status(to_status).label,
                            },
                            "invalid_transition",
                        )
                    ]
                }
            )
        reason_text = (reason_text or "").strip()
        note = (note or "").strip()
        if len(reason_text) > 1000:
            errors["reason_text"] = [
                ValidationError(_("Must be 1000 characters or fewer"), "max_length")
            ]
        if len(note) > 500:
            errors["note"] = [ValidationError(_("Must be 500 characters or fewer"), "max_length")]
        reason = None
        if reason_code:
            reason = ClosureReason.objects.filter(
                code=reason_code, disabled_on__isnull=True
            ).first()
            if reason is None or to_status not in reason.applies_to:
                errors["reason"] = [
                    ValidationError(_("Choose a reason that fits this change"), "invalid_choice")
                ]
        if to_status in REASON_REQUIRED and not reason and "reason" not in errors:
            errors["reason"] = [ValidationError(_("Choose a reason"), "required")]
        if reason and reason.code == "other" and not reason_text:
            errors["reason_text"] = [ValidationError(_("Explain the reason"), "required")]

        allocated = None
        if to_status == Status.ACCEPTED:
            allocated = allocate_to
            if allocated is None:
                allocated = actor
            if isinstance(allocated, int | str):
                allocated = User.objects.filter(pk=allocated).first()
            team = selectors.link_workers_of(referral.service)
            if allocated is None or not team.filter(pk=allocated.pk).exists():
                errors["allocate_to"] = [
                    ValidationError(_("Choose a link worker in this service"), "invalid_choice")
                ]
            elif allocated.pk != actor.pk and not permissions.is_lead_of(
                actor, referral.service_id
            ):
                errors["allocate_to"] = [
                    ValidationError(
                        _("Only a lead can allocate a referral to someone else"), "not_lead"
                    )
                ]
        if errors:
            raise ValidationError(errors)

        now = timezone.now()
        from_status = referral.status
        referral.status = to_status
        referral.status_reason = reason
        referral.status_reason_text = reason_text
        if to_status == Status.RECEIVED:
            referral.received_at = now
        if to_status == Status.ACCEPTED:
            referral.received_at = referral.received_at or now
            referral.accepted_at = now
            referral.allocated_to = allocated
            referral.snomed_code = SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING
        if reason and reason.code == "person_declined":
            referral.snomed_code = SNOMED_SOCIAL_PRESCRIBING_DECLINED
        if not TRANSITIONS[to_status]:
            referral.closed_at = now
        referral.save()
        actor_orgs = [
            m.organisation
            for m in permissions.memberships(actor)
            if m.organisation_id in (referral.service_id, referral.referrer_organisation_id)
        ]
        ReferralEvent.objects.create(
            referral=referral,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            reason_text=reason_text,
            note=note,
            actor=actor,
            actor_organisation=actor_orgs[0] if actor_orgs else None,
            at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=referral,
            person_id=referral.person_id,
            channel=channel,
            detail=f"{from_status}->{to_status}",
        )
        if to_status == Status.ACCEPTED:
            # Casework hook: an accepted referral becomes the link worker's case. Imported
            # here because referrals is the earlier stage and must not import casework at load.
            from linkwell.casework.services import case_open_for_referral

            case_open_for_referral(referral=referral)
    return referral
