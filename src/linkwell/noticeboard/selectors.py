"""Reads for the noticeboard. Everyone who may take part sees every post (it is one network
for the deployment); deleted posts and replies are never shown (404)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, OrganisationKind, Role

from .models import Post, Reply


def _eligible_memberships(user):
    for m in permissions.memberships(user):
        gp_staff = m.role == Role.REFERRER and m.organisation.kind == OrganisationKind.GP_PRACTICE
        if m.role == Role.PROVIDER or m.role in LINK_WORKER_ROLES or gp_staff:
            yield m


def may_use_noticeboard(user) -> bool:
    """Facilitators (providers), link workers and leads, and GP-practice referrers."""
    return any(True for _ in _eligible_memberships(user))


def posting_organisation(user):
    """The organisation shown beside the author's name (the first eligible membership)."""
    eligible = sorted(_eligible_memberships(user), key=lambda m: m.pk)
    return eligible[0].organisation if eligible else None


def post_list(*, area: str = "", topic: str = "") -> QuerySet[Post]:
    """Live posts, newest first; `area` also shows posts for all areas."""
    qs = Post.objects.filter(deleted_at__isnull=True)
    if area:
        qs = qs.filter(Q(area=area) | Q(area=""))
    if topic:
        qs = qs.filter(topic=topic)
    return (
        qs.select_related("author", "author_organisation")
        .annotate(reply_count=Count("replies", filter=Q(replies__deleted_at__isnull=True)))
        .order_by("-created_at", "-id")
    )


def post_get(post_id) -> Post:
    try:
        return Post.objects.select_related("author", "author_organisation").get(
            pk=int(post_id), deleted_at__isnull=True
        )
    except (Post.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def post_replies(post: Post) -> list[Reply]:
    return list(
        Reply.objects.filter(post=post, deleted_at__isnull=True)
        .select_related("author", "author_organisation")
        .order_by("created_at", "id")
    )
