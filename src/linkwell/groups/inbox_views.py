"""The provider inbox: onward referrals to the provider's services (only what was shared).

Views parse, call one selector or service, and render. Scope (404) is `groups.onward`; every
form is a plain POST that works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linkwell.accounts.models import Role
from linkwell.audit.services import audit_list
from linkwell.referrals.forms import add_service_errors
from linkwell.referrals.models import Status
from linkwell.referrals.views import roles_required

from . import onward, services
from .inbox_forms import InboxFilterForm, ProgressForm, RespondForm
from .selectors import provider_services_for


@roles_required(Role.PROVIDER)
@require_GET
def inbox(request):
    user = request.user
    my_services = list(provider_services_for(user).only("id", "name").order_by("name"))
    form = InboxFilterForm(request.GET or None, services=my_services)
    status, service_id = "", None
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
        service_id = form.cleaned_data["service"] or None
    referrals = list(onward.inbox_for(user, status=status, service_id=service_id)[:200])
    for referral in referrals:
        referral.language_label = onward.language_label(referral.shared_language)
    audit_list(
        actor=user,
        object_type="groups.servicereferral",
        person_ids=[r.case.person_id for r in referrals],
    )
    return render(
        request,
        "groups/inbox/list.html",
        {
            "form": form,
            "referrals": referrals,
            "awaiting": sum(r.status == Status.REQUESTED for r in referrals),
        },
    )


def _detail_context(request, referral, **forms):
    referral.language_label = onward.language_label(referral.shared_language)
    return {
        "referral": referral,
        "events": onward.onward_events(referral),
        "respond_form": forms.get("respond_form") or RespondForm(),
        "progress_form": forms.get("progress_form") or ProgressForm(),
        "may_respond": referral.status in (Status.REQUESTED, Status.ON_HOLD),
        "may_progress": referral.status in (Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD),
        "form": next((f for f in forms.values() if f is not None and f.errors), None),
    }


@roles_required(Role.PROVIDER)
@require_GET
def inbox_detail(request, pk):
    referral = onward.inbox_get_for(request.user, pk)
    return render(request, "groups/inbox/detail.html", _detail_context(request, referral))


@roles_required(Role.PROVIDER)
@require_POST
def respond(request, pk):
    user = request.user
    referral = onward.inbox_get_for(user, pk, audit=False)
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            services.service_referral_respond(
                actor=user,
                service_referral_id=referral.pk,
                response=form.cleaned_data["response"],
                reason=form.cleaned_data["reason"],
                reason_text=form.cleaned_data["reason_text"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Answer sent. The link worker can see it now."))
            return redirect("groups:inbox_detail", pk=referral.pk)
    referral = onward.inbox_get_for(user, pk)
    return render(
        request,
        "groups/inbox/detail.html",
        _detail_context(request, referral, respond_form=form),
        status=400,
    )


@roles_required(Role.PROVIDER)
@require_POST
def progress(request, pk):
    user = request.user
    referral = onward.inbox_get_for(user, pk, audit=False)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.service_referral_transition(
                actor=user,
                service_referral_id=referral.pk,
                to_status=form.cleaned_data["to_status"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Updated. The link worker can see it now."))
            return redirect("groups:inbox_detail", pk=referral.pk)
    referral = onward.inbox_get_for(user, pk)
    return render(
        request,
        "groups/inbox/detail.html",
        _detail_context(request, referral, progress_form=form),
        status=400,
    )
