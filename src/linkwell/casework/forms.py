"""Forms for the casework pages. They parse what was typed; services decide."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linkwell.referrals.models import Status
from linkwell.web.forms_widgets import NHSDateField

from .models import ContactMode
from .vocabulary import RISK_FLAGS

_MAX_LENGTH = {"max_length": _("Must be %(limit_value)s characters or fewer")}


class CaseloadFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any open status"))]
        + [(s.value, s.label) for s in (Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD)],
    )
    risk_only = forms.BooleanField(label=_("Only cases with risk flags"), required=False)
    interpreter_only = forms.BooleanField(
        label=_("Only people who need an interpreter"), required=False
    )
    overdue_only = forms.BooleanField(
        label=_("Only cases with an overdue next action"), required=False
    )
    measures_overdue_only = forms.BooleanField(
        label=_("Only cases with outcome measures overdue"), required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("next_action", _("Next action due")),
            ("oldest", _("Longest since referral")),
            ("last_contact", _("Longest since last contact")),
        ],
    )


class ConversationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    what_matters = forms.CharField(
        label=_("What matters to them, in their own words"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_MAX_LENGTH,
    )
    risk_flags = forms.MultipleChoiceField(
        label=_("Risk flags"),
        required=False,
        choices=RISK_FLAGS,
        widget=forms.CheckboxSelectMultiple,
    )


class ContactForm(forms.Form):
    on = NHSDateField(
        label=_("Date"),
        allow_future=False,
        required=False,
        help_text=_("Leave blank for today. For example, 15 3 2026"),
    )
    time = forms.CharField(
        label=_("Time (optional)"),
        required=False,
        max_length=5,
        help_text=_("For example, 14:30"),
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5"}),
    )
    mode = forms.ChoiceField(label=_("How"), choices=ContactMode.choices, widget=forms.RadioSelect)
    minutes = forms.IntegerField(
        label=_("Minutes spent"),
        help_text=_("Include travel for home visits. Up to 480 minutes (8 hours)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
    )
    successful = forms.TypedChoiceField(
        label=_("Did you speak to or see the person?"),
        choices=[("yes", _("Yes")), ("no", _("No, this was an attempt"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    with_interpreter = forms.BooleanField(label=_("An interpreter was used"), required=False)
    interpreter_language = forms.CharField(
        label=_("Interpreter language"), required=False, max_length=60, error_messages=_MAX_LENGTH
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        error_messages=_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_time(self):
        value = (self.cleaned_data.get("time") or "").strip()
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%H:%M").time()
        except ValueError:
            raise forms.ValidationError(_("Enter a time like 14:30")) from None

    def contact_at(self) -> datetime.datetime | None:
        on = self.cleaned_data.get("on")
        at_time = self.cleaned_data.get("time")
        if on is None and at_time is None:
            return None
        on = on or timezone.localdate()
        at_time = at_time or datetime.time(12, 0)
        return timezone.make_aware(datetime.datetime.combine(on, at_time))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "at": self.contact_at(),
            "mode": d["mode"],
            "minutes": d["minutes"],
            "successful": d["successful"],
            "with_interpreter": d["with_interpreter"],
            "interpreter_language": d["interpreter_language"],
            "notes": d["notes"],
        }


class GoalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    wording = forms.CharField(
        label=_("The goal, in the person's own words"),
        required=False,  # the service says why it is needed
        max_length=1000,
        error_messages=_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    steps = forms.CharField(
        label=_("Steps"),
        required=False,
        max_length=2000,
        error_messages=_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    who_does_what = forms.CharField(
        label=_("Who does what"),
        required=False,
        max_length=2000,
        error_messages=_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_on = NHSDateField(
        label=_("Review date"), required=False, help_text=_("For example, 15 6 2026")
    )

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("version", "wording", "steps", "who_does_what", "review_on")}


class ProgressForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How close to the goal, from 1 (not started) to 10 (achieved)?"),
        choices=[(str(n), str(n)) for n in range(1, 11)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"inline": True}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        error_messages=_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpForm(forms.Form):
    what = forms.CharField(label=_("What to do"), max_length=300, error_messages=_MAX_LENGTH)
    due = NHSDateField(label=_("Due"), help_text=_("For example, 15 6 2026"))


class ReallocateForm(forms.Form):
    link_worker = forms.TypedChoiceField(label=_("Move to"), coerce=int, choices=())

    def __init__(self, *args, link_workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link_worker"].choices = [(u.pk, u.full_name) for u in link_workers]


class DischargeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why is the case closing?"), widget=forms.RadioSelect)
    summary = forms.CharField(
        label=_("Discharge summary for the referrer"),
        help_text=_(
            "Drafted from the case. Edit it before sending: the referrer will see this, "
            "but never your notes or contacts."
        ),
        max_length=8000,
        error_messages=_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r.code, r.display_label) for r in reasons]
