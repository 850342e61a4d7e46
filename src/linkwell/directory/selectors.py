"""Reads of the directory. Public reads need no actor; management reads are scoped by it."""

from __future__ import annotations

import datetime
import math
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from linkwell.accounts import permissions
from linkwell.accounts.models import Role
from linkwell.geo.services import area_for_postcode as lookup_area  # imported data first
from linkwell.lib.postcode import distance_km

from . import search
from .models import (
    Accessibility,
    ApprovalStatus,
    Attribute,
    CostOption,
    Language,
    ListingReport,
    Location,
    NeedTaxonomyTerm,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    ServiceVersion,
)

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Parts of the day a searcher can pick; a schedule matches when it overlaps the part.
TIMES_OF_DAY = {
    "morning": (datetime.time(0, 0), datetime.time(12, 0)),
    "afternoon": (datetime.time(12, 0), datetime.time(17, 0)),
    "evening": (datetime.time(17, 0), datetime.time(23, 59, 59)),
}
MAX_PER_PAGE = 100


def stale_days() -> int:
    return getattr(settings, "LINKWELL_LISTING_STALE_DAYS", 183)


def hidden_days() -> int:
    return getattr(settings, "LINKWELL_LISTING_HIDDEN_DAYS", 365)


def stale_cutoff(now=None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=stale_days())


def hidden_cutoff(now=None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=hidden_days())


def is_stale(service, now=None) -> bool:
    """Not checked for LINKWELL_LISTING_STALE_DAYS: shown as "not checked recently"."""
    return service.last_verified_at is None or service.last_verified_at < stale_cutoff(now)


def is_hidden_from_matching(service, now=None) -> bool:
    return service.last_verified_at is None or service.last_verified_at < hidden_cutoff(now)


# ---- public ---------------------------------------------------------------------------------


def service_public_queryset() -> QuerySet[Service]:
    """Approved, not deleted: what the public pages and the ORUK API may show."""
    return Service.objects.filter(approval_status=ApprovalStatus.PUBLISHED, deleted_at__isnull=True)


def with_listing_details(qs: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a result or detail page shows, in a fixed number of queries."""
    return qs.select_related("organization").prefetch_related(
        "target_groups",
        "languages",
        "cost_options",
        "phones",
        "contacts",
        Prefetch("schedules", queryset=Schedule.objects.order_by("byday", "opens_at")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "location__addresses",
                Prefetch(
                    "location__accessibility",
                    queryset=Accessibility.objects.select_related("feature"),
                ),
            ),
        ),
    )


def service_get_public(service_id) -> Service:
    try:
        return with_listing_details(service_public_queryset()).get(pk=service_id)
    except (Service.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass
class SearchResult:
    items: list[tuple[Service, float | None]]
    total: int
    page: int
    per_page: int
    origin: tuple[float, float] | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def service_search_queryset(
    *,
    text: str | None = None,
    needs=(),
    taxonomy_term_ids=(),
    day: str | None = None,
    time: str | datetime.time | None = None,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    free_only: bool = False,
    language: str | None = None,
    accessibility: str | None = None,
    target_group: str | None = None,
    age: int | None = None,
    include_stale: bool = True,
    base: QuerySet[Service] | None = None,
) -> QuerySet[Service]:
    """Every filter except distance, combined with AND. Unknown values match nothing.

    Filters on related rows that can be looked up by an index on their own (needs, terms,
    language, accessibility, text, distance box) are `pk IN (subquery)`: the database evaluates
    each once and uses the smallest to drive the query, instead of a correlated EXISTS per
    service (which SQLite ran as a nested scan: minutes at 100,000 services).
    """
    qs = service_public_queryset().exclude(status=ServiceStatus.DEFUNCT) if base is None else base
    if not include_stale:
        qs = qs.filter(last_verified_at__gte=hidden_cutoff())
    terms = [str(t) for t in taxonomy_term_ids or ()]
    if needs:
        term_ids = NeedTaxonomyTerm.objects.filter(need__code__in=list(needs)).values(
            "taxonomy_term_id"
        )
        qs = qs.filter(
            pk__in=Attribute.objects.filter(
                link_entity="service", taxonomy_term_id__in=term_ids
            ).values("link_id")
        )
    if terms:
        try:
            term_uuids = [uuid.UUID(t) for t in terms]
        except ValueError:
            return qs.none()
        qs = qs.filter(
            pk__in=Attribute.objects.filter(
                link_entity="service", taxonomy_term_id__in=term_uuids
            ).values("link_id")
        )
    schedule_q = Q()
    if day:
        schedule_q &= Q(byday__contains=day.upper()[:2])
    if isinstance(time, str) and time:
        start, end = TIMES_OF_DAY.get(time, (None, None))
        if start is None:
            return qs.none()
        schedule_q &= Q(opens_at__lt=end) & (Q(closes_at__gt=start) | Q(closes_at__isnull=True))
    elif isinstance(time, datetime.time):
        schedule_q &= Q(opens_at__lte=time) & (Q(closes_at__gt=time) | Q(closes_at__isnull=True))
    if start_time:
        schedule_q &= Q(opens_at__gte=start_time)
    if end_time:
        schedule_q &= Q(closes_at__lte=end_time)
    if schedule_q:
        qs = qs.filter(Exists(Schedule.objects.filter(schedule_q, service_id=OuterRef("pk"))))
    if free_only:
        qs = qs.exclude(Exists(CostOption.objects.filter(service_id=OuterRef("pk"), amount__gt=0)))
    if language:
        qs = qs.filter(
            Q(pk__in=Language.objects.filter(code=language).values("service_id"))
            | Q(
                pk__in=ServiceAtLocation.objects.filter(location__languages__code=language).values(
                    "service_id"
                )
            )
        )
    if accessibility:
        qs = qs.filter(
            pk__in=ServiceAtLocation.objects.filter(
                location__accessibility__feature__code=accessibility
            ).values("service_id")
        )
    if target_group:
        qs = qs.filter(target_groups__code=target_group)
    if age is not None:
        qs = qs.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)).filter(
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
        )
    if text:
        match = search.text_matches(text)
        if match is None:
            pass
        elif isinstance(match, tuple):
            sql, params = match
            qs = qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611
        else:
            qs = qs.filter(search_vector=match)
    return qs


# Up to this many candidate ids are passed to the follow-up queries (ranks, distances) as a
# list; beyond it the follow-up queries repeat the filter as a subquery.
ID_LIST_LIMIT = 2000


def _text_ranks(text: str, ids: list[uuid.UUID] | None) -> dict[uuid.UUID, float]:
    """SQLite: bm25 relevance of the matching services (of `ids` when given), higher is better."""
    match = search.text_matches(text)
    if match is None or not isinstance(match, tuple):
        return {}
    from django.db import connection

    sql, params = search.fts_ranks_sql(match[1])
    ranks: dict[uuid.UUID, float] = {}
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        else:
            # bm25 only for the candidates, not for every matching listing in the country.
            marks = ",".join("%s" for _ in ids)
            cursor.execute(f"{sql} AND service_id IN ({marks})", [*params, *(i.hex for i in ids)])
            rows = cursor.fetchall()
        for sid, rank in rows:
            ranks[uuid.UUID(sid)] = -rank
    return ranks


def bounding_box(lat: float, long: float, km: float) -> tuple[float, float, float, float]:
    dlat = km / 111.0
    dlong = km / (111.320 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, long - dlong, long + dlong


def service_search(
    *,
    text: str | None = None,
    needs=(),
    taxonomy_term_ids=(),
    day: str | None = None,
    time: str | datetime.time | None = None,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    free_only: bool = False,
    language: str | None = None,
    accessibility: str | None = None,
    target_group: str | None = None,
    age: int | None = None,
    near_postcode: str | None = None,
    within_km: float | None = None,
    page: int = 1,
    per_page: int = 20,
    include_stale: bool = True,
) -> SearchResult:
    """The one directory search: public pages, the ORUK API and matching all call this.

    Filters combine with AND. With a postcode, results are ordered by distance (the nearest of a
    service's locations; online-only services come last and are left out when `within_km` is
    given); otherwise by relevance to `text`, then name. Distance is pre-filtered by a
    latitude/longitude bounding box in the database, then measured exactly (haversine).
    `include_stale=False` leaves out listings not checked for LINKWELL_LISTING_HIDDEN_DAYS.
    """
    per_page = max(1, min(int(per_page or 20), MAX_PER_PAGE))
    page = max(1, int(page or 1))
    qs = service_search_queryset(
        text=text,
        needs=needs,
        taxonomy_term_ids=taxonomy_term_ids,
        day=day,
        time=time,
        start_time=start_time,
        end_time=end_time,
        free_only=free_only,
        language=language,
        accessibility=accessibility,
        target_group=target_group,
        age=age,
        include_stale=include_stale,
    )
    errors: dict[str, str] = {}
    origin = None
    if near_postcode:
        area = lookup_area(near_postcode)
        if area is None or area.lat is None:
            errors["near_postcode"] = "not_found"
        else:
            origin = (area.lat, area.long)

    box = bounding_box(*origin, within_km) if origin and within_km else None
    if box is not None:
        # Distance pre-filter in the database: only services with a location in the box are
        # candidates (the index on latitude/longitude drives it). Exact distance below.
        lat_min, lat_max, long_min, long_max = box
        qs = qs.filter(
            pk__in=ServiceAtLocation.objects.filter(
                location__latitude__range=(lat_min, lat_max),
                location__longitude__range=(long_min, long_max),
            ).values("service_id")
        )

    match = search.text_matches(text) if text else None
    if match is not None and not isinstance(match, tuple):
        # PostgreSQL: relevance in the same query as the candidates.
        rows_ranked = list(
            qs.annotate(rank=SearchRank(F("search_vector"), match)).values_list(
                "pk", "name", "rank"
            )
        )
        rows = [(sid, name) for sid, name, _rank in rows_ranked]
        ranks = {sid: rank for sid, _name, rank in rows_ranked}
    else:
        rows = list(qs.values_list("pk", "name"))
        ranks = {}
    few = len(rows) <= ID_LIST_LIMIT
    candidate_ids = [sid for sid, _name in rows] if few else None
    distances: dict[uuid.UUID, float] = {}
    if origin and rows:
        loc_qs = ServiceAtLocation.objects.filter(
            service_id__in=candidate_ids if few else qs.values("pk"),
            location__latitude__isnull=False,
            location__longitude__isnull=False,
        )
        if box is not None:
            lat_min, lat_max, long_min, long_max = box
            loc_qs = loc_qs.filter(
                location__latitude__range=(lat_min, lat_max),
                location__longitude__range=(long_min, long_max),
            )
        for sid, lat, long in loc_qs.values_list(
            "service_id", "location__latitude", "location__longitude"
        ):
            d = distance_km(origin[0], origin[1], lat, long)
            if sid not in distances or d < distances[sid]:
                distances[sid] = d
        if within_km:
            rows = [r for r in rows if r[0] in distances and distances[r[0]] <= within_km]
    if isinstance(match, tuple) and rows:
        ids = [sid for sid, _name in rows]
        ranks = _text_ranks(text, ids if len(ids) <= ID_LIST_LIMIT else None)

    def sort_key(row):
        sid, name = row
        return (
            distances.get(sid, math.inf) if origin else 0,
            -ranks.get(sid, 0.0),
            name.casefold(),
        )

    rows.sort(key=sort_key)
    total = len(rows)
    page_ids = [sid for sid, _name in rows[(page - 1) * per_page : page * per_page]]
    by_id = with_listing_details(Service.objects.filter(pk__in=page_ids)).in_bulk()
    items = [(by_id[sid], distances.get(sid)) for sid in page_ids if sid in by_id]
    return SearchResult(
        items=items, total=total, page=page, per_page=per_page, origin=origin, errors=errors
    )


# ---- management (providers and editors) -----------------------------------------------------


def is_editor(user) -> bool:
    return permissions.has_role(user, Role.DIRECTORY_EDITOR)


def provider_organisation_ids(user) -> set[int]:
    return permissions.organisation_ids(user, Role.PROVIDER)


def can_manage_listings(user) -> bool:
    return is_editor(user) or bool(provider_organisation_ids(user))


def service_queryset_for(actor) -> QuerySet[Service]:
    """Listings the actor keeps: editors all, providers their organisation's; not deleted."""
    qs = Service.objects.filter(deleted_at__isnull=True)
    if is_editor(actor):
        return qs
    org_ids = provider_organisation_ids(actor)
    if not org_ids:
        return qs.none()
    return qs.filter(organization__organisation_id__in=org_ids)


def service_get_for(actor, service_id) -> Service:
    try:
        return service_queryset_for(actor).select_related("organization").get(pk=service_id)
    except (Service.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def organization_queryset_for(actor):
    from .models import Organization

    if is_editor(actor):
        return Organization.objects.all()
    return Organization.objects.filter(organisation_id__in=provider_organisation_ids(actor))


def pending_versions_for(actor) -> QuerySet[ServiceVersion]:
    if not is_editor(actor):
        return ServiceVersion.objects.none()
    return ServiceVersion.objects.filter(
        status=ServiceVersion.Status.PENDING, service__deleted_at__isnull=True
    ).select_related("service", "service__organization", "author")


def version_get_for(actor, version_id) -> ServiceVersion:
    try:
        return ServiceVersion.objects.select_related("service", "service__organization").get(
            pk=version_id, service__in=service_queryset_for(actor)
        )
    except (ServiceVersion.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def listing_reports_for(actor, *, open_only: bool = True) -> QuerySet[ListingReport]:
    """Reports on the actor's listings. Providers get the reports without the reporter's
    name and email (those are for directory editors only)."""
    qs = ListingReport.objects.filter(service__in=service_queryset_for(actor)).select_related(
        "service"
    )
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    if not is_editor(actor):
        qs = qs.defer("reporter_name", "reporter_email")
    return qs


def report_get_for(actor, report_id) -> ListingReport:
    try:
        return listing_reports_for(actor, open_only=False).get(pk=report_id)
    except (ListingReport.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def stale_services_for(actor) -> QuerySet[Service]:
    return service_queryset_for(actor).filter(
        Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=stale_cutoff()),
        approval_status=ApprovalStatus.PUBLISHED,
    )


def location_area_fields(postcode: str) -> dict:
    area = lookup_area(postcode) if postcode else None
    if area is None:
        return {"latitude": None, "longitude": None, "lsoa11": "", "imd_decile": None}
    return {
        "latitude": area.lat,
        "longitude": area.long,
        "lsoa11": area.lsoa11,
        "imd_decile": area.imd_decile,
    }


__all__ = ["Location", "service_search", "service_public_queryset", "service_search_queryset"]
