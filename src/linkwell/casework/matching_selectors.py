"""Matching for one case: candidates from the directory search, scored by `matching`.

1. The case through `selectors.case_get_for` (404 outside the service; an audited view).
2. Candidates with the directory's one search queryset (`service_search_queryset`):
   published, running, checked within `LINKWELL_LISTING_HIDDEN_DAYS`, answering at least one
   of the referral's needs, the person's age, free when asked; with a maximum distance, only
   services with a location inside the bounding box (or online). At most `CANDIDATE_LIMIT`
   go on, nearest first (most recently checked first when the person has no location).
3. Everything the scoring needs for those candidates, in a fixed number of queries
   (`values_list`, no model instances), then `matching.score_service` in Python.
4. Excluded services dropped, the rest ranked (`matching.rank_key`), the top `TOP` returned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
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
TOP = 20


@dataclass
class Match:
    service: Service
    profile: matching.ServiceProfile
    score: matching.MatchScore

    @property
    def distance_km(self) -> float | None:
        return self.profile.distance_km


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


def candidate_ids(*, person: matching.PersonProfile, origin, prefs: matching.Preferences) -> list:
    """Up to CANDIDATE_LIMIT service ids worth scoring, nearest (or freshest) first.

    With a location and a maximum distance, the services with a place in the distance box
    (or online) drive the query and the other filters are checked per candidate (as the
    directory search does), so a common need is not listed for the whole country. With a
    location and no maximum, boxes of growing size are tried first: once one holds
    CANDIDATE_LIMIT services within its radius, those are the nearest in the country."""
    if origin is None:
        qs = _candidates(person, prefs, box=None)
        if prefs.max_distance_km is not None:
            # No location for the person: only online services can be shown to be near enough.
            qs = qs.filter(pk__in=_online())
        return list(
            qs.order_by("-last_verified_at", "pk").values_list("pk", flat=True)[:CANDIDATE_LIMIT]
        )
    if prefs.max_distance_km is not None:
        return _nearest(person, prefs, origin, prefs.max_distance_km)
    for km in EXPANDING_KM:
        ids = _nearest(person, prefs, origin, km, with_online=False)
        if len(ids) >= CANDIDATE_LIMIT:
            return ids
    return _nearest(person, prefs, origin, None)


# Radii tried, in turn, for "any distance" before measuring to every service in the country.
EXPANDING_KM = (16.0, 40.0, 100.0)


def _online():
    return ServiceAtLocation.objects.filter(
        location__location_type=Location.LocationType.VIRTUAL
    ).values("service_id")


def _candidates(person, prefs, *, box):
    base = None
    if box is not None:
        near = ServiceAtLocation.objects.filter(_in_box(box)).values("service_id")
        base = (
            service_public_queryset()
            .exclude(status=ServiceStatus.DEFUNCT)
            .filter(Q(pk__in=near) | Q(pk__in=_online()))
        )
    return service_search_queryset(
        needs=sorted(person.needs),
        free_only=prefs.free_only,
        age=person.age,
        include_stale=False,
        base=base,
        per_candidate=base is not None,
    )


def _nearest(person, prefs, origin, km, *, with_online: bool = True) -> list:
    """Candidates within `km` (None: anywhere), nearest first; then, when there is room,
    online services and those without a mapped location, most recently checked first."""
    box = bounding_box(*origin, km) if km is not None else None
    qs = _candidates(person, prefs, box=box)
    if box is not None:
        # The (few hundred) candidates first, then only their places: both read by index.
        rows = list(qs.values_list("pk", "last_verified_at"))
        locations = ServiceAtLocation.objects.filter(
            _in_box(box), service_id__in=[pk for pk, _v in rows]
        )
    else:
        rows = None
        locations = ServiceAtLocation.objects.filter(
            service_id__in=qs.values("pk"),
            location__latitude__isnull=False,
            location__longitude__isnull=False,
        )
    nearest: dict = {}
    for sid, lat, long in locations.values_list(
        "service_id", "location__latitude", "location__longitude"
    ):
        d = distance_km(origin[0], origin[1], lat, long)
        if (km is None or d <= km) and (sid not in nearest or d < nearest[sid]):
            nearest[sid] = d
    ids = sorted(nearest, key=lambda sid: (nearest[sid], str(sid)))[:CANDIDATE_LIMIT]
    if len(ids) >= CANDIDATE_LIMIT or not with_online:
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
        return ids + [pk for pk, _v in rest[: CANDIDATE_LIMIT - len(ids)]]
    # Online services and those without a mapped location, after the nearby ones.
    rest = qs.exclude(pk__in=ids).order_by("-last_verified_at", "pk")
    return ids + list(rest.values_list("pk", flat=True)[: CANDIDATE_LIMIT - len(ids)])


def _days(byday: str) -> frozenset[str]:
    # RFC 5545 BYDAY: "TU", "MO,TH", "1MO,3MO" (the ordinal is ignored: the day still fits).
    return frozenset(
        part.strip().upper()[-2:]
        for part in (byday or "").split(",")
        if part.strip().upper()[-2:] in matching.DAYS
    )


def service_profiles(ids: list, *, origin, now=None) -> dict:
    """The scoring's view of each service, read in a fixed number of queries."""
    now = now or timezone.now()
    if not ids:
        return {}
    target_groups = defaultdict(set)
    through = Service.target_groups.through
    for sid, code in through.objects.filter(service_id__in=ids).values_list(
        "service_id", "targetgroup__code"
    ):
        target_groups[sid].add(code)
    languages = defaultdict(set)
    for sid, code in Language.objects.filter(service_id__in=ids).values_list("service_id", "code"):
        languages[sid].add(code)
    # Places first, then what is listed at them, by location id (a join from languages or
    # accessibility through locations to services is planned as a scan on SQLite).
    places = list(
        ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
            "service_id",
            "location_id",
            "location__location_type",
            "location__latitude",
            "location__longitude",
        )
    )
    services_at = defaultdict(set)
    for sid, location_id, *_rest in places:
        services_at[location_id].add(sid)
    for location_id, code in Language.objects.filter(location_id__in=list(services_at)).values_list(
        "location_id", "code"
    ):
        for sid in services_at[location_id]:
            languages[sid].add(code)
    needs_of_term = defaultdict(set)
    for term_id, code in NeedTaxonomyTerm.objects.values_list("taxonomy_term_id", "need__code"):
        needs_of_term[term_id].add(code)
    needs_met = defaultdict(set)
    for sid, term_id in Attribute.objects.filter(
        link_entity="service", link_id__in=ids
    ).values_list("link_id", "taxonomy_term_id"):
        needs_met[sid] |= needs_of_term.get(term_id, set())
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
    features = defaultdict(set)
    for location_id, code in Accessibility.objects.filter(
        location_id__in=list(services_at), feature__isnull=False
    ).values_list("location_id", "feature__code"):
        for sid in services_at[location_id]:
            features[sid].add(code)
    online = set()
    distances: dict = {}
    for sid, _location_id, kind, lat, long in places:
        if kind == Location.LocationType.VIRTUAL:
            online.add(sid)
        elif origin and lat is not None and long is not None:
            d = distance_km(origin[0], origin[1], lat, long)
            if sid not in distances or d < distances[sid]:
                distances[sid] = d
    profiles = {}
    for row in Service.objects.filter(pk__in=ids).values(
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
    ):
        sid = row["id"]
        verified = row["last_verified_at"]
        profiles[sid] = matching.ServiceProfile(
            id=sid,
            name=row["name"],
            published=row["approval_status"] == ApprovalStatus.PUBLISHED,
            deleted=row["deleted_at"] is not None,
            status=row["status"],
            hidden_from_matching=is_hidden_from_matching(
                SimpleNamespace(last_verified_at=verified), now
            ),
            days_since_checked=(now - verified).days if verified else None,
            minimum_age=row["minimum_age"],
            maximum_age=row["maximum_age"],
            target_groups=frozenset(target_groups[sid]),
            languages=frozenset(languages[sid]),
            offers_interpretation=bool(row["interpretation_services"].strip()),
            distance_km=distances.get(sid),
            online=sid in online,
            free=sid not in not_free,
            sessions=tuple(sessions[sid]),
            accepts_referrals=row["accepts_referrals"],
            places_per_session=row["places_per_session"],
            needs_met=frozenset(needs_met[sid]),
            access_features=frozenset(features[sid]),
        )
    return profiles


def rank(person, profiles, prefs, *, top: int = TOP):
    scored = []
    for profile in profiles:
        score = matching.score_service(person, profile, prefs)
        if not score.excluded:
            scored.append((profile, score))
    scored.sort(key=lambda pair: matching.rank_key(*pair))
    return scored[:top]


def matches_for(case: Case, preferences: matching.Preferences) -> list[Match]:
    """The best-fitting services for a case the caller has already read through
    `case_get_for` (so scope and the audit entry are settled), best first."""
    person = person_profile_for(case)
    origin = _origin(case)
    ids = candidate_ids(person=person, origin=origin, prefs=preferences)
    profiles = service_profiles(ids, origin=origin)
    ranked = rank(person, profiles.values(), preferences)
    services = Service.objects.select_related("organization").in_bulk([p.id for p, _s in ranked])
    return [Match(service=services[p.id], profile=p, score=s) for p, s in ranked]


def match_services_for_case(
    *, actor, case_id, preferences: matching.Preferences, channel: str = "web"
) -> list[Match]:
    """Ranked services for a case in the actor's scope (404 outside it; an audited view)."""
    case = case_get_for(actor, case_id, channel=channel)
    return matches_for(case, preferences)
