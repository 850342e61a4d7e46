"""Forms for the directory pages. They parse what was typed; services decide."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from linkwell.people.vocabulary import LANGUAGE_CHOICES

from .models import (
    AccessibilityFeature,
    ListingReport,
    ServiceStatus,
    TargetGroup,
    TaxonomyTerm,
)
from .selectors import DAYS
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
    day_1 = forms.ChoiceField(label=_("Day"), choices=[("", ""), *DAY_CHOICES], required=False)
    opens_1 = forms.TimeField(
        label=_("Starts at"), required=False, help_text=_("For example, 10:00")
    )
    closes_1 = forms.TimeField(
        label=_("Ends at"), required=False, help_text=_("For example, 12:00")
    )
    day_2 = forms.ChoiceField(
        label=_("Another day"), choices=[("", ""), *DAY_CHOICES], required=False
    )
    opens_2 = forms.TimeField(label=_("Starts at"), required=False)
    closes_2 = forms.TimeField(label=_("Ends at"), required=False)
    location_name = forms.CharField(label=_("Name of the place"), required=False)
    address_1 = forms.CharField(label=_("Address line 1"), required=False)
    address_2 = forms.CharField(label=_("Address line 2"), required=False)
    city = forms.CharField(label=_("Town or city"), required=False)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility"), widget=forms.CheckboxSelectMultiple, required=False
    )
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=50)
    comment = forms.CharField(
        label=_("What did you change?"),
        help_text=_("This helps the directory editor check it."),
        required=False,
        widget=forms.Textarea,
    )

    SERVICE_KEY_TO_FIELD = {
        "byday": "day_1",
        "opens_at": "opens_1",
        "closes_at": "closes_1",
        "amount": "cost_amount",
        "freq": "day_1",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].choices = _vocab_choices(TargetGroup)
        self.fields["taxonomy_terms"].choices = _term_choices()
        self.fields["accessibility"].choices = _vocab_choices(AccessibilityFeature)
        for name in ("minimum_age", "maximum_age", "places_per_session"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

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
        for i, sched in enumerate(data.get("schedules", [])[:2], start=1):
            initial[f"day_{i}"] = sched.get("byday")
            initial[f"opens_{i}"] = sched.get("opens_at")
            initial[f"closes_{i}"] = sched.get("closes_at")
        locations = data.get("locations", [])
        if locations:
            loc = locations[0]
            initial.update(
                location_name=loc.get("name"),
                address_1=loc.get("address_1"),
                address_2=loc.get("address_2"),
                city=loc.get("city"),
                postcode=loc.get("postcode"),
                accessibility=loc.get("accessibility", []),
            )
        phones = data.get("phones", [])
        initial["phone"] = phones[0]["number"] if phones else ""
        return initial

    def to_data(self, base: dict | None = None) -> dict:
        """The listing `data` this form describes, on top of `base` (the current content), so
        what the form does not show (more places, more times) is kept."""
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
        schedules = list((base or {}).get("schedules", []))[2:]
        rows = []
        for i in (1, 2):
            day, opens, closes = cd.get(f"day_{i}"), cd.get(f"opens_{i}"), cd.get(f"closes_{i}")
            if day or opens or closes:
                rows.append(
                    {
                        "freq": "WEEKLY",
                        "byday": day or "",
                        "opens_at": opens.strftime("%H:%M") if opens else None,
                        "closes_at": closes.strftime("%H:%M") if closes else None,
                    }
                )
        data["schedules"] = rows + schedules
        locations = list((base or {}).get("locations", []))
        first = {
            "id": locations[0].get("id") if locations else None,
            "name": cd.get("location_name") or "",
            "address_1": cd.get("address_1") or "",
            "address_2": cd.get("address_2") or "",
            "city": cd.get("city") or "",
            "postcode": cd.get("postcode") or "",
            "transportation": locations[0].get("transportation", "") if locations else "",
            "accessibility": cd.get("accessibility") or [],
        }
        has_place = any(first[k] for k in ("name", "address_1", "postcode"))
        data["locations"] = ([first] if has_place else []) + locations[1:]
        phones = list((base or {}).get("phones", []))
        data["phones"] = ([{"number": cd["phone"]}] if cd.get("phone") else []) + phones[1:]
        return data


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


__all__ = ["DAYS", "SearchForm", "ServiceForm", "ReportForm", "ReturnForm"]
