"""Matching for one case: candidates from the directory search, scored by `matching`.

1. The case through `selectors.case_get_for` (404 outside the service; an audited view).
2. Candidates with the directory's one search queryset (`service_search_queryset`):
   published, running, checked within `LINKWELL_LISTING_HIDDEN_DAYS`, answering at least one
   of the referral's needs, the person's age, free when asked; with a maximum distance, only
   services with a location inside the bounding box (or online). At most `CANDIDATE_LIMIT`
   go on, nearest first (most recently checked first when the person has no location).
   "Any distance" takes the nearest `CANDIDATE_LIMIT` in the country: circles of growing
   radius are read until one holds that many, so the whole country is read only when it
   has to be.
3. What bounds each candidate's score, in a fixed number of queries (`values_list`, no
   model instances): the service row, its places (distance, online), the needs its terms
   answer and the languages it lists (`matching.score_ceiling`).
4. The rest of the profile (target groups, times, costs, venue features) is read and
   `matching.score_service` run in batches, highest ceiling first, until no candidate left
   could enter the top `TOP` (`rank_bounded`): exactly the ranking of scoring every
   candidate, without reading and scoring the hundreds that cannot reach it.
5. Excluded services dropped, the rest ranked (`matching.rank_key`), the top `TOP` returned.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Q
from django.utils import timezone

from linkwell.directory.models import (
    Accessibility,
    ApprovalStatus,
    Attribute,
    CostOption,
    Language,
    Location,
    NeedTaxonomyTerm,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)
from linkwell.directory.selectors import (
    bounding_box,
    is_hidden_from_matching,
    service_public_queryset,
    service_search_queryset,
)
from linkwell.lib.postcode import distance_km

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


def candidate_ids(*, person: matching.PersonProfile, origin, prefs: matching.Preferences) -> list:
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
            ids = _nearest(person, prefs, origin, FIRST_RADIUS_KM, with_online=False)
            if len(ids) >= CANDIDATE_LIMIT:
                return ids
        return _nearest(person, prefs, origin, prefs.max_distance_km)
    km = FIRST_RADIUS_KM
    while km < WHOLE_COUNTRY_KM:
        ids = _nearest(person, prefs, origin, km, with_online=False, limit=ANY_DISTANCE_LIMIT)
        if len(ids) >= ANY_DISTANCE_LIMIT:
            return ids
        # Services spread over an area: the radius holding the limit, with a margin.
        grow = RADIUS_MARGIN * math.sqrt(ANY_DISTANCE_LIMIT / max(len(ids), 1))
        km *= min(max(grow, 1.5), 8.0)
    return _nearest(person, prefs, origin, None, limit=ANY_DISTANCE_LIMIT)


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


def _nearest(
    person, prefs, origin, km, *, with_online: bool = True, limit: int = CANDIDATE_LIMIT
) -> list:
    """Candidates within `km` (None: anywhere), nearest first; then, when there is room,
    online services and those without a mapped location, most recently checked first."""
    box = bounding_box(*origin, km) if km is not None else None
    # A wide box holds a good part of the country: listing the services that answer the
    # needs once is then cheaper than checking them for every service in the box (SQLite,
    # "any distance" at 100,000 services: 440 → 250 ms median). Same rows either way.
    qs = _candidates(person, prefs, box=box, per_candidate=km is not None and km < LIST_FROM_KM)
    if box is not None:
        # The (few hundred) candidates first, then their places, both read by index; the
        # box is checked here: given the box too, SQLite walks every place in its band of
        # latitude and looks each one up for every candidate (seconds in a city).
        rows = list(qs.order_by().values_list("pk", "last_verified_at"))  # sorted below
        locations = ServiceAtLocation.objects.filter(service_id__in=[pk for pk, _v in rows])
        lat_min, lat_max, long_min, long_max = box
    else:
        rows = None
        locations = ServiceAtLocation.objects.filter(service_id__in=qs.values("pk"))
        lat_min = long_min = -math.inf
        lat_max = long_max = math.inf
    nearest: dict = {}
    for sid, lat, long in locations.values_list(
        "service_id", "location__latitude", "location__longitude"
    ):
        if lat is None or long is None:
            continue
        if not (lat_min <= lat <= lat_max and long_min <= long <= long_max):
            continue
        d = distance_km(origin[0], origin[1], lat, long)
        if (km is None or d <= km) and (sid not in nearest or d < nearest[sid]):
            nearest[sid] = d
    ids = sorted(nearest, key=lambda sid: (nearest[sid], str(sid)))[:limit]
    if len(ids) >= limit or not with_online:
        return ids
    if rows is not None:
        # In the box but not within the distance of any place: online, or only the corners.
        online = set(
            _online()
            .filter(service_id__in=[pk for pk, _v in rows])
            .values_list("service_id", flat=True)
        )
        rest = sorted((pk, verified) for pk, verified in rows if pk in online and pk not in nearest)
        rest.sort(key=lambda row: row[1], reverse=True)  # checked recently: never None
        return ids + [pk for pk, _v in rest[: limit - len(ids)]]
    # Online services and those without a mapped location, after the nearby ones.
    rest = qs.exclude(pk__in=ids).order_by("-last_verified_at", "pk")
    return ids + list(rest.values_list("pk", flat=True)[: limit - len(ids)])


# ---- 3. what bounds each score --------------------------------------------------------------


def read_candidates(ids: list, *, origin) -> dict:
    """id → Candidate: the service row, places, needs met and languages listed, in a fixed
    number of queries."""
    if not ids:
        return {}
    known = {
        row["id"]: Candidate(row["id"], row)
        for row in Service.objects.filter(pk__in=ids).order_by().values(*SERVICE_COLUMNS)
    }
    services_at = defaultdict(set)
    for sid, location_id, kind, lat, long in ServiceAtLocation.objects.filter(
        service_id__in=ids
    ).values_list(
        "service_id",
        "location_id",
        "location__location_type",
        "location__latitude",
        "location__longitude",
    ):
        candidate = known[sid]
        candidate.places.append(location_id)
        services_at[location_id].add(sid)
        if kind == Location.LocationType.VIRTUAL:
            candidate.online = True
        elif origin and lat is not None and long is not None:
            d = distance_km(origin[0], origin[1], lat, long)
            if candidate.distance_km is None or d < candidate.distance_km:
                candidate.distance_km = d
    needs_of_term = defaultdict(set)
    for term_id, code in NeedTaxonomyTerm.objects.values_list("taxonomy_term_id", "need__code"):
        needs_of_term[term_id].add(code)
    for sid, term_id in Attribute.objects.filter(
        link_entity="service", link_id__in=ids
    ).values_list("link_id", "taxonomy_term_id"):
        if sid in known:
            known[sid].needs_met |= needs_of_term.get(term_id, set())
    for sid, code in Language.objects.filter(service_id__in=ids).values_list("service_id", "code"):
        known[sid].languages.add(code)
    if services_at:
        # By location id: a join from languages through locations to services is planned as
        # a scan on SQLite (the partial index of migration 0006 serves this).
        for location_id, code in Language.objects.filter(
            location_id__in=list(services_at)
        ).values_list("location_id", "code"):
            for sid in services_at[location_id]:
                known[sid].languages.add(code)
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


def ceiling(person, prefs, candidate: Candidate, now) -> float | None:
    """The most this candidate can score: what has been read, and the best case for its
    venue features, times, groups and cost (`matching.score_ceiling`). None: it is left
    out whatever those turn out to be (`matching.certainly_excluded`)."""
    optimistic = _profile(
        candidate,
        now,
        access_features=matching.EVERY_ACCESS_FEATURE,
        sessions=(matching.ANY_TIME,),
    )
    if matching.certainly_excluded(person, optimistic, prefs):
        return None
    return matching.score_ceiling(person, optimistic, prefs)


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
    target_groups = defaultdict(set)
    through = Service.target_groups.through
    for sid, code in through.objects.filter(service_id__in=ids).values_list(
        "service_id", "targetgroup__code"
    ):
        target_groups[sid].add(code)
    sessions = defaultdict(list)
    for sid, byday, opens_at, closes_at in Schedule.objects.filter(service_id__in=ids).values_list(
        "service_id", "byday", "opens_at", "closes_at"
    ):
        days = _days(byday)
        if days:
            sessions[sid].append(matching.Session(days, opens_at, closes_at))
    not_free = set(
        CostOption.objects.filter(service_id__in=ids, amount__gt=0).values_list(
            "service_id", flat=True
        )
    )
    services_at = defaultdict(set)
    for sid in ids:
        for location_id in known[sid].places:
            services_at[location_id].add(sid)
    features = defaultdict(set)
    if services_at:
        for location_id, code in Accessibility.objects.filter(
            location_id__in=list(services_at), feature__isnull=False
        ).values_list("location_id", "feature__code"):
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


def rank_bounded(person, prefs, known: dict, *, origin, now, top: int | None = None, stats=None):
    """`rank` over every candidate in `known`, without profiling and scoring those that
    cannot enter the top.

    Candidates are taken highest ceiling first, in batches; once `top` services are ranked
    and the lowest of them scores more than the highest ceiling left, no candidate left can
    enter the top (its total is at most its ceiling; ties would rank by distance, so the
    comparison is strict) and the rest are skipped. `stats`, when given, is filled with how
    many candidates there were and how many were scored."""
    top = TOP if top is None else top
    ceilings = ((ceiling(person, prefs, c, now), str(sid)) for sid, c in known.items())
    order = sorted(((c, key) for c, key in ceilings if c is not None), reverse=True)
    by_key = {str(sid): sid for sid in known}
    ranked: list = []
    scored = 0
    batch_size = FIRST_BATCH
    while scored < len(order):
        if len(ranked) >= top and ranked[top - 1][1].total > order[scored][0]:
            break
        batch = [by_key[key] for _c, key in order[scored : scored + batch_size]]
        scored += len(batch)
        batch_size *= 2
        profiles = service_profiles(batch, origin=origin, now=now, known=known)
        ranked = rank(person, [*(p for p, _s in ranked), *profiles.values()], prefs, top=top)
    if stats is not None:
        stats.update(candidates=len(known), scored=scored)
    return ranked


def matches_for(case: Case, preferences: matching.Preferences, *, stats=None) -> list[Match]:
    """The best-fitting services for a case the caller has already read through
    `case_get_for` (so scope and the audit entry are settled), best first."""
    person = person_profile_for(case)
    origin = _origin(case)
    now = timezone.now()
    ids = candidate_ids(person=person, origin=origin, prefs=preferences)
    known = read_candidates(ids, origin=origin)
    ranked = rank_bounded(person, preferences, known, origin=origin, now=now, stats=stats)
    services = Service.objects.select_related("organization").in_bulk([p.id for p, _s in ranked])
    return [Match(service=services[p.id], profile=p, score=s) for p, s in ranked]


def match_services_for_case(
    *, actor, case_id, preferences: matching.Preferences, channel: str = "web"
) -> list[Match]:
    """Ranked services for a case in the actor's scope (404 outside it; an audited view)."""
    case = case_get_for(actor, case_id, channel=channel)
    return matches_for(case, preferences)
