"""The facilitator and link worker network: posts and replies between staff of the deployment.

Posts are about groups, events, materials and asks for help - never about the people staff
support (the pages say so next to every box). Deleting is soft: `deleted_at` hides a post or
reply everywhere, and the row stays for the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_TITLE = 150
MAX_BODY = 4000
MAX_REPLY = 2000


class Topic(models.TextChoices):
    EVENTS = "events", _("Events")
    NEW_GROUP = "new_group", _("New group")
    ASK_FOR_HELP = "ask_for_help", _("Ask for help")
    SHARED_MATERIALS = "shared_materials", _("Shared materials")
    OTHER = "other", _("Other")


class Post(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="noticeboard_posts"
    )
    # The organisation the author posted for, shown beside their name.
    author_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices)
    # A postcode district ("SR2"), or empty for all areas.
    area = models.CharField(_("area"), max_length=4, blank=True)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    body = models.TextField(_("message"), max_length=MAX_BODY)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("noticeboard post")
        verbose_name_plural = _("noticeboard posts")
        indexes = [
            models.Index(fields=["deleted_at", "created_at"]),
            models.Index(fields=["area", "topic"]),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk}"


class Reply(models.Model):
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="noticeboard_replies"
    )
    author_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("reply"), max_length=MAX_REPLY)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("noticeboard reply")
        verbose_name_plural = _("noticeboard replies")
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"Reply {self.pk}"
