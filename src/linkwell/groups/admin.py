from django.contrib import admin

from .models import Booking, LinkWorkerAlert, ServiceReferral, Session


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("id", "service", "starts_at", "places", "cancelled")
    list_filter = ("cancelled",)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("id", "session", "status", "waitlist_position")
    list_filter = ("status",)


admin.site.register(ServiceReferral)
admin.site.register(LinkWorkerAlert)
