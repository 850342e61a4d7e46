"""The Open Referral UK 3.0 read API at /oruk/: open (no key), read-only, JSON.

Thin views: parse parameters (`oruk.parse_*`), query through the directory selectors, render
with `oruk.*_dict`. Every response, errors included, carries `Access-Control-Allow-Origin: *`
so any directory can read it from a browser. Only published, not deleted services are shown.
"""

from __future__ import annotations

import functools
import json
import math
from importlib.resources import files

from django.db.models import Exists, OuterRef
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from linkwell.geo.services import area_for_postcode
from linkwell.lib.postcode import distance_km

from . import oruk
from .models import Attribute, Organization, Service, Taxonomy, TaxonomyTerm
from .selectors import bounding_box, service_public_queryset, service_search_queryset


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, message: str) -> JsonResponse:
    return _json({"status": status, "message": message}, status=status)


def oruk_view(view):
    """JSON errors instead of HTML pages, and the CORS header on everything."""

    safe_view = require_safe(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = safe_view(request, *args, **kwargs)
        except oruk.BadParameter as exc:
            response = _error(400, exc.message)
        except Http404:
            response = _error(404, "Not found.")
        if response.status_code == 405:
            allow = response["Allow"]
            response = _error(405, "This API is read-only: use GET.")
            response["Allow"] = allow
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


@oruk_view
def api_details(request):
    return _json(
        {
            "version": oruk.VERSION,
            "profile": oruk.PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("oruk:openapi")),
        }
    )


@oruk_view
def openapi(request):
    spec = json.loads(files("linkwell.directory").joinpath("data/oruk_openapi.json").read_text())
    spec["servers"] = [{"url": request.build_absolute_uri(reverse("oruk:api-details")).rstrip("/")}]
    return _json(spec)


def _filtered_services(params):
    """Published services matching the ORUK filters, in a stable order (name, then id)."""
    terms = [
        str(oruk.parse_uuid(t, "taxonomy_term_id"))
        for t in params.get("taxonomy_term_id", "").split(",")
        if t.strip()
    ]
    base = oruk.apply_service_filters(service_public_queryset(), params)
    qs = service_search_queryset(
        base=base,
        text=params.get("search", "").strip() or None,
        taxonomy_term_ids=terms,
        day=oruk.parse_day(params),
        start_time=oruk.parse_time_param(params, "start_time"),
        end_time=oruk.parse_time_param(params, "end_time"),
    )
    return qs.order_by("name", "id")


@oruk_view
def service_list(request):
    params = request.GET
    page, per_page = oruk.parse_paging(params)
    full = oruk.parse_bool(params, "full")
    qs = _filtered_services(params)
    total = qs.count()
    page_services = list(
        oruk.with_oruk_details(qs)[(page - 1) * per_page : page * per_page]
        if full
        else qs.select_related("organization")[(page - 1) * per_page : page * per_page]
    )
    contents = (
        oruk.services_full(page_services)
        if full
        else [oruk.service_summary_dict(s) for s in page_services]
    )
    return _json(oruk.page_envelope(total=total, page=page, per_page=per_page, contents=contents))


@oruk_view
def service_detail(request, service_id):
    sid = oruk.parse_uuid(service_id, "id")
    service = oruk.with_oruk_details(service_public_queryset()).filter(pk=sid).first()
    if service is None:
        raise Http404
    return _json(oruk.services_full([service])[0])


def _public_organizations():
    """Organisations with at least one published, not deleted service: an organisation whose
    listings are all drafts (or deleted) is not shown."""
    return Organization.objects.filter(
        Exists(service_public_queryset().filter(organization_id=OuterRef("pk")))
    )


@oruk_view
def organization_list(request):
    params = request.GET
    page, per_page = oruk.parse_paging(params)
    qs = _public_organizations()
    search = params.get("search", "").strip()
    if search:
        qs = qs.filter(name__icontains=search)
    qs = qs.order_by("name", "id")
    total = qs.count()
    contents = [oruk.organization_dict(o) for o in qs[(page - 1) * per_page : page * per_page]]
    return _json(oruk.page_envelope(total=total, page=page, per_page=per_page, contents=contents))


@oruk_view
def organization_detail(request, organization_id):
    """The organisation with its published services (their own fields, not nested records:
    `/services/{id}` gives those)."""
    oid = oruk.parse_uuid(organization_id, "id")
    organization = _public_organizations().filter(pk=oid).first()
    if organization is None:
        raise Http404
    services = (
        service_public_queryset()
        .filter(organization_id=organization.pk)
        .select_related("organization")
        .order_by("name", "id")
    )
    return _json(oruk.organization_full_dict(organization, list(services)))


@oruk_view
def taxonomy_list(request):
    page, per_page = oruk.parse_paging(request.GET)
    qs = Taxonomy.objects.order_by("name", "id")
    search = request.GET.get("search", "").strip()
    if search:
        qs = qs.filter(name__icontains=search)
    total = qs.count()
    contents = [oruk.taxonomy_dict(t) for t in qs[(page - 1) * per_page : page * per_page]]
    return _json(oruk.page_envelope(total=total, page=page, per_page=per_page, contents=contents))


@oruk_view
def taxonomy_detail(request, taxonomy_id):
    taxonomy = Taxonomy.objects.filter(pk=oruk.parse_uuid(taxonomy_id, "id")).first()
    if taxonomy is None:
        raise Http404
    return _json(oruk.taxonomy_dict(taxonomy))


def _terms_in_use():
    return Exists(
        Attribute.objects.filter(
            taxonomy_term_id=OuterRef("pk"),
            link_entity="service",
            link_id__in=service_public_queryset().values("pk"),
        )
    )


@oruk_view
def taxonomy_term_list(request):
    params = request.GET
    page, per_page = oruk.parse_paging(params)
    qs = TaxonomyTerm.objects.filter(disabled_on__isnull=True).select_related("taxonomy")
    taxonomy_id = params.get("taxonomy_id", "").strip()
    if taxonomy_id:
        qs = qs.filter(taxonomy_id=oruk.parse_uuid(taxonomy_id, "taxonomy_id"))
    parent_id = params.get("parent_id", "").strip()
    if parent_id:
        qs = qs.filter(parent_id=oruk.parse_uuid(parent_id, "parent_id"))
    if oruk.parse_bool(params, "top_only"):
        qs = qs.filter(parent__isnull=True)
    search = params.get("search", "").strip()
    if search:
        qs = qs.filter(name__icontains=search)
    qs = qs.order_by("taxonomy__name", "order", "name", "id")
    total = qs.count()
    contents = [oruk.taxonomy_term_dict(t) for t in qs[(page - 1) * per_page : page * per_page]]
    return _json(oruk.page_envelope(total=total, page=page, per_page=per_page, contents=contents))


@oruk_view
def taxonomy_term_detail(request, term_id):
    term = (
        TaxonomyTerm.objects.select_related("taxonomy")
        .filter(pk=oruk.parse_uuid(term_id, "id"))
        .first()
    )
    if term is None:
        raise Http404
    return _json(oruk.taxonomy_term_dict(term))


def _origin(params) -> tuple[tuple[float, float] | None, float | None]:
    postcode = params.get("postcode", "").strip()
    proximity = params.get("proximity", "").strip()
    if proximity and not postcode:
        raise oruk.BadParameter("proximity needs a postcode.")
    if not postcode:
        return None, None
    area = area_for_postcode(postcode)
    if area is None or area.lat is None:
        raise oruk.BadParameter(f"postcode {postcode!r} was not found.")
    metres = None
    if proximity:
        try:
            metres = float(proximity)
        except ValueError:
            metres = math.nan
        if not math.isfinite(metres) or metres <= 0:
            raise oruk.BadParameter(
                f"proximity must be a distance in metres, not {proximity!r}."
            ) from None
    return (area.lat, area.long), metres


@oruk_view
def service_at_location_list(request):
    """Services at their locations. With `postcode`, nearest first and each carries `distance`
    (metres); with `proximity` too, only those within that many metres."""
    params = request.GET
    page, per_page = oruk.parse_paging(params)
    origin, metres = _origin(params)
    services = _filtered_services(params)
    qs = oruk.sal_queryset().filter(service__in=services.values("pk"))
    if origin is None:
        qs = qs.order_by("service__name", "service_id", "location__name", "id")
        total = qs.count()
        rows = [(sal, None) for sal in qs[(page - 1) * per_page : page * per_page]]
    else:
        located = qs.filter(location__latitude__isnull=False, location__longitude__isnull=False)
        if metres is not None:
            lat_min, lat_max, long_min, long_max = bounding_box(*origin, metres / 1000)
            located = located.filter(
                location__latitude__range=(lat_min, lat_max),
                location__longitude__range=(long_min, long_max),
            )
        measured = []
        for sal_id, lat, long in located.values_list(
            "id", "location__latitude", "location__longitude"
        ):
            d = distance_km(origin[0], origin[1], lat, long) * 1000
            if metres is None or d <= metres:
                measured.append((d, str(sal_id)))
        measured.sort()
        total = len(measured)
        page_rows = measured[(page - 1) * per_page : page * per_page]
        by_id = {str(s.pk): s for s in qs.filter(pk__in=[sid for _d, sid in page_rows])}
        rows = [(by_id[sid], d) for d, sid in page_rows]
    contents = [
        oruk.service_at_location_dict(
            sal, with_service=oruk.service_summary_dict(sal.service), distance_m=d
        )
        for sal, d in rows
    ]
    return _json(oruk.page_envelope(total=total, page=page, per_page=per_page, contents=contents))


@oruk_view
def service_at_location_detail(request, sal_id):
    sal = (
        oruk.sal_queryset()
        .filter(
            pk=oruk.parse_uuid(sal_id, "id"),
            service__in=service_public_queryset().values("pk"),
        )
        .first()
    )
    if sal is None:
        raise Http404
    full = oruk.services_full(
        [oruk.with_oruk_details(Service.objects.filter(pk=sal.service_id)).get()]
    )[0]
    return _json(oruk.service_at_location_dict(sal, with_service=full))


@oruk_view
def not_found(request, rest=""):
    raise Http404
