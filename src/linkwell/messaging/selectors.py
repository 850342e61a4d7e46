"""Reads, scoped by the acting user: link workers and leads of the message's service only."""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from linkwell.accounts import permissions
from linkwell.accounts.models import Role
from linkwell.people.models import Person
from linkwell.referrals.selectors import person_get_for

from .models import FAILED_STATUSES, CallTask, CallTaskStatus, Message, StaffNotification


def _service_ids(actor) -> set[int]:
    return permissions.link_worker_service_ids(actor)


def message_queryset_for(actor) -> QuerySet[Message]:
    services = _service_ids(actor)
    if not services:
        return Message.objects.none()
    return Message.objects.filter(service_id__in=services)


def person_for_messages(actor, person_id, *, channel: str = "web") -> Person:
    """The person, if one of the actor's link worker services has a referral for them."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise Http404 from None
    services = _service_ids(actor)
    if not Person.objects.filter(pk=pk, referrals__service_id__in=services).exists():
        raise Http404
    return person_get_for(actor, pk, channel=channel)  # writes the "view" audit entry


def person_messages(actor, person: Person) -> QuerySet[Message]:
    return (
        message_queryset_for(actor)
        .filter(person=person)
        .select_related("call_task", "call_task__done_by")
        .order_by("-created_at", "-id")
    )


def failed_messages_for(actor) -> QuerySet[Message]:
    return (
        message_queryset_for(actor)
        .filter(status__in=FAILED_STATUSES)
        .select_related("person", "user")
        .order_by("-failed_at", "-id")
    )


def language_fallbacks_for(actor, *, days: int = 14) -> QuerySet[Message]:
    since = timezone.now() - datetime.timedelta(days=days)
    return (
        message_queryset_for(actor)
        .filter(language_fell_back=True, created_at__gte=since)
        .select_related("person")
        .order_by("-created_at", "-id")
    )


def message_get_for(actor, message_id, *, write: bool = False) -> Message:
    try:
        pk = int(message_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = message_queryset_for(actor).select_related("person")
    if write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except Message.DoesNotExist:
        raise Http404 from None


def call_tasks_for(actor) -> QuerySet[CallTask]:
    """Open calls: a lead sees the team's; a link worker sees theirs and unallocated ones."""
    services = _service_ids(actor)
    if not services:
        return CallTask.objects.none()
    lead_of = permissions.organisation_ids(actor, Role.LINK_WORKER_LEAD)
    qs = CallTask.objects.filter(service_id__in=services, status=CallTaskStatus.OPEN)
    if lead_of:
        qs = qs.filter(
            Q(service_id__in=lead_of) | Q(assigned_to=actor) | Q(assigned_to__isnull=True)
        )
    else:
        qs = qs.filter(Q(assigned_to=actor) | Q(assigned_to__isnull=True))
    return qs.select_related("person", "message", "assigned_to").order_by("created_at", "id")


def call_task_get_for(actor, task_id, *, write: bool = False) -> CallTask:
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = CallTask.objects.filter(service_id__in=_service_ids(actor))
    if write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except CallTask.DoesNotExist:
        raise Http404 from None


# --- Staff notifications: each user sees only their own -----------------------------------


def notifications_for(actor) -> QuerySet[StaffNotification]:
    """The actor's own notifications, unread first, newest first."""
    if not getattr(actor, "is_authenticated", False):
        return StaffNotification.objects.none()
    return StaffNotification.objects.filter(user=actor).order_by(
        F("read_at").desc(nulls_first=True), "-created_at", "-id"
    )


def unread_notification_count(actor) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return StaffNotification.objects.filter(user=actor, read_at__isnull=True).count()


def notification_get_for(actor, notification_id, *, write: bool = False) -> StaffNotification:
    try:
        pk = int(notification_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = notifications_for(actor)
    if write:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=pk)
    except StaffNotification.DoesNotExist:
        raise Http404 from None
