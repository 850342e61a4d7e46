"""Reads, always scoped by the acting user. Out of scope is indistinguishable from missing (404)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from linkwell.accounts import permissions
from linkwell.accounts.models import Organisation, OrganisationKind, Role, User
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.people.models import Person
from linkwell.people.services import person_possible_duplicates

from .models import (
    OPEN_STATUSES,
    ClosureReason,
    IdempotencyRecord,
    Need,
    Referral,
    ReferralEvent,
    Status,
)


def referral_queryset_for(actor) -> QuerySet[Referral]:
    # An organisation always sees the referrals it made; a link worker service also sees
    # the referrals addressed to it.
    service_orgs = permissions.link_worker_service_ids(actor)
    referrer_orgs = permissions.organisation_ids(actor, Role.REFERRER) | service_orgs
    if not referrer_orgs and not service_orgs:
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(referrer_organisation_id__in=referrer_orgs) | Q(service_id__in=service_orgs)
    )


def referral_list_for(
    actor, *, status: str | None = None, open_only: bool = False, search: str = ""
) -> QuerySet[Referral]:
    qs = (
        referral_queryset_for(actor)
        .select_related(
            "person", "referrer_organisation", "service", "allocated_to", "status_reason"
        )
        .prefetch_related(Prefetch("needs", queryset=Need.objects.order_by("order")))
    )
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if search:
        search = search.strip()
        qs = qs.filter(
            Q(reference__iexact=search)
            | Q(person__family_name__iexact=search)
            | Q(person__given_name__iexact=search)
            | Q(person__nhs_number=search.replace(" ", ""))
        )
    return qs


def inbox_for(actor) -> QuerySet[Referral]:
    """New referrals waiting for the actor's link worker services, oldest first."""
    return (
        Referral.objects.filter(
            service_id__in=permissions.link_worker_service_ids(actor),
            status__in=[Status.REQUESTED, Status.RECEIVED],
        )
        .select_related("person", "referrer_organisation", "service")
        .prefetch_related("needs")
        .order_by("-urgency", "created_at")
    )


def referral_get_for(
    actor, referral_id, *, write: bool = False, audit: bool = True, channel="web"
) -> Referral:
    try:
        pk = int(referral_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = referral_queryset_for(actor)
    if write:
        qs = qs.select_for_update(of=("self",))
    try:
        referral = qs.select_related(
            "person",
            "referrer_organisation",
            "referrer_user",
            "service",
            "allocated_to",
            "status_reason",
        ).get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404 from None
    if audit and not write:
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            obj=referral,
            person_id=referral.person_id,
            channel=channel,
        )
    return referral


def referral_events(referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.events.select_related("actor", "actor_organisation", "reason")


def referral_viewer_is_service(actor, referral: Referral) -> bool:
    return referral.service_id in permissions.link_worker_service_ids(actor)


def person_queryset_for(actor) -> QuerySet[Person]:
    return Person.objects.filter(pk__in=referral_queryset_for(actor).values("person_id"))


def person_get_for(actor, person_id, *, audit: bool = True, channel="web") -> Person:
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise Http404 from None
    try:
        person = person_queryset_for(actor).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None
    if audit:
        audit_record(
            actor=actor, action=AuditAction.VIEW, obj=person, person_id=person.pk, channel=channel
        )
    return person


def referral_possible_duplicates(actor, referral: Referral) -> list[Person]:
    """Other people in the service's scope who may be this person (shown to link workers only)."""
    if not referral_viewer_is_service(actor, referral):
        return []
    scope = Person.objects.filter(referrals__service_id=referral.service_id)
    p = referral.person
    return person_possible_duplicates(
        queryset=scope,
        nhs_number=p.nhs_number,
        given_name=p.given_name,
        family_name=p.family_name,
        date_of_birth=p.date_of_birth,
        exclude_id=p.pk,
    )


def link_workers_of(service: Organisation) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=service,
            memberships__role__in=[Role.LINK_WORKER, Role.LINK_WORKER_LEAD],
        )
        .distinct()
        .order_by("full_name")
    )


def link_worker_services() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.LINK_WORKER_SERVICE, is_active=True)


def needs_active() -> QuerySet[Need]:
    return Need.objects.filter(disabled_on__isnull=True)


def closure_reasons_active() -> QuerySet[ClosureReason]:
    return ClosureReason.objects.filter(disabled_on__isnull=True)


def referral_for_submission(actor, *, scope: str, key: str) -> Referral | None:
    """The referral an earlier submission with this idempotency key made, if the actor may see it."""
    if not key:
        return None
    return (
        referral_queryset_for(actor)
        .filter(pk__in=IdempotencyRecord.objects.filter(scope=scope, key=key).values("referral_id"))
        .first()
    )
