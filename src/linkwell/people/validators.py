"""Validation and normalisation shared by forms, the API and services, so they never diverge."""

from __future__ import annotations

import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from nhs_number import is_valid as nhs_number_is_valid

from linkwell.lib.postcode import InvalidPostcode, normalise_postcode


def clean_nhs_number(raw: str) -> str:
    """Return the 10 digits of a valid NHS number, or '' for blank. Spaces and dashes allowed."""
    value = "".join(ch for ch in (raw or "") if not ch.isspace() and ch != "-")
    if not value:
        return ""
    if not value.isdigit() or len(value) != 10:
        raise ValidationError(_("Enter an NHS number with 10 digits, like 485 777 3456"), "invalid")
    if not nhs_number_is_valid(value):
        raise ValidationError(
            _("Enter a valid NHS number. Check the digits: this one is not a real NHS number"),
            "checksum",
        )
    return value


# Ofcom reserves these ranges for drama and examples; the demo uses them so no real phone rings.
_OFCOM_DRAMA_PREFIXES = ("7700900", "1914980", "1632960", "2079460", "1134960")


def _is_drama_number(parsed) -> bool:
    national = str(parsed.national_number)
    return (
        parsed.country_code == 44
        and len(national) == 10
        and national.startswith(_OFCOM_DRAMA_PREFIXES)
    )


def clean_phone(raw: str) -> str:
    """Return a UK or international number in E.164 form, or '' for blank."""
    value = (raw or "").strip()
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Enter a phone number, like 07700 900 982 or 0191 496 0000"), "invalid"
        ) from None
    if not (phonenumbers.is_valid_number(parsed) or _is_drama_number(parsed)):
        raise ValidationError(
            _("Enter a real phone number, like 07700 900 982 or 0191 496 0000"), "invalid"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, "GB")
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)


def is_mobile(e164: str) -> bool:
    try:
        parsed = phonenumbers.parse(e164, "GB")
    except phonenumbers.NumberParseException:
        return False
    if _is_drama_number(parsed):
        return str(parsed.national_number).startswith("7")
    return phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def clean_postcode(raw: str) -> str:
    value = (raw or "").strip()
    if not value:
        return ""
    try:
        return normalise_postcode(value)
    except InvalidPostcode:
        raise ValidationError(_("Enter a real postcode, like SR1 3AA"), "invalid") from None


def clean_date_of_birth(value: datetime.date | None) -> datetime.date | None:
    if value is None:
        return None
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("Date of birth must be in the past"), "future")
    if value.year < today.year - 120:
        raise ValidationError(
            _("Enter a date of birth after %(year)s") % {"year": today.year - 120}, "too_old"
        )
    return value
