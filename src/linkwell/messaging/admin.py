from django.contrib import admin

from .models import CallTask, Message, ReminderSent, StaffNotification


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "template", "channel", "language", "status", "attempts", "created_at")
    list_filter = ("status", "channel", "template")
    # Personalisation and addresses are personal data: not shown in the admin list or search.
    exclude = ("personalisation", "to_address")
    readonly_fields = [
        f.name for f in Message._meta.fields if f.name not in ("personalisation", "to_address")
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CallTask)
class CallTaskAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "service", "no_answer_count", "created_at")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StaffNotification)
class StaffNotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "user", "created_at", "read_at")
    list_filter = ("kind",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "key", "note", "created_at")
    list_filter = ("kind",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
