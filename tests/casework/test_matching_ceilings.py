"""`matching.Ceilings` (the ceilings of many candidates, worked out per component) gives
exactly `score_ceiling` and `certainly_excluded` of the optimistic profile."""

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from linkwell.casework import matching as m

from .test_matching_scoring import people, preferences, services


def optimistic(s: m.ServiceProfile) -> m.ServiceProfile:
    return dataclasses.replace(
        s,
        access_features=m.EVERY_ACCESS_FEATURE,
        sessions=(m.ANY_TIME,),
        target_groups=frozenset(),
        free=True,
    )


def speaks(p, s, prefs_) -> bool:
    language = prefs_.language or p.language
    return language in s.languages if s.languages else language == "en"


def ceiling(bounds, p, o, prefs_, **read):
    """`bounds.ceiling` of the optimistic profile `o`, with whatever else was `read`."""
    return bounds.ceiling(
        needs_met=o.needs_met,
        speaks=speaks(p, o, prefs_),
        offers_interpretation=o.offers_interpretation,
        distance_km=o.distance_km,
        online=o.online,
        accepts_referrals=o.accepts_referrals,
        places_per_session=o.places_per_session,
        days_since_checked=o.days_since_checked,
        **read,
    )


def excluded(bounds, p, o, prefs_, **read):
    """`bounds.certainly_excluded` of the optimistic profile `o`, with whatever was `read`."""
    return bounds.certainly_excluded(
        published=o.published,
        deleted=o.deleted,
        status=o.status,
        hidden_from_matching=o.hidden_from_matching,
        minimum_age=o.minimum_age,
        maximum_age=o.maximum_age,
        speaks=speaks(p, o, prefs_),
        offers_interpretation=o.offers_interpretation,
        distance_km=o.distance_km,
        online=o.online,
        **read,
    )


@settings(max_examples=500)
@given(people, services, preferences)
def test_the_memoised_ceiling_is_exactly_score_ceiling(p, s, prefs_):
    o = optimistic(s)
    bounds = m.Ceilings(p, prefs_)
    for _ in range(2):  # the second time from the memo
        got = ceiling(bounds, p, o, prefs_)
        assert got == m.score_ceiling(p, o, prefs_)


@settings(max_examples=500)
@given(people, services, preferences)
def test_the_memoised_exclusion_is_exactly_certainly_excluded(p, s, prefs_):
    o = optimistic(s)
    bounds = m.Ceilings(p, prefs_)
    for _ in range(2):
        got = excluded(bounds, p, o, prefs_)
        assert got == m.certainly_excluded(p, o, prefs_)


@given(st.floats(0, 500), st.booleans())
def test_place_points_are_the_distance_components_points(km, online):
    for distance in (km, None):
        s = m.ServiceProfile(id=1, distance_km=distance, online=online)
        assert m.place_points(distance, online) == m.distance_component(s).points


@settings(max_examples=500)
@given(people, services, preferences)
def test_with_venue_features_and_groups_read_they_are_decided_too(p, s, prefs_):
    """With the venue features and the excluding target groups read (the matching places),
    the same as `score_ceiling` and `certainly_excluded` of a profile holding them."""
    o = dataclasses.replace(
        optimistic(s),
        access_features=s.access_features,
        target_groups=s.target_groups & m.EXCLUDING_GROUPS,
    )
    bounds = m.Ceilings(p, prefs_)
    for _ in range(2):
        assert excluded(
            bounds, p, o, prefs_, access_features=s.access_features, target_groups=s.target_groups
        ) == m.certainly_excluded(p, o, prefs_, m.DECIDED_BEFORE_FULL_READ | m.GROUP_EXCLUSIONS)
        assert ceiling(bounds, p, o, prefs_, access_features=s.access_features) == m.score_ceiling(
            p, o, prefs_
        )
    # Excluded by what was read means excluded once read in full.
    if m.certainly_excluded(p, o, prefs_, m.DECIDED_BEFORE_FULL_READ | m.GROUP_EXCLUSIONS):
        assert m.score_service(p, s, prefs_).excluded
