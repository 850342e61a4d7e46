"""Admin for system administrators: vocabularies and routes are editable, referrals are not.

Referrals change only through `referral_transition`, so the admin shows them read-only.
Vocabulary codes are stable and never deleted: retire one by setting "disabled on".
"""

from django.contrib import admin

from linkwell.audit.admin import ReadOnlyAdminMixin

from .models import ClosureReason, Need, Referral, ReferralRoute


class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "order", "disabled_on"]
    list_filter = ["disabled_on"]
    search_fields = ["code", "label"]
    ordering = ["order", "code"]

    def get_readonly_fields(self, request, obj=None):
        # A code in use is referred to by data and interfaces; it never changes once saved.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(VocabularyAdmin):
    pass


@admin.register(ClosureReason)
class ClosureReasonAdmin(VocabularyAdmin):
    list_display = [*VocabularyAdmin.list_display, "applies_to"]


@admin.register(ReferralRoute)
class ReferralRouteAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "service",
        "referrer_organisation",
        "postcode_district",
        "is_default",
    ]
    list_filter = ["is_default", "service"]
    search_fields = ["postcode_district", "referrer_organisation__name", "service__name"]
    autocomplete_fields = ["service", "referrer_organisation"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # No personal details in the list: the reference is enough to find a referral.
    list_display = [
        "reference",
        "status",
        "source",
        "service",
        "referrer_organisation",
        "created_at",
    ]
    list_filter = ["status", "source", "service"]
    search_fields = ["reference"]
    date_hierarchy = "created_at"
    list_select_related = ["service", "referrer_organisation"]
    fields = [
        "reference",
        "status",
        "status_reason",
        "status_reason_text",
        "source",
        "service",
        "referrer_organisation",
        "urgency",
        "allocated_to",
        "snomed_code",
        "created_at",
        "received_at",
        "accepted_at",
        "closed_at",
    ]
    readonly_fields = fields
