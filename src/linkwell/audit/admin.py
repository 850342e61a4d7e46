from django.contrib import admin

from .models import AuditEntry


class ReadOnlyAdminMixin:
    """For records the admin may look at but never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "channel", "action", "object_type", "object_id", "person_id"]
    list_filter = ["action", "channel", "object_type"]
    search_fields = ["object_id", "request_id"]
    date_hierarchy = "at"
