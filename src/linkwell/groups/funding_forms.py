"""Forms for the funding and costs pages. They parse what was typed; groups.funding decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linkwell.web.forms_widgets import NHSDateField

from .models import FundingKind

_MAX_LENGTH = {"max_length": _("Must be %(limit_value)s characters or fewer")}


class FundingSourceForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    service = forms.ChoiceField(
        label=_("Service"),
        required=False,
        help_text=_("Leave as “Whole organisation” if the funding is not for one service."),
    )
    kind = forms.ChoiceField(label=_("Kind of funding"), choices=FundingKind.choices)
    funder = forms.CharField(
        label=_("Funder"),
        help_text=_("For example, the National Lottery Community Fund, or “Local donations”."),
        max_length=200,
        error_messages={"required": _("Enter who gives the funding."), **_MAX_LENGTH},
    )
    # Parsed by the service, so the page and the service give the same messages.
    amount = forms.CharField(
        label=_("Amount in pounds"),
        help_text=_("For funding in kind, its value in pounds."),
        max_length=20,
        error_messages={"required": _("Enter an amount in pounds, like 1250 or 1250.50.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-10"}),
    )
    period_start = NHSDateField(label=_("Funding starts"))
    period_end = NHSDateField(label=_("Funding ends"))
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_MAX_LENGTH,
    )

    def __init__(self, *args, organisations, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()
        self.fields["service"].choices = [("", _("Whole organisation"))] + [
            (str(s.pk), s.name) for s in services
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "organisation_id": data["organisation"],
            "service_id": data["service"] or None,
            "kind": data["kind"],
            "funder": data["funder"],
            "amount": data["amount"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "notes": data["notes"],
        }


class ServiceCostForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))
    cost_per_session = forms.CharField(
        label=_("Cost of one session, in pounds"),
        help_text=_("Room hire, facilitator time, materials and refreshments for one session."),
        max_length=20,
        error_messages={"required": _("Enter an amount in pounds, like 1250 or 1250.50.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-10"}),
    )
    valid_from = NHSDateField(label=_("This cost applies from"))

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(str(s.pk), s.name) for s in services]


class PeriodForm(forms.Form):
    """The period the figures are for (GET)."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must not be before the start."))
        return data
