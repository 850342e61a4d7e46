"""Matching a person to directory services: the scoring, as a pure function.

`score_service(person, service, preferences)` looks at plain dataclasses only (no database,
no clock, no settings), so it is tested directly and runs over thousands of candidates in
Python. The selector `casework.matching_selectors.match_services_for_case` builds the
profiles from the database, pre-filters candidates with the directory's one search queryset
and ranks what this returns.

Hard constraints (the service is left out, with the reason kept for tests and debugging):

- not published, deleted, or not running (inactive, temporarily closed, closed);
- hidden from matching: not checked for `LINKWELL_LISTING_HIDDEN_DAYS` (the selector decides
  this with `directory.selectors.is_hidden_from_matching`);
- the person's age is outside the service's minimum/maximum age (unknown age: not excluded);
- a target group the person is known not to be in: women only for a man, men only for a
  woman, over-55s for someone under 55, young people (up to 25) for someone older. Other
  groups (carers, veterans, refugees and new arrivals…) are shown, never used to exclude:
  Linkwell does not record those facts about people, and never asks immigration status;
- the person needs an interpreter and the service neither speaks their language nor offers
  interpretation (without an interpreter the person could not take part at all). When no
  interpreter is needed a language mismatch only costs points;
- further away than the maximum distance asked for (online services are never too far; a
  service with no known location is left out when a maximum distance is asked for);
- not free when only free services are asked for;
- the person said when they are free, the service lists its times, and none fits.

Soft components, added up to a score out of 100 (weights below, `WEIGHTS`):

=============  ======  ======================================================================
component      points  how
=============  ======  ======================================================================
needs            35    share of the person's needs that the service's taxonomy terms answer
language         15    speaks the language: 15; offers interpretation: 8; neither: 0
access           10    share of the person's communication/access needs the venue meets
                       (hearing loop, BSL, large print); full points when none apply
distance         15    15 / (1 + km / 2): strictly closer is strictly better; online: 5
timetable        10    a session fits a time the person is free: 10; no times given: 0
capacity          8    accepts referrals: 5; places per session listed: 3
freshness         7    7 × (1 − days since checked / 365)
=============  ======  ======================================================================

Ties rank nearer first, then by name. Each component also gives a reason in plain words
("speaks Urdu", "0.8 miles", "Tuesday 10:00 fits", "accepts referrals", "checked 2 weeks
ago"), translated with gettext.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linkwell.people.vocabulary import LANGUAGE_CHOICES

WEIGHTS: dict[str, float] = {
    "needs": 35.0,
    "language": 15.0,
    "access": 10.0,
    "distance": 15.0,
    "timetable": 10.0,
    "capacity": 8.0,
    "freshness": 7.0,
}
INTERPRETATION_POINTS = 8.0
ONLINE_DISTANCE_POINTS = 5.0
DISTANCE_HALF_KM = 2.0  # distance points halve at 2 km
REFERRAL_POINTS = 5.0
PLACES_POINTS = 3.0
FRESHNESS_DAYS = 365
STALE_DAYS = 183
KM_PER_MILE = 1.609344

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The same parts of the day as the public directory search.
TIMES_OF_DAY: dict[str, tuple[datetime.time, datetime.time]] = {
    "morning": (datetime.time(0, 0), datetime.time(12, 0)),
    "afternoon": (datetime.time(12, 0), datetime.time(17, 0)),
    "evening": (datetime.time(17, 0), datetime.time(23, 59, 59)),
}

# A person's communication/access need → the venue feature that meets it.
ACCESS_FEATURE_FOR_NEED: dict[str, str] = {
    "hearing_loop": "hearing_loop",
    "bsl": "bsl",
    "large_print": "large_print",
}
BSL = "bfi"
NOT_RUNNING = frozenset({"inactive", "temporarily closed", "defunct"})


def _day_names() -> dict[str, str]:
    return {
        "MO": _("Monday"),
        "TU": _("Tuesday"),
        "WE": _("Wednesday"),
        "TH": _("Thursday"),
        "FR": _("Friday"),
        "SA": _("Saturday"),
        "SU": _("Sunday"),
    }


def language_name(code: str) -> str:
    return str(dict(LANGUAGE_CHOICES).get(code, code))


@dataclass(frozen=True)
class PersonProfile:
    age: int | None = None
    sex: str = ""  # "female" | "male" | "" (not known or not said)
    language: str = "en"
    interpreter_needed: bool = False
    needs: frozenset[str] = frozenset()
    access_needs: frozenset[str] = frozenset()  # people.CommunicationNeed codes
    need_labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Session:
    days: frozenset[str]  # MO…SU
    opens_at: datetime.time | None = None
    closes_at: datetime.time | None = None


@dataclass(frozen=True)
class ServiceProfile:
    id: object
    name: str = ""
    published: bool = True
    deleted: bool = False
    status: str = "active"
    hidden_from_matching: bool = False
    days_since_checked: int | None = 0
    minimum_age: int | None = None
    maximum_age: int | None = None
    target_groups: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()  # none listed: taken to be English
    offers_interpretation: bool = False
    distance_km: float | None = None  # to the nearest physical location
    online: bool = False
    free: bool = True
    sessions: tuple[Session, ...] = ()
    accepts_referrals: bool = False
    places_per_session: int | None = None
    needs_met: frozenset[str] = frozenset()  # need codes its taxonomy terms answer
    access_features: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Preferences:
    free_only: bool = False
    max_distance_km: float | None = None
    # (day, part of day) pairs the person is free, e.g. ("TU", "morning"); empty: not asked.
    availability: frozenset[tuple[str, str]] = frozenset()
    language: str | None = None  # overrides the person's language when given


def component_labels() -> dict[str, str]:
    return {
        "needs": _("Needs"),
        "language": _("Language"),
        "access": _("Access needs"),
        "distance": _("Distance"),
        "timetable": _("Times"),
        "capacity": _("Places and referrals"),
        "freshness": _("Last checked"),
    }


@dataclass(frozen=True)
class Component:
    """Points out of `max_points`, and why. `why` is the reason or a function making it:
    reasons are only worded (translated) when read, so ranking thousands of candidates
    does not translate thousands of sentences nobody sees."""

    code: str
    points: float
    max_points: float
    why: Callable[[], str] | str = field(default="", compare=False, repr=False)

    @cached_property
    def reason(self) -> str:
        return str(self.why() if callable(self.why) else self.why)

    @property
    def label(self) -> str:
        return str(component_labels().get(self.code, self.code))


@dataclass(frozen=True)
class MatchScore:
    excluded: bool
    total: float = 0.0
    components: tuple[Component, ...] = ()
    exclusions: tuple[str, ...] = ()

    @property
    def reasons(self) -> list[str]:
        return [c.reason for c in self.components if c.reason]

    @property
    def summary(self) -> str:
        return " · ".join(self.reasons)


# ---- hard constraints -----------------------------------------------------------------------


def session_fits(session: Session, day: str, part: str) -> bool:
    if day not in session.days:
        return False
    window = TIMES_OF_DAY.get(part)
    if window is None or session.opens_at is None:
        return window is not None
    start, end = window
    return session.opens_at < end and (session.closes_at is None or session.closes_at > start)


def fitting_session(
    sessions: Iterable[Session], availability: Iterable[tuple[str, str]]
) -> tuple[str, Session] | None:
    """The first (day order, then opening time) session that fits a time the person is free."""
    wanted = sorted(set(availability), key=lambda a: (DAYS.index(a[0]) if a[0] in DAYS else 9,))
    ordered = sorted(sessions, key=lambda s: (s.opens_at or datetime.time(0),))
    for day, part in wanted:
        for session in ordered:
            if session_fits(session, day, part):
                return day, session
    return None


def _speaks(person_language: str, service: ServiceProfile) -> bool:
    spoken = service.languages or frozenset({"en"})
    if person_language in spoken:
        return True
    return person_language == BSL and "bsl" in service.access_features


def exclusions(
    person: PersonProfile, service: ServiceProfile, prefs: Preferences
) -> tuple[str, ...]:
    """Why the service cannot be offered to this person (empty: it can)."""
    out: list[str] = []
    if not service.published or service.deleted:
        out.append("not_published")
    if service.status in NOT_RUNNING:
        out.append("not_running")
    if service.hidden_from_matching:
        out.append("not_checked")
    age = person.age
    if age is not None:
        if service.minimum_age is not None and age < service.minimum_age:
            out.append("too_young")
        if service.maximum_age is not None and age > service.maximum_age:
            out.append("too_old")
    groups = service.target_groups
    if "women_only" in groups and person.sex == "male":
        out.append("women_only")
    if "men_only" in groups and person.sex == "female":
        out.append("men_only")
    if "over_55s" in groups and age is not None and age < 55:
        out.append("over_55s")
    if "young_people" in groups and age is not None and age > 25:
        out.append("young_people")
    language = prefs.language or person.language
    if (
        person.interpreter_needed
        and not _speaks(language, service)
        and not service.offers_interpretation
    ):
        out.append("language")
    too_far = service.distance_km is None or service.distance_km > (prefs.max_distance_km or 0)
    if prefs.max_distance_km is not None and not service.online and too_far:
        out.append("too_far")
    if prefs.free_only and not service.free:
        out.append("not_free")
    if (
        prefs.availability
        and service.sessions
        and fitting_session(service.sessions, prefs.availability) is None
    ):
        out.append("no_time_fits")
    return tuple(out)


# ---- soft components ------------------------------------------------------------------------


def needs_component(person: PersonProfile, service: ServiceProfile) -> Component:
    weight = WEIGHTS["needs"]
    if not person.needs:
        return Component("needs", 0.0, weight)
    met = sorted(person.needs & service.needs_met)
    points = weight * len(met) / len(person.needs)
    if not met:
        return Component("needs", points, weight)
    labels = ", ".join(str(person.need_labels.get(code, code)) for code in met)
    return Component("needs", points, weight, lambda: _("helps with %(needs)s") % {"needs": labels})


def language_component(
    person: PersonProfile, service: ServiceProfile, prefs: Preferences
) -> Component:
    weight = WEIGHTS["language"]
    language = prefs.language or person.language
    if _speaks(language, service):
        # "speaks English" tells a link worker nothing unless it was asked about.
        if language == "en" and not person.interpreter_needed:
            return Component("language", weight, weight)
        return Component(
            "language",
            weight,
            weight,
            lambda: _("speaks %(language)s") % {"language": language_name(language)},
        )
    if service.offers_interpretation:
        return Component(
            "language",
            INTERPRETATION_POINTS,
            weight,
            lambda: (
                _("interpreter available for %(language)s") % {"language": language_name(language)}
            ),
        )
    return Component(
        "language",
        0.0,
        weight,
        lambda: _("does not list %(language)s") % {"language": language_name(language)},
    )


def access_component(person: PersonProfile, service: ServiceProfile) -> Component:
    weight = WEIGHTS["access"]
    wanted = [
        ACCESS_FEATURE_FOR_NEED[n]
        for n in sorted(person.access_needs)
        if n in ACCESS_FEATURE_FOR_NEED
    ]
    if not wanted:
        return Component("access", weight, weight)
    met = [f for f in wanted if f in service.access_features]
    missing = [f for f in wanted if f not in service.access_features]

    def why():
        labels = _access_labels()
        parts = [str(labels[f]) for f in met]
        parts += [_("no %(feature)s listed") % {"feature": str(labels[f]).lower()} for f in missing]
        return ", ".join(parts)

    return Component("access", weight * len(met) / len(wanted), weight, why)


def _access_labels() -> dict[str, str]:
    return {
        "hearing_loop": _("hearing loop"),
        "bsl": _("British Sign Language"),
        "large_print": _("large print"),
    }


def distance_points(km: float) -> float:
    return WEIGHTS["distance"] / (1.0 + max(km, 0.0) / DISTANCE_HALF_KM)


def format_distance(km: float) -> str:
    miles = km / KM_PER_MILE
    if miles < 0.1:
        return _("less than 0.1 miles")
    if miles < 10:
        return _("%(miles)s miles") % {"miles": f"{miles:.1f}"}
    return _("%(miles)s miles") % {"miles": f"{miles:.0f}"}


def place_points(distance_km: float | None, online: bool) -> float:
    """The distance component's points: by the nearest place, else online, else none."""
    if distance_km is not None:
        return distance_points(distance_km)
    return ONLINE_DISTANCE_POINTS if online else 0.0


def distance_component(service: ServiceProfile) -> Component:
    weight = WEIGHTS["distance"]
    points = place_points(service.distance_km, service.online)
    if service.distance_km is not None:
        return Component("distance", points, weight, lambda: format_distance(service.distance_km))
    if service.online:
        return Component("distance", points, weight, lambda: _("online"))
    return Component("distance", points, weight, lambda: _("distance not known"))


def timetable_component(service: ServiceProfile, prefs: Preferences) -> Component:
    weight = WEIGHTS["timetable"]
    if not service.sessions:
        return Component("timetable", 0.0, weight, lambda: _("times not listed"))
    if not prefs.availability:
        return Component("timetable", 0.0, weight)
    found = fitting_session(service.sessions, prefs.availability)
    if found is None:
        return Component("timetable", 0.0, weight)
    day, session = found

    def why():
        day_name = _day_names()[day]
        if session.opens_at is None:
            return _("%(day)s fits") % {"day": day_name}
        return _("%(day)s %(time)s fits") % {
            "day": day_name,
            "time": session.opens_at.strftime("%H:%M"),
        }

    return Component("timetable", weight, weight, why)


def capacity_component(service: ServiceProfile) -> Component:
    weight = WEIGHTS["capacity"]
    points = (REFERRAL_POINTS if service.accepts_referrals else 0.0) + (
        PLACES_POINTS if service.places_per_session else 0.0
    )

    def why():
        parts = [_("accepts referrals") if service.accepts_referrals else _("signpost only")]
        if service.places_per_session:
            n = service.places_per_session
            parts.append(ngettext("%(n)s place a session", "%(n)s places a session", n) % {"n": n})
        return " · ".join(str(p) for p in parts)

    return Component("capacity", points, weight, why)


def format_checked(days: int) -> str:
    if days < 1:
        return _("checked today")
    if days < 14:
        return ngettext("checked %(n)s day ago", "checked %(n)s days ago", days) % {"n": days}
    if days < 60:
        weeks = days // 7
        return ngettext("checked %(n)s week ago", "checked %(n)s weeks ago", weeks) % {"n": weeks}
    months = days // 30
    return ngettext("checked %(n)s month ago", "checked %(n)s months ago", months) % {"n": months}


def freshness_component(service: ServiceProfile) -> Component:
    weight = WEIGHTS["freshness"]
    days = service.days_since_checked
    if days is None:
        return Component("freshness", 0.0, weight, lambda: _("never checked"))
    days = max(days, 0)
    points = weight * max(0.0, 1.0 - days / FRESHNESS_DAYS)

    def why():
        reason = format_checked(days)
        if days > STALE_DAYS:
            reason = _("%(checked)s (not checked recently)") % {"checked": reason}
        return reason

    return Component("freshness", points, weight, why)


def components(
    person: PersonProfile, service: ServiceProfile, preferences: Preferences
) -> tuple[Component, ...]:
    """The soft components, in the order their points are added up."""
    return (
        needs_component(person, service),
        language_component(person, service, preferences),
        distance_component(service),
        timetable_component(service, preferences),
        access_component(person, service),
        capacity_component(service),
        freshness_component(service),
    )


def score_service(
    person_profile: PersonProfile, service_profile: ServiceProfile, preferences: Preferences
) -> MatchScore:
    """Score one service for one person. Pure: same inputs, same answer.

    Returns `excluded=True` with the hard-constraint codes when the service must not be
    offered; otherwise the components (points, maximum, reason) and their total out of 100.
    """
    excluded = exclusions(person_profile, service_profile, preferences)
    if excluded:
        return MatchScore(excluded=True, exclusions=excluded)
    parts = components(person_profile, service_profile, preferences)
    return MatchScore(
        excluded=False,
        total=sum(c.points for c in parts),
        components=parts,
    )


# What a service not read in full is assumed to offer when its score is bounded: every
# venue feature the access component counts, and a session fitting any time of any day.
EVERY_ACCESS_FEATURE = frozenset(ACCESS_FEATURE_FOR_NEED.values())
ANY_TIME = Session(frozenset(DAYS))


def score_ceiling(
    person: PersonProfile, optimistic: ServiceProfile, preferences: Preferences
) -> float:
    """The total of the soft components, hard constraints ignored. Pure.

    For a service of which only some facts have been read, `optimistic` holds those facts
    and the best case for the rest (all the person's needs met, `EVERY_ACCESS_FEATURE`,
    `ANY_TIME`, the person's language spoken). Every component is then at least what the
    service will score once read in full, and they are added in the same order as
    `score_service` adds them, so the ceiling is never below the real total, even after
    floating-point rounding: a service whose ceiling is below the lowest total of a full
    top list cannot enter it (`matching_selectors.rank_bounded`)."""
    return sum(c.points for c in components(person, optimistic, preferences))


# Hard constraints decided by the facts an optimistic profile holds as read (the service
# row, its places, the languages it lists); the others depend on facts assumed at best.
DECIDED_BEFORE_FULL_READ = frozenset(
    {"not_published", "not_running", "not_checked", "too_young", "too_old", "language", "too_far"}
)


# The target groups that can exclude (decided once a service's groups among them are read).
EXCLUDING_GROUPS = frozenset({"women_only", "men_only", "over_55s", "young_people"})
GROUP_EXCLUSIONS = EXCLUDING_GROUPS


def certainly_excluded(
    person: PersonProfile,
    optimistic: ServiceProfile,
    preferences: Preferences,
    decided: frozenset[str] = DECIDED_BEFORE_FULL_READ,
) -> bool:
    """Whether a service is left out whatever the facts not read yet (see `score_ceiling`);
    `decided`: the exclusions the facts read decide (with its groups among
    `EXCLUDING_GROUPS` read: `| GROUP_EXCLUSIONS`)."""
    return bool(decided.intersection(exclusions(person, optimistic, preferences)))


class Ceilings:
    """`score_ceiling` and `certainly_excluded` for many services, one person and one set of
    preferences, from the few facts that vary between services. Pure.

    Each component of the optimistic profile depends on one or two facts (the needs met, a
    shared language and interpretation, the distance, referrals and places, the days since
    checked), so its points are worked out once per value by the component functions
    themselves and the total added up in `score_service`'s order: exactly the floats of
    `score_ceiling`, at a few dictionary look-ups a service instead of a profile and seven
    components (ranking 2,000 candidates: ~60 ms → ~5 ms). Tested against `score_ceiling`
    and `certainly_excluded` directly (test_matching_ceilings.py)."""

    def __init__(self, person: PersonProfile, preferences: Preferences):
        self.person = person
        self.preferences = preferences
        self.language = preferences.language or person.language
        best = ServiceProfile(id=None, access_features=EVERY_ACCESS_FEATURE, sessions=(ANY_TIME,))
        self._timetable = timetable_component(best, preferences).points
        self._access_of: dict = {}
        self._needs: dict = {}
        self._spoken: dict = {}
        self._capacity: dict = {}
        self._freshness: dict = {}
        self._excluded: dict = {}

    def _profile(self, *, access_features=None, **facts) -> ServiceProfile:
        features = EVERY_ACCESS_FEATURE if access_features is None else access_features
        return ServiceProfile(id=None, access_features=features, sessions=(ANY_TIME,), **facts)

    def _languages(self, speaks: bool) -> frozenset[str]:
        # A language the person speaks, or one nobody does ("" is no language code).
        return frozenset({self.language if speaks else ""})

    def _features(self, access_features) -> frozenset[str] | None:
        # Only the venue features the components look at matter (None: every one).
        if access_features is None:
            return None
        return frozenset(access_features) & EVERY_ACCESS_FEATURE

    def ceiling(
        self,
        *,
        needs_met: frozenset[str],
        speaks: bool,
        offers_interpretation: bool,
        distance_km: float | None,
        online: bool,
        accepts_referrals: bool,
        places_per_session: int | None,
        days_since_checked: int | None,
        access_features: frozenset[str] | None = None,
    ) -> float:
        """`score_ceiling` of the optimistic profile with these facts (any time; every venue
        feature unless `access_features` are given; `speaks`: lists the language asked for,
        or is taken to)."""
        features = self._features(access_features)
        met = self.person.needs & needs_met
        needs = self._needs.get(met)
        if needs is None:
            needs = self._needs[met] = needs_component(
                self.person, self._profile(needs_met=met)
            ).points
        spoken = (speaks, offers_interpretation, features)
        language = self._spoken.get(spoken)
        if language is None:
            language = self._spoken[spoken] = language_component(
                self.person,
                self._profile(
                    languages=self._languages(speaks),
                    offers_interpretation=offers_interpretation,
                    access_features=features,
                ),
                self.preferences,
            ).points
        access = self._access_of.get(features)
        if access is None:
            access = self._access_of[features] = access_component(
                self.person, self._profile(access_features=features)
            ).points
        capacity_key = (bool(accepts_referrals), bool(places_per_session))
        capacity = self._capacity.get(capacity_key)
        if capacity is None:
            capacity = self._capacity[capacity_key] = capacity_component(
                self._profile(
                    accepts_referrals=capacity_key[0],
                    places_per_session=1 if capacity_key[1] else None,
                )
            ).points
        freshness = self._freshness.get(days_since_checked)
        if freshness is None:
            freshness = self._freshness[days_since_checked] = freshness_component(
                self._profile(days_since_checked=days_since_checked)
            ).points
        # The order of `components`, as `sum` adds them (from 0).
        total = 0
        total += needs
        total += language
        total += place_points(distance_km, online)
        total += self._timetable
        total += access
        total += capacity
        total += freshness
        return total

    def certainly_excluded(
        self,
        *,
        published: bool,
        deleted: bool,
        status: str,
        hidden_from_matching: bool,
        minimum_age: int | None,
        maximum_age: int | None,
        speaks: bool,
        offers_interpretation: bool,
        distance_km: float | None,
        online: bool,
        access_features: frozenset[str] | None = None,
        target_groups: frozenset[str] | None = None,
    ) -> bool:
        """`certainly_excluded` for the optimistic profile with these facts (every venue
        feature unless `access_features` are given; with `target_groups`, its groups among
        `EXCLUDING_GROUPS`, those exclusions are decided too)."""
        features = self._features(access_features)
        groups = None if target_groups is None else frozenset(target_groups) & EXCLUDING_GROUPS
        limit = self.preferences.max_distance_km
        far = distance_km is None or distance_km > (limit or 0)
        key = (published, deleted, status, hidden_from_matching, minimum_age, maximum_age,
               speaks, offers_interpretation, far, online, features, groups)  # fmt: skip
        out = self._excluded.get(key)
        if out is None:
            out = self._excluded[key] = certainly_excluded(
                self.person,
                self._profile(
                    published=published,
                    deleted=deleted,
                    status=status,
                    hidden_from_matching=hidden_from_matching,
                    minimum_age=minimum_age,
                    maximum_age=maximum_age,
                    languages=self._languages(speaks),
                    offers_interpretation=offers_interpretation,
                    distance_km=None if far else 0.0,
                    online=online,
                    access_features=features,
                    target_groups=groups or frozenset(),
                ),
                self.preferences,
                DECIDED_BEFORE_FULL_READ
                | (GROUP_EXCLUSIONS if groups is not None else frozenset()),
            )
        return out


def rank_key(service: ServiceProfile, score: MatchScore) -> tuple:
    """Higher score first; ties nearer first, then by name."""
    distance = service.distance_km if service.distance_km is not None else float("inf")
    return (-score.total, distance, service.name.casefold(), str(service.id))
