from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_record
from linkwell.geo.services import area_for_postcode
from linkwell.lib.postcode import postcode_district

from . import validators
from .models import Consent, Person
from .vocabulary import (
    LANGUAGE_CODES,
    CommunicationNeed,
    ConsentPurpose,
    ContactMethod,
    Ethnicity,
    LinkWorkerSexPreference,
    Sex,
)


@dataclass
class PersonDetails:
    """Details of a person as given by a form, the API or a self-referral."""

    given_name: str
    family_name: str = ""
    preferred_name: str = ""
    date_of_birth: datetime.date | None = None
    nhs_number: str = ""
    sex: str = ""
    ethnicity: str = ""
    phone: str = ""
    phone_is_shared: bool = False
    email: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    care_of: str = ""
    no_fixed_abode: bool = False
    language: str = "en"
    language_detail: str = ""
    interpreter_needed: bool = False
    link_worker_sex_preference: str = ""
    communication_needs: list[str] = field(default_factory=list)
    communication_notes: str = ""
    contact_methods: list[str] = field(default_factory=list)
    no_voicemail: bool = False
    safe_times_to_call: str = ""


_TEXT_LIMITS = {
    "given_name": 100,
    "family_name": 100,
    "preferred_name": 100,
    "address_line_1": 200,
    "address_line_2": 200,
    "town": 100,
    "care_of": 200,
    "language_detail": 100,
    "communication_notes": 500,
    "safe_times_to_call": 200,
}


def person_details_clean(details: PersonDetails) -> PersonDetails:
    """Validate and normalise every field; raise one ValidationError naming every bad field."""
    errors: dict[str, list] = {}

    def check(name, fn):
        try:
            setattr(details, name, fn(getattr(details, name)))
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.error_list)

    for name, limit in _TEXT_LIMITS.items():
        value = (getattr(details, name) or "").strip()
        setattr(details, name, value)
        if len(value) > limit:
            errors.setdefault(name, []).append(
                ValidationError(
                    _("Must be %(limit)s characters or fewer") % {"limit": limit}, "max_length"
                )
            )
    if not details.given_name:
        errors.setdefault("given_name", []).append(
            ValidationError(_("Enter a first name"), "required")
        )
    check("nhs_number", validators.clean_nhs_number)
    check("phone", validators.clean_phone)
    check("postcode", validators.clean_postcode)
    check("date_of_birth", validators.clean_date_of_birth)
    details.email = (details.email or "").strip().lower()
    if details.email:
        from django.core.validators import validate_email

        try:
            validate_email(details.email)
        except ValidationError:
            errors.setdefault("email", []).append(
                ValidationError(_("Enter an email address like name@example.com"), "invalid")
            )
    choice_fields = {
        "sex": Sex.values,
        "ethnicity": Ethnicity.values,
        "link_worker_sex_preference": LinkWorkerSexPreference.values,
    }
    for name, allowed in choice_fields.items():
        value = getattr(details, name) or ""
        if value and value not in allowed:
            errors.setdefault(name, []).append(
                ValidationError(_("Select a valid option"), "invalid_choice")
            )
    if details.language not in LANGUAGE_CODES:
        errors.setdefault("language", []).append(
            ValidationError(_("Select a language from the list"), "invalid_choice")
        )
    for name, allowed in (
        ("communication_needs", CommunicationNeed.values),
        ("contact_methods", ContactMethod.values),
    ):
        values = list(dict.fromkeys(getattr(details, name) or []))
        bad = [v for v in values if v not in allowed]
        if bad:
            errors.setdefault(name, []).append(
                ValidationError(_("Select valid options"), "invalid_choice")
            )
        setattr(details, name, [v for v in values if v in allowed])
    methods = set(details.contact_methods)
    wants_phone = ContactMethod.SMS in methods or ContactMethod.PHONE in methods
    if wants_phone and not details.phone and "phone" not in errors:
        errors.setdefault("phone", []).append(
            ValidationError(
                _("Enter a phone number, or choose another way to contact you"), "required"
            )
        )
    if ContactMethod.EMAIL in methods and not details.email and "email" not in errors:
        errors.setdefault("email", []).append(
            ValidationError(
                _("Enter an email address, or choose another way to contact you"), "required"
            )
        )
    has_address = details.address_line_1 and (details.postcode or details.town)
    if ContactMethod.LETTER in methods and not has_address and "postcode" not in errors:
        errors.setdefault("address_line_1", []).append(
            ValidationError(
                _("Enter an address for letters, or choose another way to contact you"),
                "required",
            )
        )
    if details.no_fixed_abode:
        # An address typed alongside "no fixed address" is kept only as a care-of address.
        details.address_line_1 = details.address_line_1 if details.care_of else ""
    if errors:
        raise ValidationError(errors)
    return details


def _apply_area(person: Person) -> None:
    area = area_for_postcode(person.postcode) if person.postcode else None
    person.postcode_district = postcode_district(person.postcode) if person.postcode else ""
    person.lsoa11 = area.lsoa11 if area else ""
    person.imd_decile = area.imd_decile if area else None
    person.latitude = area.lat if area else None
    person.longitude = area.long if area else None


def person_create(*, actor, details: PersonDetails, channel: str = "web") -> Person:
    details = person_details_clean(details)
    person = Person(**details.__dict__)
    person.created_by = actor if getattr(actor, "is_authenticated", False) else None
    _apply_area(person)
    person.full_clean(exclude=["contact_methods", "communication_needs"])
    person.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=person, person_id=person.pk, channel=channel
    )
    return person


def consent_record(
    *, person: Person, purpose: str, given: bool, method: str, actor=None
) -> Consent:
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Select a valid option")})
    return Consent.objects.create(
        person=person,
        purpose=purpose,
        given=given,
        method=method,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def person_possible_duplicates(
    *,
    queryset: QuerySet[Person],
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: datetime.date | None = None,
    exclude_id: int | None = None,
) -> list[Person]:
    """People who may be the same person: same NHS number, or same name and date of birth."""
    match = Q(pk__in=[])
    if nhs_number:
        match |= Q(nhs_number=nhs_number)
    if given_name and family_name and date_of_birth:
        match |= Q(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
        )
    qs = queryset.filter(match)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return list(qs.distinct()[:10])
