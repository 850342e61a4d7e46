"""Forms for onward referrals from a case: what to share (item by item), consent, unmet needs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linkwell.groups.models import MAX_SHARED_NOTE, DeclineReason


class OnwardReferralForm(forms.Form):
    """Nothing is ticked by default: the link worker shares only what the person agreed to."""

    share = forms.MultipleChoiceField(
        label=_("What to share with the service"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what you tick is shared. Nothing else from the record is."),
    )
    note = forms.CharField(
        label=_("A short note for the service (optional)"),
        required=False,
        max_length=MAX_SHARED_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Up to 500 characters. No medical details unless the person asked."),
        error_messages={"max_length": _("Keep the note to %(limit_value)s characters or fewer")},
    )
    consent = forms.BooleanField(
        label=_("The person agreed to share this with the service"),
        required=False,
    )

    def __init__(self, *args, share_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share"].choices = list(share_choices)


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why"),
        required=False,
        choices=[("", _("Choose a reason"))]
        + [
            (c.value, c.label)
            for c in (
                DeclineReason.PERSON_DECLINED,
                DeclineReason.NOT_SUITABLE,
                DeclineReason.OTHER,
            )
        ],
    )
    reason_text = forms.CharField(label=_("More about it"), required=False, max_length=500)


class UnmetNeedForm(forms.Form):
    need = forms.CharField(widget=forms.HiddenInput, max_length=48)
    note = forms.CharField(
        label=_("What was missing (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput,
    )
