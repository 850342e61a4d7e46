"""The person's details as staff type them in. Parsing only: people.services validates.

The form keeps every field optional and hands what was typed to `person_details_clean`
(through the referral service), so the rules and messages live in one place and are the
same for pages, the API and the self-referral.
"""

from __future__ import annotations

from dataclasses import fields

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linkwell.web.forms_widgets import NHSDateField, NHSDateWidget

from . import validators
from .services import PersonDetails
from .vocabulary import (
    LANGUAGE_CHOICES,
    CommunicationNeed,
    ContactMethod,
    Ethnicity,
    LinkWorkerSexPreference,
    Sex,
)

PERSON_FIELDS = tuple(f.name for f in fields(PersonDetails))


def _text(label, *, max_length, autocomplete="", hint="", input_type="text", **attrs):
    widget = forms.TextInput(
        attrs={**attrs, **({"autocomplete": autocomplete} if autocomplete else {})}
    )
    widget.input_type = input_type
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=hint,
        widget=widget,
        error_messages={"max_length": _("Must be %(limit_value)s characters or fewer")},
    )


class PersonForm(forms.Form):
    """About the person, their language, communication needs and how to contact them."""

    given_name = _text(
        _("First name"), max_length=100, autocomplete="given-name", spellcheck="false"
    )
    family_name = _text(
        _("Last name"), max_length=100, autocomplete="family-name", spellcheck="false"
    )
    preferred_name = _text(
        _("Name they like to be called (optional)"), max_length=100, autocomplete="nickname"
    )
    date_of_birth = NHSDateField(
        label=_("Date of birth"),
        help_text=_("For example, 15 3 1984"),
        required=False,
        widget=NHSDateWidget(autocomplete="bday"),
    )
    nhs_number = _text(
        _("NHS number (optional)"),
        max_length=20,
        hint=_("This is a 10 digit number, like 485 777 3456"),
        inputmode="numeric",
        spellcheck="false",
    )
    sex = forms.ChoiceField(
        label=_("Sex (optional)"), choices=Sex.choices, required=False, widget=forms.RadioSelect
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnic group (optional)"),
        help_text=_("Ethnic groups from the 2021 census. Only record what the person told you."),
        choices=[("", _("Not asked"))] + list(Ethnicity.choices),
        required=False,
    )

    phone = _text(_("Phone number (optional)"), max_length=30, autocomplete="tel", input_type="tel")
    phone_is_shared = forms.BooleanField(
        label=_("The phone is shared, or it is not safe to leave messages on it"),
        required=False,
    )
    email = _text(
        _("Email address (optional)"),
        max_length=254,
        autocomplete="email",
        input_type="email",
        spellcheck="false",
    )
    address_line_1 = _text(
        _("Address line 1 (optional)"), max_length=200, autocomplete="address-line1"
    )
    address_line_2 = _text(
        _("Address line 2 (optional)"), max_length=200, autocomplete="address-line2"
    )
    town = _text(_("Town or city (optional)"), max_length=100, autocomplete="address-level2")
    postcode = _text(
        _("Postcode (optional)"), max_length=10, autocomplete="postal-code", spellcheck="false"
    )
    no_fixed_abode = forms.BooleanField(label=_("They have no fixed address"), required=False)
    care_of = _text(
        _("Care of (optional)"),
        max_length=200,
        hint=_("If letters should go to someone else's address, their name or organisation."),
    )

    language = forms.ChoiceField(
        label=_("Preferred language"), choices=LANGUAGE_CHOICES, initial="en", required=False
    )
    language_detail = _text(
        _("Dialect or other language (optional)"),
        max_length=100,
        hint=_("For example Sylheti, or a language not in the list."),
    )
    interpreter_needed = forms.BooleanField(label=_("They need an interpreter"), required=False)
    communication_needs = forms.MultipleChoiceField(
        label=_("Communication needs (optional)"),
        help_text=_("Select all that apply."),
        choices=CommunicationNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    communication_notes = forms.CharField(
        label=_("Other communication needs (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Must be %(limit_value)s characters or fewer")},
    )

    contact_methods = forms.MultipleChoiceField(
        label=_("How do they want to be contacted?"),
        help_text=_("Select all that apply."),
        choices=ContactMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    no_voicemail = forms.BooleanField(label=_("Do not leave voicemail"), required=False)
    safe_times_to_call = _text(
        _("Safe times to call (optional)"),
        max_length=200,
        hint=_("For example, weekday mornings only."),
    )
    link_worker_sex_preference = forms.ChoiceField(
        label=_("Would they prefer a link worker who is…"),
        choices=LinkWorkerSexPreference.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def person_details(self) -> PersonDetails:
        data = self.cleaned_data
        values = {}
        for name in PERSON_FIELDS:
            value = data.get(name)
            if name == "language":
                value = value or "en"
            elif isinstance(self.fields[name], forms.BooleanField):
                value = bool(value)
            elif isinstance(self.fields[name], forms.MultipleChoiceField):
                value = list(value or [])
            elif name != "date_of_birth":
                value = value or ""
            values[name] = value
        return PersonDetails(**values)

    def matching_terms(self) -> dict:
        """What `person_possible_duplicates` compares, normalised the way records are stored."""
        data = self.cleaned_data
        try:
            nhs_number = validators.clean_nhs_number(data.get("nhs_number") or "")
        except ValidationError:
            nhs_number = ""
        return {
            "nhs_number": nhs_number,
            "given_name": data.get("given_name") or "",
            "family_name": data.get("family_name") or "",
            "date_of_birth": data.get("date_of_birth"),
        }
