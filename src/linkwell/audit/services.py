from __future__ import annotations

from django.db import models

from .middleware import current_request_id
from .models import AuditAction, AuditEntry


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    person_id: int | None = None,
    channel: str = "web",
    detail: str = "",
) -> AuditEntry:
    """Write one audit entry. `detail` must never contain personal data."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        channel=channel,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        person_id=person_id,
        request_id=current_request_id(),
        detail=detail[:200],
    )


def audit_list(*, actor, object_type: str, person_ids: list[int], channel: str = "web") -> None:
    """Record that a list showing these people was viewed: one entry per person, in one query."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    request_id = current_request_id()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=user,
                channel=channel,
                action=AuditAction.LIST,
                object_type=object_type,
                person_id=pid,
                request_id=request_id,
            )
            for pid in sorted(set(person_ids))
        ]
    )
