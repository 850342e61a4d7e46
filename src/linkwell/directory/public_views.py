"""The public directory at /services/: search, a listing, its print view and "report a
problem". No sign-in; works without JavaScript; htmx swaps only the results when it is on."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linkwell.accounts import permissions

from . import selectors, services
from .export_views import EXPORT_ROLES
from .forms import ReportForm, SearchForm, add_service_errors

PER_PAGE = 20


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    kwargs = form.search_kwargs()
    try:
        page_number = int(request.GET.get("page") or 1)
    except ValueError:
        page_number = 1
    result = selectors.service_search(**kwargs, page=page_number, per_page=PER_PAGE)
    if result.errors.get("near_postcode") and form.is_bound and "postcode" not in form.errors:
        form.add_error(
            "postcode",
            _("We could not find that postcode. Check it, or search without a distance."),
        )
    page_obj = Paginator(range(result.total), PER_PAGE).get_page(result.page)
    context = {
        "form": form,
        "result": result,
        "rows": [_row(service, distance) for service, distance in result.items],
        "page_obj": page_obj,
        "searched": form.is_bound,
        "can_export": permissions.has_role(request.user, *EXPORT_ROLES),
    }
    template = "directory/public/search.html"
    if request.headers.get("HX-Request"):
        template = "directory/public/_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _row(service, distance_km):
    return {
        "service": service,
        "distance_miles": None if distance_km is None else distance_km / 1.609344,
        "stale": selectors.is_stale(service),
        "is_free": _is_free(service),
    }


def _is_free(service) -> bool:
    return not any(c.amount and c.amount > 0 for c in service.cost_options.all())


@require_GET
def detail(request, pk):
    service = selectors.service_get_public(pk)
    return render(
        request,
        "directory/public/detail.html",
        {"service": service, "row": _row(service, None)},
    )


@require_GET
def print_view(request, pk):
    service = selectors.service_get_public(pk)
    return render(
        request,
        "directory/public/print.html",
        {"service": service, "row": _row(service, None)},
    )


@require_http_methods(["GET", "POST"])
def report(request, pk):
    service = selectors.service_get_public(pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_report_create(service=service, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("services:report_done", pk=service.pk)
    return render(request, "directory/public/report.html", {"service": service, "form": form})


@require_GET
def report_done(request, pk):
    service = selectors.service_get_public(pk)
    return render(request, "directory/public/report_done.html", {"service": service})
