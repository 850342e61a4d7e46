"""Forms for the staff referral pages. They parse what was typed; services decide."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from linkwell.people.forms import PERSON_FIELDS, PersonForm
from linkwell.people.models import Person

from . import selectors
from .models import Status, Urgency
from .services import ReferralDetails

_MAX_LENGTH = {"max_length": _("Must be %(limit_value)s characters or fewer")}

# Service error keys that are not named after a form field.
_SERVICE_KEY_TO_FIELD = {"person": "existing_person", "status": None, "service": None}


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the matching fields (the rest on the form)."""
    error_dict = getattr(exc, "error_dict", None) or {None: exc.error_list}
    for key, errors in error_dict.items():
        name = _SERVICE_KEY_TO_FIELD.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        if obj.date_of_birth:
            return _("%(name)s, born %(date)s") % {
                "name": obj.full_name,
                "date": date_format(obj.date_of_birth, "j F Y"),
            }
        return obj.full_name


class ReferralForm(PersonForm):
    """A professional referral: who the person is, and what they would like help with."""

    submission_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    existing_person = PersonChoiceField(
        label=_("Is this someone your team has referred before?"),
        help_text=_("If you choose someone here, you do not need to fill in their details again."),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("No, this is someone new"),
    )
    # The answer to the possible-duplicate question: a person's id, or "new".
    duplicate_choice = forms.CharField(required=False, max_length=20)
    referrer_organisation = forms.TypedChoiceField(
        label=_("Which organisation are you referring from?"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    self_referral_by_phone = forms.BooleanField(
        label=_("This is a self-referral taken by phone"),
        help_text=_(
            "For someone who cannot use the online self-referral. "
            "It goes to your service and is recorded as a self-referral."
        ),
        required=False,
    )

    needs = forms.MultipleChoiceField(
        label=_("What would they like help with?"),
        help_text=_("Select all that apply."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason for referral"),
        help_text=_("What is happening for them, in a few sentences."),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_MAX_LENGTH,
    )
    what_matters = forms.CharField(
        label=_("What matters to them (optional)"),
        help_text=_("In their own words if you can."),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_MAX_LENGTH,
    )
    urgency = forms.ChoiceField(
        label=_("How soon should a link worker contact them?"),
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        required=False,
        widget=forms.RadioSelect,
    )
    risks = forms.CharField(
        label=_("Risks to lone working (optional)"),
        help_text=_("Anything a link worker visiting alone should know."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_MAX_LENGTH,
    )
    referrer_contact = forms.CharField(
        label=_("Your phone number or email (optional)"),
        help_text=_("So the link worker can call you back if needed."),
        max_length=200,
        required=False,
        error_messages=_MAX_LENGTH,
    )
    consent_confirmed = forms.BooleanField(
        label=_("The person has agreed to be referred and for Linkwell to hold their details"),
        required=False,
    )

    field_order = [
        "submission_id",
        "referrer_organisation",
        "self_referral_by_phone",
        "existing_person",
        "duplicate_choice",
        *PERSON_FIELDS,
    ]

    def __init__(
        self,
        *args,
        people=None,
        organisations=(),
        can_take_self_referral: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = [
            (need.code, need.display_label) for need in selectors.needs_active()
        ]
        if people is not None and people.exists():
            self.fields["existing_person"].queryset = people.order_by(
                "family_name", "given_name", "pk"
            )
        else:
            del self.fields["existing_person"]
        self.organisations = list(organisations)
        if len(self.organisations) > 1:
            self.fields["referrer_organisation"].choices = [
                (org.pk, org.name) for org in self.organisations
            ]
        else:
            del self.fields["referrer_organisation"]
        if not can_take_self_referral:
            del self.fields["self_referral_by_phone"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("existing_person") is not None:
            # Details of a known person are not typed again; ignore half-filled boxes.
            for name in PERSON_FIELDS:
                self._errors.pop(name, None)
        if (
            "referrer_organisation" in self.fields
            and not cleaned.get("self_referral_by_phone")
            and not cleaned.get("referrer_organisation")
            and "referrer_organisation" not in self._errors
        ):
            self.add_error(
                "referrer_organisation", _("Select which organisation you are referring from")
            )
        return cleaned

    def chosen_person(self) -> Person | None:
        return self.cleaned_data.get("existing_person")

    @property
    def is_phone_self_referral(self) -> bool:
        return bool(self.cleaned_data.get("self_referral_by_phone"))

    def chosen_organisation(self):
        if "referrer_organisation" in self.fields:
            wanted = self.cleaned_data.get("referrer_organisation")
            return next((o for o in self.organisations if o.pk == wanted), None)
        return self.organisations[0] if self.organisations else None

    def referral_details(self) -> ReferralDetails:
        data = self.cleaned_data
        return ReferralDetails(
            needs=list(data.get("needs") or []),
            reason=data.get("reason") or "",
            what_matters=data.get("what_matters") or "",
            urgency=data.get("urgency") or Urgency.ROUTINE,
            risks=data.get("risks") or "",
            referrer_contact=data.get("referrer_contact") or "",
            consent_confirmed=bool(data.get("consent_confirmed")),
        )


class TransitionForm(forms.Form):
    """One action on the detail page: move the referral to `target`.

    Each action has its own prefix so its fields, values and errors stay with it when the
    page is shown again after a problem.
    """

    # Moves that ask why; the service decides which of them must have a reason.
    ASKS_REASON = frozenset(
        {Status.REJECTED, Status.ON_HOLD, Status.COMPLETED, Status.CANCELLED, Status.FAILED}
    )

    reason = forms.ChoiceField(label=_("Reason"), required=False)
    reason_text = forms.CharField(
        label=_("Tell us more"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_MAX_LENGTH,
    )
    allocate_to = forms.TypedChoiceField(label=_("Allocate to"), coerce=int, required=False)

    def __init__(
        self, *args, target: str, reasons=(), link_workers=None, initial_reason="", **kwargs
    ):
        kwargs.setdefault("prefix", target)
        super().__init__(*args, **kwargs)
        self.target = target
        if target in self.ASKS_REASON:
            self.fields["reason"].choices = [("", _("Select a reason"))] + [
                (r.code, r.display_label) for r in reasons if target in (r.applies_to or [])
            ]
            self.fields["reason"].initial = initial_reason
            if target == Status.REJECTED:
                self.fields["reason"].label = _("Why is this referral not being accepted?")
            if target == Status.COMPLETED:
                self.fields["reason"].label = _("Reason (optional)")
                self.fields["reason_text"].label = _("Summary (optional)")
        else:
            del self.fields["reason"]
            del self.fields["reason_text"]
        if target == Status.ACCEPTED and link_workers is not None:
            self.fields["allocate_to"].choices = [("", _("Select a link worker"))] + [
                (u.pk, u.full_name or u.email) for u in link_workers
            ]
        else:
            del self.fields["allocate_to"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "reason_code": data.get("reason") or "",
            "reason_text": data.get("reason_text") or "",
            "allocate_to": data.get("allocate_to") or None,
        }


_REFERENCE = re.compile(r"^LW-?([A-Z0-9]{6})$")


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses"))] + list(Status.choices),
        required=False,
    )
    search = forms.CharField(
        label=_("Reference, name or NHS number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages=_MAX_LENGTH,
    )

    def __init__(self, *args, reference_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference_only = reference_only
        if reference_only:
            self.fields["search"].label = _("Referral reference")
            self.fields["search"].help_text = _("For example, LW-7KQ3MX")

    def clean_search(self):
        value = " ".join((self.cleaned_data.get("search") or "").split())
        if value and self.reference_only:
            match = _REFERENCE.match(value.upper().replace(" ", ""))
            if not match:
                raise ValidationError(
                    _("Enter a referral reference, like LW-7KQ3MX"), code="invalid"
                )
            value = f"LW-{match.group(1)}"
        return value
