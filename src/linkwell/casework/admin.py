from django.contrib import admin

from .models import Case, DischargeReason


@admin.register(DischargeReason)
class DischargeReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "referral_status", "referral_reason_code", "disabled_on"]
    readonly_fields = ["code", "referral_status", "referral_reason_code"]

    def has_delete_permission(self, request, obj=None):
        return False  # retire with disabled_on; codes are never deleted


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change through the casework pages and services only."""

    list_display = ["pk", "referral", "link_worker", "opened_at", "discharged_at"]
    list_select_related = ["referral", "link_worker"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
