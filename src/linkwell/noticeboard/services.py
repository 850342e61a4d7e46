"""Writes for the noticeboard. Keyword-only, one transaction each.

Who may take part (`selectors.may_use_noticeboard`): facilitators (provider role), link workers
and leads, and referrers at a GP practice. Only the author edits or deletes a post; deleting
is soft. A reply tells the post's author and everyone who replied before (not the replier)
in the app and by email, without quoting anything that was written.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.lib.postcode import OUTWARD_PATTERNS, InvalidPostcode, postcode_district

from .models import MAX_BODY, MAX_REPLY, MAX_TITLE, Post, Reply, Topic
from .selectors import may_use_noticeboard, posting_organisation

_DISTRICT_RE = re.compile(rf"(?:{'|'.join(OUTWARD_PATTERNS)})")


def area_clean(raw: str | None) -> str:
    """A postcode district ("SR2") from a district or a full postcode; "" for all areas.

    Raises ValueError for anything else."""
    text = " ".join((raw or "").upper().split())
    if not text:
        return ""
    try:
        return postcode_district(text)
    except InvalidPostcode:
        pass
    if _DISTRICT_RE.fullmatch(text):
        return text
    raise ValueError(text)


def _clean_post(*, topic, area, title, body) -> dict:
    errors = {}
    if topic not in Topic.values:
        errors["topic"] = _("Choose a topic.")
    try:
        area = area_clean(area)
    except ValueError:
        errors["area"] = _("Enter a postcode district like SR2, or leave it empty for all areas.")
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        errors["title"] = _("Enter a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("Keep the title to %(n)s characters or fewer.") % {"n": MAX_TITLE}
    if not body:
        errors["body"] = _("Enter your message.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("Keep the message to %(n)s characters or fewer.") % {"n": MAX_BODY}
    if errors:
        raise ValidationError(errors)
    return {"topic": topic, "area": area, "title": title, "body": body}


def post_create(*, actor, topic: str, area: str, title: str, body: str) -> Post:
    if not may_use_noticeboard(actor):
        raise PermissionDenied
    values = _clean_post(topic=topic, area=area, title=title, body=body)
    with transaction.atomic():
        post = Post.objects.create(
            author=actor, author_organisation=posting_organisation(actor), **values
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=post)
    return post


def _own_post(actor, post_id) -> Post:
    try:
        post = Post.objects.select_for_update().get(pk=int(post_id), deleted_at__isnull=True)
    except (Post.DoesNotExist, TypeError, ValueError):
        from django.http import Http404

        raise Http404 from None
    if post.author_id != actor.pk:
        raise PermissionDenied
    return post


def post_update(*, actor, post_id, topic: str, area: str, title: str, body: str) -> Post:
    if not may_use_noticeboard(actor):
        raise PermissionDenied
    with transaction.atomic():
        post = _own_post(actor, post_id)
        for name, value in _clean_post(topic=topic, area=area, title=title, body=body).items():
            setattr(post, name, value)
        post.edited_at = timezone.now()
        post.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=post)
    return post


def post_delete(*, actor, post_id) -> Post:
    """Soft delete: the post and its replies disappear from the noticeboard."""
    if not may_use_noticeboard(actor):
        raise PermissionDenied
    with transaction.atomic():
        post = _own_post(actor, post_id)
        post.deleted_at = timezone.now()
        post.save(update_fields=["deleted_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=post, detail="deleted")
    return post


def reply_create(*, actor, post_id, body: str) -> Reply:
    from linkwell.messaging.notifications import notify_staff

    if not may_use_noticeboard(actor):
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Enter your reply.")})
    if len(body) > MAX_REPLY:
        raise ValidationError(
            {"body": _("Keep the reply to %(n)s characters or fewer.") % {"n": MAX_REPLY}}
        )
    with transaction.atomic():
        try:
            post = Post.objects.select_related("author").get(
                pk=int(post_id), deleted_at__isnull=True
            )
        except (Post.DoesNotExist, TypeError, ValueError):
            from django.http import Http404

            raise Http404 from None
        earlier = list(
            Reply.objects.filter(post=post, deleted_at__isnull=True)
            .exclude(author=actor)
            .select_related("author")
            .order_by("created_at", "id")
        )
        reply = Reply.objects.create(
            post=post, author=actor, author_organisation=posting_organisation(actor), body=body
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=reply)
        recipients = [post.author, *(r.author for r in earlier)]
        notify_staff(
            users=[u for u in recipients if u.pk != actor.pk],
            kind="noticeboard_reply",
            # No quotation of the post or reply: the email says only that there is a reply.
            title=_("New reply on a noticeboard post you took part in"),
            url=reverse("noticeboard:post", args=[post.pk]) + f"#reply-{reply.pk}",
            related=reply,
        )
    return reply


def reply_delete(*, actor, reply_id) -> Reply:
    if not may_use_noticeboard(actor):
        raise PermissionDenied
    with transaction.atomic():
        try:
            reply = Reply.objects.select_for_update().get(
                pk=int(reply_id), deleted_at__isnull=True, post__deleted_at__isnull=True
            )
        except (Reply.DoesNotExist, TypeError, ValueError):
            from django.http import Http404

            raise Http404 from None
        if reply.author_id != actor.pk:
            raise PermissionDenied
        reply.deleted_at = timezone.now()
        reply.save(update_fields=["deleted_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=reply, detail="deleted")
    return reply
