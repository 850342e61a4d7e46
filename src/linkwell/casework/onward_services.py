"""Writes for the matching side of a case: a need no suitable service was found for."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record

from .models import Case, UnmetNeed
from .selectors import case_may_edit


def unmet_need_record(*, actor, case_id, need_code: str, note: str = "") -> UnmetNeed:
    """Record "no suitable service found" for one of the referral's needs (once while open).

    The person's postcode district is copied, so reports count unmet needs by area without
    reading the person.
    """
    note = (note or "").strip()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("referral", "person")
            .get(pk=case_id)
        )
        if not case_may_edit(actor, case):
            raise PermissionDenied
        errors = {}
        need = case.referral.needs.filter(code=need_code).first()
        if need is None:
            errors["need"] = _("Choose one of the needs on this referral.")
        elif UnmetNeed.objects.filter(case=case, need=need, resolved_at__isnull=True).exists():
            errors["need"] = _("Already recorded as unmet for this case.")
        if len(note) > 500:
            errors["note"] = _("Keep this to %(n)s characters or fewer.") % {"n": 500}
        if not case.is_open:
            errors["case"] = _("This case is closed.")
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                unmet = UnmetNeed.objects.create(
                    case=case,
                    need=need,
                    note=note,
                    postcode_district=case.person.postcode_district,
                    recorded_by=actor,
                    recorded_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError({"need": _("Already recorded as unmet for this case.")}) from None
        audit_record(actor=actor, action=AuditAction.CREATE, obj=unmet, person_id=case.person_id)
        return unmet
