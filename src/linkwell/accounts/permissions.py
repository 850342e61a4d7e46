"""Who may do what. Every scoping decision starts from the actor's memberships."""

from __future__ import annotations

from .models import LINK_WORKER_ROLES, Membership, Role


def memberships(user) -> list[Membership]:
    """The user's memberships, fetched once per user object (so once per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_linkwell_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, organisation__is_active=True).select_related(
                "organisation"
            )
        )
        user._linkwell_memberships = cached
    return cached


def roles(user) -> set[str]:
    return {m.role for m in memberships(user)}


def has_role(user, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def organisation_ids(user, *wanted: str) -> set[int]:
    return {m.organisation_id for m in memberships(user) if m.role in wanted}


def organisations(user, *wanted: str):
    seen = {}
    for m in memberships(user):
        if m.role in wanted:
            seen.setdefault(m.organisation_id, m.organisation)
    return list(seen.values())


def link_worker_service_ids(user) -> set[int]:
    return organisation_ids(user, *LINK_WORKER_ROLES)


def is_lead_of(user, organisation_id: int) -> bool:
    return organisation_id in organisation_ids(user, Role.LINK_WORKER_LEAD)


def can_refer(user) -> bool:
    return has_role(user, Role.REFERRER, *LINK_WORKER_ROLES)
