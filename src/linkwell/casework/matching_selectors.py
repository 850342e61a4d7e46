"""Matching for one case: candidates from the directory, scored by `matching`.

1. The case through `selectors.case_get_for` (404 outside the service; an audited view).
2. Candidates: the filters of the directory's one search (`service_search_queryset`:
   published, running, checked within `LINKWELL_LISTING_HIDDEN_DAYS`, answering at least
   one of the referral's needs, the person's age, free when asked); with a maximum
   distance, only services with a place inside it (or online). At most `CANDIDATE_LIMIT`
   go on, nearest first (most recently checked first when the person has no location).
   "Any distance" takes the nearest `CANDIDATE_LIMIT` in the country: circles of growing
   radius are read until one holds that many. The places come from the matching places
   (`directory.match_places`): one covering index holds each place's coordinates with the
   needs (as bits), ages and cost, and only the places that pass meet their service row
   (approval, deletion, status, last checked). Without them (a need id above
   `match_places.MAX_NEED_ID`) the listings' own tables are read (`_filter_sql`).
3. What bounds each candidate's score: for the nearest, the rest of their row of the
   matching places (languages listed, interpretation, referrals and places, the target
   groups that exclude, venue features) and a distance no greater than the real one
   (`_Facts`); for the others (online services filling up a distance), their rows
   (`read_candidates`). `matching.Ceilings` works out `score_ceiling` and
   `certainly_excluded` from those facts.
4. Candidates are read in full (`read_candidates`, `service_profiles`) and scored
   (`matching.score_service`) in batches, highest ceiling first, until no candidate left
   could enter the top `TOP` (`rank_bounded`): exactly the ranking of scoring every
   candidate, without reading and scoring the hundreds that cannot reach it.
5. Excluded services dropped, the rest ranked (`matching.rank_key`), the top `TOP` returned.

The reads are plain SQL (`_rows`, `_for_each`), not the ORM: preparing 2,000-element IN
lists and converting every id and date read cost more than the queries themselves.
"""

from __future__ import annotations

import datetime
import json
import math
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from linkwell.directory import match_places
from linkwell.directory.models import (
    ApprovalStatus,
    Location,
    NeedTaxonomyTerm,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)
from linkwell.directory.selectors import (
    bounding_box,
    hidden_cutoff,
    is_hidden_from_matching,
    service_public_queryset,
    service_search_queryset,
)
from linkwell.lib.postcode import distance_km
from linkwell.referrals.models import Need

from . import matching
from .models import Case
from .selectors import case_get_for

CANDIDATE_LIMIT = 2000
# "Any distance": the nearest this many services that pass the filters. Kept at
# CANDIDATE_LIMIT: 500 made it cheaper but changed 21 of 24 benchmark rankings, some to
# fewer results (docs/performance.md "Matching").
ANY_DISTANCE_LIMIT = CANDIDATE_LIMIT
TOP = 20
# "Any distance": the first circle read, how far past the expected radius of
# CANDIDATE_LIMIT services the next one reaches, and the radius past which the whole
# country is read instead (England is about 600 km from end to end).
FIRST_RADIUS_KM = 16.0
RADIUS_MARGIN = 1.25
WHOLE_COUNTRY_KM = 300.0
# Boxes at least this wide list the services answering the needs once (see `_nearest`).
LIST_FROM_KM = 30.0
# Candidates profiled and scored at a time, best ceiling first; each batch twice the last.
FIRST_BATCH = 50

# The service row as the profile needs it.
SERVICE_COLUMNS = (
    "id",
    "name",
    "approval_status",
    "deleted_at",
    "status",
    "last_verified_at",
    "minimum_age",
    "maximum_age",
    "interpretation_services",
    "accepts_referrals",
    "places_per_session",
)


@dataclass
class Match:
    service: Service
    profile: matching.ServiceProfile
    score: matching.MatchScore

    @property
    def distance_km(self) -> float | None:
        return self.profile.distance_km


@dataclass
class Candidate:
    """What has been read of a candidate before its full profile: enough to bound its
    score (`matching.score_ceiling`)."""

    id: object
    row: dict  # SERVICE_COLUMNS
    places: list = field(default_factory=list)  # location ids
    distance_km: float | None = None  # to the nearest located place
    online: bool = False
    needs_met: set = field(default_factory=set)
    languages: set = field(default_factory=set)


def person_profile_for(case: Case) -> matching.PersonProfile:
    person = case.person
    needs = list(case.referral.needs.all())
    return matching.PersonProfile(
        age=person.age,
        sex=person.sex if person.sex in ("female", "male") else "",
        language=person.language or "en",
        interpreter_needed=person.interpreter_needed,
        needs=frozenset(n.code for n in needs),
        access_needs=frozenset(person.communication_needs or ()),
        need_labels={n.code: str(n.display_label) for n in needs},
    )


def _origin(case: Case) -> tuple[float, float] | None:
    person = case.person
    if person.latitude is None or person.longitude is None:
        return None
    return person.latitude, person.longitude


def _in_box(box) -> Q:
    lat_min, lat_max, long_min, long_max = box
    return Q(
        location__latitude__range=(lat_min, lat_max),
        location__longitude__range=(long_min, long_max),
    )


# ---- 2. candidates --------------------------------------------------------------------------


def candidate_ids(
    *, person: matching.PersonProfile, origin, prefs: matching.Preferences, facts=None
) -> list:
    """Up to CANDIDATE_LIMIT service ids worth scoring, nearest (or freshest) first.

    With a location and a maximum distance, the services with a place in the distance box
    (or online) drive the query and the other filters are checked per candidate (as the
    directory search does), so a common need is not listed for the whole country. A circle
    that holds CANDIDATE_LIMIT services within its radius holds exactly the nearest of any
    wider one, so a smaller circle is tried first for a long distance. With a location and
    no maximum ("any distance"), the nearest ANY_DISTANCE_LIMIT in the country, found the
    same way with circles of growing radius (the next guessed from how many the last held;
    any sequence of radii gives the same services)."""
    if origin is None:
        qs = _candidates(person, prefs, box=None)
        if prefs.max_distance_km is not None:
            # No location for the person: only online services can be shown to be near enough.
            qs = qs.filter(pk__in=_online())
        return list(
            qs.order_by("-last_verified_at", "pk").values_list("pk", flat=True)[:CANDIDATE_LIMIT]
        )
    if prefs.max_distance_km is not None:
        if prefs.max_distance_km >= 2 * FIRST_RADIUS_KM:
            # In a city the nearest CANDIDATE_LIMIT are often within a quarter of the area.
            ids = _nearest(person, prefs, origin, FIRST_RADIUS_KM, with_online=False, facts=facts)
            if len(ids) >= CANDIDATE_LIMIT:
                return ids
        return _nearest(person, prefs, origin, prefs.max_distance_km, facts=facts)
    km = FIRST_RADIUS_KM
    while km < WHOLE_COUNTRY_KM:
        ids = _nearest(
            person, prefs, origin, km, with_online=False, limit=ANY_DISTANCE_LIMIT, facts=facts
        )
        if len(ids) >= ANY_DISTANCE_LIMIT:
            return ids
        # Services spread over an area: the radius holding the limit, with a margin.
        grow = RADIUS_MARGIN * math.sqrt(ANY_DISTANCE_LIMIT / max(len(ids), 1))
        km *= min(max(grow, 1.5), 8.0)
    return _nearest(person, prefs, origin, None, limit=ANY_DISTANCE_LIMIT, facts=facts)


def _online():
    return ServiceAtLocation.objects.filter(
        location__location_type=Location.LocationType.VIRTUAL
    ).values("service_id")


def _candidates(person, prefs, *, box, per_candidate: bool = True):
    base = None
    if box is not None:
        # One list (a place in the box, or online), not two INs joined by OR: PostgreSQL
        # cannot drive an OR of two lists by index and read every service instead.
        near = ServiceAtLocation.objects.filter(_in_box(box)).values("service_id")
        base = (
            service_public_queryset()
            .exclude(status=ServiceStatus.DEFUNCT)
            .filter(pk__in=near.union(_online(), all=True))
        )
    return service_search_queryset(
        needs=sorted(person.needs),
        free_only=prefs.free_only,
        age=person.age,
        include_stale=False,
        base=base,
        per_candidate=base is not None and per_candidate,
    )


# ---- raw reads ------------------------------------------------------------------------------
#
# The hot reads are plain SQL through the connection's cursor: the ORM spent more time
# preparing 2,000-element IN lists and converting every id and date it read than the
# database spent on the queries. Ids stay in the database's form (32 hex digits on SQLite,
# uuid on PostgreSQL) until a service is scored. A list of ids is joined as a table
# (`json_each` on SQLite, `unnest` on PostgreSQL) so each is looked up by index: PostgreSQL
# planned `service_id = ANY(2,000 ids)` as a scan of the whole table (40–70 ms).

PUBLISHED = ApprovalStatus.PUBLISHED.value
# What is read of the nearest candidates from the matching places and the service row:
# enough to bound the score without reading the candidate's own rows (`_Facts`).
PLACE_FACTS = (
    "service_id",
    "virtual",
    "need_bits",
    "online",
    "languages",
    "interpretation",
    "accepts_referrals",
    "has_places",
    "groups",
    "access",
    "status",
    "last_verified_at",
)
DEFUNCT = ServiceStatus.DEFUNCT.value
VIRTUAL = Location.LocationType.VIRTUAL.value


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def _db_id(value):
    """A service/location/term id as the database stores it."""
    if _sqlite():
        return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _for_each(ids, select: str, tables: str, *, order: str = "") -> list:
    """Rows of `SELECT {select} FROM {tables}` for each of the database ids, where `tables`
    ends in a WHERE clause that names the id as `c.value`; each id is looked up by index.
    SQLite joins `json_each` of the ids (a loop over them); PostgreSQL a LATERAL subquery
    per element of `unnest` (OFFSET 0 keeps it from being flattened into a hash join over
    the whole table, which it planned for 2,000 ids: 25–30 ms a query). `order`: a column
    of `select`, by its name."""
    if _sqlite():
        sql = f"SELECT {select} FROM json_each(%s) AS c, {tables}"  # noqa: S608
        params = [json.dumps(list(ids))]
    else:
        sql = (
            "SELECT x.* FROM unnest(%s::uuid[]) AS c(value) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT {select} FROM {tables} OFFSET 0) AS x"
        )
        params = [list(ids)]
    if order:
        sql += f" ORDER BY {order}"
    return _rows(sql, params)


def _datetime(value):
    """A date and time read by plain SQL as the ORM would give it (aware)."""
    if value is None or (isinstance(value, datetime.datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, datetime.datetime):  # SQLite's converter: naive, in the database's zone
        return value.replace(tzinfo=connection.timezone)
    if not _sqlite():  # PostgreSQL's text of a timestamptz: ISO 8601 with its offset
        return datetime.datetime.fromisoformat(value)
    return connection.ops.convert_datetimefield_value(value, None, connection)


def _time(value):
    if value is None or isinstance(value, datetime.time):
        return value
    return connection.ops.convert_timefield_value(value, None, connection)


def _rows(sql: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _filter_sql(person, prefs, *, listed: bool) -> tuple[str, list] | None:
    """`service_search_queryset(needs, free_only, age, include_stale=False)` on the public,
    running services, as a condition on `s` (directory_service). None: nothing matches.
    `listed`: the services answering the needs listed once (`IN`) rather than checked per
    candidate (`EXISTS`), for wide boxes (see `_nearest`)."""
    where = [
        "s.approval_status = %s",
        "s.deleted_at IS NULL",
        "s.status <> %s",
        "s.last_verified_at >= %s",
    ]
    params: list = [
        PUBLISHED,
        DEFUNCT,
        connection.ops.adapt_datetimefield_value(hidden_cutoff()),
    ]
    if person.needs:
        terms = list(
            NeedTaxonomyTerm.objects.filter(need__code__in=sorted(person.needs)).values_list(
                "taxonomy_term_id", flat=True
            )
        )
        if not terms:
            return None
        marks = ", ".join(["%s"] * len(terms))
        tagged = (
            "FROM directory_attribute a WHERE a.taxonomy_term_id IN "
            f"({marks}) AND a.link_entity = 'service'"
        )
        if listed:
            where.append(f"s.id IN (SELECT a.link_id {tagged})")
        else:
            where.append(f"EXISTS (SELECT 1 {tagged} AND a.link_id = s.id)")
        params += [_db_id(t) for t in terms]
    if prefs.free_only:
        where.append(
            "NOT EXISTS (SELECT 1 FROM directory_costoption co "
            "WHERE co.service_id = s.id AND co.amount > 0)"
        )
    if person.age is not None:
        where.append("(s.minimum_age IS NULL OR s.minimum_age <= %s)")
        where.append("(s.maximum_age IS NULL OR s.maximum_age >= %s)")
        params += [person.age, person.age]
    return " AND ".join(where), params


def _places_of_candidates(person, prefs, box, *, listed: bool) -> tuple[list, bool]:
    """(service id, latitude, longitude, …) of every located place in `box` (None:
    anywhere) of a service that passes the filters, and whether the rows go on with
    `PLACE_FACTS` (read from the matching places)."""
    found = _match_places_in(person, prefs, box)
    if found is not None:
        return found, True
    condition = _filter_sql(person, prefs, listed=listed)
    if condition is None:
        return [], False
    where, params = condition
    located = "l.latitude IS NOT NULL AND l.longitude IS NOT NULL"
    box_params: list = []
    if box is not None:
        located = "l.latitude BETWEEN %s AND %s AND l.longitude BETWEEN %s AND %s"
        box_params = list(box)
    rows = _rows(
        "SELECT sal.service_id, l.latitude, l.longitude FROM directory_location l "  # noqa: S608
        "JOIN directory_serviceatlocation sal ON sal.location_id = l.id "
        f"JOIN directory_service s ON s.id = sal.service_id WHERE {located} AND {where}",
        [*box_params, *params],
    )
    return rows, False


def _match_places_in(person, prefs, box) -> list | None:
    """`_places_of_candidates` from the matching places (`directory.match_places`): the
    places in the box are read from one covering index with the needs (as bits), ages and
    cost beside them, and only those that pass meet their service row (approval, deletion,
    status, last checked: the public filter's covering index). Rows: (service id,
    latitude, longitude, online place). None: a need has no bit."""
    if not match_places.available():
        return None
    mask = 0
    if person.needs:
        mask = match_places.need_mask(
            Need.objects.filter(code__in=sorted(person.needs)).values_list("pk", flat=True)
        )
        if mask is None:
            return None
    where = []
    params: list = []
    if box is not None:
        where.append("m.latitude BETWEEN %s AND %s AND m.longitude BETWEEN %s AND %s")
        params += list(box)
    if person.needs:
        where.append("(m.need_bits & %s) <> 0")
        params.append(mask)
    if person.age is not None:
        where.append("(m.minimum_age IS NULL OR m.minimum_age <= %s)")
        where.append("(m.maximum_age IS NULL OR m.maximum_age >= %s)")
        params += [person.age, person.age]
    if prefs.free_only:
        where.append("NOT m.paid")
    where += [
        "s.approval_status = %s",
        "s.deleted_at IS NULL",
        "s.status <> %s",
        "s.last_verified_at >= %s",
    ]
    params += [PUBLISHED, DEFUNCT, connection.ops.adapt_datetimefield_value(hidden_cutoff())]
    # SQLite: the places first (CROSS JOIN keeps the order), the service row by primary key.
    join = "CROSS JOIN" if _sqlite() else "JOIN"
    return _rows(
        f"SELECT m.service_id, m.latitude, m.longitude, m.virtual "  # noqa: S608
        f"FROM {match_places.TABLE} m {join} directory_service s "
        f"ON s.id = m.service_id WHERE {' AND '.join(where)}",
        params,
    )


def _facts_of(ids: list) -> dict:
    """Database id → the row of `PLACE_FACTS` (after the id) of these candidates, read from
    the matching places (by primary key) and the service row (by primary key)."""
    facts = ", ".join(f"m.{c}" for c in PLACE_FACTS[1:-2])
    # PostgreSQL: as text, parsed for the few candidates scored (its loader: 7 µs a row).
    verified = "s.last_verified_at" if _sqlite() else "s.last_verified_at::text"
    out: dict = {}
    for row in _for_each(
        ids,
        f"m.service_id, {facts}, s.status, {verified}",
        f"{match_places.TABLE} m JOIN directory_service s ON s.id = m.service_id "  # noqa: S608
        "WHERE m.service_id = c.value",
    ):
        out.setdefault(row[0], row[1:])
    return out


EARTH_RADIUS_KM = 6371.0088  # lib.postcode.distance_km's sphere


def _inner_radius(origin, box) -> float:
    """A distance every point outside `box` is at least (None: no box, nothing outside)."""
    if box is None:
        return math.inf
    lat_min, lat_max, long_min, long_max = box
    lat0, long0 = origin
    phi = math.radians(lat0)
    # To the parallels along the meridian; to the meridians across (sin d/R = cos φ sin Δλ).
    across = min(long0 - long_min, long_max - long0)
    sides = [
        EARTH_RADIUS_KM * math.radians(lat0 - lat_min),
        EARTH_RADIUS_KM * math.radians(lat_max - lat0),
        EARTH_RADIUS_KM * math.asin(min(1.0, math.cos(phi) * math.sin(math.radians(across)))),
    ]
    return max(0.0, min(sides) * (1 - 1e-9))


@dataclass
class _Facts:
    """What was read about a nearby candidate: a distance no greater than its real one
    (None: not known, it has an online place in the box) and its row of `PLACE_FACTS`
    after the id (the same on every place of the service)."""

    distance_km: float | None
    row: tuple


def _online_candidates(person, prefs) -> list:
    """(service id, last checked) of the online services that pass the filters."""
    condition = _filter_sql(person, prefs, listed=False)
    if condition is None:
        return []
    where, params = condition
    return _rows(
        "SELECT DISTINCT s.id, s.last_verified_at FROM directory_location l "  # noqa: S608
        "JOIN directory_serviceatlocation sal ON sal.location_id = l.id "
        f"JOIN directory_service s ON s.id = sal.service_id WHERE l.location_type = %s "
        f"AND {where}",
        [VIRTUAL, *params],
    )


def _nearest(
    person,
    prefs,
    origin,
    km,
    *,
    with_online: bool = True,
    limit: int = CANDIDATE_LIMIT,
    facts: dict | None = None,
) -> list:
    """Candidates within `km` (None: anywhere), nearest first; then, when there is room,
    online services and those without a mapped location, most recently checked first.
    `facts`, when given, is filled with what bounds the score of the nearby ones (`_Facts`,
    when the matching places were read)."""
    box = bounding_box(*origin, km) if km is not None else None
    # A wide box holds a good part of the country: listing the services that answer the
    # needs once is then cheaper than checking them for every service in the box (SQLite,
    # "any distance" at 100,000 services: 440 → 250 ms median). Same rows either way.
    listed = km is None or km >= LIST_FROM_KM
    # The located places in the box of the services that pass, each measured here.
    nearest: dict = {}
    physical: dict = {}  # the nearest of a service's places in the box that are not online
    lat0, long0 = origin
    rows, with_facts = _places_of_candidates(person, prefs, box, listed=listed)
    for row in rows:
        sid = row[0]
        d = distance_km(lat0, long0, row[1], row[2])
        if (km is None or d <= km) and (sid not in nearest or d < nearest[sid]):
            nearest[sid] = d
        if with_facts and not row[3] and (sid not in physical or d < physical[sid]):
            physical[sid] = d
    # str(): the order of the hyphenated ids, which is the order of the 32 hex digits.
    ids = sorted(nearest, key=lambda sid: (nearest[sid], str(sid)))[:limit]
    if facts is not None:
        facts.clear()
        # Not for a circle too small (its candidates are read again from a wider one).
        if with_facts and (with_online or len(ids) >= limit):
            inside = _inner_radius(origin, box)
            rows = _facts_of(ids)
            for sid in ids:
                # Places outside the box are at least `inside` away; an online place in it
                # has no distance (read in full: `_Facts.distance_km` None).
                d = physical.get(sid)
                near = None if d is None else min(d, inside)
                if sid in rows:  # (a listing changed since: read in full)
                    facts[_uuid(sid)] = _Facts(near, rows[sid])
    ids = [_uuid(sid) for sid in ids]
    if len(ids) >= limit or not with_online:
        return ids
    if box is not None:
        # In the box but not within the distance of any place: online, or only the corners.
        rest = sorted(
            (_uuid(sid), _datetime(verified))
            for sid, verified in _online_candidates(person, prefs)
            if sid not in nearest
        )
        rest.sort(key=lambda row: row[1], reverse=True)  # checked recently: never None
        return ids + [pk for pk, _v in rest[: limit - len(ids)]]
    # Online services and those without a mapped location, after the nearby ones.
    qs = _candidates(person, prefs, box=None)
    rest = qs.exclude(pk__in=ids).order_by("-last_verified_at", "pk")
    return ids + list(rest.values_list("pk", flat=True)[: limit - len(ids)])


# ---- 3. what bounds each score --------------------------------------------------------------


def read_candidates(ids: list, *, origin) -> dict:
    """id → Candidate: the service row, places, needs met and languages listed, in a fixed
    number of queries."""
    if not ids:
        return {}
    by_db = {_db_id(sid): sid for sid in ids}
    known = {}
    for values in _for_each(
        by_db,
        ", ".join(f"s.{c}" for c in SERVICE_COLUMNS),
        "directory_service s WHERE s.id = c.value",
    ):
        row = dict(zip(SERVICE_COLUMNS, values, strict=True))
        sid = by_db[row["id"]]
        row["id"] = sid
        row["deleted_at"] = _datetime(row["deleted_at"])
        row["last_verified_at"] = _datetime(row["last_verified_at"])
        row["accepts_referrals"] = bool(row["accepts_referrals"])
        known[sid] = Candidate(sid, row)
    by_location: dict = defaultdict(list)
    for db_sid, location_id, kind, lat, long in _for_each(
        by_db,
        "sal.service_id, sal.location_id, l.location_type, l.latitude, l.longitude",
        "directory_serviceatlocation sal JOIN directory_location l ON l.id = sal.location_id "
        "WHERE sal.service_id = c.value",
    ):
        candidate = known[by_db[db_sid]]
        candidate.places.append(location_id)  # as the database stores it
        by_location[location_id].append(candidate)
        if kind == VIRTUAL:
            candidate.online = True
        elif origin and lat is not None and long is not None:
            d = distance_km(origin[0], origin[1], lat, long)
            if candidate.distance_km is None or d < candidate.distance_km:
                candidate.distance_km = d
    needs_of_term = defaultdict(set)
    for term_id, code in NeedTaxonomyTerm.objects.values_list("taxonomy_term_id", "need__code"):
        needs_of_term[_db_id(term_id)].add(code)
    for db_sid, term_id in _for_each(
        by_db,
        "a.link_id, a.taxonomy_term_id",
        "directory_attribute a WHERE a.link_id = c.value AND a.link_entity = 'service'",
    ):
        known[by_db[db_sid]].needs_met |= needs_of_term.get(term_id, set())
    for db_sid, code in _for_each(
        by_db, "lg.service_id, lg.code", "directory_language lg WHERE lg.service_id = c.value"
    ):
        known[by_db[db_sid]].languages.add(code)
    if by_location:
        # By location id through the partial index of migration 0006 (languages at a place).
        for location_id, code in _for_each(
            by_location,
            "lg.location_id, lg.code",
            "directory_language lg WHERE lg.location_id = c.value AND lg.location_id IS NOT NULL",
        ):
            for candidate in by_location[location_id]:
                candidate.languages.add(code)
    return known


def _days_since(verified, now) -> int | None:
    return (now - verified).days if verified else None


def _profile(candidate: Candidate, now, **rest) -> matching.ServiceProfile:
    row = candidate.row
    verified = row["last_verified_at"]
    return matching.ServiceProfile(
        id=candidate.id,
        name=row["name"],
        published=row["approval_status"] == ApprovalStatus.PUBLISHED,
        deleted=row["deleted_at"] is not None,
        status=row["status"],
        hidden_from_matching=is_hidden_from_matching(
            SimpleNamespace(last_verified_at=verified), now
        ),
        days_since_checked=_days_since(verified, now),
        minimum_age=row["minimum_age"],
        maximum_age=row["maximum_age"],
        languages=frozenset(candidate.languages),
        offers_interpretation=bool(row["interpretation_services"].strip()),
        distance_km=candidate.distance_km,
        online=candidate.online,
        accepts_referrals=row["accepts_referrals"],
        places_per_session=row["places_per_session"],
        needs_met=frozenset(candidate.needs_met),
        **rest,
    )


def ceiling(
    person, prefs, candidate: Candidate, now, bounds: matching.Ceilings | None = None
) -> float | None:
    """The most this candidate can score: what has been read, and the best case for its
    venue features, times, groups and cost (`matching.score_ceiling`). None: it is left
    out whatever those turn out to be (`matching.certainly_excluded`). `bounds`: the same
    worked out once per person and preferences (`matching.Ceilings`), for many candidates."""
    bounds = bounds or matching.Ceilings(person, prefs)
    row = candidate.row
    verified = row["last_verified_at"]
    spoken = candidate.languages
    speaks = bounds.language in spoken if spoken else bounds.language == "en"
    offers = bool(row["interpretation_services"].strip())
    if bounds.certainly_excluded(
        published=row["approval_status"] == ApprovalStatus.PUBLISHED,
        deleted=row["deleted_at"] is not None,
        status=row["status"],
        hidden_from_matching=is_hidden_from_matching(
            SimpleNamespace(last_verified_at=verified), now
        ),
        minimum_age=row["minimum_age"],
        maximum_age=row["maximum_age"],
        speaks=speaks,
        offers_interpretation=offers,
        distance_km=candidate.distance_km,
        online=candidate.online,
    ):
        return None
    return bounds.ceiling(
        needs_met=candidate.needs_met,
        speaks=speaks,
        offers_interpretation=offers,
        distance_km=candidate.distance_km,
        online=candidate.online,
        accepts_referrals=row["accepts_referrals"],
        places_per_session=row["places_per_session"],
        days_since_checked=_days_since(verified, now),
    )


# ---- 4. the full profiles, scored -----------------------------------------------------------


def _days(byday: str) -> frozenset[str]:
    # RFC 5545 BYDAY: "TU", "MO,TH", "1MO,3MO" (the ordinal is ignored: the day still fits).
    return frozenset(
        part.strip().upper()[-2:]
        for part in (byday or "").split(",")
        if part.strip().upper()[-2:] in matching.DAYS
    )


def service_profiles(ids: list, *, origin, now=None, known: dict | None = None) -> dict:
    """The scoring's view of each service, read in a fixed number of queries (four more
    when `known`, from `read_candidates`, is given)."""
    now = now or timezone.now()
    if not ids:
        return {}
    if known is None:
        known = read_candidates(ids, origin=origin)
    ids = [sid for sid in ids if sid in known]
    by_db = {_db_id(sid): sid for sid in ids}
    target_groups = defaultdict(set)
    for db_sid, code in _for_each(
        by_db,
        "tg.service_id, t.code",
        f"{Service.target_groups.through._meta.db_table} tg "
        "JOIN directory_targetgroup t ON t.id = tg.targetgroup_id WHERE tg.service_id = c.value",
    ):
        target_groups[by_db[db_sid]].add(code)
    sessions = defaultdict(list)
    # In opening order, as the ORM reads schedules (Schedule.Meta.ordering).
    for db_sid, byday, opens_at, closes_at in _for_each(
        by_db,
        "sc.service_id, sc.byday, sc.opens_at, sc.closes_at",
        "directory_schedule sc WHERE sc.service_id = c.value",
        order="opens_at",
    ):
        days = _days(byday)
        if days:
            sessions[by_db[db_sid]].append(
                matching.Session(days, _time(opens_at), _time(closes_at))
            )
    not_free = {
        by_db[db_sid]
        for (db_sid,) in _for_each(
            by_db,
            "co.service_id",
            "directory_costoption co WHERE co.service_id = c.value AND co.amount > 0",
        )
    }
    services_at = defaultdict(set)
    for sid in ids:
        for location_id in known[sid].places:
            services_at[location_id].add(sid)
    features = defaultdict(set)
    if services_at:
        for location_id, code in _for_each(
            services_at,
            "a.location_id, f.code",
            "directory_accessibility a JOIN directory_accessibilityfeature f "
            "ON f.id = a.feature_id WHERE a.location_id = c.value",
        ):
            for sid in services_at[location_id]:
                features[sid].add(code)
    return {
        sid: _profile(
            known[sid],
            now,
            target_groups=frozenset(target_groups[sid]),
            free=sid not in not_free,
            sessions=tuple(sessions[sid]),
            access_features=frozenset(features[sid]),
        )
        for sid in ids
    }


def rank(person, profiles, prefs, *, top: int = TOP):
    scored = []
    for profile in profiles:
        score = matching.score_service(person, profile, prefs)
        if not score.excluded:
            scored.append((profile, score))
    scored.sort(key=lambda pair: matching.rank_key(*pair))
    return scored[:top]


def _ceiling_of_facts(bounds, f: _Facts, need_bits: dict, cutoff, now) -> float | None:
    """`ceiling` from what the candidate query read (`_Facts`): every component at least the
    candidate's own (the needs from their bits, the language from the codes listed at the
    service and its places, a distance no greater than its real one, interpretation when
    anything is written there), so at least its ceiling once read in full; None: left out
    whatever the rest is."""
    if f.distance_km is None:
        return math.inf  # an online place in the box: read in full first
    (_virtual, bits, online, languages, interpretation, accepts, places, groups, access, status,
     verified) = f.row  # fmt: skip
    verified = _datetime(verified)
    language = bounds.language
    speaks = f",{language}," in languages if languages else language == "en"
    features = _decoded(access, match_places.ACCESS_BITS)
    if bounds.certainly_excluded(
        published=True,  # the candidate query's filters: published, not deleted, the age
        deleted=False,
        status=status,
        hidden_from_matching=verified is None or verified < cutoff,
        minimum_age=None,
        maximum_age=None,
        speaks=speaks,
        offers_interpretation=bool(interpretation),
        distance_km=f.distance_km,
        online=bool(online),
        access_features=features,
        target_groups=_decoded(groups, match_places.GROUP_BITS),
    ):
        return None
    met = need_bits.get(bits)
    if met is None:
        met = need_bits[bits] = frozenset(
            code for code, bit in need_bits["codes"].items() if bits & bit
        )
    return bounds.ceiling(
        needs_met=met,
        speaks=speaks,
        offers_interpretation=bool(interpretation),
        distance_km=f.distance_km,
        online=bool(online),
        accepts_referrals=bool(accepts),
        places_per_session=1 if places else None,
        days_since_checked=_days_since(verified, now),
        access_features=features,
    )


_DECODED: dict = {}


def _decoded(value: int, bits: dict) -> frozenset[str]:
    """The codes whose bits are set in `value` (`match_places.GROUP_BITS`, `ACCESS_BITS`)."""
    key = (id(bits), value)
    codes = _DECODED.get(key)
    if codes is None:
        codes = _DECODED[key] = frozenset(code for code, bit in bits.items() if value & bit)
    return codes


def rank_bounded(
    person, prefs, ids: list, *, origin, now, facts=None, top: int | None = None, stats=None
):
    """`rank` over every candidate in `ids`, without profiling and scoring those that
    cannot enter the top.

    Each candidate's ceiling comes from what the candidate query read (`facts`, for the
    nearby candidates found in the matching places) or from its rows (`read_candidates`,
    for the others). Candidates are taken highest ceiling first, in batches, read in full
    and scored; once `top` services are ranked and the lowest of them scores more than the
    highest ceiling left, no candidate left can enter the top (its total is at most its
    ceiling; ties would rank by distance, so the comparison is strict) and the rest are
    skipped. `stats`, when given, is filled with how many candidates there were and how
    many were scored."""
    top = TOP if top is None else top
    facts = facts or {}
    bounds = matching.Ceilings(person, prefs)
    known = read_candidates([sid for sid in ids if sid not in facts], origin=origin)
    ceilings = [(ceiling(person, prefs, c, now, bounds), str(sid)) for sid, c in known.items()]
    if facts:
        need_bits: dict = {
            "codes": {
                code: 1 << pk
                for code, pk in Need.objects.filter(code__in=sorted(person.needs)).values_list(
                    "code", "pk"
                )
            }
        }
        cutoff = hidden_cutoff(now)
        ceilings += [
            (_ceiling_of_facts(bounds, facts[sid], need_bits, cutoff, now), str(sid))
            for sid in ids
            if sid in facts
        ]
    order = sorted(((c, key) for c, key in ceilings if c is not None), reverse=True)
    by_key = {str(sid): sid for sid in ids}
    ranked: list = []
    scored = 0
    batch_size = FIRST_BATCH
    while scored < len(order):
        if len(ranked) >= top and ranked[top - 1][1].total > order[scored][0]:
            break
        batch = [by_key[key] for _c, key in order[scored : scored + batch_size]]
        scored += len(batch)
        batch_size *= 2
        known.update(read_candidates([sid for sid in batch if sid not in known], origin=origin))
        profiles = service_profiles(batch, origin=origin, now=now, known=known)
        ranked = rank(person, [*(p for p, _s in ranked), *profiles.values()], prefs, top=top)
    if stats is not None:
        stats.update(candidates=len(ids), scored=scored)
    return ranked


def matches_for(case: Case, preferences: matching.Preferences, *, stats=None) -> list[Match]:
    """The best-fitting services for a case the caller has already read through
    `case_get_for` (so scope and the audit entry are settled), best first."""
    person = person_profile_for(case)
    origin = _origin(case)
    now = timezone.now()
    facts: dict = {}
    ids = candidate_ids(person=person, origin=origin, prefs=preferences, facts=facts)
    ranked = rank_bounded(
        person, preferences, ids, origin=origin, now=now, facts=facts, stats=stats
    )
    services = Service.objects.select_related("organization").in_bulk([p.id for p, _s in ranked])
    return [Match(service=services[p.id], profile=p, score=s) for p, s in ranked]


def match_services_for_case(
    *, actor, case_id, preferences: matching.Preferences, channel: str = "web"
) -> list[Match]:
    """Ranked services for a case in the actor's scope (404 outside it; an audited view)."""
    case = case_get_for(actor, case_id, channel=channel)
    return matches_for(case, preferences)
