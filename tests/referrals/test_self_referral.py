"""The public self-referral, driven like a browser without JavaScript would drive it.

Each page is fetched, its form is read from the HTML (with whatever the page has already
filled in or selected), the answers are typed over it, and it is posted to the form's
action. So these tests also show that every page works as a plain HTML form.
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwell.people.models import Consent, Person
from linkwell.referrals.models import Need, Referral, Source
from linkwell.referrals.self_referral_views import CONFIRMATION_KEY, SESSION_KEY

pytestmark = pytest.mark.django_db

START = reverse("self_referral:start")
CHECK = reverse("self_referral:check")
CONFIRMATION = reverse("self_referral:confirmation")
NO_SERVICE = reverse("self_referral:no_service")


def url(name: str) -> str:
    return reverse(f"self_referral:{name}")


# --- A tiny browser -----------------------------------------------------------------------


class _Forms(HTMLParser):
    """Every <form> on a page, with the values a browser would send as it stands."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": [],
                "names": set(),
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input" and a.get("name"):
            self._form["names"].add(a["name"])
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset"):
                self._form["fields"].append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = {"name": a["name"], "first": None, "selected": None}
            self._form["names"].add(a["name"])
        elif tag == "option" and self._select is not None:
            if self._select["first"] is None:
                self._select["first"] = a.get("value")
            if "selected" in a:
                self._select["selected"] = a.get("value")
        elif tag == "textarea":
            self._textarea = {"name": a["name"], "text": ""}
            self._form["names"].add(a["name"])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            value = self._select["selected"] or self._select["first"] or ""
            self._form["fields"].append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            # Browsers drop one newline straight after <textarea>.
            text = text[1:] if text.startswith("\n") else text
            self._form["fields"].append((self._textarea["name"], text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def page_form(html: str) -> dict:
    """The page's own form: the one that is not the language switcher."""
    parser = _Forms()
    parser.feed(html)
    forms = [f for f in parser.forms if "setlanguage" not in f["action"]]
    assert len(forms) == 1, f"expected one form on the page, found {len(forms)}"
    return forms[0]


def fill_and_post(client, page_url: str, answers: dict):
    """GET the page, type the answers over the form as it stands, and POST it."""
    response = client.get(page_url)
    assert response.status_code == 200, (page_url, response.status_code)
    form = page_form(response.content.decode())
    assert form["method"] == "post"
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    for name, value in answers.items():
        if value is None:
            # Untick, clear, or (for a field the page does not show) leave out.
            data.pop(name, None)
            continue
        assert name in form["names"], f"{page_url} has no field called {name}"
        data[name] = value if isinstance(value, list) else [value]
    return client.post(form["action"] or page_url, data)


def need_ids(*codes: str) -> list[str]:
    return [str(Need.objects.get(code=code).pk) for code in codes]


def answers(**overrides) -> dict[str, dict]:
    pages = {
        "name": {"given_name": "Amina", "family_name": "Hassan", "preferred_name": "Ami"},
        "date_of_birth": {
            "date_of_birth_day": "17",
            "date_of_birth_month": "5",
            "date_of_birth_year": "1980",
        },
        "language": {"interpreter_needed": "yes"},
        "contact": {"contact_methods": ["phone", "sms"]},
        "contact_details": {
            "phone": "07700 900982",
            "phone_is_shared": "no",
            "voicemail_ok": "yes",
            "safe_times_to_call": "Weekday mornings",
            "postcode": "SR1 1AA",
        },
        "help": {
            "needs": need_ids("loneliness", "money_debt"),
            "reason": "I moved here last year and do not know anyone.",
        },
        "taking_part": {
            "communication_needs": ["large_print"],
            "link_worker_sex_preference": "female",
        },
        "consent": {
            "consent_confirmed": "true",
            "share_with_provider": "true",
            "contact_sms": "true",
        },
    }
    for page, values in overrides.items():
        pages[page] = {**pages[page], **values}
    return pages


STEP_ORDER = [
    "name",
    "date_of_birth",
    "language",
    "contact",
    "contact_details",
    "help",
    "taking_part",
    "consent",
]


def answer_all(client, pages: dict[str, dict], *, until: str | None = None) -> None:
    for name in STEP_ORDER:
        if name == until:
            return
        response = fill_and_post(client, url(name), pages[name])
        assert response.status_code == 302, (name, response.content.decode()[:3000])


def send(client):
    return fill_and_post(client, CHECK, {})


def errors_in(html: str) -> bool:
    return "nhsuk-error-summary" in html


def title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    return " ".join(match.group(1).split()) if match else ""


def consent_given(person: Person, purpose: str) -> bool | None:
    consent = Consent.objects.filter(person=person, purpose=purpose).first()
    return None if consent is None else consent.given


# --- The journey --------------------------------------------------------------------------


def test_the_whole_journey_in_english_creates_one_self_referral(client, service):
    response = client.get(START)
    assert response.status_code == 200
    answer_all(client, answers())

    check = client.get(CHECK)
    html = check.content.decode()
    assert check.status_code == 200
    assert "Amina Hassan" in html
    assert "I feel lonely or cut off" in html
    assert "07700 900982" in html

    response = send(client)
    assert response.status_code == 302
    assert response.url == CONFIRMATION

    referral = Referral.objects.get()
    person = referral.person
    assert referral.source == Source.SELF
    assert referral.service == service
    assert referral.referrer_organisation is None
    assert set(referral.needs.values_list("code", flat=True)) == {"loneliness", "money_debt"}
    assert referral.reason == "I moved here last year and do not know anyone."
    assert person.given_name == "Amina"
    assert person.preferred_name == "Ami"
    assert person.date_of_birth == datetime.date(1980, 5, 17)
    assert person.language == "en"
    assert person.interpreter_needed is True
    assert person.contact_methods == ["phone", "sms"]
    assert person.phone == "+447700900982"
    assert person.no_voicemail is False
    assert person.safe_times_to_call == "Weekday mornings"
    assert person.postcode == "SR1 1AA"
    assert person.communication_needs == ["large_print"]
    assert person.link_worker_sex_preference == "female"
    assert consent_given(person, "care") is True
    assert consent_given(person, "share_with_provider") is True
    assert consent_given(person, "contact_sms") is True
    assert consent_given(person, "research") is False

    page = client.get(CONFIRMATION)
    html = page.content.decode()
    assert page.status_code == 200
    assert referral.reference in html
    assert "nhsuk-panel" in html
    assert "within 5 working days" in html
    assert SESSION_KEY not in client.session
    # The reference is never in a URL.
    assert referral.reference not in response.url


def test_the_journey_in_arabic_stores_arabic_by_default(client, service):
    client.cookies["linkwell_language"] = "ar"
    start = client.get(START).content.decode()
    assert 'lang="ar"' in start and 'dir="rtl"' in start
    answer_all(client, answers(), until="language")

    language_page = client.get(url("language")).content.decode()
    assert re.search(r'<option value="ar"\s+selected>', language_page)
    answer_all_from = STEP_ORDER[STEP_ORDER.index("language") :]
    pages = answers()
    for name in answer_all_from:
        assert fill_and_post(client, url(name), pages[name]).status_code == 302
    assert send(client).status_code == 302

    person = Referral.objects.get().person
    assert person.language == "ar"


def test_the_language_can_be_chosen_from_a_list_showing_each_name_in_its_own_script(
    client, service
):
    answer_all(client, answers(), until="language")
    html = client.get(url("language")).content.decode()
    assert "العربية – Arabic" in html
    assert "Polski – Polish" in html
    fill_and_post(client, url("language"), {"language": "pl", "interpreter_needed": "no"})
    answer_all_from = STEP_ORDER[STEP_ORDER.index("contact") :]
    pages = answers()
    for name in answer_all_from:
        assert fill_and_post(client, url(name), pages[name]).status_code == 302
    send(client)
    person = Referral.objects.get().person
    assert (person.language, person.interpreter_needed) == ("pl", False)


def test_a_double_clicked_send_creates_one_referral_and_both_land_on_the_confirmation(
    client, service
):
    answer_all(client, answers())
    html = client.get(CHECK).content.decode()
    data = dict(page_form(html)["fields"])
    token = data["token"]
    assert token and token == client.session[SESSION_KEY]["token"]
    journey = client.session[SESSION_KEY]

    first = client.post(CHECK, data)
    # The second click arrives after the first has finished…
    second = client.post(CHECK, data)
    # …or at the same time, while the session still held the answers.
    session = client.session
    session[SESSION_KEY] = journey
    session.save()
    third = client.post(CHECK, data)

    assert [r.status_code for r in (first, second, third)] == [302, 302, 302]
    assert {r.url for r in (first, second, third)} == {CONFIRMATION}
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1
    reference = Referral.objects.get().reference
    assert reference in client.get(CONFIRMATION).content.decode()


def test_the_confirmation_cannot_be_seen_in_another_browser(client, service):
    from django.test import Client

    answer_all(client, answers())
    send(client)
    stranger = Client()
    response = stranger.get(CONFIRMATION)
    assert response.status_code == 302
    assert response.url == START


def test_the_confirmation_expires(client, service, monkeypatch):
    answer_all(client, answers())
    send(client)
    session = client.session
    session[CONFIRMATION_KEY]["expires"] = timezone.now().timestamp() - 1
    session.save()
    assert client.get(CONFIRMATION).url == START


# --- Each page checks its answers ---------------------------------------------------------


def _assert_refused(response, message: str):
    html = response.content.decode()
    assert response.status_code == 200
    assert errors_in(html)
    assert message in html
    assert title(html).startswith("Error:")
    assert Referral.objects.count() == 0
    assert Person.objects.count() == 0


def test_it_asks_for_a_first_name(client, service):
    response = fill_and_post(client, url("name"), {"given_name": ""})
    _assert_refused(response, "Enter your first name")
    assert SESSION_KEY not in client.session


def test_it_refuses_a_phone_number_that_is_not_real_when_texts_are_chosen(client, service):
    answer_all(client, answers(contact={"contact_methods": ["sms"]}), until="contact_details")
    html = client.get(url("contact_details")).content.decode()
    assert "What is your mobile phone number?" in html
    response = fill_and_post(
        client, url("contact_details"), {"phone": "12345", "phone_is_shared": "no"}
    )
    _assert_refused(response, "Enter a real phone number")


def test_it_asks_for_a_phone_number_when_texts_are_chosen(client, service):
    answer_all(client, answers(contact={"contact_methods": ["sms"]}), until="contact_details")
    response = fill_and_post(client, url("contact_details"), {"phone": "", "phone_is_shared": "no"})
    _assert_refused(response, "Enter a phone number, or choose another way to contact you")


def test_it_refuses_a_postcode_that_is_not_real(client, service):
    answer_all(client, answers(), until="contact_details")
    response = fill_and_post(
        client,
        url("contact_details"),
        {**answers()["contact_details"], "postcode": "NOT A POSTCODE"},
    )
    _assert_refused(response, "Enter a real postcode")


def test_it_refuses_a_date_of_birth_in_the_future(client, service):
    answer_all(client, answers(), until="date_of_birth")
    next_year = str(timezone.localdate().year + 1)
    response = fill_and_post(
        client,
        url("date_of_birth"),
        {"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": next_year},
    )
    _assert_refused(response, "Date must be today or in the past")


def test_the_date_of_birth_may_be_left_blank(client, service):
    answer_all(
        client,
        answers(
            date_of_birth={
                "date_of_birth_day": "",
                "date_of_birth_month": "",
                "date_of_birth_year": "",
            }
        ),
    )
    send(client)
    assert Referral.objects.get().person.date_of_birth is None


def test_it_asks_what_they_want_help_with(client, service):
    answer_all(client, answers(), until="help")
    response = fill_and_post(client, url("help"), {"needs": None, "reason": ""})
    _assert_refused(response, "Select what you would like help with, or tell us in the box")


def test_words_alone_are_enough_to_say_what_they_want_help_with(client, service):
    answer_all(client, answers(help={"needs": None, "reason": "I just need someone to talk to."}))
    send(client)
    referral = Referral.objects.get()
    assert referral.needs.count() == 0
    assert referral.reason == "I just need someone to talk to."


def test_nothing_is_sent_without_agreement(client, service):
    answer_all(client, answers(), until="consent")
    response = fill_and_post(client, url("consent"), {"consent_confirmed": None})
    _assert_refused(response, "Tick the box to agree")
    # Nor can the check answers page be reached without it.
    assert client.get(CHECK).url == url("consent")


def test_it_only_asks_about_text_messages_when_texts_were_chosen(client, service):
    answer_all(client, answers(contact={"contact_methods": ["phone"]}), until="consent")
    html = client.get(url("consent")).content.decode()
    assert "You can send me text messages" not in html


def test_texts_not_agreed_to_are_not_sent(client, service):
    answer_all(client, answers(consent={"contact_sms": None}))
    assert "Text message" not in client.get(CHECK).content.decode()
    send(client)
    person = Referral.objects.get().person
    assert person.contact_methods == ["phone"]
    assert consent_given(person, "contact_sms") is False


def test_letters_need_an_address(client, service):
    answer_all(client, answers(contact={"contact_methods": ["letter"]}), until="contact_details")
    response = fill_and_post(client, url("contact_details"), {"address_line_1": "", "postcode": ""})
    _assert_refused(response, "Enter an address for letters")


def test_someone_with_no_fixed_address_can_get_letters_care_of_someone_else(client, service):
    pages = answers(
        contact={"contact_methods": ["letter"]},
        contact_details={
            "phone": None,
            "phone_is_shared": None,
            "voicemail_ok": None,
            "safe_times_to_call": None,
            "no_fixed_abode": "true",
            "address_line_1": "Hope Day Centre, 3 High Street",
            "town": "Sunderland",
            "care_of": "Hope Day Centre",
            "postcode": "",
        },
        consent={"contact_sms": None},
    )
    answer_all(client, pages)
    send(client)
    person = Referral.objects.get().person
    assert person.no_fixed_abode is True
    assert person.care_of == "Hope Day Centre"
    assert person.address_line_1 == "Hope Day Centre, 3 High Street"
    assert person.postcode == ""


def test_html_typed_in_a_field_is_shown_as_text_on_the_check_answers_page(client, service):
    pages = answers(
        name={"given_name": "<script>alert('x')</script>"},
        help={"reason": '<img src=x onerror="alert(1)">'},
    )
    answer_all(client, pages)
    html = client.get(CHECK).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


# --- Going back, forward and changing answers ---------------------------------------------


def test_skipping_ahead_goes_back_to_the_first_question_not_answered(client, service):
    for name in ("contact", "help", "consent"):
        response = client.get(url(name))
        assert response.status_code == 302
        assert response.url == url("name")
    assert client.get(CHECK).url == url("name")
    assert client.post(url("help"), {"reason": "hello"}).url == url("name")

    answer_all(client, answers(), until="date_of_birth")
    assert client.get(url("consent")).url == url("date_of_birth")
    assert client.get(CHECK).url == url("date_of_birth")


def test_going_back_shows_the_answers_already_given(client, service):
    answer_all(client, answers())
    html = client.get(url("name")).content.decode()
    assert 'value="Amina"' in html
    assert 'value="17"' in client.get(url("date_of_birth")).content.decode()
    assert not errors_in(client.get(url("contact_details")).content.decode())


def test_every_page_has_a_back_link_to_the_page_before(client, service):
    answer_all(client, answers())
    previous = START
    for name in STEP_ORDER:
        html = client.get(url(name)).content.decode()
        assert f'class="nhsuk-back-link" href="{previous}"' in html
        previous = url(name)


def test_a_change_link_returns_to_the_check_answers_page(client, service):
    answer_all(client, answers())
    html = client.get(CHECK).content.decode()
    assert f'href="{url("name")}?change=1"' in html
    response = fill_and_post(client, url("name") + "?change=1", {"given_name": "Amira"})
    assert response.url == CHECK
    assert "Amira Hassan" in client.get(CHECK).content.decode()


def test_a_change_that_needs_more_details_asks_for_them_before_the_check_page(client, service):
    answer_all(client, answers())
    response = fill_and_post(
        client, url("contact") + "?change=1", {"contact_methods": ["phone", "sms", "email"]}
    )
    assert response.url == url("contact_details") + "?change=1"
    assert client.get(CHECK).url == url("contact_details")
    response = fill_and_post(
        client, url("contact_details") + "?change=1", {"email": "Amina@Example.org"}
    )
    assert response.url == CHECK
    assert "amina@example.org" in client.get(CHECK).content.decode()


# --- When nobody can take the referral ------------------------------------------------------


def test_with_no_link_worker_service_it_tells_them_to_ask_their_gp_and_keeps_the_answers(client):
    answer_all(client, answers())
    response = send(client)
    assert response.status_code == 302
    assert response.url == NO_SERVICE
    html = client.get(NO_SERVICE).content.decode()
    assert "Ask your GP practice for a link worker" in html
    assert "Go back to your answers" in html
    assert Referral.objects.count() == 0
    assert Person.objects.count() == 0
    assert client.get(CHECK).status_code == 200


# --- Abuse ----------------------------------------------------------------------------------


def test_a_bot_that_fills_in_the_hidden_field_sends_nothing(client, service):
    answer_all(client, answers())
    response = fill_and_post(client, CHECK, {"website": "http://spam.example"})
    assert response.url == START
    assert Referral.objects.count() == 0


def test_an_old_copy_of_the_check_page_does_not_send(client, service):
    answer_all(client, answers())
    response = client.post(CHECK, {"token": "not-the-token"})
    assert response.url == CHECK
    assert Referral.objects.count() == 0


# --- What the pages never do ----------------------------------------------------------------


def _every_page(client) -> dict[str, str]:
    pages = {"start": client.get(START).content.decode()}
    all_answers = answers()
    for name in STEP_ORDER:
        pages[name] = client.get(url(name)).content.decode()
        fill_and_post(client, url(name), all_answers[name])
    pages["check"] = client.get(CHECK).content.decode()
    send(client)
    pages["confirmation"] = client.get(CONFIRMATION).content.decode()
    return pages


def test_no_page_asks_about_immigration_status(client, service):
    pages = _every_page(client)
    assert pages["start"].lower().count("immigration") == 1
    assert "We do not ask about your immigration status." in pages["start"]
    for name, html in pages.items():
        form_html = "".join(re.findall(r"<form.*?</form>", html, re.S))
        assert "immigration" not in form_html.lower(), name
        if name != "start":
            assert "immigration" not in html.lower(), name


def test_every_page_works_without_javascript(client, service):
    pages = _every_page(client)
    assert 'href="' + url("name") + '"' in pages["start"]
    for name, html in pages.items():
        main = re.search(r"<main.*?</main>", html, re.S).group(0)
        assert "<script" not in main, name
        assert not re.search(r"\shx-[a-z]+=", main), name
        assert not re.search(r"\son[a-z]+=", main), name
        if name in STEP_ORDER or name == "check":
            form = page_form(html)
            assert form["method"] == "post", name
            assert '<button class="nhsuk-button" data-module="nhsuk-button"' in main, name
            assert 'type="submit"' in main, name


def test_every_page_has_its_own_title(client, service):
    pages = _every_page(client)
    titles = [title(html) for html in pages.values()]
    assert len(set(titles)) == len(titles)
    assert all(t and not t.startswith("Error:") for t in titles)
