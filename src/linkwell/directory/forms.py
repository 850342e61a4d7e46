"""Forms for the directory pages. They parse what was typed; services decide."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from linkwell.lib.postcode import InvalidPostcode, normalise_postcode
from linkwell.people.vocabulary import LANGUAGE_CHOICES
from linkwell.web.forms_widgets import NHSDateField

from .models import (
    AccessibilityFeature,
    ListingReport,
    ServiceStatus,
    TargetGroup,
    TaxonomyTerm,
)
from .selectors import DAYS
from .services import service_location_postcode_error, valid_byday
from .vocabulary import LINKWELL_TAXONOMY_ID

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
DISTANCE_CHOICES = [
    ("1", _("Within 1 mile")),
    ("2", _("Within 2 miles")),
    ("5", _("Within 5 miles")),
    ("10", _("Within 10 miles")),
]
KM_PER_MILE = 1.609344


def _english_language_names() -> dict[str, str]:
    """code -> English name (stored in listings, whatever language the provider reads in)."""
    with translation.override("en"):
        return {code: str(name) for code, name in LANGUAGE_CHOICES}


def _vocab_choices(model):
    return [(v.code, v.display_label) for v in model.objects.filter(disabled_on__isnull=True)]


def _term_choices():
    return [
        (str(t.pk), t.display_label)
        for t in TaxonomyTerm.objects.filter(
            taxonomy_id=LINKWELL_TAXONOMY_ID, disabled_on__isnull=True
        )
    ]


def _need_choices():
    from linkwell.referrals.models import Need

    return [(n.code, n.display_label) for n in Need.objects.filter(disabled_on__isnull=True)]


def add_service_errors(form: forms.Form, exc: ValidationError, key_map=None) -> None:
    """Put a service's ValidationError onto the matching fields (the rest on the form)."""
    error_dict = getattr(exc, "error_dict", None) or {None: exc.error_list}
    for key, errors in error_dict.items():
        name = (key_map or {}).get(key, key)
        form.add_error(name if name in form.fields else None, errors)


class SearchForm(forms.Form):
    """The public search filters. Everything optional; bad values are ignored, not fatal."""

    q = forms.CharField(label=_("What are you looking for?"), required=False, max_length=200)
    need = forms.ChoiceField(label=_("Type of help"), required=False)
    day = forms.ChoiceField(
        label=_("Day"), required=False, choices=[("", _("Any day")), *DAY_CHOICES]
    )
    time = forms.ChoiceField(
        label=_("Time of day"), required=False, choices=[("", _("Any time")), *TIME_CHOICES]
    )
    free = forms.BooleanField(label=_("Free only"), required=False)
    language = forms.ChoiceField(label=_("Language spoken"), required=False)
    access = forms.ChoiceField(label=_("Accessibility"), required=False)
    group = forms.ChoiceField(label=_("Who it is for"), required=False)
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120)
    postcode = forms.CharField(label=_("Near postcode"), required=False, max_length=10)
    distance = forms.ChoiceField(
        label=_("Distance"),
        required=False,
        choices=[("", _("Any distance")), *DISTANCE_CHOICES],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", _("Any")), *_need_choices()]
        self.fields["language"].choices = [
            ("", _("Any language")),
            *[(c, n) for c, n in LANGUAGE_CHOICES if c != "other"],
        ]
        self.fields["access"].choices = [("", _("Any")), *_vocab_choices(AccessibilityFeature)]
        self.fields["group"].choices = [("", _("Anyone")), *_vocab_choices(TargetGroup)]
        for name in ("q", "postcode"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["postcode"].widget.attrs["autocomplete"] = "postal-code"

    def search_kwargs(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}
        km = None
        if data.get("distance") and data.get("postcode"):
            km = float(data["distance"]) * KM_PER_MILE
        return {
            "text": data.get("q"),
            "needs": [data["need"]] if data.get("need") else [],
            "day": data.get("day"),
            "time": data.get("time"),
            "free_only": bool(data.get("free")),
            "language": data.get("language"),
            "accessibility": data.get("access"),
            "target_group": data.get("group"),
            "age": data.get("age"),
            "near_postcode": data.get("postcode"),
            "within_km": km,
        }


class ServiceForm(forms.Form):
    """What a provider can change in its listing, in NHS.UK form shape."""

    name = forms.CharField(label=_("Name of the service or group"), max_length=255)
    description = forms.CharField(
        label=_("What happens"),
        help_text=_("Say what people do, in plain words."),
        widget=forms.Textarea,
        required=False,
    )
    status = forms.ChoiceField(label=_("Is it running?"), choices=ServiceStatus.choices)
    eligibility_description = forms.CharField(
        label=_("Who it is for"), widget=forms.Textarea, required=False
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Is it only for some people?"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    taxonomy_terms = forms.MultipleChoiceField(
        label=_("What kind of activity or support is it?"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minimum_age = forms.IntegerField(label=_("Youngest age"), required=False)
    maximum_age = forms.IntegerField(label=_("Oldest age"), required=False)
    application_process = forms.CharField(
        label=_("How to join"),
        help_text=_("For example: just turn up, phone first, or ask a link worker to refer you."),
        widget=forms.Textarea,
        required=False,
    )
    accepts_referrals = forms.TypedChoiceField(
        label=_("Do you accept referrals from link workers?"),
        choices=[("yes", _("Yes")), ("no", _("No, people just turn up or contact us"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    places_per_session = forms.IntegerField(label=_("Places per session"), required=False)
    culturally_specific_notes = forms.CharField(
        label=_("Culturally specific information"),
        help_text=_("For example: women-only space, halal food, prayer room nearby."),
        widget=forms.Textarea,
        required=False,
    )
    languages = forms.CharField(
        label=_("Languages spoken"),
        help_text=_(
            "One per line. Add a note after a dash, for example: Bengali - a volunteer on Tuesdays"
        ),
        widget=forms.Textarea,
        required=False,
    )
    is_free = forms.TypedChoiceField(
        label=_("Does it cost anything?"),
        choices=[("yes", _("No, it is free")), ("no", _("Yes"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    cost_amount = forms.DecimalField(
        label=_("Cost per session in pounds"), required=False, decimal_places=2
    )
    fees_description = forms.CharField(label=_("About the cost"), required=False)
    comment = forms.CharField(
        label=_("What did you change?"),
        help_text=_("This helps the directory editor check it."),
        required=False,
        widget=forms.Textarea,
    )

    # Row errors (byday, opens_at, postcode…) are caught per row by the formsets below; any
    # the service still finds are shown at the top of the form.
    SERVICE_KEY_TO_FIELD = {"amount": "cost_amount"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].choices = _vocab_choices(TargetGroup)
        self.fields["taxonomy_terms"].choices = _term_choices()
        for name in ("minimum_age", "maximum_age", "places_per_session"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean(self):
        # The same checks as services.service_clean, here so they show together with any
        # errors in the rows of times and places (the service still has the last word).
        cd = super().clean()
        for name in ("minimum_age", "maximum_age", "places_per_session"):
            if cd.get(name) is not None and cd[name] < 0:
                self.add_error(
                    name,
                    _("Places per session cannot be negative.")
                    if name == "places_per_session"
                    else _("Age cannot be negative."),
                )
        low, high = cd.get("minimum_age"), cd.get("maximum_age")
        if low is not None and high is not None and low >= 0 and low > high:
            self.add_error(
                "maximum_age", _("Maximum age must be the same as or more than the minimum age.")
            )
        return cd

    def clean_languages(self):
        rows = []
        english = _english_language_names()
        by_name = {name.casefold(): code for code, name in english.items()}
        by_name.update({str(name).casefold(): code for code, name in LANGUAGE_CHOICES})
        for line in (self.cleaned_data.get("languages") or "").splitlines():
            if not line.strip():
                continue
            parts = re.split(r"\s+[-–—]\s+", line.strip(), maxsplit=1)
            name = parts[0].strip()
            note = parts[1].strip() if len(parts) > 1 else ""
            code = by_name.get(name.casefold())
            if code is None and name.lower() in english:
                code = name.lower()
            if code is None:
                raise ValidationError(
                    _("We do not know the language “%(name)s”. Use its English name."),
                    params={"name": name},
                )
            rows.append({"code": code, "name": english[code], "note": note})
        return rows

    @staticmethod
    def initial_from(data: dict) -> dict:
        """Form values from a listing's `data` (a snapshot)."""
        initial = {k: data.get(k) for k in data if not isinstance(data.get(k), list)}
        initial["accepts_referrals"] = "yes" if data.get("accepts_referrals") else "no"
        initial["target_groups"] = data.get("target_groups", [])
        initial["taxonomy_terms"] = data.get("taxonomy_terms", [])
        initial["languages"] = "\n".join(
            f"{lang['name']} - {lang['note']}" if lang.get("note") else lang["name"]
            for lang in data.get("languages", [])
        )
        costs = [
            c for c in data.get("cost_options", []) if c.get("amount") not in (None, "0", "0.00")
        ]
        initial["is_free"] = "no" if costs else "yes"
        initial["cost_amount"] = costs[0]["amount"] if costs else None
        return initial

    def to_data(self, base: dict | None = None) -> dict:
        """The listing `data` this form describes, on top of `base` (the current content), so
        what the form does not show is kept. Times, places and phones come from the formsets
        (see ServiceEditor)."""
        cd = self.cleaned_data
        data = dict(base or {})
        for f in (
            "name",
            "description",
            "status",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "application_process",
            "accepts_referrals",
            "places_per_session",
            "culturally_specific_notes",
            "fees_description",
            "target_groups",
            "taxonomy_terms",
            "languages",
        ):
            data[f] = cd.get(f)
        if cd.get("is_free"):
            data["cost_options"] = [{"option": "Free", "amount": "0", "amount_description": ""}]
        else:
            amount = cd.get("cost_amount")
            data["cost_options"] = [
                {
                    "option": "Per session",
                    "amount": None if amount is None else str(amount),
                    "amount_description": cd.get("fees_description") or "",
                }
            ]
        return data


def _row_number(form: forms.Form) -> int:
    """1-based position of a formset row, from its prefix ("schedules-2" -> 3)."""
    try:
        return int((form.prefix or "").rsplit("-", 1)[-1]) + 1
    except ValueError:
        return 1


class ScheduleForm(forms.Form):
    """One time the service meets (an RFC 5545 weekly or monthly rule)."""

    freq = forms.ChoiceField(
        label=_("How often"),
        choices=[("WEEKLY", _("Every week")), ("MONTHLY", _("Every month"))],
        initial="WEEKLY",
        required=False,
    )
    byday = forms.CharField(
        label=_("Day"),
        help_text=_(
            "MO, TU, WE, TH, FR, SA or SU. Separate more than one day with commas. "
            "For a monthly group put the week first, for example 1MO for the first Monday "
            "or -1FR for the last Friday."
        ),
        required=False,
        max_length=100,
    )
    opens_at = forms.TimeField(
        label=_("Starts at"), required=False, help_text=_("For example, 10:00")
    )
    closes_at = forms.TimeField(
        label=_("Ends at"), required=False, help_text=_("For example, 12:00")
    )
    description = forms.CharField(
        label=_("Notes about this time"),
        help_text=_("For example: term time only, or not on bank holidays."),
        required=False,
        max_length=500,
    )
    valid_from = NHSDateField(
        label=_("Runs from (optional)"), help_text=_("For example, 1 9 2026"), required=False
    )
    valid_to = NHSDateField(
        label=_("Runs until (optional)"), help_text=_("For example, 31 7 2027"), required=False
    )

    CONTENT = ("byday", "opens_at", "closes_at", "description", "valid_from", "valid_to")

    def clean(self):
        cd = super().clean()
        if cd.get("DELETE") or not any(cd.get(f) for f in self.CONTENT):
            return cd
        n = _row_number(self)
        byday = (cd.get("byday") or "").upper().replace(" ", "")
        cd["byday"] = byday
        if byday and not valid_byday(byday):
            self.add_error(
                "byday",
                _(
                    "Time %(n)s: enter days as MO, TU, WE, TH, FR, SA or SU "
                    "(for example TU, or 1MO for the first Monday)"
                )
                % {"n": n},
            )
        elif not byday and (cd.get("opens_at") or cd.get("closes_at")):
            self.add_error("byday", _("Time %(n)s: enter the day") % {"n": n})
        opens, closes = cd.get("opens_at"), cd.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "closes_at",
                _("Time %(n)s: the end time must be after the start time") % {"n": n},
            )
        start, end = cd.get("valid_from"), cd.get("valid_to")
        if start and end and end < start:
            self.add_error(
                "valid_to",
                _("Time %(n)s: the end date must be the same as or after the start date")
                % {"n": n},
            )
        return cd

    def row(self) -> dict | None:
        cd = self.cleaned_data
        if not cd or cd.get("DELETE") or not any(cd.get(f) for f in self.CONTENT):
            return None
        return {
            "freq": cd.get("freq") or "WEEKLY",
            "byday": cd.get("byday") or "",
            "opens_at": cd["opens_at"].strftime("%H:%M") if cd.get("opens_at") else None,
            "closes_at": cd["closes_at"].strftime("%H:%M") if cd.get("closes_at") else None,
            "description": cd.get("description") or "",
            "valid_from": cd["valid_from"].isoformat() if cd.get("valid_from") else None,
            "valid_to": cd["valid_to"].isoformat() if cd.get("valid_to") else None,
        }


class LocationForm(forms.Form):
    """One place the service meets. `id` keeps the link to a place already known."""

    id = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name of the place"), required=False, max_length=255)
    address_1 = forms.CharField(label=_("Address line 1"), required=False, max_length=255)
    address_2 = forms.CharField(label=_("Address line 2"), required=False, max_length=255)
    city = forms.CharField(label=_("Town or city"), required=False, max_length=255)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    transportation = forms.CharField(
        label=_("Getting there"),
        help_text=_("For example: buses 2 and 3 stop outside, car park behind the building."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility"), widget=forms.CheckboxSelectMultiple, required=False
    )

    CONTENT = ("name", "address_1", "address_2", "city", "postcode", "transportation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accessibility"].choices = _vocab_choices(AccessibilityFeature)
        self.fields["postcode"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        cd = super().clean()
        if cd.get("DELETE") or not any(cd.get(f) for f in self.CONTENT):
            if cd.get("accessibility") and not cd.get("DELETE"):
                self.add_error(
                    "name",
                    _("Place %(n)s: enter the name or address of the place")
                    % {"n": _row_number(self)},
                )
            return cd
        n = _row_number(self)
        postcode = (cd.get("postcode") or "").strip()
        if postcode:
            try:
                cd["postcode"] = normalise_postcode(postcode)
            except InvalidPostcode as exc:
                self.add_error(
                    "postcode", _("Place %(n)s: %(error)s") % {"n": n, "error": _(exc.message)}
                )
            else:
                unknown = service_location_postcode_error(cd["postcode"])
                if unknown:
                    self.add_error(
                        "postcode",
                        _("Place %(n)s: %(error)s Check it, so people can find the place.")
                        % {"n": n, "error": unknown},
                    )
        elif cd.get("address_1"):
            self.add_error("postcode", _("Place %(n)s: enter the postcode") % {"n": n})
        return cd

    def row(self) -> dict | None:
        cd = self.cleaned_data
        if not cd or cd.get("DELETE") or not any(cd.get(f) for f in self.CONTENT):
            return None
        return {
            "id": cd.get("id") or None,
            **{f: (cd.get(f) or "").strip() for f in self.CONTENT},
            "accessibility": cd.get("accessibility") or [],
        }


class PhoneForm(forms.Form):
    number = forms.CharField(label=_("Phone number"), required=False, max_length=50)
    description = forms.CharField(
        label=_("What this number is for (optional)"),
        help_text=_("For example: bookings, or the group leader on session days."),
        required=False,
        max_length=255,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget.attrs.update({"type": "tel", "autocomplete": "off"})

    def clean(self):
        cd = super().clean()
        if not cd.get("DELETE") and cd.get("description") and not cd.get("number"):
            self.add_error(
                "number", _("Phone %(n)s: enter the phone number") % {"n": _row_number(self)}
            )
        return cd

    def row(self) -> dict | None:
        cd = self.cleaned_data
        if not cd or cd.get("DELETE") or not (cd.get("number") or "").strip():
            return None
        return {"number": cd["number"].strip(), "description": cd.get("description") or ""}


class RowFormSet(forms.BaseFormSet):
    """Rows a provider adds and removes without JavaScript: one blank row is always offered,
    "Add another" re-renders with one more (see ServiceEditor), "Remove" drops a row."""

    legend = ""
    remove_label = _("Remove")

    def __init__(self, *args, extra: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if extra is not None:
            self.extra = extra

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.remove_label

    def rows(self) -> list[dict]:
        return [r for r in (form.row() for form in self.forms) if r is not None]


def _row_formset(form, *, max_num, remove_label):
    return forms.formset_factory(
        form,
        formset=type(f"{form.__name__}Set", (RowFormSet,), {"remove_label": remove_label}),
        extra=1,
        can_delete=True,
        max_num=max_num,
        validate_max=True,
        absolute_max=max_num,
    )


ScheduleFormSet = _row_formset(ScheduleForm, max_num=30, remove_label=_("Remove this time"))
LocationFormSet = _row_formset(LocationForm, max_num=30, remove_label=_("Remove this place"))
PhoneFormSet = _row_formset(PhoneForm, max_num=10, remove_label=_("Remove this number"))


class ServiceEditor:
    """The whole listing form: ServiceForm plus a formset for every time, place and phone.

    - Unbound (`data=None`): filled from a listing's `data` snapshot, with one blank row each.
    - Bound: what was posted. `add` (a formset prefix) means "Add another" was pressed: the
      editor is rebuilt unbound from what was typed, with one more blank row in that set, so
      nothing is validated or lost and no JavaScript is needed.
    """

    SETS = {
        "schedules": ScheduleFormSet,
        "locations": LocationFormSet,
        "phones": PhoneFormSet,
    }

    def __init__(self, data=None, *, listing: dict | None = None, initial: dict | None = None):
        listing = listing or {}
        if data is None:
            self.form = ServiceForm(
                initial={**ServiceForm.initial_from(listing), **(initial or {})}
            )
            self.formsets = {
                prefix: cls(prefix=prefix, initial=self._rows(prefix, listing))
                for prefix, cls in self.SETS.items()
            }
        else:
            self.form = ServiceForm(data)
            self.formsets = {prefix: cls(data, prefix=prefix) for prefix, cls in self.SETS.items()}

    @staticmethod
    def _rows(prefix: str, listing: dict) -> list[dict]:
        rows = [dict(r) for r in listing.get(prefix) or []]
        if prefix == "locations":
            for row in rows:
                row["id"] = row.get("id") or ""
        return rows

    @classmethod
    def adding(cls, data, prefix: str) -> ServiceEditor:
        """The editor re-shown with one more blank row in `prefix` (nothing saved)."""
        posted = cls(data)
        editor = cls.__new__(cls)
        editor.form = ServiceForm(initial={n: bf.value() for n, bf in _bound(posted.form)})
        editor.formsets = {}
        for name, cls_ in cls.SETS.items():
            fs = posted.formsets[name]
            try:
                rows = [
                    {n: bf.value() for n, bf in _bound(f) if n != "DELETE"}
                    for f in fs.forms
                    if not fs.can_delete or not f["DELETE"].value()
                ]
            except ValidationError:  # a tampered management form: start that set again
                rows = []
            editor.formsets[name] = cls_(
                prefix=name, initial=rows, extra=1 if name == prefix else 0
            )
            if name != prefix and not rows:
                editor.formsets[name].extra = 1
        return editor

    @property
    def comment(self) -> str:
        return self.form.cleaned_data.get("comment") or ""

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] + [fs.is_valid() for fs in self.formsets.values()]
        return all(results)

    def to_data(self, base: dict | None = None) -> dict:
        data = self.form.to_data(base)
        for prefix, fs in self.formsets.items():
            data[prefix] = fs.rows()
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        add_service_errors(self.form, exc, ServiceForm.SERVICE_KEY_TO_FIELD)

    def all_forms(self) -> list:
        return [self.form, *self.formsets.values()]


def _bound(form: forms.Form):
    return ((name, form[name]) for name in form.fields)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs to change?"),
        help_text=_("The provider sees this comment."),
        widget=forms.Textarea,
        required=False,
    )


class ReportForm(forms.Form):
    problem = forms.ChoiceField(
        label=_("What is wrong with this listing?"),
        choices=ListingReport.Problem.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Tell us more (optional)"), widget=forms.Textarea, required=False, max_length=2000
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), required=False)
    reporter_email = forms.EmailField(
        label=_("Your email (optional)"),
        help_text=_("Only if you are happy for the directory team to contact you about this."),
        required=False,
    )


__all__ = [
    "DAYS",
    "SearchForm",
    "ServiceForm",
    "ServiceEditor",
    "ReportForm",
    "ReturnForm",
]
