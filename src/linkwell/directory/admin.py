"""Admin for system administrators.

Vocabularies (target groups, accessibility features) and directory organisations (to link
one to a Linkwell organisation) are editable. Listings change only through the provider and
editor pages (`directory.services`), which keep versions and the search index in step, so
the admin shows them read-only.
"""

from django.contrib import admin

from linkwell.audit.admin import ReadOnlyAdminMixin
from linkwell.referrals.admin import VocabularyAdmin

from .models import (
    AccessibilityFeature,
    ListingReport,
    Organization,
    Service,
    ServiceVersion,
    TargetGroup,
    Taxonomy,
    TaxonomyTerm,
)


@admin.register(TargetGroup)
class TargetGroupAdmin(VocabularyAdmin):
    pass


@admin.register(AccessibilityFeature)
class AccessibilityFeatureAdmin(VocabularyAdmin):
    pass


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "source"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation"]
    fields = ["name", "alternate_name", "description", "email", "website", "organisation"]


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organization", "approval_status", "status", "last_verified_at"]
    list_filter = ["approval_status", "status"]
    search_fields = ["name", "organization__name"]


@admin.register(ServiceVersion)
class ServiceVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["service", "number", "status", "author", "created_at"]
    list_filter = ["status"]


@admin.register(Taxonomy)
class TaxonomyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "version"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "taxonomy", "disabled_on"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code"]


@admin.register(ListingReport)
class ListingReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["service", "problem", "created_at", "resolved_at"]
    list_filter = ["problem"]
