"""Staff pages for outcome measures on a referral: the overview and the entry form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linkwell.accounts.models import LINK_WORKER_ROLES
from linkwell.audit.services import audit_list
from linkwell.referrals.views import roles_required

from . import selectors, self_completion, services
from .forms import MeasurementForm, SelfCompletionLinkForm
from .instruments import INSTRUMENTS, ons4
from .services import RECORDABLE_STATUSES
from .vocabulary import BAND_LABELS, timepoint_label
from .wording import licensed_wording


def _summary(m) -> list[tuple[str, str]]:
    """Readable score lines for one measurement: tracked scores, then bands."""
    instrument = INSTRUMENTS.get(m.instrument)
    if instrument is None:
        return []
    lines: list[tuple[str, str]] = []
    if m.scores.get("profile"):
        lines.append((_("Profile"), m.scores["profile"]))
    for tracked in instrument.tracked:
        value = m.scores.get(tracked.key)
        if value is not None:
            lines.append((_(tracked.label), str(value)))
    if "raw" in m.scores:
        lines.append((_("Raw score"), str(m.scores["raw"])))
    for key, value in m.scores.items():
        if key.endswith("_band"):
            label = _(ons4.SHORT_LABELS.get(key[: -len("_band")], key))
            lines.append((label, str(BAND_LABELS.get(value, value))))
        elif key == "band":
            lines.append((_("Result"), str(BAND_LABELS.get(value, value))))
    return lines


def _measurement_rows(measurements):
    return [
        {"m": m, "timepoint": timepoint_label(m.timepoint), "lines": _summary(m)}
        for m in measurements
    ]


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def due_list(request):
    """Measures due and overdue on the link worker's caseload (the whole team's for a lead)."""
    due = selectors.measures_due_for(request.user)
    audit_list(
        actor=request.user,
        object_type="outcomes.measurement",
        person_ids=[d.referral.person_id for d in due],
    )
    for d in due:
        d.timepoint_label = timepoint_label(d.row.timepoint.code)
        d.instrument_name = _(INSTRUMENTS[d.row.instrument].name)
    return render(request, "outcomes/due.html", {"due": due})


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def referral_outcomes(request, pk):
    referral = selectors.outcomes_referral_get_for(request.user, pk)
    measurements = list(selectors.measurement_list(referral))
    schedule = selectors.schedule_for(referral, measurements)
    for row in schedule:
        row.timepoint_label = timepoint_label(row.timepoint.code)
        row.instrument_name = _(INSTRUMENTS[row.instrument].name)
    series = selectors.change_from_baseline(measurements)
    for s in series:
        s.instrument_name = _(INSTRUMENTS[s.instrument].name)
        s.label = _(s.tracked.label)
        for p in s.points:
            p.timepoint_label = timepoint_label(p.measurement.timepoint)
    return render(
        request,
        "outcomes/referral.html",
        {
            "referral": referral,
            "person": referral.person,
            "can_record": referral.status in RECORDABLE_STATUSES,
            "instruments": [(code, _(i.name)) for code, i in INSTRUMENTS.items()],
            "schedule": schedule,
            "series": series,
            "measurements": _measurement_rows(measurements),
            "link_form": _link_form(referral) if referral.status in RECORDABLE_STATUSES else None,
        },
    )


def _route_label(person) -> str:
    """How the outbox would reach the person now, in words for the link worker."""
    from linkwell.messaging.services import choose_channel

    channel, _address, _notes = choose_channel(person)
    return str(
        {
            "sms": _("by text message, as they prefer"),
            "email": _("by email, as they prefer"),
            "letter": _("by letter, as they prefer"),
            "call_task": _("they take phone calls only, so a call task is made to ring them"),
        }.get(
            channel or "",
            _("there is no way to contact them yet; the message will be listed as not sent"),
        )
    )


def _link_form(referral, data=None) -> SelfCompletionLinkForm:
    language = self_completion.person_language(referral.person)
    return SelfCompletionLinkForm(
        data,
        instruments=[
            (code, _(i.name))
            for code, i in INSTRUMENTS.items()
            if self_completion.can_self_complete(code, language)
        ],
        timepoints=services.timepoints_allowed(),
        route=_route_label(referral.person),
    )


def _public_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("outcomes_public:complete", args=[token]))


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def link_create(request, pk):
    referral = selectors.outcomes_referral_get_for(request.user, pk, audit=False)
    form = _link_form(referral, request.POST)
    error = ""
    if form.is_valid():
        try:
            link, token = self_completion.self_completion_link_create(
                actor=request.user,
                referral_id=referral.pk,
                instrument=form.cleaned_data["instrument"],
                timepoint=form.cleaned_data["timepoint"],
                send=form.cleaned_data["delivery"] == "send",
                link_url=lambda token: _public_url(request, token),
            )
        except ValidationError as exc:
            error = " ".join(m for ms in exc.message_dict.values() for m in ms)
        else:
            response = render(
                request,
                "outcomes/link_created.html",
                {
                    "referral": referral,
                    "person": referral.person,
                    "link": link,
                    "message": link.message,
                    "instrument_name": _(INSTRUMENTS[link.instrument].name),
                    # Sent links are never shown: the outbox has them; shown ones are shown once.
                    "url": "" if link.message else _public_url(request, token),
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    messages.error(request, error or _("Choose a measure, a timepoint and how to send it."))
    return redirect("outcomes:referral", pk=referral.pk)


_UNUSABLE = {
    "unknown": gettext_lazy("This link is not valid. Check you copied all of it."),
    "expired": gettext_lazy("This link has expired. Ask your link worker for a new one."),
    "used": gettext_lazy("This questionnaire has already been completed. Thank you."),
}


@require_http_methods(["GET", "POST"])
def public_complete(request, token):
    """The person's questionnaire page: no account, in their language, single use."""
    try:
        link = self_completion.self_completion_link_get(token)
    except self_completion.LinkUnusable as exc:
        return render(
            request, "outcomes/public_unusable.html", {"message": _UNUSABLE[exc.reason]}, status=410
        )
    language = self_completion.person_language(link.person)
    with translation.override(language):
        instrument = INSTRUMENTS[link.instrument]
        wording = (
            licensed_wording(link.instrument, language)
            if instrument.licence in ("euroqol", "warwick")
            else None
        )
        kwargs = {"instrument": instrument, "timepoints": [], "wording": wording, "staff": False}
        status = 200
        if request.method == "POST":
            form = MeasurementForm(request.POST, **kwargs)
            if form.is_valid():
                try:
                    self_completion.self_completion_submit(token=token, answers=form.answers())
                except self_completion.LinkUnusable as exc:
                    return render(
                        request,
                        "outcomes/public_unusable.html",
                        {"message": _UNUSABLE[exc.reason]},
                        status=410,
                    )
                except ValidationError as exc:
                    form.add_service_errors(exc)
                else:
                    return render(request, "outcomes/public_done.html", {})
            status = 400
        else:
            form = MeasurementForm(**kwargs)
        response = render(
            request,
            "outcomes/public_complete.html",
            {
                "form": form,
                "instrument_name": _(instrument.name),
                "intro": wording.intro
                if wording
                else (_(instrument.intro) if instrument.intro else ""),
                "licence_notice": _(instrument.licence_notice) if instrument.licence_notice else "",
                "wording": wording,
                "expires_at": link.expires_at,
            },
            status=status,
        )
    response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex"
    # The token is in this page's URL. The site-wide Referrer-Policy (same-origin) already
    # keeps it from other sites; "no-referrer" here would make the form post Origin: null,
    # which CSRF protection rightly refuses.
    response["Cache-Control"] = "no-store"
    return response


@roles_required(*LINK_WORKER_ROLES)
@require_http_methods(["GET", "POST"])
def measurement_create(request, pk, code):
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise Http404
    referral = selectors.outcomes_referral_get_for(request.user, pk, audit=False)
    if referral.status not in RECORDABLE_STATUSES:
        raise PermissionDenied
    wording = (
        licensed_wording(code, get_language() or "en")
        if instrument.licence in ("euroqol", "warwick")
        else None
    )
    kwargs = {
        "instrument": instrument,
        "timepoints": services.timepoints_allowed(),
        "wording": wording,
    }
    if request.method == "POST":
        form = MeasurementForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.measurement_record(
                    actor=request.user,
                    referral_id=referral.pk,
                    instrument=code,
                    timepoint=form.cleaned_data["timepoint"],
                    answers=form.answers(),
                    mode=form.cleaned_data["mode"],
                    completed_on=form.cleaned_data["completed_on"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("%(measure)s recorded") % {"measure": _(instrument.name)}
                )
                return redirect("outcomes:referral", pk=referral.pk)
        status = 400
    else:
        timepoint = request.GET.get("timepoint", "")
        form = MeasurementForm(
            initial={
                "timepoint": timepoint if timepoint in kwargs["timepoints"] else "",
                "mode": "assisted",
                "completed_on": timezone.localdate(),
            },
            **kwargs,
        )
        status = 200
    return render(
        request,
        "outcomes/record.html",
        {
            "referral": referral,
            "person": referral.person,
            "instrument": instrument,
            "instrument_name": _(instrument.name),
            "intro": (
                wording.intro if wording else _(instrument.intro) if instrument.intro else ""
            ),
            "licence_notice": _(instrument.licence_notice) if instrument.licence_notice else "",
            "wording": wording,
            "form": form,
        },
        status=status,
    )
