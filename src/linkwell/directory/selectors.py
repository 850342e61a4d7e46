"""Reads of the directory. Public reads need no actor; management reads are scoped by it."""

from __future__ import annotations

import datetime
import math
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.core.exceptions import EmptyResultSet
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, Lower
from django.http import Http404
from django.utils import timezone

from linkwell.accounts import permissions
from linkwell.accounts.models import Role
from linkwell.geo.services import area_for_postcode as lookup_area  # imported data first

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
    per_candidate: bool = False,
) -> QuerySet[Service]:
    """Every filter except distance, combined with AND. Unknown values match nothing.

    Filters on related rows that can be looked up by an index on their own (needs, terms,
    language, accessibility, text, distance box) are `pk IN (subquery)`: the database evaluates
    each once and uses the smallest to drive the query, instead of a correlated EXISTS per
    service (which SQLite ran as a nested scan: minutes at 100,000 services).

    `per_candidate=True` is for a `base` already cut to a few hundred services (a distance
    box): those filters are then checked for each candidate through their indexes (EXISTS),
    so a common word or need is not listed in full for the whole country. Same rows.
    """
    qs = service_public_queryset().exclude(status=ServiceStatus.DEFUNCT) if base is None else base
    if not include_stale:
        qs = qs.filter(last_verified_at__gte=hidden_cutoff())
    terms = [str(t) for t in taxonomy_term_ids or ()]
    if needs:
        # The terms as a list of values (one small query), not a subquery: SQLite then reads
        # the attributes through the (taxonomy_term, link_entity) index; with a subquery it
        # scanned every service attribute (50 ms at 100,000 services).
        term_ids = list(
            NeedTaxonomyTerm.objects.filter(need__code__in=list(needs)).values_list(
                "taxonomy_term_id", flat=True
            )
        )
        if not term_ids:
            return qs.none()
        qs = qs.filter(
            _related(
                Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=term_ids),
                "link_id",
                per_candidate,
            )
        )
    if terms:
        try:
            term_uuids = [uuid.UUID(t) for t in terms]
        except ValueError:
            return qs.none()
        qs = qs.filter(
            _related(
                Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=term_uuids),
                "link_id",
                per_candidate,
            )
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
        # Listed once even per candidate: a language is spoken at a few thousand services at
        # most, and per candidate SQLite would search every row of the language instead. One
        # list (spoken at the service, or at one of its places), not two INs joined by OR:
        # PostgreSQL estimated the OR at two thirds of the directory and walked every listing
        # in name order (250 ms) instead of starting from the few thousand speakers.
        spoken, spoken_params = (
            Language.objects.filter(code=language).values("service_id").query.sql_with_params()
        )
        at_place, at_place_params = (
            ServiceAtLocation.objects.filter(
                location_id__in=Language.objects.filter(code=language).values("location_id")
            )
            .values("service_id")
            .query.sql_with_params()
        )
        qs = qs.filter(
            pk__in=RawSQL(f"{spoken} UNION ALL {at_place}", (*spoken_params, *at_place_params))  # noqa: S611
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
        elif isinstance(match, tuple) and per_candidate:
            sql, params = search.fts_candidate_sql(match[1])
            qs = qs.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
        elif isinstance(match, tuple):
            sql, params = match
            qs = qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611
        else:
            qs = qs.filter(search_vector=match)
    return qs


def _related(rows: QuerySet, service_field: str, per_candidate: bool) -> Q:
    """Services with a row in `rows` (linked by `service_field`): listed once (`pk IN`), or,
    per candidate, an EXISTS through the index on `service_field`."""
    if per_candidate:
        return Q(Exists(rows.filter(**{service_field: OuterRef("pk")})))
    return Q(pk__in=rows.values(service_field))


def bounding_box(lat: float, long: float, km: float) -> tuple[float, float, float, float]:
    dlat = km / 111.0
    dlong = km / (111.320 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, long - dlong, long + dlong


def _haversine_sql(vendor: str) -> str:
    """`lib.postcode.distance_km` from (%s, %s) to a location's latitude/longitude, in SQL.

    The same operations in the same order as the Python function (radians, squared sines,
    the cosines, 2·R·asin(√min(1, h))), so the database measures the same kilometres. Params:
    origin latitude three times, origin longitude twice.
    """
    least = "LEAST" if vendor == "postgresql" else "MIN"
    dphi = "(RADIANS(l.latitude) - RADIANS(%s))"
    dlambda = "RADIANS(l.longitude - %s)"
    h = (
        f"SIN({dphi} / 2) * SIN({dphi} / 2) + COS(RADIANS(%s)) * COS(RADIANS(l.latitude)) "
        f"* (SIN({dlambda} / 2) * SIN({dlambda} / 2))"
    )
    return f"2 * 6371.0088 * ASIN(SQRT({least}(1.0, {h})))"


def _distance_subquery(vendor: str, origin, box) -> tuple[str, list]:
    """SQL for the distance to the nearest located place of the candidate `c.id` (NULL when
    it has none), within the box when there is one."""
    lat, long = origin
    where = ["sal.service_id = c.id", "l.latitude IS NOT NULL", "l.longitude IS NOT NULL"]
    params: list = [lat, lat, lat, long, long]  # the placeholders of _haversine_sql
    if box is not None:
        lat_min, lat_max, long_min, long_max = box
        where += ["l.latitude BETWEEN %s AND %s", "l.longitude BETWEEN %s AND %s"]
        params += [lat_min, lat_max, long_min, long_max]
    sql = (
        f"SELECT MIN({_haversine_sql(vendor)}) "  # noqa: S608
        f"FROM {ServiceAtLocation._meta.db_table} sal "
        f"JOIN {Location._meta.db_table} l ON l.id = sal.location_id WHERE {' AND '.join(where)}"
    )
    return sql, params


NEARBY = "nearby"  # the CTE of services with a place within the distance box (see below)
# False: the earlier way (each candidate's places measured in a correlated subquery); kept as
# the reference the tests compare the places-first query with.
PLACES_FIRST = True
NEARBY_IDS = f"SELECT id FROM {NEARBY}"  # noqa: S608 (a fixed name)


def _nearby_sql(vendor: str, origin, box, within_km: float) -> tuple[str, list]:
    """CTEs `near_places (id, dist)`: the located places in the box, each measured once, and
    `nearby (id, dist)`: the services with one of them within `within_km`, at the distance of
    the nearest. The same services and kilometres as measuring each candidate's places (the
    MIN over a service's places in the box, kept when it is within `within_km`), but a place
    shared by many services is measured once and services further away never become
    candidates."""
    lat_min, lat_max, long_min, long_max = box
    lat, long = origin
    where = "l.latitude BETWEEN %s AND %s AND l.longitude BETWEEN %s AND %s"
    params: list = [lat, lat, lat, long, long, lat_min, lat_max, long_min, long_max]
    hint = "MATERIALIZED " if vendor == "sqlite" else ""
    sql = (
        f"near_places (id, dist) AS {hint}(SELECT l.id, {_haversine_sql(vendor)} "  # noqa: S608
        f"FROM {Location._meta.db_table} l WHERE {where}), "
        f"{NEARBY} (id, dist) AS {hint}(SELECT sal.service_id, MIN(p.dist) FROM near_places p "
        f"JOIN {ServiceAtLocation._meta.db_table} sal ON sal.location_id = p.id "
        "WHERE p.dist <= %s GROUP BY sal.service_id)"
    )
    return sql, [*params, within_km]


def _ordered_page(
    qs: QuerySet[Service],
    *,
    text_match,
    origin: tuple[float, float] | None,
    box,
    within_km: float | None,
    page: int,
    per_page: int,
    filtered: bool = False,
) -> tuple[list[tuple[uuid.UUID, float | None]], int]:
    """One page of `qs` in search order and how many there are, ordered and cut in one query:
    distance when there is an origin (services with no place last), then relevance to the
    text (bm25 on SQLite, ts_rank on PostgreSQL), then name (case-blind), name, id. With
    `within_km`, services further away or with no place are left out. Only the page's rows
    reach Python."""
    from django.db import connection

    vendor = connection.vendor
    if origin is None and text_match is None:
        # Name order only (the directory's first page): the index on (lower(name), name, id)
        # gives the page without sorting every listing (migration 0004).
        lowered = Lower("name")
        if vendor == "postgresql":
            lowered = Collate(lowered, "C")
        window = slice((page - 1) * per_page, page * per_page)
        if not filtered:
            ordered = qs.order_by(lowered, "name", "id").values_list("pk", flat=True)
            ids = list(ordered[window])
            total = qs.count() if len(ids) == per_page or page > 1 else len(ids)
            return [(sid, None) for sid in ids], total
        # With filters (a language, a need...), the matches are few: counted in the same
        # statement, so the filters are not evaluated a second time for the count.
        rows = list(
            qs.annotate(total=Window(Count("pk")))
            .order_by(lowered, "name", "id")
            .values_list("pk", "total")[window]
        )
        total = rows[0][1] if rows else (qs.count() if page > 1 else 0)
        return [(sid, None) for sid, _total in rows], total
    fts = isinstance(text_match, tuple)
    if text_match is not None and not fts:
        # PostgreSQL: relevance in the candidate query itself (higher is better).
        qs = qs.annotate(rank=SearchRank(F("search_vector"), text_match))
        columns, rank_expr = ("pk", "name", "rank"), "-c.rank"
    elif fts:
        # SQLite: each candidate's FTS rowid, for bm25 below.
        qs = qs.annotate(fts_rowid=RawSQL(search.fts_rowid_sql(search.SERVICE_ID_COLUMN), []))  # noqa: S611
        columns, rank_expr = ("pk", "name", "fts_rowid"), "0"
    else:
        columns, rank_expr = ("pk", "name"), "0"
    try:
        inner_sql, inner_params = qs.order_by().values_list(*columns).query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing (qs.none())
        return [], 0
    names = ", ".join(
        ("id", "name", *(("rank",) if "rank" in columns else ()), *(("fts_rowid",) if fts else ()))
    )
    # All SQL below is built from fixed fragments; every value is a parameter.
    # SQLite: evaluate the candidates once (they feed the bm25 step and the distances).
    hint = "MATERIALIZED " if vendor == "sqlite" else ""
    ctes, params = [], []
    nearby = PLACES_FIRST and origin is not None and box is not None and within_km
    if nearby:  # `qs` starts from the services in NEARBY (service_search)
        nearby_sql, nearby_params = _nearby_sql(vendor, origin, box, within_km)
        ctes.append(nearby_sql)
        params += nearby_params
    ctes.append(f"c ({names}) AS {hint}({inner_sql})")
    params += inner_params
    rank_join = ""
    if fts:
        # bm25 (lower is better) only for the candidates, not every match in the country.
        # `+rowid`: filter the matches FTS5 lists, rather than restart it for every candidate.
        fts_sql, fts_params = search.fts_ranks_sql(text_match[1])
        ctes.append(
            f"r (fts_rowid, score) AS ({fts_sql} AND +rowid IN (SELECT fts_rowid FROM c))"  # noqa: S608
        )
        params += fts_params
        rank_expr, rank_join = "COALESCE(r.score, 0)", "LEFT JOIN r ON r.fts_rowid = c.fts_rowid"
    dist_expr = "NULL"
    if nearby:
        dist_expr = "n.dist"
        rank_join += f" JOIN {NEARBY} n ON n.id = c.id"
    elif origin is not None:
        dist_sql, dist_params = _distance_subquery(vendor, origin, box)
        dist_expr = f"({dist_sql})"
        params += dist_params
    ctes.append(
        f"d AS (SELECT c.id, c.name, {dist_expr} AS dist, {rank_expr} AS sort_rank "  # noqa: S608
        f"FROM c {rank_join})"
    )
    where = ""
    if origin is not None and within_km:
        where = "WHERE d.dist IS NOT NULL AND d.dist <= %s"
        params.append(within_km)
    name_order = 'LOWER(d.name) COLLATE "C"' if vendor == "postgresql" else "LOWER(d.name)"
    with_ = f"WITH {', '.join(ctes)} "
    sql = (
        f"{with_}SELECT d.id, d.dist, COUNT(*) OVER () FROM d {where} "  # noqa: S608
        f"ORDER BY d.dist IS NULL, d.dist, d.sort_rank, {name_order}, d.name, d.id "
        "LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, per_page, (page - 1) * per_page])
        rows = cursor.fetchall()
        if rows:
            total = rows[0][2]
        elif page == 1:
            total = 0
        else:  # past the last page: count on its own
            cursor.execute(f"{with_}SELECT COUNT(*) FROM d {where}", params)  # noqa: S608
            total = cursor.fetchone()[0]
    to_python = Service._meta.pk.to_python
    return [(to_python(sid), dist) for sid, dist, _total in rows], total


def _within_queryset(filters: dict, box) -> QuerySet[Service]:
    """The candidates of a search within a distance: services with a place in the box
    (checked per candidate against the other filters)."""
    if PLACES_FIRST:
        # The places in the box are found through an index and measured once (the NEARBY
        # CTE of _ordered_page); only their services are candidates.
        nearby = Q(pk__in=RawSQL(NEARBY_IDS, []))  # noqa: S611 (the CTE of _ordered_page)
    else:
        lat_min, lat_max, long_min, long_max = box
        nearby = Q(
            pk__in=ServiceAtLocation.objects.filter(
                location__latitude__range=(lat_min, lat_max),
                location__longitude__range=(long_min, long_max),
            ).values("service_id")
        )
    base = service_public_queryset().exclude(status=ServiceStatus.DEFUNCT).filter(nearby)
    return service_search_queryset(**filters, base=base, per_candidate=True)


def _is_filtered(filters: dict) -> bool:
    return any(
        value for name, value in filters.items() if name not in ("text", "age", "include_stale")
    ) or (filters["age"] is not None or not filters["include_stale"])


def _search_page(filters: dict, match, origin, within_km, page: int, per_page: int):
    box = bounding_box(*origin, within_km) if origin and within_km else None
    qs = _within_queryset(filters, box) if box is not None else service_search_queryset(**filters)
    return _ordered_page(
        qs,
        text_match=match,
        origin=origin,
        box=box,
        within_km=within_km,
        page=page,
        per_page=per_page,
        filtered=_is_filtered(filters),
    )


# "Any distance" from a postcode: the nearest page is looked for in widening circles, so a
# page of the nearest results does not measure every place in the country.
RINGS_KM = (5.0, 20.0, 80.0, 320.0, 1280.0)
# Only what is within this share of a circle's radius is trusted: the bounding box is a
# little narrower than the circle east and west (1-2% at 1,000 km in the north of England),
# so a place just inside the radius may lie outside the box.
RING_SAFE = 0.9
# Fewer matches than this (a rare language, a need and a word): measuring them all is cheaper
# than looking in circles, whose candidates are checked one by one.
RING_MIN_TOTAL = 5000


def _nearest_in_rings(filters: dict, match, origin, page: int, per_page: int):
    """The page of a search ordered by distance with no limit, or None when the page reaches
    beyond the widest circle (then the whole directory is ordered, as before).

    In a circle of radius r, every service whose nearest place is within r·RING_SAFE has that
    place in the box: so the services found there, in search order, are the first ones of the
    whole search. Once there are enough of them for the page, the page is theirs; the total is
    counted without distance (services with no place are part of it, last). Used only when
    there are many matches: a few are cheaper to measure all at once."""
    total = service_search_queryset(**filters).count()
    wanted = page * per_page
    if total < max(RING_MIN_TOTAL, wanted):
        return None
    for km in RINGS_KM:
        qs = _within_queryset(filters, bounding_box(*origin, km))
        rows, inside = _ordered_page(
            qs,
            text_match=match,
            origin=origin,
            box=bounding_box(*origin, km),
            within_km=km * RING_SAFE,
            page=page,
            per_page=per_page,
        )
        if inside >= wanted:
            return rows, total
    return None


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
    latitude/longitude bounding box in the database, then measured exactly (haversine, in SQL).
    Ordering and paging happen in the database: only the page's services are loaded.
    `include_stale=False` leaves out listings not checked for LINKWELL_LISTING_HIDDEN_DAYS.
    """
    per_page = max(1, min(int(per_page or 20), MAX_PER_PAGE))
    page = max(1, int(page or 1))
    errors: dict[str, str] = {}
    origin = None
    if near_postcode:
        area = lookup_area(near_postcode)
        if area is None or area.lat is None:
            errors["near_postcode"] = "not_found"
        else:
            origin = (area.lat, area.long)
    filters = {
        "text": text,
        "needs": needs,
        "taxonomy_term_ids": taxonomy_term_ids,
        "day": day,
        "time": time,
        "start_time": start_time,
        "end_time": end_time,
        "free_only": free_only,
        "language": language,
        "accessibility": accessibility,
        "target_group": target_group,
        "age": age,
        "include_stale": include_stale,
    }
    match = search.text_matches(text) if text else None
    found = None
    if origin is not None and not within_km and PLACES_FIRST:
        found = _nearest_in_rings(filters, match, origin, page, per_page)
    if found is None:
        found = _search_page(filters, match, origin, within_km, page, per_page)
    page_rows, total = found
    by_id = with_listing_details(
        Service.objects.filter(pk__in=[sid for sid, _d in page_rows])
    ).in_bulk()
    items = [(by_id[sid], dist) for sid, dist in page_rows if sid in by_id]
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
