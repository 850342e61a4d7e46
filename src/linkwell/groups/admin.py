"""Admin for groups: sessions and funding are editable; person-related records are not.

Onward referrals, bookings, feedback, notes and concerns change only through the services
(`groups.services`, `groups.feedback`, `groups.concerns`), which lock rows, audit and notify,
so the admin shows them read-only and keeps free text about people out of the lists.
Feedback links show no token (only its hash is stored, and the hash is not shown either).
"""

from django.contrib import admin

from linkwell.audit.admin import ReadOnlyAdminMixin

from .models import (
    Booking,
    Concern,
    Feedback,
    FeedbackLink,
    FundingSource,
    LinkWorkerAlert,
    ServiceCost,
    ServiceReferral,
    ServiceReferralEvent,
    Session,
    SessionNote,
)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("id", "service", "starts_at", "places", "cancelled")
    list_filter = ("cancelled",)


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "session", "status", "waitlist_position")
    list_filter = ("status",)
    list_select_related = ("session",)


class ServiceReferralEventInline(admin.TabularInline):
    model = ServiceReferralEvent
    fields = ("at", "from_status", "to_status", "reason", "actor")
    readonly_fields = fields
    extra = 0

    # Inline permission hooks take the parent object too (ReadOnlyAdminMixin's do not).
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceReferral)
class ServiceReferralAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # No shared personal details in the list: the id and the case are enough to find one.
    list_display = ("id", "kind", "status", "service", "case", "created_at", "responded_at")
    list_filter = ("status", "kind", "first_response")
    search_fields = ("case__referral__reference",)
    date_hierarchy = "created_at"
    list_select_related = ("service", "case__referral")
    # What the link worker shared about the person stays out of the admin.
    exclude = (
        "shared_first_name",
        "shared_contact_route",
        "shared_access_needs",
        "shared_note",
        "decline_text",
        "idempotency_key",
        "idempotency_hash",
    )
    inlines = [ServiceReferralEventInline]


@admin.register(ServiceReferralEvent)
class ServiceReferralEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "service_referral", "from_status", "to_status", "reason", "at")
    list_filter = ("to_status", "reason")
    date_hierarchy = "at"
    exclude = ("reason_text",)


@admin.register(LinkWorkerAlert)
class LinkWorkerAlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


# Feedback, notes and concerns (groups/feedback.py, groups/concerns.py): read-only, no words.
@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "session", "feeling", "come_again", "source", "created_at")
    list_filter = ("source", "come_again")
    exclude = ("comment",)


@admin.register(FeedbackLink)
class FeedbackLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "session", "language", "created_at", "expires_at", "used_at")
    list_filter = ("language",)
    exclude = ("token_hash",)


@admin.register(SessionNote)
class SessionNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "session", "booking", "share_with_link_worker", "created_at")
    list_filter = ("share_with_link_worker",)
    exclude = ("text",)


@admin.register(Concern)
class ConcernAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "severity", "raised_at", "acknowledged_at", "resolved_at")
    list_filter = ("severity",)
    exclude = ("what_happened", "actions_taken", "resolution")


# Funding and costs (groups/funding.py): not about people, so an administrator may correct them.
# The database checks (amount >= 0, period end >= start, one cost per service and day) apply.
@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ("id", "organisation", "service", "kind", "funder", "amount", "period_start")
    list_filter = ("kind",)
    search_fields = ("funder", "organisation__name")
    raw_id_fields = ("organisation", "service", "created_by")
    readonly_fields = ("created_by", "created_at", "updated_at")


@admin.register(ServiceCost)
class ServiceCostAdmin(admin.ModelAdmin):
    list_display = ("id", "service", "cost_per_session", "valid_from")
    raw_id_fields = ("service", "created_by")
    readonly_fields = ("created_by", "created_at")
