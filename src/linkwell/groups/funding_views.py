"""Funding and costs pages: a provider records its funding and session costs and sees cost per
attendance and utilisation per service; a directory editor may look (read only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linkwell.accounts.models import Role
from linkwell.directory.forms import add_service_errors
from linkwell.directory.models import Service
from linkwell.referrals.views import roles_required

from . import funding
from .funding_forms import FundingSourceForm, PeriodForm, ServiceCostForm

PAGE_LIMIT = 200  # rows of sources/costs shown on the overview


@roles_required(Role.PROVIDER, Role.DIRECTORY_EDITOR)
@require_GET
def overview(request):
    user = request.user
    today = timezone.localdate()
    period = PeriodForm(request.GET or None)
    start, end = funding.uk_financial_year_start(today), today
    if period.is_bound and period.is_valid():
        start = period.cleaned_data.get("start") or start
        end = period.cleaned_data.get("end") or end
        if end < start:
            start = end
    may_edit = funding.may_edit_funding(user)
    services = funding.funding_services_for(user)
    # Providers see every one of their services; an editor, those with any figures.
    figures = funding.service_costs(services=services if may_edit else None, start=start, end=end)
    names = dict(
        Service.objects.filter(pk__in=[f.service_id for f in figures]).values_list("pk", "name")
    )
    rows = [{"name": names.get(f.service_id, ""), "figures": f} for f in figures]
    rows.sort(key=lambda r: r["name"].lower())
    sources = list(funding.funding_sources_for(user)[:PAGE_LIMIT])
    costs = list(
        funding.service_costs_for(user).order_by("service__name", "-valid_from")[:PAGE_LIMIT]
    )
    return render(
        request,
        "groups/funding/overview.html",
        {
            "period": period,
            "start": start,
            "end": end,
            "rows": rows,
            "sources": sources,
            "costs": costs,
            "may_edit": may_edit,
        },
    )


def _source_form(user, data=None, initial=None):
    if not funding.may_edit_funding(user):
        raise PermissionDenied
    return FundingSourceForm(
        data,
        initial=initial,
        organisations=funding.funding_organisations_for(user),
        services=list(funding.funding_services_for(user).order_by("name")),
    )


@roles_required(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def source_add(request):
    return _source_page(request, source=None)


@roles_required(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def source_edit(request, pk):
    source = funding.funding_source_get_for(request.user, pk)
    return _source_page(request, source=source)


def _source_page(request, *, source):
    user = request.user
    status = 200
    if request.method == "POST":
        form = _source_form(user, request.POST)
        if form.is_valid():
            try:
                if source is None:
                    funding.funding_source_create(actor=user, **form.service_kwargs())
                    messages.success(request, _("Funding source added."))
                else:
                    funding.funding_source_update(
                        actor=user, source_id=source.pk, **form.service_kwargs()
                    )
                    messages.success(request, _("Funding source changed."))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("groups:funding")
        status = 400
    else:
        initial = None
        if source is not None:
            initial = {
                "organisation": source.organisation_id,
                "service": str(source.service_id) if source.service_id else "",
                "kind": source.kind,
                "funder": source.funder,
                "amount": source.amount,
                "period_start": source.period_start,
                "period_end": source.period_end,
                "notes": source.notes,
            }
        form = _source_form(user, initial=initial)
    return render(
        request,
        "groups/funding/source_form.html",
        {"form": form, "source": source},
        status=status,
    )


@roles_required(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def cost_add(request):
    return _cost_page(request, cost=None)


@roles_required(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def cost_edit(request, pk):
    cost = funding.service_cost_get_for(request.user, pk)
    return _cost_page(request, cost=cost)


def _cost_page(request, *, cost):
    user = request.user
    services = list(funding.funding_services_for(user).order_by("name"))
    if not funding.may_edit_funding(user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ServiceCostForm(request.POST, services=services)
        if form.is_valid():
            try:
                funding.service_cost_set(
                    actor=user,
                    cost_id=cost.pk if cost else None,
                    service_id=form.cleaned_data["service"],
                    cost_per_session=form.cleaned_data["cost_per_session"],
                    valid_from=form.cleaned_data["valid_from"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Session cost saved."))
                return redirect("groups:funding")
        status = 400
    else:
        initial = {"valid_from": timezone.localdate()}
        if cost is not None:
            initial = {
                "service": str(cost.service_id),
                "cost_per_session": cost.cost_per_session,
                "valid_from": cost.valid_from,
            }
        elif request.GET.get("service"):
            initial["service"] = request.GET["service"]
        form = ServiceCostForm(initial=initial, services=services)
    return render(
        request,
        "groups/funding/cost_form.html",
        {"form": form, "cost": cost},
        status=status,
    )
