from django.contrib import admin

from .models import Post, Reply


class ReplyInline(admin.TabularInline):
    model = Reply
    extra = 0
    fields = ["author", "body", "created_at", "deleted_at"]
    readonly_fields = ["author", "body", "created_at"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Administrators can hide (soft delete) a post that breaks the rules."""

    list_display = ["title", "topic", "area", "author", "created_at", "deleted_at"]
    list_filter = ["topic", "deleted_at"]
    search_fields = ["title"]
    readonly_fields = ["author", "author_organisation", "created_at", "edited_at"]
    inlines = [ReplyInline]
