"""The matching preferences form (GET): used by the matches page and the matches API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linkwell.people.vocabulary import LANGUAGE_CHOICES

from . import matching

DISTANCE_CHOICES = [
    ("", _("Any distance")),
    ("1", _("Within 1 mile")),
    ("2", _("Within 2 miles")),
    ("5", _("Within 5 miles")),
    ("10", _("Within 10 miles")),
    ("20", _("Within 20 miles")),
]
DEFAULT_MAX_MILES = "10"
DAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
TIME_CHOICES = [
    ("morning", _("Morning (before 12pm)")),
    ("afternoon", _("Afternoon (12pm to 5pm)")),
    ("evening", _("Evening (after 5pm)")),
]


class MatchPreferencesForm(forms.Form):
    free_only = forms.BooleanField(label=_("Free activities only"), required=False)
    max_miles = forms.ChoiceField(
        label=_("How far they can travel"), choices=DISTANCE_CHOICES, required=False
    )
    days = forms.MultipleChoiceField(
        label=_("Days they are free"),
        help_text=_("Leave empty if any day suits."),
        choices=DAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    times = forms.MultipleChoiceField(
        label=_("Times of day they are free"),
        help_text=_("Leave empty if any time suits."),
        choices=TIME_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language for the activity"),
        choices=[("", _("Their preferred language"))] + list(LANGUAGE_CHOICES),
        required=False,
    )

    def preferences(self) -> matching.Preferences:
        """Preferences from the cleaned data. Days without times mean any time that day, and
        times without days any day at that time."""
        d = self.cleaned_data
        days = d.get("days") or []
        times = d.get("times") or []
        availability = frozenset()
        if days or times:
            availability = frozenset(
                (day, part)
                for day in (days or matching.DAYS)
                for part in (times or matching.TIMES_OF_DAY)
            )
        miles = d.get("max_miles")
        return matching.Preferences(
            free_only=bool(d.get("free_only")),
            max_distance_km=float(miles) * matching.KM_PER_MILE if miles else None,
            availability=availability,
            language=d.get("language") or None,
        )
