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
)
from linkwell.directory.selectors import (
    bounding_box,
    is_hidden_from_matching,
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
    """Up to CANDIDATE_LIMIT service ids worth scoring, nearest (or freshest) first."""
    qs = service_search_queryset(
        needs=sorted(person.needs),
        free_only=prefs.free_only,
        age=person.age,
        include_stale=False,
    )
    box = (
        bounding_box(*origin, prefs.max_distance_km)
        if origin and prefs.max_distance_km is not None
        else None
    )
    online = ServiceAtLocation.objects.filter(
        location__location_type=Location.LocationType.VIRTUAL
    ).values("service_id")
    if box is not None:
        qs = qs.filter(
            Q(pk__in=ServiceAtLocation.objects.filter(_in_box(box)).values("service_id"))
            | Q(pk__in=online)
        )
    elif prefs.max_distance_km is not None:
        # No location for the person: only online services can be shown to be near enough.
        qs = qs.filter(pk__in=online)
    if origin is None:
        return list(
            qs.order_by("-last_verified_at", "pk").values_list("pk", flat=True)[:CANDIDATE_LIMIT]
        )
    locations = ServiceAtLocation.objects.filter(
        service_id__in=qs.values("pk"),
        location__latitude__isnull=False,
        location__longitude__isnull=False,
    )
    if box is not None:
        locations = locations.filter(_in_box(box))
    nearest: dict = {}
    for sid, lat, long in locations.values_list(
        "service_id", "location__latitude", "location__longitude"
    ):
        d = distance_km(origin[0], origin[1], lat, long)
        if sid not in nearest or d < nearest[sid]:
            nearest[sid] = d
    ids = sorted(nearest, key=lambda sid: (nearest[sid], str(sid)))[:CANDIDATE_LIMIT]
    if len(ids) < CANDIDATE_LIMIT:
        # Online services and those without a mapped location, after the nearby ones.
        rest = qs.exclude(pk__in=ids).order_by("-last_verified_at", "pk")
        ids += list(rest.values_list("pk", flat=True)[: CANDIDATE_LIMIT - len(ids)])
    return ids


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
    for sid, code in Language.objects.filter(
        location__service_at_locations__service_id__in=ids
    ).values_list("location__service_at_locations__service_id", "code"):
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
    for sid, code in Accessibility.objects.filter(
        location__service_at_locations__service_id__in=ids, feature__isnull=False
    ).values_list("location__service_at_locations__service_id", "feature__code"):
        features[sid].add(code)
    online = set()
    distances: dict = {}
    for sid, kind, lat, long in ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
        "service_id", "location__location_type", "location__latitude", "location__longitude"
    ):
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
