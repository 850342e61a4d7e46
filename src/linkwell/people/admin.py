"""Read-only admin for people: records change through services, with an audit entry."""

from django.contrib import admin

from linkwell.audit.admin import ReadOnlyAdminMixin
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record

from .models import Person


@admin.register(Person)
class PersonAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "given_name", "family_name", "postcode_district", "created_at"]
    search_fields = ["nhs_number", "family_name"]
    date_hierarchy = "created_at"

    def get_object(self, request, object_id, from_field=None):
        person = super().get_object(request, object_id, from_field)
        if person is not None:
            # Administrators reading a record are accountable like everyone else.
            audit_record(
                actor=request.user,
                action=AuditAction.VIEW,
                obj=person,
                person_id=person.pk,
                channel="admin",
            )
        return person
