"""Onward referral from a case (to a directory service), signposting, unmet needs.

Views parse, call one selector or service, and render. Scope (404) is the selectors'; who may
change the case (403) is the services'. Every form is a plain POST that works without JS.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linkwell.accounts.models import LINK_WORKER_ROLES
from linkwell.audit.services import audit_list
from linkwell.directory.models import ApprovalStatus, Service
from linkwell.groups import services as group_services
from linkwell.groups.models import SHARE_ITEMS, OnwardKind
from linkwell.groups.onward import reply_figures
from linkwell.referrals.forms import add_service_errors
from linkwell.referrals.views import roles_required

from . import onward_services, selectors
from .onward_forms import CancelForm, OnwardReferralForm, UnmetNeedForm


def _service_or_404(service_id) -> Service:
    try:
        return Service.objects.select_related("organization").get(
            pk=service_id, deleted_at__isnull=True, approval_status=ApprovalStatus.PUBLISHED
        )
    except (Service.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def share_choices(person) -> list[tuple[str, str]]:
    """The items the link worker can tick, each showing exactly what would be shared."""
    values = group_services.shared_values_for(person, SHARE_ITEMS)
    labels = {
        "first_name": _("First name: %(value)s") % {"value": values["first_name"]},
        "contact_route": _("How to contact them: %(value)s")
        % {"value": values["contact_route"] or _("no preference recorded")},
        "language": _("Language: %(value)s%(interpreter)s")
        % {
            "value": person.get_language_display(),
            "interpreter": (" – " + _("needs an interpreter")) if person.interpreter_needed else "",
        },
        "access_needs": _("Access needs: %(value)s")
        % {"value": values["access_needs"] or _("none recorded")},
    }
    return [(item, labels[item]) for item in SHARE_ITEMS]


@roles_required(*LINK_WORKER_ROLES)
@require_http_methods(["GET", "POST"])
def onward_new(request, pk, service_id):
    user = request.user
    case = selectors.case_get_for(user, pk, audit=request.method == "GET")
    service = _service_or_404(service_id)
    choices = share_choices(case.person)
    status = 200
    if request.method == "POST":
        form = OnwardReferralForm(request.POST, share_choices=choices)
        if form.is_valid():
            items = form.cleaned_data["share"]
            values = group_services.shared_values_for(case.person, items)
            try:
                group_services.service_referral_submit(
                    actor=user,
                    case_id=case.pk,
                    service_id=service.pk,
                    note=form.cleaned_data["note"],
                    consent_given=form.cleaned_data["consent"],
                    items=items,
                    **values,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if group_services.service_is_full(service):
                    messages.success(
                        request,
                        _(
                            "Referral sent. The service is full at the moment: the provider "
                            "decides, and may put them on the waitlist."
                        ),
                    )
                else:
                    messages.success(
                        request, _("Referral sent to %(service)s") % {"service": service.name}
                    )
                return redirect("casework:case", pk=case.pk)
        status = 400
    else:
        form = OnwardReferralForm(share_choices=choices)
    return render(
        request,
        "casework/onward/new.html",
        {
            "case": case,
            "person": case.person,
            "service": service,
            "form": form,
            "full": group_services.service_is_full(service),
            "figures": reply_figures([service.pk])[service.pk],
            "may_edit": selectors.case_may_edit(user, case) and case.is_open,
        },
        status=status,
    )


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def signpost(request, pk, service_id):
    user = request.user
    case = selectors.case_get_for(user, pk, audit=False)
    service = _service_or_404(service_id)
    try:
        group_services.service_referral_submit(
            actor=user, case_id=case.pk, service_id=service.pk, kind=OnwardKind.SIGNPOSTED
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Recorded: signposted to %(service)s") % {"service": service.name}
        )
    return redirect("casework:case", pk=case.pk)


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def onward_cancel(request, pk, onward_id):
    user = request.user
    case = selectors.case_get_for(user, pk, audit=False)
    if not case.service_referrals.filter(pk=onward_id).exists():
        raise Http404
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            group_services.service_referral_transition(
                actor=user,
                service_referral_id=onward_id,
                to_status="cancelled",
                reason=form.cleaned_data["reason"],
                reason_text=form.cleaned_data["reason_text"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Onward referral cancelled"))
    else:
        messages.error(request, _("Check the reason and try again."))
    return redirect("casework:case", pk=case.pk)


@roles_required(*LINK_WORKER_ROLES)
@require_POST
def unmet_need_add(request, pk):
    user = request.user
    case = selectors.case_get_for(user, pk, audit=False)
    form = UnmetNeedForm(request.POST)
    if form.is_valid():
        try:
            onward_services.unmet_need_record(
                actor=user,
                case_id=case.pk,
                need_code=form.cleaned_data["need"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Recorded: no suitable service found for this need"))
    else:
        messages.error(request, _("Check the note and try again."))
    return redirect("casework:matches", pk=case.pk)


@roles_required(*LINK_WORKER_ROLES)
@require_GET
def onward_pick(request, service_id):
    """From a listing page: choose which of my open cases to refer (or signpost) to it."""
    user = request.user
    service = _service_or_404(service_id)
    case_id = request.GET.get("case")
    if case_id:
        case = selectors.case_get_for(user, case_id, audit=False)
        return redirect("casework:onward_new", pk=case.pk, service_id=service.pk)
    cases = list(selectors.caseload_for(user))
    audit_list(actor=user, object_type="casework.case", person_ids=[c.person_id for c in cases])
    return render(
        request,
        "casework/onward/pick.html",
        {"service": service, "cases": cases, "figures": reply_figures([service.pk])[service.pk]},
    )
