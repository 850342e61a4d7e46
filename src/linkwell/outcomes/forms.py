"""The entry form for one measure, built from the instrument's items.

The form only collects answers; scoring rules and their messages are in the pure scorer,
reached through ``services.measurement_record``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linkwell.web.forms_widgets import NHSDateField

from .instruments import Instrument
from .models import Mode
from .vocabulary import timepoint_label
from .wording import Wording

_SCALE_HINTS = {
    "SWEMWBS": gettext_lazy("1 = none of the time, 5 = all of the time"),
    "WEMWBS": gettext_lazy("1 = none of the time, 5 = all of the time"),
}


class MeasurementForm(forms.Form):
    timepoint = forms.ChoiceField(
        label=gettext_lazy("Timepoint"),
        error_messages={"required": gettext_lazy("Choose a timepoint")},
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("How was it completed?"),
        choices=[(m.value, m.label) for m in (Mode.ASSISTED, Mode.PAPER, Mode.SELF)],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how the measure was completed")},
    )
    completed_on = NHSDateField(label=gettext_lazy("Date completed"), allow_future=False)

    def __init__(
        self,
        *args,
        instrument: Instrument,
        timepoints: list[str],
        wording: Wording | None = None,
        staff: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        if not staff:
            # The person completing it themselves answers the questions only.
            for name in ("timepoint", "mode", "completed_on"):
                del self.fields[name]
        if staff:
            self.fields["timepoint"].choices = [(c, timepoint_label(c)) for c in timepoints]
        self.item_names: list[str] = []
        for item in instrument.items:
            label = item.question or item.label
            if wording and item.key in wording.items:
                label = wording.items[item.key]
            required = _("Answer the question: %(label)s") % {"label": _(item.label)}
            if item.choices:
                choices = [(str(value), _(text)) for value, text in item.choices]
                if wording and wording.choices:
                    choices = [(v, wording.choices.get(v, t)) for v, t in choices]
                field = forms.ChoiceField(
                    label=_(label) if not wording else label,
                    choices=choices,
                    widget=forms.RadioSelect,
                    required=item.required,
                    error_messages={"required": required},
                )
            elif item.maximum is not None and item.maximum - item.minimum <= 10:
                values = range(item.minimum, item.maximum + 1)
                choices = [(str(v), str(v)) for v in values]
                if wording and wording.choices:
                    choices = [(v, wording.choices.get(v, v)) for v, _t in choices]
                field = forms.ChoiceField(
                    label=_(label) if not wording else label,
                    choices=choices,
                    widget=forms.RadioSelect(attrs={"inline": True}),
                    required=item.required,
                    help_text=_SCALE_HINTS.get(instrument.code, ""),
                    error_messages={"required": required},
                )
            else:
                field = forms.CharField(
                    label=_(label) if not wording else label,
                    required=item.required,
                    max_length=3,
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                    help_text=_("A whole number from %(minimum)s to %(maximum)s")
                    % {"minimum": item.minimum, "maximum": item.maximum},
                    error_messages={"required": required},
                )
            name = f"answer_{item.key}"
            self.fields[name] = field
            self.item_names.append(name)

    def answers(self) -> dict[str, object]:
        return {
            item.key: self.cleaned_data.get(f"answer_{item.key}") for item in self.instrument.items
        }

    def add_service_errors(self, exc) -> None:
        for key, errors in exc.message_dict.items():
            name = key if key in self.fields else f"answer_{key}"
            self.add_error(name if name in self.fields else None, errors)

    def item_fields(self):
        return [self[name] for name in self.item_names]


class SelfCompletionLinkForm(forms.Form):
    instrument = forms.ChoiceField(label=gettext_lazy("Measure"))
    timepoint = forms.ChoiceField(label=gettext_lazy("Timepoint"))
    delivery = forms.ChoiceField(
        label=gettext_lazy("How should the person get the link?"),
        widget=forms.RadioSelect,
        initial="send",
        error_messages={"required": gettext_lazy("Choose how the person gets the link")},
    )

    def __init__(
        self,
        *args,
        instruments: list[tuple[str, str]],
        timepoints: list[str],
        route: str = "",
        **kw,
    ):
        super().__init__(*args, **kw)
        self.fields["instrument"].choices = instruments
        self.fields["timepoint"].choices = [(c, timepoint_label(c)) for c in timepoints]
        send = _("Send it to them now: %(route)s") % {"route": route} if route else _("Send it")
        self.fields["delivery"].choices = [
            ("send", send),
            ("show", _("Show me the link: I will give it to them myself")),
        ]
