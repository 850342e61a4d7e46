"""The NHS.UK date input: a form field and widget for separate day, month and year boxes.

Use ``NHSDateField`` in any Django form. It cleans to a ``datetime.date`` and
reports the errors the NHS.UK design system asks for ("Date must include a
month", "Enter a real date", "Year must include 4 numbers"). Each error records
which parts were wrong, so ``{% nhs_field %}`` only outlines those boxes in red.

    date_of_birth = NHSDateField(
        label=_("What is their date of birth?"),
        help_text=_("For example, 15 3 1984"),
        allow_future=False,
        widget=NHSDateWidget(autocomplete="bday"),
    )

The boxes are named ``<name>_day``, ``<name>_month`` and ``<name>_year`` and
their ids are ``<auto_id>_day`` and so on. The error summary links to the day box.
"""

from __future__ import annotations

import calendar
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE_PARTS = ("day", "month", "year")
PART_WIDTHS = {"day": 2, "month": 2, "year": 4}


def _part_labels():
    return {"day": _("Day"), "month": _("Month"), "year": _("Year")}


class NHSDateWidget(forms.MultiWidget):
    """Three text boxes (day, month, year) with a numeric keyboard on phones.

    ``{% nhs_field %}`` recognises this widget by ``is_nhs_date`` and renders the
    NHS.UK date input itself. Plain ``{{ field }}`` falls back to Django's
    multi-widget template (three unstyled boxes).
    """

    is_nhs_date = True
    use_fieldset = True

    def __init__(self, attrs=None, *, autocomplete: str | None = None):
        self.autocomplete = autocomplete
        widgets = {}
        for part in DATE_PARTS:
            part_attrs = {"inputmode": "numeric"}
            if autocomplete:
                # For example "bday" gives bday-day, bday-month and bday-year.
                part_attrs["autocomplete"] = f"{autocomplete}-{part}"
            widgets[part] = forms.TextInput(attrs=part_attrs)
        super().__init__(widgets, attrs)

    def decompress(self, value):
        date = _as_date(value)
        if date is None:
            return [None, None, None]
        return [str(date.day), str(date.month), str(date.year)]

    def id_for_label(self, id_):
        # The error summary and any <label for> point at the first box.
        return f"{id_}_day" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Django numbers the boxes _0, _1, _2; name them after their part instead.
        id_ = context["widget"]["attrs"].get("id")
        labels = _part_labels()
        for part, subwidget in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            if id_:
                subwidget["attrs"]["id"] = f"{id_}_{part}"
            subwidget["part"] = part
            subwidget["label"] = labels[part]
            subwidget["width"] = PART_WIDTHS[part]
        return context


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _parts_from(value) -> tuple[str, str, str] | None:
    """Return (day, month, year) as stripped strings, or None for a date/empty value."""
    if isinstance(value, (list, tuple)):
        parts = [("" if part is None else str(part)).strip() for part in value]
        parts = (parts + ["", "", ""])[:3]
        return parts[0], parts[1], parts[2]
    return None


class NHSDateField(forms.Field):
    """A date entered as day, month and year, cleaned to ``datetime.date``.

    ``allow_future=False`` refuses dates after today (dates of birth, past
    events); ``allow_past=False`` refuses dates before today. Digits in any
    script are accepted (``int()`` understands Arabic-Indic digits, for example).

    Errors carry ``params={"parts": (...)}`` naming the boxes to highlight; an
    error without parts (``form.add_error("dob", "...")``) highlights all three.
    """

    widget = NHSDateWidget
    default_error_messages = {
        "required": _("Enter a date"),
        "invalid": _("Enter a real date"),
        "missing_day": _("Date must include a day"),
        "missing_month": _("Date must include a month"),
        "missing_year": _("Date must include a year"),
        "missing_day_month": _("Date must include a day and month"),
        "missing_day_year": _("Date must include a day and year"),
        "missing_month_year": _("Date must include a month and year"),
        "year_digits": _("Year must include 4 numbers"),
        "future": _("Date must be today or in the past"),
        "past": _("Date must be today or in the future"),
    }

    def __init__(self, *, allow_future: bool = True, allow_past: bool = True, **kwargs):
        self.allow_future = allow_future
        self.allow_past = allow_past
        super().__init__(**kwargs)

    def _error(self, code: str, parts: tuple[str, ...] = DATE_PARTS) -> ValidationError:
        return ValidationError(self.error_messages[code], code=code, params={"parts": parts})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        parts = _parts_from(value)
        if parts is None:
            date = _as_date(value)
            if date is None:
                raise self._error("invalid")
            return date
        if not any(parts):
            return None

        named = dict(zip(DATE_PARTS, parts, strict=True))
        missing = tuple(part for part in DATE_PARTS if not named[part])
        if missing:
            raise self._error("missing_" + "_".join(missing), missing)

        not_numbers = tuple(part for part in DATE_PARTS if not named[part].isdecimal())
        if not_numbers:
            raise self._error("invalid", not_numbers)

        day, month, year = (int(named[part]) for part in DATE_PARTS)
        if len(named["year"]) != 4:
            raise self._error("year_digits", ("year",))
        if year < 1:
            raise self._error("invalid", ("year",))
        if not 1 <= month <= 12:
            bad = ("month",) if 1 <= day <= 31 else ("day", "month")
            raise self._error("invalid", bad)
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise self._error("invalid", ("day",))
        return datetime.date(year, month, day)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        today = timezone.localdate()
        if not self.allow_future and value > today:
            raise self._error("future")
        if not self.allow_past and value < today:
            raise self._error("past")

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            data_value = self.to_python(data)
        except ValidationError:
            return True
        try:
            initial_value = self.to_python(initial)
        except ValidationError:
            initial_value = None
        return initial_value != data_value
