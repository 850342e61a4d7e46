"""NHS.UK form includes, page template and the NHS.UK date field.

Templates are rendered with render_to_string (no request unless one is needed), so
these tests need neither the database nor the project's views.
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.core.paginator import Paginator
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from linkwell.web.forms_widgets import NHSDateField, NHSDateWidget
from linkwell.web.templatetags.linkwell_forms import choice_hint, get_item

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str, tag: str | None = None) -> list[dict[str, str | None]]:
    parser = _Collector()
    parser.feed(html)
    return [attrs for name, attrs in parser.elements if tag is None or name == tag]


def by_id(html: str, element_id: str) -> dict[str, str | None]:
    found = [attrs for attrs in elements(html) if attrs.get("id") == element_id]
    assert len(found) == 1, f"expected one element with id {element_id!r}, found {len(found)}"
    return found[0]


def classes(attrs: dict[str, str | None]) -> set[str]:
    return set((attrs.get("class") or "").split())


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


class ReferralForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        help_text="As it appears on their GP record",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(label="Email address", required=False)
    notes = forms.CharField(
        label="What matters to them?", widget=forms.Textarea, max_length=500, required=False
    )
    contact = forms.ChoiceField(
        label="How should we contact them?",
        choices=[("phone", "Phone"), ("email", "Email"), ("letter", "Letter")],
        widget=forms.RadioSelect(attrs={"inline": True}),
    )
    needs = forms.MultipleChoiceField(
        label="What do they need help with?",
        choices=[("housing", "Housing"), ("money", "Money"), ("loneliness", "Loneliness")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent = forms.BooleanField(
        label="They agree to be referred", help_text="Ask them before you refer"
    )
    borough = forms.ChoiceField(
        label="Borough", choices=[("", "Choose a borough"), ("hackney", "Hackney")]
    )
    date_of_birth = NHSDateField(
        label="Date of birth",
        help_text="For example, 15 3 1984",
        allow_future=False,
        widget=NHSDateWidget(autocomplete="bday"),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].choice_hints = {"letter": "We will post it to their home address"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contact") == "email" and not cleaned.get("email"):
            raise forms.ValidationError("Give an email address to contact them by email")
        return cleaned


VALID = {
    "full_name": "Ada Lovelace",
    "contact": "phone",
    "consent": "on",
    "borough": "hackney",
    "date_of_birth_day": "10",
    "date_of_birth_month": "12",
    "date_of_birth_year": "1985",
}


def field_html(form: forms.Form, name: str, **options) -> str:
    return render_to_string("includes/forms/field.html", {"field": form[name], **options})


# ---------------------------------------------------------------- error summary


def test_error_summary_links_each_error_to_its_field():
    form = ReferralForm({"contact": "email", "date_of_birth_day": "31"})
    assert not form.is_valid()
    html = render_to_string("includes/forms/error_summary.html", {"form": form})

    summary = elements(html, "div")[0]
    assert classes(summary) == {"nhsuk-error-summary"}
    assert summary["data-module"] == "nhsuk-error-summary"
    assert summary["tabindex"] == "-1"
    assert elements(html, "div")[1]["role"] == "alert"
    assert "There is a problem" in html

    hrefs = [a["href"] for a in elements(html, "a")]
    assert hrefs == [
        "#id_full_name",
        "#id_consent",
        "#id_borough",
        "#id_date_of_birth_day",
    ]
    # The non-field error comes first and has nothing to link to.
    text = squash(html)
    assert text.index("Give an email address") < text.index("#id_full_name")


def test_error_summary_links_radios_and_checkboxes_to_their_first_input():
    class ChoiceForm(forms.Form):
        colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)
        sizes = forms.MultipleChoiceField(
            choices=[("s", "Small"), ("l", "Large")], widget=forms.CheckboxSelectMultiple
        )

    form = ChoiceForm({})
    assert not form.is_valid()
    html = render_to_string("includes/forms/error_summary.html", {"form": form})
    assert [a["href"] for a in elements(html, "a")] == ["#id_colour_0", "#id_sizes_0"]
    # ...and those ids exist on the rendered inputs.
    by_id(field_html(form, "colour"), "id_colour_0")
    by_id(field_html(form, "sizes"), "id_sizes_0")


def test_error_summary_renders_nothing_without_errors():
    assert (
        render_to_string("includes/forms/error_summary.html", {"form": ReferralForm()}).strip()
        == ""
    )
    form = ReferralForm(VALID)
    assert form.is_valid(), form.errors
    assert render_to_string("includes/forms/error_summary.html", {"form": form}).strip() == ""


def test_error_summary_escapes_error_text():
    form = ReferralForm({})
    form.is_valid()
    form.add_error(None, XSS)
    html = render_to_string("includes/forms/error_summary.html", {"form": form})
    assert XSS not in html
    assert XSS_ESCAPED in html


# ---------------------------------------------------------------- text inputs


def test_text_input_with_hint_and_error():
    form = ReferralForm({"full_name": ""})
    form.is_valid()
    html = field_html(
        form, "full_name", label_class="nhsuk-label--m", input_class="nhsuk-input--width-20"
    )

    group = elements(html, "div")[0]
    assert classes(group) == {"nhsuk-form-group", "nhsuk-form-group--error"}
    label = elements(html, "label")[0]
    assert label["for"] == "id_full_name"
    assert classes(label) == {"nhsuk-label", "nhsuk-label--m"}
    assert "nhsuk-hint" in classes(by_id(html, "id_full_name-hint"))
    assert "nhsuk-error-message" in classes(by_id(html, "id_full_name-error"))
    assert '<span class="nhsuk-u-visually-hidden">Error: </span>This field is required.' in html

    field = by_id(html, "id_full_name")
    assert classes(field) == {"nhsuk-input", "nhsuk-input--error", "nhsuk-input--width-20"}
    assert field["name"] == "full_name"
    assert field["type"] == "text"
    assert field["aria-describedby"] == "id_full_name-hint id_full_name-error"
    assert field["autocomplete"] == "name"
    assert field["maxlength"] == "100"
    assert "required" not in field
    # Empty submitted value: value attribute left out rather than "None".
    assert "value" not in field


def test_text_input_value_is_escaped():
    form = ReferralForm({"full_name": XSS})
    html = field_html(form, "full_name")
    assert XSS not in html
    assert f'value="{XSS_ESCAPED}"' in html
    assert by_id(html, "id_full_name")["value"] == XSS


def test_text_input_without_errors_or_hint():
    form = ReferralForm(initial={"email": "ada@example.com"})
    html = field_html(form, "email")
    assert "nhsuk-form-group--error" not in html
    field = by_id(html, "id_email")
    assert field["type"] == "email"
    assert field["value"] == "ada@example.com"
    assert classes(field) == {"nhsuk-input"}
    assert "aria-describedby" not in field


def test_label_can_be_the_page_heading():
    html = field_html(ReferralForm(), "full_name", page_heading=True, label_class="nhsuk-label--l")
    assert re.search(
        r'<h1 class="nhsuk-label-wrapper">\s*<label class="nhsuk-label nhsuk-label--l"', html
    )


def test_password_is_never_sent_back():
    class SignInForm(forms.Form):
        password = forms.CharField(widget=forms.PasswordInput)

    html = field_html(SignInForm({"password": "hunter2hunter2"}), "password")
    assert "hunter2" not in html
    assert by_id(html, "id_password")["type"] == "password"


def test_hidden_field():
    html = field_html(ReferralForm(initial={"token": "abc"}), "token")
    assert squash(html).strip() == '<input id="id_token" name="token" type="hidden" value="abc">'


# ---------------------------------------------------------------- textarea


def test_textarea_is_a_character_count_and_escapes_its_value():
    form = ReferralForm({"notes": f"Likes gardening {XSS}"})
    form.is_valid()
    html = field_html(form, "notes")
    group = elements(html, "div")[0]
    assert classes(group) == {"nhsuk-form-group", "nhsuk-character-count"}
    assert group["data-module"] == "nhsuk-character-count"
    assert group["data-maxlength"] == "500"
    assert (
        group["data-i18n.characters-under-limit.other"] == "You have %{count} characters remaining"
    )

    textarea = by_id(html, "id_notes")
    assert classes(textarea) == {"nhsuk-textarea", "nhsuk-js-character-count"}
    assert textarea["rows"] == "5"
    assert textarea["aria-describedby"] == "id_notes-info"
    assert "maxlength" not in textarea
    assert XSS not in html
    assert f"Likes gardening {XSS_ESCAPED}</textarea>" in html
    by_id(html, "id_notes-info")
    assert "You can enter up to 500 characters" in squash(html)


def test_textarea_error():
    form = ReferralForm({"notes": "x" * 501})
    form.is_valid()
    html = field_html(form, "notes")
    textarea = by_id(html, "id_notes")
    assert "nhsuk-textarea--error" in classes(textarea)
    assert textarea["aria-describedby"] == "id_notes-info id_notes-error"


# ---------------------------------------------------------------- select


def test_select_marks_the_chosen_option_and_escapes_labels():
    class BoroughForm(forms.Form):
        borough = forms.ChoiceField(
            choices=[("a", "Hackney"), ("b", XSS)], help_text="Where they live"
        )

    html = field_html(BoroughForm({"borough": "b"}), "borough")
    select = by_id(html, "id_borough")
    assert classes(select) == {"nhsuk-select"}
    assert select["aria-describedby"] == "id_borough-hint"
    options = elements(html, "option")
    assert [o["value"] for o in options] == ["a", "b"]
    assert "selected" in options[1] and "selected" not in options[0]
    assert XSS not in html and XSS_ESCAPED in html


# ---------------------------------------------------------------- radios and checkboxes


def test_radios_in_a_fieldset_with_inline_variant_and_choice_hints():
    form = ReferralForm({"contact": "letter"})
    form.is_valid()
    html = field_html(form, "contact", label_class="nhsuk-label--m")

    fieldset = elements(html, "fieldset")[0]
    assert "aria-describedby" not in fieldset  # no hint, no error
    legend = elements(html, "legend")[0]
    assert classes(legend) == {"nhsuk-fieldset__legend", "nhsuk-fieldset__legend--m"}

    radios = [d for d in elements(html, "div") if "nhsuk-radios" in classes(d)][0]
    assert classes(radios) == {"nhsuk-radios", "nhsuk-radios--inline"}
    assert radios["data-module"] == "nhsuk-radios"
    assert "inline" not in html.replace("nhsuk-radios--inline", "")

    inputs = elements(html, "input")
    assert [i["id"] for i in inputs] == ["id_contact_0", "id_contact_1", "id_contact_2"]
    assert all(i["type"] == "radio" and i["name"] == "contact" for i in inputs)
    assert "checked" in inputs[2] and "checked" not in inputs[0]
    assert "required" not in html

    # Per-choice hint from the field's choice_hints.
    assert inputs[2]["aria-describedby"] == "id_contact_2-item-hint"
    hint = by_id(html, "id_contact_2-item-hint")
    assert classes(hint) == {"nhsuk-hint", "nhsuk-radios__hint"}
    assert "We will post it to their home address" in html
    assert "aria-describedby" not in inputs[0]
    assert {lab["for"] for lab in elements(html, "label")} == {i["id"] for i in inputs}


def test_radios_error_is_described_on_the_fieldset():
    form = ReferralForm({})
    form.is_valid()
    html = field_html(form, "contact")
    assert classes(elements(html, "div")[0]) == {"nhsuk-form-group", "nhsuk-form-group--error"}
    assert elements(html, "fieldset")[0]["aria-describedby"] == "id_contact-error"
    by_id(html, "id_contact-error")


def test_checkboxes_keep_the_ticked_choices():
    form = ReferralForm({"needs": ["housing", "loneliness"]})
    html = field_html(form, "needs")
    inputs = elements(html, "input")
    assert [i["type"] for i in inputs] == ["checkbox"] * 3
    assert ["checked" in i for i in inputs] == [True, False, True]
    assert classes([d for d in elements(html, "div") if "data-module" in d][0]) == {
        "nhsuk-checkboxes"
    }


def test_model_style_blank_choice_is_not_shown_as_a_radio():
    class BlankForm(forms.Form):
        answer = forms.ChoiceField(
            choices=[("", "---------"), ("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect
        )

    html = field_html(BlankForm(), "answer")
    assert "---------" not in html
    assert [i["value"] for i in elements(html, "input")] == ["yes", "no"]


def test_single_checkbox():
    form = ReferralForm({})
    form.is_valid()
    html = field_html(form, "consent")
    box = by_id(html, "id_consent")
    assert box["type"] == "checkbox"
    assert "checked" not in box
    assert box["aria-describedby"] == "id_consent-error id_consent-item-hint"
    assert classes(by_id(html, "id_consent-item-hint")) == {"nhsuk-hint", "nhsuk-checkboxes__hint"}

    html = field_html(ReferralForm({"consent": "on"}), "consent")
    assert "checked" in by_id(html, "id_consent")


# ---------------------------------------------------------------- date input


def test_date_input_markup():
    form = ReferralForm(initial={"date_of_birth": datetime.date(1984, 3, 5)})
    html = field_html(form, "date_of_birth", label_class="nhsuk-label--m")

    fieldset = elements(html, "fieldset")[0]
    assert fieldset["role"] == "group"
    assert fieldset["aria-describedby"] == "id_date_of_birth-hint"
    assert "nhsuk-fieldset__legend--m" in classes(elements(html, "legend")[0])
    assert classes(by_id(html, "id_date_of_birth")) == {"nhsuk-date-input"}

    day, month, year = (
        by_id(html, f"id_date_of_birth_{part}") for part in ("day", "month", "year")
    )
    assert (day["name"], month["name"], year["name"]) == (
        "date_of_birth_day",
        "date_of_birth_month",
        "date_of_birth_year",
    )
    assert (day["value"], month["value"], year["value"]) == ("5", "3", "1984")
    assert classes(day) == {"nhsuk-input", "nhsuk-input--width-2", "nhsuk-date-input__input"}
    assert "nhsuk-input--width-4" in classes(year)
    assert {day["inputmode"], month["inputmode"], year["inputmode"]} == {"numeric"}
    assert (day["autocomplete"], year["autocomplete"]) == ("bday-day", "bday-year")
    labels = squash(html)
    for text in ("Day", "Month", "Year"):
        assert f"> {text} </label>" in labels


def test_date_input_highlights_only_the_missing_part():
    form = ReferralForm(
        {"date_of_birth_day": "4", "date_of_birth_month": "", "date_of_birth_year": "1990"}
    )
    form.is_valid()
    assert form.errors["date_of_birth"] == ["Date must include a month"]
    html = field_html(form, "date_of_birth")
    assert elements(html, "fieldset")[0]["aria-describedby"] == (
        "id_date_of_birth-hint id_date_of_birth-error"
    )
    assert "nhsuk-input--error" in classes(by_id(html, "id_date_of_birth_month"))
    assert "nhsuk-input--error" not in classes(by_id(html, "id_date_of_birth_day"))
    assert "nhsuk-input--error" not in classes(by_id(html, "id_date_of_birth_year"))
    # What the person typed is shown back to them.
    assert by_id(html, "id_date_of_birth_day")["value"] == "4"


def test_date_input_highlights_every_part_for_an_error_without_parts():
    form = ReferralForm(VALID)
    assert form.is_valid()
    form.add_error("date_of_birth", "They must be 18 or over")
    html = field_html(form, "date_of_birth")
    for part in ("day", "month", "year"):
        assert "nhsuk-input--error" in classes(by_id(html, f"id_date_of_birth_{part}"))


def test_date_input_values_are_escaped():
    form = ReferralForm({"date_of_birth_day": XSS})
    form.is_valid()
    html = field_html(form, "date_of_birth")
    assert XSS not in html
    assert by_id(html, "id_date_of_birth_day")["value"] == XSS


# ---------------------------------------------------------------- NHSDateField


def clean_date(day, month, year, **kwargs):
    return NHSDateField(**kwargs).clean([day, month, year])


def date_error(day, month, year, **kwargs):
    with pytest.raises(forms.ValidationError) as caught:
        clean_date(day, month, year, **kwargs)
    return caught.value


def test_date_field_cleans_a_real_date():
    assert clean_date("15", "3", "1984") == datetime.date(1984, 3, 15)
    assert clean_date(" 01 ", "03", "1984") == datetime.date(1984, 3, 1)
    assert clean_date("29", "2", "2024") == datetime.date(2024, 2, 29)
    # Arabic-Indic digits are numbers too.
    assert clean_date("١٥", "٣", "١٩٨٤") == datetime.date(1984, 3, 15)


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "parts"),
    [
        ("", "3", "1984", "Date must include a day", ("day",)),
        ("15", "", "1984", "Date must include a month", ("month",)),
        ("15", "3", "", "Date must include a year", ("year",)),
        ("", "", "1984", "Date must include a day and month", ("day", "month")),
        ("", "3", "", "Date must include a day and year", ("day", "year")),
        ("15", "", "", "Date must include a month and year", ("month", "year")),
    ],
)
def test_date_field_names_the_missing_parts(day, month, year, message, parts):
    error = date_error(day, month, year)
    assert error.messages == [message]
    assert error.error_list[0].params["parts"] == parts


@pytest.mark.parametrize(
    ("day", "month", "year", "parts"),
    [
        ("31", "2", "2023", ("day",)),
        ("29", "2", "2023", ("day",)),
        ("31", "4", "2024", ("day",)),
        ("0", "1", "2024", ("day",)),
        ("1", "13", "2024", ("month",)),
        ("32", "13", "2024", ("day", "month")),
        ("first", "3", "1984", ("day",)),
        ("1", "March", "1984", ("month",)),
        ("1.5", "3", "1984", ("day",)),
        ("-1", "3", "1984", ("day",)),
    ],
)
def test_date_field_refuses_dates_that_do_not_exist(day, month, year, parts):
    error = date_error(day, month, year)
    assert error.messages == ["Enter a real date"]
    assert error.error_list[0].params["parts"] == parts


@pytest.mark.parametrize("year", ["84", "984", "19845", "084"])
def test_date_field_needs_a_four_digit_year(year):
    error = date_error("15", "3", year)
    assert error.messages == ["Year must include 4 numbers"]
    assert error.error_list[0].params["parts"] == ("year",)


def test_date_field_required_and_optional():
    assert date_error("", "", "").messages == ["Enter a date"]
    assert NHSDateField(required=False).clean(["", "", ""]) is None
    assert NHSDateField(required=False).clean([None, None, None]) is None
    field = NHSDateField(error_messages={"required": "Enter their date of birth"})
    with pytest.raises(forms.ValidationError, match="Enter their date of birth"):
        field.clean(["", " ", ""])


def test_date_field_past_and_future():
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    yesterday = today - datetime.timedelta(days=1)
    parts = lambda d: [str(d.day), str(d.month), str(d.year)]  # noqa: E731

    assert NHSDateField(allow_future=False).clean(parts(today)) == today
    with pytest.raises(forms.ValidationError, match="today or in the past"):
        NHSDateField(allow_future=False).clean(parts(tomorrow))
    with pytest.raises(forms.ValidationError, match="today or in the future"):
        NHSDateField(allow_past=False).clean(parts(yesterday))


def test_date_field_in_a_form_and_has_changed():
    form = ReferralForm(VALID)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(1985, 12, 10)

    initial = {"date_of_birth": datetime.date(1985, 12, 10)}
    assert "date_of_birth" not in ReferralForm(VALID, initial=initial).changed_data
    changed = ReferralForm({**VALID, "date_of_birth_day": "11"}, initial=initial)
    assert "date_of_birth" in changed.changed_data


def test_date_widget_decompress_and_label_id():
    widget = NHSDateWidget()
    assert widget.decompress(datetime.date(2001, 9, 7)) == ["7", "9", "2001"]
    assert widget.decompress("2001-09-07") == ["7", "9", "2001"]
    assert widget.decompress(None) == [None, None, None]
    assert widget.id_for_label("id_dob") == "id_dob_day"
    assert ReferralForm()["date_of_birth"].id_for_label == "id_date_of_birth_day"


# ---------------------------------------------------------------- template tags


def test_nhs_field_tag_renders_field_html():
    form = ReferralForm({"full_name": ""})
    form.is_valid()
    html = Template(
        "{% load linkwell_forms %}"
        '{% nhs_field form.full_name label_class="nhsuk-label--l" input_class="nhsuk-input--width-30" %}'
    ).render(Context({"form": form}))
    assert classes(elements(html, "label")[0]) == {"nhsuk-label", "nhsuk-label--l"}
    assert "nhsuk-input--width-30" in classes(by_id(html, "id_full_name"))
    assert by_id(html, "id_full_name")["aria-describedby"] == "id_full_name-hint id_full_name-error"


def test_nhs_field_tag_options():
    form = ReferralForm()
    html = Template(
        "{% load linkwell_forms %}"
        '{% nhs_field form.contact label_override="How can we reach them?" hint_override="Pick one" %}'
    ).render(Context({"form": form}))
    assert "How can we reach them?" in html
    assert "How should we contact them?" not in html
    assert "Pick one" in html
    assert elements(html, "fieldset")[0]["aria-describedby"] == "id_contact-hint"

    with pytest.raises(TemplateSyntaxError, match="unknown option"):
        Template("{% load linkwell_forms %}{% nhs_field form.contact colour='red' %}").render(
            Context({"form": form})
        )
    with pytest.raises(TemplateSyntaxError, match="bound form field"):
        Template("{% load linkwell_forms %}{% nhs_field form.missing %}").render(
            Context({"form": form})
        )


def test_get_item_and_choice_hint_filters():
    assert get_item({"a": 1}, "a") == 1
    assert get_item({1: "one"}, "1") == "one"
    assert get_item({"a": 1}, "b") == ""
    assert get_item(None, "a") == ""
    form = ReferralForm()
    assert choice_hint(form["contact"], "letter") == "We will post it to their home address"
    assert choice_hint(form["contact"], "phone") == ""
    assert choice_hint(form["needs"], "housing") == ""
    html = Template("{% load linkwell_forms %}{{ hints|get_item:key }}").render(
        Context({"hints": {"x": XSS}, "key": "x"})
    )
    assert html == XSS_ESCAPED


# ---------------------------------------------------------------- pagination and back link


def test_pagination_keeps_the_query_string():
    paginator = Paginator(list(range(100)), 10)
    request = RequestFactory().get("/directory/", {"q": "walking & talking", "page": "5"})
    html = render_to_string(
        "includes/pagination.html", {"page_obj": paginator.page(5), "request": request}
    )
    nav = elements(html, "nav")[0]
    assert classes(nav) == {"nhsuk-pagination", "nhsuk-pagination--numbered"}
    assert nav["aria-label"] == "Pagination"

    links = elements(html, "a")
    previous = [a for a in links if a.get("rel") == "prev"][0]
    following = [a for a in links if a.get("rel") == "next"][0]
    assert previous["href"] == "?q=walking+%26+talking&page=4"
    assert following["href"] == "?q=walking+%26+talking&page=6"
    current = [a for a in links if a.get("aria-current") == "page"]
    assert [(a["href"], a["aria-label"]) for a in current] == [
        ("?q=walking+%26+talking&page=5", "Page 5")
    ]
    # Page 1 drops the page parameter; the other filters stay.
    assert "?q=walking+%26+talking" in [a["href"] for a in links]
    assert "&ctdot;" in html or "\u22ef" in html
    assert "&amp;page=" in html  # the & is escaped in the HTML


def test_pagination_hidden_for_a_single_page():
    page = Paginator([1, 2], 10).page(1)
    assert render_to_string("includes/pagination.html", {"page_obj": page}).strip() == ""


def test_pagination_first_page_has_no_previous_link():
    page = Paginator(list(range(30)), 10).page(1)
    html = render_to_string("includes/pagination.html", {"page_obj": page})
    assert not [a for a in elements(html, "a") if a.get("rel") == "prev"]
    assert [a["href"] for a in elements(html, "a") if a.get("rel") == "next"] == ["?page=2"]


def test_back_link():
    html = render_to_string("includes/back_link.html", {"href": "/referrals/?a=1&b=2"})
    link = elements(html, "a")[0]
    assert classes(link) == {"nhsuk-back-link"}
    assert link["href"] == "/referrals/?a=1&b=2"
    assert "Back" in html


# ---------------------------------------------------------------- language switcher and base


def _page_context(**extra):
    request = RequestFactory().get("/referrals/?status=new")
    request.user = AnonymousUser()
    return {
        "request": request,
        "user": AnonymousUser(),
        "csrf_token": "testtoken",
        "service_name": "Linkwell",
        "nav_items": [],
        **extra,
    }


def test_language_switcher_posts_without_javascript():
    html = render_to_string("includes/language_switcher.html", _page_context())
    form = elements(html, "form")[0]
    assert form["method"] == "post"
    inputs = {i["name"]: i for i in elements(html, "input")}
    assert inputs["csrfmiddlewaretoken"]["value"] == "testtoken"
    assert inputs["next"]["value"] == "/referrals/?status=new"

    select = elements(html, "select")[0]
    assert select["name"] == "language"
    assert elements(html, "label")[0]["for"] == select["id"]
    options = elements(html, "option")
    assert [o["lang"] for o in options] == [o["value"] for o in options]
    assert "so" in [o["value"] for o in options]  # no Django locale info; must not crash
    assert "selected" in [o for o in options if o["value"] == "en"][0]
    assert [o["dir"] for o in options if o["value"] in ("ar", "ur", "fa")] == ["rtl"] * 3
    assert "Soomaali" in html and "Cymraeg" in html
    assert elements(html, "button")[0]["type"] == "submit"
    assert "Change language" in html


def _assert_csp_safe(html: str):
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script, f"inline script: {script}"
    assert not re.search(r"<style\b", html)
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_base_page_logged_out():
    html = render_to_string("base.html", _page_context())
    html_tag = elements(html, "html")[0]
    assert (html_tag["lang"], html_tag["dir"]) == ("en", "ltr")
    assert re.search(r"<title>\s*– Linkwell</title>", html)
    assert elements(html, "a")[0]["class"] == "nhsuk-skip-link"
    assert elements(html, "a")[0]["href"] == "#maincontent"
    assert by_id(html, "maincontent")["class"] == "nhsuk-main-wrapper"

    sign_in = [a for a in elements(html, "a") if a.get("class") == "nhsuk-header__account-link"]
    assert sign_in and "Sign in" in html
    assert "Sign out" not in html
    assert "nhsuk-header__navigation" not in html  # no nav_items, no menu
    assert "Linkwell is open-source software" in html
    assert "Find community services" in html

    metas = {m.get("name"): m for m in elements(html, "meta")}
    assert "width=device-width" in metas["viewport"]["content"]
    scripts = {s["src"]: s for s in elements(html, "script")}
    assert any(src.endswith("htmx/htmx.min.js") and "defer" in s for src, s in scripts.items())
    assert any(s.get("type") == "module" for s in scripts.values())
    assert any("favicon" in (link.get("href") or "") for link in elements(html, "link"))
    _assert_csp_safe(html)


def test_base_page_logged_in_with_navigation_and_messages():
    user = SimpleNamespace(
        is_authenticated=True,
        get_full_name=lambda: "Ada Lovelace",
        get_username=lambda: "ada@example.com",
    )
    html = render_to_string(
        "base.html",
        _page_context(
            user=user,
            nav_items=[
                {"label": "Referrals", "url": "/referrals/", "active": True},
                {"label": f"Directory {XSS}", "url": "/directory/", "active": False},
            ],
            messages=[Message(message_levels.SUCCESS, "Referral sent")],
        ),
    )
    assert "Ada Lovelace" in html
    sign_out = [f for f in elements(html, "form") if f.get("class") == "nhsuk-header__account-form"]
    assert sign_out and sign_out[0]["method"] == "post"
    assert "Sign in" not in html
    assert re.search(
        r'<form class="nhsuk-header__account-form"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken" value="testtoken">\s*<button class="nhsuk-header__account-button"',
        html,
    )

    nav_links = [
        a for a in elements(html, "a") if a.get("class") == "nhsuk-header__navigation-link"
    ]
    assert [a["href"] for a in nav_links] == ["/referrals/", "/directory/"]
    assert nav_links[0]["aria-current"] and "aria-current" not in nav_links[1]
    assert XSS not in html

    banner = [d for d in elements(html, "div") if "nhsuk-notification-banner" in classes(d)][0]
    assert banner["role"] == "status"
    assert "nhsuk-notification-banner--success" in classes(banner)
    assert "Referral sent" in html
    # Messages are inside <main>, before the page content.
    assert html.index('id="maincontent"') < html.index("Referral sent")
    _assert_csp_safe(html)


def test_base_page_is_right_to_left_in_arabic():
    with translation.override("ar"):
        html = render_to_string("base.html", _page_context())
    html_tag = elements(html, "html")[0]
    assert (html_tag["lang"], html_tag["dir"]) == ("ar", "rtl")
    selected = [o for o in elements(html, "option") if "selected" in o]
    assert [o["value"] for o in selected] == ["ar"]


def test_base_page_title_marks_errors():
    form = ReferralForm({})
    form.is_valid()
    html = Template(
        "{% extends 'base.html' %}{% block title %}Refer someone{% endblock %}"
        "{% block content %}{% include 'includes/forms/error_summary.html' %}{% endblock %}"
    ).render(Context(_page_context(form=form)))
    assert re.search(r"<title>Error: Refer someone – Linkwell</title>", html)
    assert "There is a problem" in html
