"""One form per page of the public self-referral.

Written for people with low literacy on a small phone: one question (or one small group
of questions) per page, short plain sentences, every label a complete sentence so
translators can work on it alone.

Person fields are checked by ``people.services.person_details_clean`` as well as by the
form, so the pages and the service never disagree about what is valid: the service's
errors are mapped back onto the field the person typed into.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from linkwell.people.services import PersonDetails, person_details_clean
from linkwell.people.vocabulary import (
    LANGUAGE_CODES,
    LANGUAGES,
    CommunicationNeed,
    ContactMethod,
    LinkWorkerSexPreference,
)
from linkwell.web.forms_widgets import NHSDateField, NHSDateWidget

from .models import Need

YES = "yes"
NO = "no"


def sentences(*parts):
    """Several sentences shown together. Each is its own message, for translators."""
    return format_lazy(" ".join(["{}"] * len(parts)), *parts)


def yes_no_choices():
    return [(YES, _("Yes")), (NO, _("No"))]


def _radios(**attrs) -> forms.RadioSelect:
    return forms.RadioSelect(attrs=attrs)


class SelfReferralForm(forms.Form):
    """A page of the journey. ``answers`` holds the cleaned answers to the pages before it."""

    title = ""
    # form field name -> PersonDetails field name, for fields person_details_clean checks
    person_fields: dict[str, str] = {}

    def __init__(self, *args, answers: dict | None = None, **kwargs):
        self.answers = answers or {}
        super().__init__(*args, **kwargs)

    def person_values(self, cleaned: dict) -> dict:
        """The PersonDetails values this page gives, from its cleaned data."""
        return {
            person_name: cleaned[form_name]
            for form_name, person_name in self.person_fields.items()
            if form_name in cleaned and form_name in self.fields
        }

    def clean(self):
        cleaned = super().clean()
        if not self.person_fields:
            return cleaned
        values = self.person_values(cleaned)
        # Only this page's fields are judged; the others hold harmless placeholders.
        values.setdefault("given_name", "-")
        try:
            details = person_details_clean(PersonDetails(**values))
        except ValidationError as exc:
            by_person_name = {p: f for f, p in self.person_fields.items() if f in self.fields}
            for person_name, errors in exc.error_dict.items():
                form_name = by_person_name.get(person_name)
                if form_name and form_name not in self.errors:
                    self.add_error(form_name, errors)
            return self.cleaned_data
        # Keep the service's normal form (a phone number as +44…, a postcode as SR1 1AA).
        for form_name, person_name in self.person_fields.items():
            if form_name in self.cleaned_data and form_name in self.fields:
                value = getattr(details, person_name)
                if isinstance(self.cleaned_data[form_name], str) and isinstance(value, str):
                    self.cleaned_data[form_name] = value
        return self.cleaned_data


class NameForm(SelfReferralForm):
    title = _("What is your name?")
    person_fields = {
        "given_name": "given_name",
        "family_name": "family_name",
        "preferred_name": "preferred_name",
    }

    given_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={"required": _("Enter your first name")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
    )
    family_name = forms.CharField(
        label=_("Last name (optional)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
    )
    preferred_name = forms.CharField(
        label=_("What would you like us to call you? (optional)"),
        help_text=_("For example, a short name or the name your friends use."),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "spellcheck": "false"}),
    )


class DateOfBirthForm(SelfReferralForm):
    title = _("What is your date of birth?")
    person_fields = {"date_of_birth": "date_of_birth"}

    date_of_birth = NHSDateField(
        label=_("Date of birth (optional)"),
        help_text=_("For example, 15 3 1984."),
        required=False,
        allow_future=False,
        widget=NHSDateWidget(autocomplete="bday"),
    )


def language_choices() -> list[tuple[str, str]]:
    """Each language in its own script, with its name in the page's language."""
    choices = []
    for code, name, native in LANGUAGES:
        name = str(name)
        both = native and native != name
        choices.append((code, f"{native} – {name}" if both else native or name))
    return choices


def current_language_code() -> str:
    code = (translation.get_language() or "").lower()
    if code in LANGUAGE_CODES:
        return code
    base = code.split("-")[0]
    return base if base in LANGUAGE_CODES else "en"


class LanguageForm(SelfReferralForm):
    title = _("Your language")
    person_fields = {
        "language": "language",
        "language_detail": "language_detail",
    }

    language = forms.ChoiceField(
        label=_("Which language do you want us to use?"),
        help_text=_("We will talk to you and write to you in this language."),
        error_messages={
            "required": _("Select a language"),
            "invalid_choice": _("Select a language from the list"),
        },
    )
    interpreter_needed = forms.ChoiceField(
        label=_("Do you need an interpreter?"),
        help_text=sentences(
            _("An interpreter helps you talk to your link worker."),
            _("You do not pay for this."),
        ),
        widget=_radios(inline=True),
        error_messages={"required": _("Select yes if you need an interpreter")},
    )
    language_detail = forms.CharField(
        label=_("Do you speak a dialect, or a language that is not in the list? (optional)"),
        help_text=_("For example, Mirpuri or Tigre."),
        required=False,
        max_length=100,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
        self.fields["language"].initial = current_language_code()
        self.fields["interpreter_needed"].choices = yes_no_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("language") == "other" and not cleaned.get("language_detail"):
            self.add_error("language_detail", _("Tell us which language you speak"))
        return cleaned


CONTACT_METHOD_ORDER = [
    ContactMethod.PHONE,
    ContactMethod.SMS,
    ContactMethod.LETTER,
    ContactMethod.EMAIL,
]


class ContactMethodsForm(SelfReferralForm):
    title = _("How should we contact you?")
    person_fields = {"contact_methods": "contact_methods"}

    contact_methods = forms.MultipleChoiceField(
        label=_("How should we contact you?"),
        help_text=_("Select all the ways that are good for you."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one way we can contact you")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ContactMethod.choices)
        field = self.fields["contact_methods"]
        field.choices = [(method.value, labels[method]) for method in CONTACT_METHOD_ORDER]
        field.choice_hints = {
            ContactMethod.PHONE.value: _("A link worker will phone you."),
            ContactMethod.SMS.value: _("We will send text messages to your mobile phone."),
            ContactMethod.LETTER.value: _("We will send a letter by post."),
            ContactMethod.EMAIL.value: _("We will send you an email."),
        }


class ContactDetailsForm(SelfReferralForm):
    """Only the details the chosen ways of contact need, plus the postcode."""

    title = _("Your contact details")
    person_fields = {
        "phone": "phone",
        "phone_is_shared": "phone_is_shared",
        "voicemail_ok": "no_voicemail",
        "safe_times_to_call": "safe_times_to_call",
        "email": "email",
        "address_line_1": "address_line_1",
        "address_line_2": "address_line_2",
        "town": "town",
        "care_of": "care_of",
        "postcode": "postcode",
        "no_fixed_abode": "no_fixed_abode",
    }

    phone = forms.CharField(
        label=_("What is your phone number?"),
        help_text=_("For example, 07700 900 982."),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    phone_is_shared = forms.ChoiceField(
        label=_("Does anyone else use this phone?"),
        help_text=_("We ask so we do not share private things with the wrong person."),
        widget=_radios(inline=True),
        error_messages={"required": _("Select yes if someone else uses this phone")},
    )
    voicemail_ok = forms.ChoiceField(
        label=_("Can we leave a voicemail message if you do not answer?"),
        widget=_radios(inline=True),
        error_messages={"required": _("Select yes if we can leave a voicemail message")},
    )
    safe_times_to_call = forms.CharField(
        label=_("When is a good and safe time to call you? (optional)"),
        help_text=_("For example, weekday mornings, or after 6pm."),
        required=False,
        max_length=200,
    )
    email = forms.CharField(
        label=_("What is your email address?"),
        required=False,
        max_length=254,
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "email", "spellcheck": "false"}
        ),
    )
    address_line_1 = forms.CharField(
        label=_("Address line 1"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line_2 = forms.CharField(
        label=_("Address line 2 (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    town = forms.CharField(
        label=_("Town or city"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    care_of = forms.CharField(
        label=_("Should letters go to someone else? (optional)"),
        help_text=sentences(
            _("For example, a friend, a hostel or a day centre."),
            _("Write their name here and their address above."),
        ),
        required=False,
        max_length=200,
    )
    postcode = forms.CharField(
        label=_("What is your postcode? (optional)"),
        help_text=sentences(
            _("This helps us find groups and services near you."),
            _("For example, SR1 3AA."),
        ),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
    no_fixed_abode = forms.BooleanField(
        label=_("I do not have a fixed address"),
        help_text=sentences(_("That is fine."), _("You can still get help.")),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("phone_is_shared", "voicemail_ok"):
            self.fields[name].choices = yes_no_choices()
        methods = set(self.contact_methods)
        if not methods & {ContactMethod.PHONE, ContactMethod.SMS}:
            for name in ("phone", "phone_is_shared", "voicemail_ok", "safe_times_to_call"):
                del self.fields[name]
        else:
            if ContactMethod.SMS in methods:
                self.fields["phone"].label = _("What is your mobile phone number?")
                self.fields["phone"].help_text = sentences(
                    _("We need a mobile number to send texts."),
                    _("For example, 07700 900 982."),
                )
            if ContactMethod.PHONE not in methods:
                # Nobody will ring, so there is no voicemail or time to call to ask about.
                del self.fields["voicemail_ok"]
                del self.fields["safe_times_to_call"]
        if ContactMethod.EMAIL not in methods:
            del self.fields["email"]
        if ContactMethod.LETTER not in methods:
            for name in ("address_line_1", "address_line_2", "town", "care_of"):
                del self.fields[name]

    @property
    def contact_methods(self) -> list[str]:
        return list(self.answers.get("contact", {}).get("contact_methods", []))

    @property
    def asks_phone(self) -> bool:
        return "phone" in self.fields

    @property
    def asks_address(self) -> bool:
        return "address_line_1" in self.fields

    def person_values(self, cleaned: dict) -> dict:
        values = super().person_values(cleaned)
        for name in ("phone_is_shared",):
            if name in values:
                values[name] = values[name] == YES
        if "no_voicemail" in values:
            values["no_voicemail"] = values["no_voicemail"] == NO
        values["contact_methods"] = self.contact_methods
        return values

    def clean(self):
        cleaned = super().clean()
        if (
            self.asks_address
            and cleaned.get("no_fixed_abode")
            and not cleaned.get("care_of")
            and "care_of" not in self.errors
        ):
            self.add_error(
                "care_of",
                _(
                    "Tell us who can take letters for you, or go back and choose "
                    "another way to contact you"
                ),
            )
        return cleaned


class NeedsForm(SelfReferralForm):
    title = _("What would you like help with?")

    needs = forms.MultipleChoiceField(
        label=_("What would you like help with?"),
        help_text=_("Select all that apply."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select things from the list")},
    )
    reason = forms.CharField(
        label=_("Tell us anything else (optional)"),
        help_text=_("For example, what matters to you, or what you would like to change."),
        required=False,
        max_length=4000,
        widget=forms.Textarea,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = Need.objects.filter(disabled_on__isnull=True).order_by("order", "code")
        # Ids, not codes, as values: some codes are staff words the person never sees.
        self.need_codes = {str(need.pk): need.code for need in active}
        self.fields["needs"].choices = [(str(need.pk), need.plain_label) for need in active]

    def clean_needs(self) -> list[str]:
        """The chosen needs as their stable codes, in list order."""
        chosen = set(self.cleaned_data.get("needs") or [])
        return [code for pk, code in self.need_codes.items() if pk in chosen]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("needs") and not cleaned.get("reason", "").strip():
            self.add_error(
                "needs",
                _("Select what you would like help with, or tell us in the box"),
            )
        return cleaned


SEX_PREFERENCE_NONE = "none"


class TakingPartForm(SelfReferralForm):
    title = _("Help to take part")
    person_fields = {
        "communication_needs": "communication_needs",
        "communication_notes": "communication_notes",
    }

    communication_needs = forms.MultipleChoiceField(
        label=_("Do you need any of these to take part?"),
        help_text=sentences(_("Select all that apply."), _("You can leave this blank.")),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=CommunicationNeed.choices,
    )
    communication_notes = forms.CharField(
        label=_("Is there anything else that makes it hard for you to take part? (optional)"),
        help_text=_("For example, you find phone calls hard, or you need a step-free building."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    link_worker_sex_preference = forms.ChoiceField(
        label=_("Would you like your link worker to be a woman or a man? (optional)"),
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(LinkWorkerSexPreference.choices)
        self.fields["link_worker_sex_preference"].choices = [
            (LinkWorkerSexPreference.FEMALE.value, labels[LinkWorkerSexPreference.FEMALE]),
            (LinkWorkerSexPreference.MALE.value, labels[LinkWorkerSexPreference.MALE]),
            (SEX_PREFERENCE_NONE, labels[LinkWorkerSexPreference.NONE]),
        ]


class ConsentForm(SelfReferralForm):
    title = _("Your agreement")

    consent_confirmed = forms.BooleanField(
        label=_("I agree that Linkwell can keep my details and a link worker can contact me"),
        help_text=_("We need this to help you."),
        error_messages={
            "required": _("Tick the box to agree, so that a link worker can contact you")
        },
    )
    share_with_provider = forms.BooleanField(
        label=_("You can share my details with the groups I choose"),
        help_text=_("A link worker will always ask you first."),
        required=False,
    )
    contact_sms = forms.BooleanField(
        label=_("You can send me text messages"),
        help_text=_("If you do not tick this box, we will not send you texts."),
        required=False,
    )
    research = forms.BooleanField(
        label=_("You can use my answers to make services better"),
        help_text=sentences(
            _("We will not use your name."),
            _("Saying no does not change the help you get."),
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.asks_sms:
            del self.fields["contact_sms"]

    @property
    def contact_methods(self) -> list[str]:
        return list(self.answers.get("contact", {}).get("contact_methods", []))

    @property
    def asks_sms(self) -> bool:
        return ContactMethod.SMS in self.contact_methods

    def clean(self):
        cleaned = super().clean()
        if self.asks_sms and not cleaned.get("contact_sms"):
            others = [m for m in self.contact_methods if m != ContactMethod.SMS]
            if not others:
                self.add_error(
                    "contact_sms",
                    sentences(
                        _("You chose text messages as the only way to contact you."),
                        _("Tick the box, or go back and choose another way to contact you."),
                    ),
                )
        return cleaned


class SubmitForm(forms.Form):
    """The "Send" button on the check answers page.

    ``token`` is the idempotency key: a double-clicked button sends it twice and the
    service returns the same referral. ``website`` is a honeypot: hidden from people
    (and screen readers), but filled in by simple bots.
    """

    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    website = forms.CharField(
        required=False,
        max_length=200,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
