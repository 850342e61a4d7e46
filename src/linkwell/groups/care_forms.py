"""Forms for feedback, notes and concerns. They parse what was typed; the services decide (so
pages and API give the same messages), and service errors are put back on the fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import (
    MAX_CONCERN_TEXT,
    MAX_FEEDBACK_COMMENT,
    MAX_NOTE,
    ComeAgain,
    ConcernSeverity,
    Feeling,
)

# The faces shown beside each answer (decorative: the words carry the meaning).
FACES = {1: "😢", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the matching fields (the rest on the form)."""
    error_dict = getattr(exc, "error_dict", None) or {None: exc.error_list}
    for key, errors in error_dict.items():
        form.add_error(key if key in form.fields else None, errors)


def _person_choices(bookings, blank_label) -> list[tuple[str, str]]:
    choices = [("", blank_label)]
    for booking in bookings:
        if booking.service_referral_id:
            choices.append((str(booking.pk), booking.service_referral.shared_first_name))
    return choices


class FeedbackAnswersForm(forms.Form):
    """The three questions, worded for the person (their phone or a paper slip)."""

    # CharFields with choice widgets: the service checks the values, so a bad one gets the
    # same message on the page as over the API.
    feeling = forms.CharField(
        label=_("How did you feel today?"),
        required=False,
        widget=forms.RadioSelect(choices=Feeling.choices),
    )
    come_again = forms.CharField(
        label=_("Would you come again?"),
        required=False,
        widget=forms.RadioSelect(attrs={"inline": True}, choices=ComeAgain.choices),
    )
    comment = forms.CharField(
        label=_("Is there anything you would like to tell us? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"maxlength": MAX_FEEDBACK_COMMENT}),
    )
    share_comment = forms.BooleanField(
        label=_("Share what I wrote with my link worker"),
        help_text=_("If you do not tick this, only the group sees your words."),
        required=False,
    )

    def faces(self):
        """The feeling radios, each with its face and words, for the hand-written scale."""
        current = str(self["feeling"].value() or "")
        return [
            {
                "value": value,
                "label": label,
                "face": FACES[value],
                "id": f"id_feeling_{i}",
                "checked": current == str(value),
            }
            for i, (value, label) in enumerate(Feeling.choices)
        ]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "feeling": data.get("feeling"),
            "come_again": data.get("come_again"),
            "comment": data.get("comment", ""),
            "share_comment": bool(data.get("share_comment")),
        }


class PaperFeedbackForm(FeedbackAnswersForm):
    """The facilitator types in a paper slip: about one person on the register, or anonymous."""

    booking = forms.CharField(label=_("Whose feedback is it?"), required=False, widget=forms.Select)
    field_order = ["booking", "feeling", "come_again", "comment", "share_comment"]

    def __init__(self, *args, bookings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].widget.choices = _person_choices(
            bookings, _("Anonymous (a walk-in, or they did not give a name)")
        )
        self.fields["share_comment"].label = _(
            "They asked to share their words with their link worker"
        )
        self.fields["share_comment"].help_text = ""


class FeedbackLinkForm(forms.Form):
    booking = forms.CharField(label=_("Who is the link for?"), required=False, widget=forms.Select)

    def __init__(self, *args, bookings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].widget.choices = _person_choices(
            bookings, _("Anyone (a walk-in): the page will be in English")
        )


class SessionNoteForm(forms.Form):
    booking = forms.CharField(
        label=_("Who is the note about? (optional)"), required=False, widget=forms.Select
    )
    text = forms.CharField(
        label=_("Note"),
        help_text=_("Only your organisation sees this note unless you share it."),
        required=False,
        widget=forms.Textarea(attrs={"maxlength": MAX_NOTE}),
    )
    share_with_link_worker = forms.BooleanField(
        label=_("Share this note with the person's link worker"),
        help_text=_("Only for a note about one referred person."),
        required=False,
    )

    def __init__(self, *args, bookings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].widget.choices = _person_choices(bookings, _("The whole session"))


class ConcernForm(forms.Form):
    booking = forms.CharField(
        label=_("Who are you worried about?"), required=False, widget=forms.Select
    )
    severity = forms.CharField(
        label=_("How urgent is it?"),
        required=False,
        widget=forms.RadioSelect(choices=ConcernSeverity.choices),
    )
    what_happened = forms.CharField(
        label=_("What did you see or what was said?"),
        help_text=_("Write what happened in plain words. Do not guess at reasons."),
        required=False,
        widget=forms.Textarea(attrs={"maxlength": MAX_CONCERN_TEXT}),
    )
    actions_taken = forms.CharField(
        label=_("What have you done so far? (optional)"),
        help_text=_("For example: called 999, stayed with them, gave them the Samaritans number."),
        required=False,
        widget=forms.Textarea(attrs={"maxlength": MAX_CONCERN_TEXT}),
    )

    def __init__(self, *args, bookings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["severity"].choice_hints = {
            ConcernSeverity.IMMEDIATE: _("Someone could be hurt now: call 999 first."),
            ConcernSeverity.URGENT: _("Their link worker needs to know today."),
            ConcernSeverity.NOT_URGENT: _("Their link worker should know, but it can wait."),
        }
        self.fields["booking"].widget.choices = _person_choices(
            bookings, _("Someone who was not referred (a walk-in)")
        )


class ConcernResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How was it resolved?"),
        required=False,
        widget=forms.Textarea(attrs={"maxlength": MAX_CONCERN_TEXT}),
    )
