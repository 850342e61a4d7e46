"""The public self-referral: one question per page, no sign-in, no JavaScript.

The answers live in the session under ``SESSION_KEY`` as the data each page posted, so
every page can be checked again when an earlier answer changes (choosing "Email" later
makes the contact details page ask for an email address). Nothing is saved in the
database until the person presses "Send" on the check answers page.

The confirmation page reads the reference from a short-lived session value, never from
the URL, so a reference cannot be guessed or leaked through browser history or logs.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from linkwell.people.services import PersonDetails
from linkwell.people.validators import format_phone
from linkwell.people.vocabulary import (
    CommunicationNeed,
    ConsentPurpose,
    ContactMethod,
    LinkWorkerSexPreference,
)

from .models import Need, Source
from .self_referral_forms import (
    CONTACT_METHOD_ORDER,
    SEX_PREFERENCE_NONE,
    YES,
    ConsentForm,
    ContactDetailsForm,
    ContactMethodsForm,
    DateOfBirthForm,
    LanguageForm,
    NameForm,
    NeedsForm,
    SelfReferralForm,
    SubmitForm,
    TakingPartForm,
    language_choices,
    sentences,
)
from .services import IdempotencyConflict, ReferralDetails, referral_submit

logger = logging.getLogger(__name__)

# Everything the person has answered so far, and the idempotency token for "Send".
SESSION_KEY = "self_referral"
# What the confirmation page shows, kept for a short time after sending.
CONFIRMATION_KEY = "self_referral_confirmation"
CONFIRMATION_SECONDS = 30 * 60
IDEMPOTENCY_SCOPE = "self-referral"


@dataclass(frozen=True)
class Step:
    name: str  # URL name, and key of the answers in the session
    slug: str  # URL path
    form_class: type[SelfReferralForm]
    template: str


STEPS: list[Step] = [
    Step("name", "name", NameForm, "self_referral/name.html"),
    Step("date_of_birth", "date-of-birth", DateOfBirthForm, "self_referral/date_of_birth.html"),
    Step("language", "language", LanguageForm, "self_referral/language.html"),
    Step("contact", "contact", ContactMethodsForm, "self_referral/contact.html"),
    Step(
        "contact_details",
        "contact-details",
        ContactDetailsForm,
        "self_referral/contact_details.html",
    ),
    Step("help", "help", NeedsForm, "self_referral/help.html"),
    Step("taking_part", "taking-part", TakingPartForm, "self_referral/taking_part.html"),
    Step("consent", "agreement", ConsentForm, "self_referral/consent.html"),
]
STEP_BY_NAME = {step.name: step for step in STEPS}


def _url(name: str, *, change: bool = False) -> str:
    url = reverse(f"self_referral:{name}")
    return f"{url}?change=1" if change else url


# --- Session ----------------------------------------------------------------------------


def _journey(request: HttpRequest, *, create: bool = False) -> dict | None:
    journey = request.session.get(SESSION_KEY)
    if not isinstance(journey, dict) or not isinstance(journey.get("data"), dict):
        journey = None
    elif not isinstance(journey.get("token"), str) or not journey["token"]:
        journey["token"] = secrets.token_urlsafe(32)
        request.session.modified = True
    if journey is None and create:
        journey = {"token": secrets.token_urlsafe(32), "data": {}}
        request.session[SESSION_KEY] = journey
        # A new journey: the last confirmation no longer applies.
        request.session.pop(CONFIRMATION_KEY, None)
    return journey


def _posted_data(form: forms.Form, post) -> dict[str, list[str]]:
    """Only the posted values that belong to the form's fields, as JSON-friendly lists."""
    names = set()
    for name, field in form.fields.items():
        html_name = form.add_prefix(name)
        if isinstance(field.widget, forms.MultiWidget):
            names.update(html_name + suffix for suffix in field.widget.widgets_names)
        else:
            names.add(html_name)
    return {name: post.getlist(name) for name in names if name in post}


def _fill_initial(form: forms.Form, data: dict[str, list[str]]) -> None:
    """Show saved answers in an unbound form, so going back does not show errors."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            form.initial[name] = [(data.get(name + s) or [""])[0] for s in widget.widgets_names]
        elif isinstance(field, forms.MultipleChoiceField):
            if name in data:
                form.initial[name] = data[name]
        elif name in data:
            form.initial[name] = data[name][-1]
        elif isinstance(field, forms.BooleanField):
            form.initial[name] = False


def _answers(journey: dict | None) -> tuple[dict[str, dict], Step | None]:
    """The cleaned answers of every page that is complete, and the first page that is not.

    Each page is checked again with the answers before it, so a change to an earlier
    answer sends the person back to any later page that now needs more.
    """
    cleaned: dict[str, dict] = {}
    data = (journey or {}).get("data", {})
    for step in STEPS:
        raw = data.get(step.name)
        if raw is None:
            return cleaned, step
        form = step.form_class(data=MultiValueDict(raw), answers=cleaned)
        if not form.is_valid():
            return cleaned, step
        cleaned[step.name] = form.cleaned_data
    return cleaned, None


def _effective_contact_methods(answers: dict[str, dict]) -> list[str]:
    methods = list(answers["contact"]["contact_methods"])
    consent = answers["consent"]
    if ContactMethod.SMS in methods and not consent.get("contact_sms"):
        # They chose texts but did not agree to them: we will not text.
        methods.remove(ContactMethod.SMS)
    return methods


def _submission(answers: dict[str, dict]) -> tuple[PersonDetails, ReferralDetails, dict]:
    name = answers["name"]
    language = answers["language"]
    details = answers["contact_details"]
    taking_part = answers["taking_part"]
    consent = answers["consent"]
    sex_preference = taking_part.get("link_worker_sex_preference") or ""
    if sex_preference == SEX_PREFERENCE_NONE:
        sex_preference = LinkWorkerSexPreference.NONE.value
    person = PersonDetails(
        given_name=name["given_name"],
        family_name=name.get("family_name", ""),
        preferred_name=name.get("preferred_name", ""),
        date_of_birth=answers["date_of_birth"].get("date_of_birth"),
        phone=details.get("phone", ""),
        phone_is_shared=details.get("phone_is_shared") == YES,
        no_voicemail="voicemail_ok" in details and details["voicemail_ok"] != YES,
        safe_times_to_call=details.get("safe_times_to_call", ""),
        email=details.get("email", ""),
        address_line_1=details.get("address_line_1", ""),
        address_line_2=details.get("address_line_2", ""),
        town=details.get("town", ""),
        care_of=details.get("care_of", ""),
        postcode=details.get("postcode", ""),
        no_fixed_abode=bool(details.get("no_fixed_abode")),
        language=language["language"],
        language_detail=language.get("language_detail", ""),
        interpreter_needed=language["interpreter_needed"] == YES,
        link_worker_sex_preference=sex_preference,
        communication_needs=list(taking_part.get("communication_needs", [])),
        communication_notes=taking_part.get("communication_notes", ""),
        contact_methods=_effective_contact_methods(answers),
    )
    referral = ReferralDetails(
        needs=list(answers["help"].get("needs", [])),
        reason=answers["help"].get("reason", ""),
        consent_confirmed=bool(consent.get("consent_confirmed")),
    )
    consents = {
        ConsentPurpose.SHARE_WITH_PROVIDER.value: bool(consent.get("share_with_provider")),
        ConsentPurpose.RESEARCH.value: bool(consent.get("research")),
    }
    if "contact_sms" in consent:
        consents[ConsentPurpose.CONTACT_SMS.value] = bool(consent["contact_sms"])
    return person, referral, consents


# --- Pages ------------------------------------------------------------------------------


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "self_referral/start.html",
        {
            "first_step_url": _url(STEPS[0].name),
            "reply_days": settings.LINKWELL_SELF_REFERRAL_REPLY_DAYS,
            "phone": getattr(settings, "LINKWELL_SELF_REFERRAL_PHONE", ""),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, step_name: str) -> HttpResponse:
    this = STEP_BY_NAME[step_name]
    index = STEPS.index(this)
    journey = _journey(request)
    cleaned, first_missing = _answers(journey)
    if first_missing is not None and STEPS.index(first_missing) < index:
        return redirect(_url(first_missing.name))
    before = {s.name: cleaned[s.name] for s in STEPS[:index]}
    changing = request.GET.get("change") == "1"

    if request.method == "POST":
        form = this.form_class(request.POST, answers=before)
        if form.is_valid():
            journey = _journey(request, create=True)
            journey["data"][this.name] = _posted_data(form, request.POST)
            request.session.modified = True
            return redirect(_next_url(journey, this, changing=changing))
    else:
        form = this.form_class(answers=before)
        saved = (journey or {}).get("data", {}).get(this.name)
        if saved is not None:
            _fill_initial(form, saved)

    if changing:
        back_url = _url("check")
    elif index == 0:
        back_url = _url("start")
    else:
        back_url = _url(STEPS[index - 1].name)
    return render(
        request,
        this.template,
        {
            "form": form,
            "page_title": form.title,
            "back_url": back_url,
            "action_url": request.get_full_path(),
            "step_number": index + 1,
            "step_count": len(STEPS),
        },
    )


def _next_url(journey: dict, this: Step, *, changing: bool) -> str:
    _cleaned, first_missing = _answers(journey)
    if changing:
        # Back to the summary, unless the change means a later page needs an answer.
        if first_missing is None:
            return _url("check")
        return _url(first_missing.name, change=True)
    index = STEPS.index(this)
    if index + 1 < len(STEPS):
        return _url(STEPS[index + 1].name)
    return _url("check")


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _summary(answers: dict[str, dict]) -> list[dict]:
    """Rows for the check answers page. Values are plain text: the template escapes them."""
    not_given = _("Not given")
    person, referral, consents = _submission(answers)
    details = answers["contact_details"]
    rows: list[dict] = []

    def row(key, step_name, *, lines=None, items=None, text=None):
        rows.append(
            {
                "key": key,
                "lines": lines or [],
                "items": items or [],
                "text": text or "",
                "change_url": _url(step_name, change=True),
            }
        )

    row(
        _("Name"), "name", lines=[" ".join(p for p in (person.given_name, person.family_name) if p)]
    )
    row(_("What we will call you"), "name", lines=[person.preferred_name or not_given])
    row(
        _("Date of birth"),
        "date_of_birth",
        lines=[date_format(person.date_of_birth, "j F Y") if person.date_of_birth else not_given],
    )
    languages = dict(language_choices())
    row(_("Language"), "language", lines=[languages.get(person.language, person.language)])
    if person.language_detail:
        row(_("Dialect or other language"), "language", lines=[person.language_detail])
    row(_("Interpreter needed"), "language", lines=[_yes_no(person.interpreter_needed)])

    method_labels = dict(ContactMethod.choices)
    row(
        _("How we will contact you"),
        "contact",
        items=[method_labels[m] for m in CONTACT_METHOD_ORDER if m in person.contact_methods],
    )
    if "phone" in details:
        row(_("Phone number"), "contact_details", lines=[format_phone(person.phone)])
        row(
            _("Someone else uses this phone"),
            "contact_details",
            lines=[_yes_no(person.phone_is_shared)],
        )
    if "voicemail_ok" in details:
        row(
            _("We can leave a voicemail"),
            "contact_details",
            lines=[_yes_no(not person.no_voicemail)],
        )
        row(
            _("Good time to call"),
            "contact_details",
            lines=[person.safe_times_to_call or not_given],
        )
    if "email" in details:
        row(_("Email address"), "contact_details", lines=[person.email])
    if "address_line_1" in details:
        address = [person.address_line_1, person.address_line_2, person.town]
        row(_("Address for letters"), "contact_details", lines=[line for line in address if line])
        if person.care_of:
            row(_("Letters go to"), "contact_details", lines=[person.care_of])
    row(_("Postcode"), "contact_details", lines=[person.postcode or not_given])
    if person.no_fixed_abode:
        row(_("Fixed address"), "contact_details", lines=[_("I do not have a fixed address")])

    needs = {n.code: n for n in Need.objects.filter(code__in=referral.needs)}
    row(
        _("What you want help with"),
        "help",
        items=[needs[code].plain_label for code in referral.needs if code in needs],
        lines=[] if referral.needs else [not_given],
    )
    row(_("Anything else you told us"), "help", text=referral.reason or not_given)

    need_labels = dict(CommunicationNeed.choices)
    row(
        _("What helps you take part"),
        "taking_part",
        items=[need_labels[n] for n in person.communication_needs],
        lines=[] if person.communication_needs else [_("Nothing")],
    )
    if person.communication_notes:
        row(_("Other things that make it hard"), "taking_part", text=person.communication_notes)
    row(
        _("Your link worker"),
        "taking_part",
        lines=[dict(LinkWorkerSexPreference.choices)[person.link_worker_sex_preference]],
    )

    row(_("We can keep your details and contact you"), "consent", lines=[_yes_no(True)])
    row(
        _("We can share your details with groups you choose"),
        "consent",
        lines=[_yes_no(consents[ConsentPurpose.SHARE_WITH_PROVIDER])],
    )
    if ConsentPurpose.CONTACT_SMS in consents:
        row(
            _("We can send you text messages"),
            "consent",
            lines=[_yes_no(consents[ConsentPurpose.CONTACT_SMS])],
        )
    row(
        _("We can use your answers to make services better"),
        "consent",
        lines=[_yes_no(consents[ConsentPurpose.RESEARCH])],
    )
    return rows


def _confirmation_matches(request: HttpRequest, token: str) -> bool:
    done = request.session.get(CONFIRMATION_KEY)
    return bool(
        isinstance(done, dict)
        and token
        and constant_time_compare(str(done.get("token", "")), token)
        and done.get("expires", 0) > time.time()
    )


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        posted_token = request.POST.get("token", "")
        # The second click of a double-click: the first already sent the answers.
        if _confirmation_matches(request, posted_token):
            return redirect(_url("confirmation"))
    journey = _journey(request)
    answers, first_missing = _answers(journey)
    if first_missing is not None:
        return redirect(_url(first_missing.name))

    form = SubmitForm(initial={"token": journey["token"]})
    if request.method == "POST":
        form = SubmitForm(request.POST)
        form.is_valid()
        if form.cleaned_data.get("website"):
            # Filled in by a bot, not a person: send nothing and start again.
            logger.info("Self-referral honeypot field was filled in; nothing was sent")
            request.session.pop(SESSION_KEY, None)
            return redirect(_url("start"))
        token = form.cleaned_data.get("token") or ""
        if not constant_time_compare(token, journey["token"]):
            # An old copy of this page: show the answers as they are now.
            return redirect(_url("check"))
        response = _send(request, journey, answers, form)
        if response is not None:
            return response
        form.data = form.data.copy()
        form.data["token"] = journey["token"]

    return render(
        request,
        "self_referral/check.html",
        {
            "form": form,
            "rows": _summary(answers),
            "back_url": _url(STEPS[-1].name),
            "action_url": _url("check"),
        },
    )


def _send(
    request: HttpRequest, journey: dict, answers: dict, form: SubmitForm
) -> HttpResponse | None:
    """Submit the referral. Returns a redirect, or None with errors added to ``form``."""
    person, referral_details, consents = _submission(answers)
    try:
        referral, _created = referral_submit(
            actor=None,
            source=Source.SELF,
            details=referral_details,
            person_details=person,
            consents=consents,
            idempotency_scope=IDEMPOTENCY_SCOPE,
            idempotency_key=journey["token"],
            channel="self-referral",
        )
    except IdempotencyConflict:
        # Should not happen (a new journey gets a new token), but never send twice.
        journey["token"] = secrets.token_urlsafe(32)
        request.session.modified = True
        form.add_error(
            None,
            sentences(_("Something went wrong."), _("Check your answers and press Send again.")),
        )
        return None
    except ValidationError as exc:
        if "service" in exc.error_dict:
            return redirect(_url("no_service"))
        for errors in exc.message_dict.values():
            for message in errors:
                form.add_error(None, message)
        return None

    request.session.pop(SESSION_KEY, None)
    request.session[CONFIRMATION_KEY] = {
        "reference": referral.reference,
        "token": journey["token"],
        "expires": time.time() + CONFIRMATION_SECONDS,
        "contact_methods": person.contact_methods,
        "language": person.language,
        "language_detail": person.language_detail,
        "interpreter": person.interpreter_needed,
    }
    return redirect(_url("confirmation"))


@never_cache
@require_GET
def confirmation(request: HttpRequest) -> HttpResponse:
    done = request.session.get(CONFIRMATION_KEY)
    if not isinstance(done, dict) or done.get("expires", 0) <= time.time():
        request.session.pop(CONFIRMATION_KEY, None)
        return redirect(_url("start"))
    method_labels = dict(ContactMethod.choices)
    languages = dict(language_choices())
    language = done.get("language_detail") if done.get("language") == "other" else None
    return render(
        request,
        "self_referral/confirmation.html",
        {
            "reference": done["reference"],
            "reference_html": format_html("<strong>{}</strong>", done["reference"]),
            "reply_days": settings.LINKWELL_SELF_REFERRAL_REPLY_DAYS,
            "contact_methods": [
                method_labels[m]
                for m in CONTACT_METHOD_ORDER
                if m in done.get("contact_methods", [])
            ],
            "language_name": language or languages.get(done.get("language"), ""),
            "interpreter": done.get("interpreter", False),
        },
    )


@never_cache
@require_GET
def no_service(request: HttpRequest) -> HttpResponse:
    _answers_so_far, first_missing = _answers(_journey(request))
    return render(
        request,
        "self_referral/no_service.html",
        {"has_answers": first_missing is None, "check_url": _url("check")},
    )
