"""Forms for the provider inbox. They parse what was typed; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linkwell.referrals.models import Status

from .models import DeclineReason
from .onward import INBOX_STATUSES


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status"))] + [
            (s.value, s.label) for s in (Status(code) for code in INBOX_STATUSES)
        ]
        self.fields["service"].choices = [("", _("All your services"))] + [
            (str(s.pk), s.name) for s in services
        ]


class RespondForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[
            (Status.ACCEPTED, _("Accept: we will contact them")),
            (Status.ON_HOLD, _("Put on the waitlist")),
            (Status.REJECTED, _("Decline")),
        ],
        error_messages={"required": _("Choose accept, waitlist or decline")},
    )
    reason = forms.ChoiceField(
        label=_("Reason (needed to decline)"),
        required=False,
        choices=[("", _("Choose a reason"))]
        + [(c.value, c.label) for c in DeclineReason if c != DeclineReason.NO_RESPONSE],
    )
    reason_text = forms.CharField(
        label=_("More about the reason (optional, needed for “other”)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProgressForm(forms.Form):
    """After accepting: the person started, or finished."""

    to_status = forms.ChoiceField(
        label=_("Update"),
        widget=forms.RadioSelect,
        choices=[
            (Status.IN_PROGRESS, _("They have started")),
            (Status.COMPLETED, _("They have finished")),
        ],
    )
