"""Noticeboard forms: they parse what was typed; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_BODY, MAX_REPLY, MAX_TITLE, Topic

_MAX_LENGTH = {"max_length": _("Must be %(limit_value)s characters or fewer")}
NO_PERSONAL_DATA = _(
    "Don't post anything about the people you support: no names, initials, stories or "
    "details that could identify someone."
)


class FilterForm(forms.Form):
    area = forms.CharField(
        label=_("Area"),
        required=False,
        max_length=8,
        help_text=_("A postcode district like SR2. Posts for all areas are always shown."),
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "autocomplete": "off"}),
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All topics")), *Topic.choices]
    )


class PostForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=Topic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a topic.")},
    )
    area = forms.CharField(
        label=_("Area (optional)"),
        required=False,
        max_length=8,
        help_text=_("A postcode district like SR2. Leave empty for all areas."),
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "autocomplete": "off"}),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE,
        error_messages={"required": _("Enter a title."), **_MAX_LENGTH},
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_BODY,
        help_text=NO_PERSONAL_DATA,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter your message."), **_MAX_LENGTH},
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_REPLY,
        help_text=NO_PERSONAL_DATA,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter your reply."), **_MAX_LENGTH},
    )
