"""Staff notifications: in-app (the bell in the header) and, optionally, by email.

Other apps call `notify_staff` inside their own transaction, so a notification exists exactly
when the change that caused it does:

    from linkwell.messaging.notifications import notify_staff
    notify_staff(users=[case.link_worker], kind="provider_replied",
                 title=gettext("Provider replied on case %(case)s") % {"case": case.pk},
                 url=reverse("casework:case", args=[case.pk]), related=service_referral)

Rule: a title (and body) must NEVER contain a person's name or other personal data - use
references and case numbers ("New referral LW-1234"). The email goes to a work address through
the outbox and says only what the title and body say, with a link that needs signing in.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .models import NotificationKind, StaffNotification

KINDS = frozenset(NotificationKind.values)


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    base = (getattr(settings, "LINKWELL_BASE_URL", "") or "").rstrip("/")
    return f"{base}{url}" if base else url


def notify_staff(
    *,
    users: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    related: models.Model | None = None,
    email: bool = True,
) -> list[StaffNotification]:
    """Tell each of `users` (staff) about something, in the app and (if `email`) by email.

    - `kind` is one of `NotificationKind` (new_referral, provider_replied, concern_raised,
      concern_unacknowledged, measurement_due, place_offered, missed_sessions, referral_nudge,
      referral_lapsed, noticeboard_reply, follow_up_due, other); anything else is a ValueError.
    - `title` (<= 200 characters) and `body` must NOT contain names or other personal data:
      say what happened and give a reference or case number. They are emailed as they are.
    - `url` is a site path (e.g. from `reverse`); the email makes it absolute with
      LINKWELL_BASE_URL.
    - Users are de-duplicated (by id) and inactive users (or None) are skipped.
    - Writes in the caller's transaction; returns the notifications created, in `users` order.
    """
    from .services import message_queue

    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    title = str(title)
    body = str(body or "")
    if not title or len(title) > 200:
        raise ValueError("a notification title is required and at most 200 characters")
    seen: set[int] = set()
    recipients = []
    for user in users:
        if user is None or user.pk is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        recipients.append(user)
    if not recipients:
        return []
    related_type = ContentType.objects.get_for_model(related) if related is not None else None
    related_id = str(related.pk) if related is not None else ""
    now = timezone.now()
    created = []
    with transaction.atomic():
        for user in recipients:
            notification = StaffNotification.objects.create(
                user=user,
                kind=kind,
                title=title,
                body=body,
                url=url or "",
                related_type=related_type,
                related_id=related_id,
                created_at=now,
            )
            if email:
                message_queue(
                    user=user,
                    template="staff_notification",
                    personalisation={"title": title, "body": body, "url": _absolute(url)},
                    related=notification,
                )
            created.append(notification)
    return created


def service_staff(service_id) -> list:
    """Active link workers and leads of a link worker service (one query)."""
    from linkwell.accounts.models import LINK_WORKER_ROLES, User

    if service_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=service_id,
            memberships__role__in=LINK_WORKER_ROLES,
        )
        .distinct()
        .order_by("id")
    )


def notify_new_referral(*, referral) -> list[StaffNotification]:
    """A referral arrived: tell the receiving service's link workers and leads.

    Called by referrals.services.referral_submit in its transaction. The title carries the
    reference only, never the person's name.
    """
    from django.urls import reverse
    from django.utils.translation import gettext

    return notify_staff(
        users=service_staff(referral.service_id),
        kind=NotificationKind.NEW_REFERRAL,
        title=gettext("New referral %(reference)s") % {"reference": referral.reference},
        body=gettext("It is waiting in the inbox."),
        url=reverse("referrals:detail", args=[referral.pk]),
        related=referral,
        email=settings.LINKWELL_NEW_REFERRAL_EMAIL,
    )
