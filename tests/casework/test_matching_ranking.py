"""The bounded ranking (`rank_bounded`: scoring in batches, best ceiling first, stopping once
nothing left can enter the top) ranks exactly as scoring every candidate, over a generated
directory; and the candidate circles give exactly the nearest services."""

import pytest

from linkwell.casework import matching
from linkwell.casework import matching_selectors as ms
from linkwell.casework.models import Case

from .test_matching_benchmark_smoke import bench  # noqa: F401  (the benchmark module)

PREFERENCES = [
    matching.Preferences(),
    matching.Preferences(max_distance_km=8.0),
    matching.Preferences(max_distance_km=40.0, free_only=True),
    matching.Preferences(availability=frozenset({("TU", "morning"), ("TH", "evening")})),
    matching.Preferences(max_distance_km=200.0, language="pl"),
]


@pytest.fixture
def cases(bench):  # noqa: F811
    facts = bench.directory_search.generate(400, seed=11)
    made = bench.make_cases(12, 11, facts["districts"])
    return [Case.objects.select_related("person", "referral").get(pk=pk) for pk, _prefs, _l in made]


def everything_scored(case, prefs):
    person, origin = ms.person_profile_for(case), ms._origin(case)
    ids = ms.candidate_ids(person=person, origin=origin, prefs=prefs)
    return ms.rank(person, ms.service_profiles(ids, origin=origin).values(), prefs)


def ranking(pairs):
    return [(p.id, p.name, s.total, s.summary) for p, s in pairs]


@pytest.mark.django_db
def test_the_bounded_ranking_is_the_ranking_of_every_candidate(cases, monkeypatch):
    monkeypatch.setattr(ms, "FIRST_BATCH", 3)  # many batches, so stopping early is tested
    monkeypatch.setattr(ms, "TOP", 5)
    stopped_early = 0
    for case in cases:
        for prefs in PREFERENCES:
            stats: dict = {}
            found = ms.matches_for(case, prefs, stats=stats)
            expected = everything_scored(case, prefs)[: ms.TOP]
            assert ranking((m.profile, m.score) for m in found) == ranking(expected)
            stopped_early += stats["scored"] < stats["candidates"]
    assert stopped_early  # the test exercised the early stop


@pytest.mark.django_db
def test_circles_give_the_nearest_services_in_the_country(cases, monkeypatch):
    monkeypatch.setattr(ms, "FIRST_RADIUS_KM", 2.0)
    for limit in (5, 30):
        monkeypatch.setattr(ms, "ANY_DISTANCE_LIMIT", limit)
        monkeypatch.setattr(ms, "CANDIDATE_LIMIT", limit)
        for case in cases:
            person, origin = ms.person_profile_for(case), ms._origin(case)
            for prefs in (matching.Preferences(), matching.Preferences(max_distance_km=60.0)):
                got = ms.candidate_ids(person=person, origin=origin, prefs=prefs)
                if prefs.max_distance_km is None:
                    everywhere = ms._nearest(person, prefs, origin, None, limit=limit)
                else:
                    everywhere = ms._nearest(person, prefs, origin, prefs.max_distance_km)
                assert got == everywhere


@pytest.mark.django_db
def test_no_excluded_service_is_ever_ranked(cases):
    for case in cases:
        person = ms.person_profile_for(case)
        for prefs in PREFERENCES:
            for match in ms.matches_for(case, prefs):
                assert not matching.exclusions(person, match.profile, prefs)
