"""The period and area filter shared by the dashboard page, its exports and the API."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dashboard import Period, default_period

AREA_ALL = ""
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class PeriodForm(forms.Form):
    """GET ?from=YYYY-MM-DD&to=YYYY-MM-DD&area=DISTRICT (all optional)."""

    start = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date, for example 2026-01-31")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date, for example 2026-01-31")},
    )
    area = forms.CharField(
        label=_("Area (postcode district)"),
        required=False,
        max_length=4,
        help_text=_("For example SR4. Leave blank for every area."),
    )

    def __init__(self, *args, today: datetime.date | None = None, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        # The query string uses from= and to= (as the API does).
        self.fields["from"] = self.fields.pop("start")
        self.fields["to"] = self.fields.pop("end")
        self.fields["area"] = self.fields.pop("area")
        if areas:
            self.fields["area"] = forms.ChoiceField(
                label=_("Area (postcode district)"),
                required=False,
                choices=[(AREA_ALL, _("All areas")), *((a, a) for a in areas)],
            )

    def clean_area(self) -> str:
        area = (self.cleaned_data.get("area") or "").strip().upper().replace(" ", "")
        if area and not DISTRICT.match(area):
            raise forms.ValidationError(_("Enter a postcode district, for example SR4"))
        return area

    def clean(self):
        data = super().clean()
        default = default_period(self.today)
        start = data.get("from") or default.start
        end = data.get("to") or default.end
        if "from" not in self.errors and start > self.today:
            self.add_error("from", _("The start date must be today or in the past"))
        if "to" not in self.errors and end > self.today:
            self.add_error("to", _("The end date must be today or in the past"))
        if not self.errors and start > end:
            self.add_error("to", _("The end date must be the same as or after the start date"))
        data["period"] = Period(start, end, data.get("area") or AREA_ALL)
        return data

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]


def parse_quarter(value: str, *, today: datetime.date | None = None) -> Period:
    """'2026-Q3' -> 1 July to 30 September 2026; ValueError when malformed or in the future."""
    match = QUARTER.match((value or "").strip().upper())
    if not match:
        raise ValueError(_("Give the quarter as YYYY-Qn, for example 2026-Q3"))
    year, q = int(match.group(1)), int(match.group(2))
    start = datetime.date(year, 3 * q - 2, 1)
    end_month = 3 * q
    following = datetime.date(year + (end_month == 12), end_month % 12 + 1, 1)
    end = following - datetime.timedelta(days=1)
    today = today or timezone.localdate()
    if start > today:
        raise ValueError(_("That quarter has not started yet"))
    return Period(start, min(end, today))


def current_quarter(today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
