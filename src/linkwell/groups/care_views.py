"""Pages for participant feedback, facilitator notes, concerns and signposting.

Provider pages hang off the register (/groups/sessions/<id>/…); concerns are shared with the
person's link worker service (/groups/concerns/…); the person's own feedback page is public
at /f/<token>/ (no sign-in, in their language, single use). Every form is a plain POST that
works without JavaScript. Scope (404) is the selectors'; rules (403, messages) the services'.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, Role
from linkwell.audit.services import audit_list
from linkwell.referrals.views import roles_required

from . import concerns, feedback, selectors
from .care_forms import (
    ConcernForm,
    ConcernResolveForm,
    FeedbackAnswersForm,
    FeedbackLinkForm,
    PaperFeedbackForm,
    SessionNoteForm,
    add_service_errors,
)
from .models import BookingStatus

CONCERN_ROLES = (Role.PROVIDER, *LINK_WORKER_ROLES)


def _public_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("groups_public:feedback", args=[token]))


def _care_page(request, session, *, paper_form=None, link_form=None, note_form=None, status=200):
    items = feedback.session_feedback(session)
    notes = feedback.session_notes(session)
    people = feedback.feedback_people(session)
    on_register = [
        b
        for b in selectors.session_bookings(session)
        if b.status != BookingStatus.WAITLISTED and b.status != BookingStatus.OFFERED
    ]
    audit_list(
        actor=request.user,
        object_type="groups.feedback",
        person_ids=[
            b.service_referral.case.person_id for b in on_register if b.service_referral_id
        ],
    )
    return render(
        request,
        "groups/care/session_care.html",
        {
            "session": session,
            "feedback_items": items,
            "summary": feedback.feedback_summary(items),
            "notes": notes,
            "paper_form": paper_form or PaperFeedbackForm(bookings=people),
            "link_form": link_form or FeedbackLinkForm(bookings=people),
            "note_form": note_form or SessionNoteForm(bookings=on_register),
            "is_future": timezone.localdate(session.starts_at) > timezone.localdate(),
            "forms": [f for f in (paper_form, link_form, note_form) if f is not None],
        },
        status=status,
    )


@roles_required(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def session_care(request, pk):
    """Feedback and notes for one session; POST enters a paper feedback slip."""
    session = selectors.session_get_for(request.user, pk)
    if request.method == "GET":
        return _care_page(request, session)
    form = PaperFeedbackForm(request.POST, bookings=feedback.feedback_people(session))
    if form.is_valid():
        try:
            feedback.feedback_record(
                actor=request.user,
                session_id=session.pk,
                booking_id=form.cleaned_data["booking"] or None,
                **form.answers(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Feedback saved."))
            return redirect("groups:session_care", pk=session.pk)
    return _care_page(request, session, paper_form=form, status=400)


@roles_required(Role.PROVIDER)
@require_POST
def feedback_link(request, pk):
    """Make a phone link: show it (to copy or show on screen), or send it by text."""
    session = selectors.session_get_for(request.user, pk)
    booking_id = request.POST.get("booking") or None
    try:
        if request.POST.get("send"):
            feedback.feedback_link_send(
                actor=request.user,
                session_id=session.pk,
                booking_id=booking_id,
                build_url=lambda token: _public_url(request, token),
            )
            messages.success(request, _("The feedback link will be sent to them."))
            return redirect("groups:session_care", pk=session.pk)
        link, token = feedback.feedback_link_create(
            actor=request.user, session_id=session.pk, booking_id=booking_id
        )
    except ValidationError as exc:
        form = FeedbackLinkForm(request.POST, bookings=feedback.feedback_people(session))
        form.is_valid()
        add_service_errors(form, exc)
        return _care_page(request, session, link_form=form, status=400)
    return render(
        request,
        "groups/care/link_created.html",
        {"session": session, "link": link, "url": _public_url(request, token)},
    )


@roles_required(Role.PROVIDER)
@require_POST
def note_add(request, pk):
    session = selectors.session_get_for(request.user, pk)
    on_register = selectors.session_bookings(session)
    form = SessionNoteForm(request.POST, bookings=on_register)
    if form.is_valid():
        try:
            feedback.session_note_add(
                actor=request.user,
                session_id=session.pk,
                booking_id=form.cleaned_data["booking"] or None,
                text=form.cleaned_data["text"],
                share_with_link_worker=form.cleaned_data["share_with_link_worker"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Note saved."))
            return redirect("groups:session_care", pk=session.pk)
    return _care_page(request, session, note_form=form, status=400)


# ---- concerns ----------------------------------------------------------------------------


@roles_required(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def concern_new(request, pk):
    """ "I'm worried about someone": the crisis panel first, then the form."""
    session = selectors.session_get_for(request.user, pk)
    bookings = [
        b
        for b in selectors.session_bookings(session)
        if b.status not in (BookingStatus.WAITLISTED, BookingStatus.OFFERED)
    ]
    initial = {"booking": request.GET.get("booking", "")}
    status = 200
    if request.method == "POST":
        form = ConcernForm(request.POST, bookings=bookings)
        if form.is_valid():
            try:
                concern = concerns.concern_raise(
                    actor=request.user,
                    session_id=session.pk,
                    booking_id=form.cleaned_data["booking"] or None,
                    severity=form.cleaned_data["severity"],
                    what_happened=form.cleaned_data["what_happened"],
                    actions_taken=form.cleaned_data["actions_taken"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(reverse("groups:concern", args=[concern.pk]) + "?raised=1")
        status = 400
    else:
        form = ConcernForm(initial=initial, bookings=bookings)
    return render(
        request,
        "groups/care/concern_new.html",
        {
            "session": session,
            "form": form,
            "crisis_contacts": concerns.crisis_contacts(),
            "immediate": request.POST.get("severity") == "immediate",
        },
        status=status,
    )


@roles_required(*CONCERN_ROLES)
@require_GET
def concern_list(request):
    items = concerns.concerns_list_for(request.user)
    return render(
        request,
        "groups/care/concern_list.html",
        {"concerns": items, "is_provider": Role.PROVIDER in _roles(request.user)},
    )


def _roles(user) -> set[str]:
    return permissions.roles(user)


def _concern_page(request, concern, *, resolve_form=None, status=200):
    return render(
        request,
        "groups/care/concern.html",
        {
            "concern": concern,
            "may_act": concerns.concern_may_act(request.user, concern),
            "resolve_form": resolve_form or ConcernResolveForm(),
            "form": resolve_form,
            "crisis_contacts": concerns.crisis_contacts(),
            "just_raised": request.GET.get("raised") == "1",
            "show_case_link": bool(concern.case_id)
            and concern.case.referral.service_id
            in permissions.link_worker_service_ids(request.user),
            "signposting": concerns.signposting_panel()
            if Role.PROVIDER in _roles(request.user)
            else None,
        },
        status=status,
    )


@roles_required(*CONCERN_ROLES)
@require_GET
def concern_detail(request, pk):
    concern = concerns.concern_get_for(request.user, pk)
    return _concern_page(request, concern)


@roles_required(*CONCERN_ROLES)
@require_POST
def concern_acknowledge(request, pk):
    concern = concerns.concern_get_for(request.user, pk, audit=False)
    try:
        concerns.concern_acknowledge(actor=request.user, concern_id=concern.pk)
        messages.success(request, _("Concern acknowledged."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("groups:concern", pk=concern.pk)


@roles_required(*CONCERN_ROLES)
@require_POST
def concern_resolve(request, pk):
    concern = concerns.concern_get_for(request.user, pk, audit=False)
    form = ConcernResolveForm(request.POST)
    form.is_valid()
    try:
        concerns.concern_resolve(
            actor=request.user,
            concern_id=concern.pk,
            resolution=form.cleaned_data.get("resolution", ""),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        concern = concerns.concern_get_for(request.user, pk, audit=False)
        return _concern_page(request, concern, resolve_form=form, status=400)
    messages.success(request, _("Concern resolved."))
    return redirect("groups:concern", pk=concern.pk)


@roles_required(*CONCERN_ROLES)
@require_GET
def signposting(request):
    session_id = request.GET.get("session", "")
    return render(
        request,
        "groups/care/signposting.html",
        {
            "signposting": concerns.signposting_panel(),
            "crisis_contacts": concerns.crisis_contacts(),
            "session_id": session_id if session_id.isdigit() else "",
        },
    )


# ---- the person's feedback page (public) -------------------------------------------------

_UNUSABLE = {
    "unknown": gettext_lazy("This link is not valid. Check you copied all of it."),
    "expired": gettext_lazy("This link has expired. Thank you for coming to the group."),
    "used": gettext_lazy("This feedback has already been sent. Thank you."),
}


def _public_language(request, link) -> str:
    """The person's language (from what their link worker shared), unless they chose
    another with the switcher on the page (?lang=)."""
    chosen = request.GET.get("lang") or request.POST.get("lang") or ""
    codes = {code for code, _name in settings.LANGUAGES}
    if chosen in codes:
        return chosen
    return link.language or settings.LANGUAGE_CODE


def _public_response(request, template, context, *, status=200, language=None):
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        response = render(request, template, context, status=status)
    response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def public_feedback(request, token):
    """Three questions on the person's phone: no sign-in, no personal data, single use."""
    try:
        link = feedback.feedback_link_get(token)
    except feedback.LinkUnusable as exc:
        return _public_response(
            request,
            "groups/public_feedback_unusable.html",
            {"message": _UNUSABLE[exc.reason]},
            status=410,
        )
    language = _public_language(request, link)
    status = 200
    with translation.override(language):
        if request.method == "POST":
            form = FeedbackAnswersForm(request.POST)
            form.is_valid()
            try:
                feedback.feedback_submit(token=token, **form.answers())
            except feedback.LinkUnusable as exc:
                return _public_response(
                    request,
                    "groups/public_feedback_unusable.html",
                    {"message": _UNUSABLE[exc.reason]},
                    status=410,
                    language=language,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                return _public_response(
                    request, "groups/public_feedback_done.html", {}, language=language
                )
        else:
            form = FeedbackAnswersForm()
        if not link.booking_id:
            del form.fields["share_comment"]
        return _public_response(
            request,
            "groups/public_feedback.html",
            {
                "form": form,
                "language": language,
            },
            status=status,
            language=language,
        )
