"""The matching score as a pure function: each component, each hard constraint, and
properties that must hold for any person, service and preferences."""

import dataclasses
import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from linkwell.casework import matching as m
from linkwell.casework.matching_selectors import rank

TUESDAY_10 = m.Session(frozenset({"TU"}), datetime.time(10), datetime.time(12))


def person(**kw):
    values = dict(
        age=40,
        sex="female",
        language="ur",
        interpreter_needed=True,
        needs=frozenset({"loneliness"}),
        need_labels={"loneliness": "Loneliness"},
    )
    values.update(kw)
    return m.PersonProfile(**values)


def service(**kw):
    values = dict(
        id=1,
        name="Coffee morning",
        languages=frozenset({"en", "ur"}),
        distance_km=1.3,
        sessions=(TUESDAY_10,),
        accepts_referrals=True,
        places_per_session=3,
        needs_met=frozenset({"loneliness"}),
        days_since_checked=15,
    )
    values.update(kw)
    return m.ServiceProfile(**values)


def prefs(**kw):
    return m.Preferences(**kw)


def component(score, code):
    return next(c for c in score.components if c.code == code)


# --- the whole score ---


def test_a_good_fit_reads_like_the_issue_says():
    score = m.score_service(person(), service(), prefs(availability=frozenset({("TU", "morning")})))
    assert not score.excluded
    assert score.summary == (
        "helps with Loneliness · speaks Urdu · 0.8 miles · Tuesday 10:00 fits · "
        "accepts referrals · 3 places a session · checked 2 weeks ago"
    )
    assert 90 < score.total <= 100


def test_the_weights_add_up_to_100():
    assert sum(m.WEIGHTS.values()) == 100


def test_every_component_has_a_label():
    score = m.score_service(person(), service(), prefs())
    assert all(c.label and c.label != c.code for c in score.components)


# --- hard constraints ---


def test_unpublished_deleted_and_closed_services_are_left_out():
    assert (
        "not_published" in m.score_service(person(), service(published=False), prefs()).exclusions
    )
    assert "not_published" in m.score_service(person(), service(deleted=True), prefs()).exclusions
    assert "not_running" in m.score_service(person(), service(status="defunct"), prefs()).exclusions
    assert m.score_service(person(), service(status="temporarily closed"), prefs()).excluded


def test_a_listing_not_checked_for_a_year_is_left_out():
    score = m.score_service(person(), service(hidden_from_matching=True), prefs())
    assert score.exclusions == ("not_checked",)


def test_age_outside_the_range_is_left_out_and_unknown_age_is_not():
    assert m.score_service(person(age=15), service(minimum_age=16), prefs()).exclusions == (
        "too_young",
    )
    assert m.score_service(person(age=70), service(maximum_age=65), prefs()).exclusions == (
        "too_old",
    )
    assert not m.score_service(person(age=None), service(minimum_age=16), prefs()).excluded


def test_women_only_is_left_out_for_a_man_but_not_when_sex_is_not_known():
    women = service(target_groups=frozenset({"women_only"}))
    assert m.score_service(person(sex="male"), women, prefs()).exclusions == ("women_only",)
    assert not m.score_service(person(sex=""), women, prefs()).excluded
    men = service(target_groups=frozenset({"men_only"}))
    assert m.score_service(person(sex="female"), men, prefs()).exclusions == ("men_only",)


def test_over_55s_is_left_out_for_a_30_year_old():
    over = service(target_groups=frozenset({"over_55s"}))
    assert m.score_service(person(age=30), over, prefs()).exclusions == ("over_55s",)
    assert not m.score_service(person(age=60), over, prefs()).excluded


def test_groups_linkwell_does_not_record_about_people_never_exclude():
    groups = frozenset({"carers", "refugees_new_arrivals", "veterans", "lgbtq"})
    assert not m.score_service(person(), service(target_groups=groups), prefs()).excluded


def test_no_shared_language_and_no_interpreter_is_left_out_only_when_one_is_needed():
    english = service(languages=frozenset({"en"}))
    assert m.score_service(person(), english, prefs()).exclusions == ("language",)
    score = m.score_service(person(interpreter_needed=False), english, prefs())
    assert not score.excluded
    assert component(score, "language").points == 0
    assert component(score, "language").reason == "does not list Urdu"


def test_interpretation_makes_a_service_possible_but_less_good_than_speaking_the_language():
    interpreted = service(languages=frozenset({"en"}), offers_interpretation=True)
    score = m.score_service(person(), interpreted, prefs())
    assert not score.excluded
    assert component(score, "language").points == m.INTERPRETATION_POINTS
    assert component(score, "language").reason == "interpreter available for Urdu"


def test_a_service_listing_no_language_is_taken_to_be_in_english():
    unlisted = service(languages=frozenset())
    assert not m.score_service(person(language="en"), unlisted, prefs()).excluded


def test_bsl_users_are_met_by_a_bsl_venue():
    bsl = service(languages=frozenset({"en"}), access_features=frozenset({"bsl"}))
    assert not m.score_service(person(language="bfi"), bsl, prefs()).excluded


def test_the_chosen_language_overrides_the_persons():
    english = service(languages=frozenset({"en"}))
    assert not m.score_service(person(), english, prefs(language="en")).excluded


def test_further_than_the_maximum_distance_is_left_out_but_online_never_is():
    assert m.score_service(
        person(), service(distance_km=9), prefs(max_distance_km=8)
    ).exclusions == ("too_far",)
    assert m.score_service(person(), service(distance_km=None), prefs(max_distance_km=8)).excluded
    online = service(distance_km=None, online=True)
    score = m.score_service(person(), online, prefs(max_distance_km=8))
    assert not score.excluded
    assert component(score, "distance").reason == "online"


def test_a_paid_service_is_left_out_only_when_free_ones_are_asked_for():
    paid = service(free=False)
    assert m.score_service(person(), paid, prefs(free_only=True)).exclusions == ("not_free",)
    assert not m.score_service(person(), paid, prefs()).excluded


def test_no_session_at_a_time_the_person_is_free_is_left_out():
    wednesday = prefs(availability=frozenset({("WE", "morning")}))
    assert m.score_service(person(), service(), wednesday).exclusions == ("no_time_fits",)
    tuesday_evening = prefs(availability=frozenset({("TU", "evening")}))
    assert m.score_service(person(), service(), tuesday_evening).excluded
    # Without listed times the service may still suit: it is kept, with no time points.
    score = m.score_service(person(), service(sessions=()), wednesday)
    assert not score.excluded
    assert component(score, "timetable").reason == "times not listed"


# --- soft components ---


def test_needs_points_are_the_share_of_needs_met():
    two = person(needs=frozenset({"loneliness", "money_debt"}))
    score = m.score_service(two, service(), prefs())
    assert component(score, "needs").points == m.WEIGHTS["needs"] / 2
    assert component(score, "needs").reason == "helps with Loneliness"


def test_english_is_not_mentioned_when_nobody_asked():
    score = m.score_service(person(language="en", interpreter_needed=False), service(), prefs())
    assert component(score, "language").reason == ""
    assert component(score, "language").points == m.WEIGHTS["language"]


def test_access_needs_met_and_missing_are_both_said():
    p = person(access_needs=frozenset({"hearing_loop", "large_print", "advocate"}))
    score = m.score_service(p, service(access_features=frozenset({"hearing_loop"})), prefs())
    access = component(score, "access")
    assert access.points == m.WEIGHTS["access"] / 2
    assert access.reason == "hearing loop, no large print listed"


def test_no_relevant_access_needs_gives_full_access_points():
    score = m.score_service(person(access_needs=frozenset({"advocate"})), service(), prefs())
    assert component(score, "access").points == m.WEIGHTS["access"]


def test_distance_is_shown_in_miles():
    assert m.format_distance(1.3) == "0.8 miles"
    assert m.format_distance(0.05) == "less than 0.1 miles"
    assert m.format_distance(40) == "25 miles"


def test_a_session_with_no_time_fits_the_whole_day():
    anytime = m.Session(frozenset({"TU"}))
    score = m.score_service(
        person(), service(sessions=(anytime,)), prefs(availability=frozenset({("TU", "evening")}))
    )
    assert component(score, "timetable").reason == "Tuesday fits"


def test_capacity_says_whether_referrals_are_accepted():
    signpost = m.score_service(
        person(), service(accepts_referrals=False, places_per_session=None), prefs()
    )
    assert component(signpost, "capacity").points == 0
    assert component(signpost, "capacity").reason == "signpost only"


def test_freshness_says_when_it_was_checked():
    assert m.format_checked(0) == "checked today"
    assert m.format_checked(1) == "checked 1 day ago"
    assert m.format_checked(15) == "checked 2 weeks ago"
    assert m.format_checked(200) == "checked 6 months ago"
    old = m.score_service(person(), service(days_since_checked=200), prefs())
    assert "not checked recently" in component(old, "freshness").reason
    never = m.score_service(person(), service(days_since_checked=None), prefs())
    assert component(never, "freshness").points == 0


def test_ties_rank_nearer_first_then_by_name():
    near, far = service(id=1, name="B", distance_km=1), service(id=2, name="A", distance_km=2)
    same = m.MatchScore(excluded=False, total=50)
    assert sorted([far, near], key=lambda s: m.rank_key(s, same)) == [near, far]


# --- properties ---

LANGUAGES = ["en", "ur", "ar", "pl", "bfi"]
days = st.sampled_from(m.DAYS)
parts = st.sampled_from(list(m.TIMES_OF_DAY))
times = st.one_of(st.none(), st.times())

people = st.builds(
    m.PersonProfile,
    age=st.one_of(st.none(), st.integers(0, 100)),
    sex=st.sampled_from(["", "female", "male"]),
    language=st.sampled_from(LANGUAGES),
    interpreter_needed=st.booleans(),
    needs=st.frozensets(st.sampled_from(["loneliness", "money_debt", "food"]), max_size=3),
    access_needs=st.frozensets(st.sampled_from(["hearing_loop", "bsl", "large_print", "braille"])),
)
sessions = st.builds(
    m.Session, days=st.frozensets(days, min_size=1, max_size=3), opens_at=times, closes_at=times
)
services = st.builds(
    m.ServiceProfile,
    id=st.integers(0, 10**6),
    name=st.text(max_size=5),
    published=st.booleans(),
    deleted=st.booleans(),
    status=st.sampled_from(["active", "active", "inactive", "defunct"]),
    hidden_from_matching=st.booleans(),
    days_since_checked=st.one_of(st.none(), st.integers(0, 400)),
    minimum_age=st.one_of(st.none(), st.integers(0, 60)),
    maximum_age=st.one_of(st.none(), st.integers(40, 110)),
    target_groups=st.frozensets(st.sampled_from(["women_only", "men_only", "over_55s", "carers"])),
    languages=st.frozensets(st.sampled_from(LANGUAGES)),
    offers_interpretation=st.booleans(),
    distance_km=st.one_of(st.none(), st.floats(0, 200)),
    online=st.booleans(),
    free=st.booleans(),
    sessions=st.lists(sessions, max_size=3).map(tuple),
    accepts_referrals=st.booleans(),
    places_per_session=st.one_of(st.none(), st.integers(1, 30)),
    needs_met=st.frozensets(st.sampled_from(["loneliness", "money_debt", "food"])),
    access_features=st.frozensets(st.sampled_from(["hearing_loop", "bsl", "large_print"])),
)
preferences = st.builds(
    m.Preferences,
    free_only=st.booleans(),
    max_distance_km=st.one_of(st.none(), st.floats(0, 100)),
    availability=st.frozensets(st.tuples(days, parts), max_size=4),
    language=st.one_of(st.none(), st.sampled_from(LANGUAGES)),
)


@settings(max_examples=300)
@given(people, services, preferences)
def test_the_score_is_between_0_and_100_and_excluded_scores_have_reasons(p, s, prefs_):
    score = m.score_service(p, s, prefs_)
    if score.excluded:
        assert score.exclusions
        assert score.components == ()
    else:
        assert 0 <= score.total <= 100
        assert all(0 <= c.points <= c.max_points for c in score.components)


@settings(max_examples=300)
@given(people, services, preferences)
def test_not_speaking_the_language_without_interpretation_never_ranks_above_speaking_it(
    p, s, prefs_
):
    language = prefs_.language or p.language
    speaks = dataclasses.replace(s, languages=frozenset({language}))
    # "xx" is no language anyone speaks; BSL could still be met by a BSL venue, so drop it.
    silent = dataclasses.replace(
        s,
        languages=frozenset({"xx"}),
        offers_interpretation=False,
        access_features=s.access_features - {"bsl"},
    )
    speaks = dataclasses.replace(speaks, access_features=silent.access_features)
    a = m.score_service(p, speaks, prefs_)
    b = m.score_service(p, silent, prefs_)
    if not b.excluded:
        assert not a.excluded
        assert a.total >= b.total
        assert m.rank_key(speaks, a) <= m.rank_key(silent, b)


@settings(max_examples=300)
@given(people, services, preferences, st.floats(0, 100), st.floats(0, 100))
def test_closer_never_ranks_below_farther_all_else_equal(p, s, prefs_, d1, d2):
    near_km, far_km = sorted([d1, d2])
    near = dataclasses.replace(s, distance_km=near_km)
    far = dataclasses.replace(s, distance_km=far_km)
    a = m.score_service(p, near, prefs_)
    b = m.score_service(p, far, prefs_)
    if not b.excluded:
        assert not a.excluded
        assert a.total >= b.total
        assert m.rank_key(near, a) <= m.rank_key(far, b)


@settings(max_examples=200)
@given(people, st.lists(services, max_size=25), preferences)
def test_an_excluded_service_never_appears_in_the_ranking(p, candidates, prefs_):
    ranked = rank(p, candidates, prefs_, top=25)
    for profile, score in ranked:
        assert not m.exclusions(p, profile, prefs_)
        assert not score.excluded
    totals = [score.total for _profile, score in ranked]
    assert totals == sorted(totals, reverse=True)
    expected = sum(1 for c in candidates if not m.score_service(p, c, prefs_).excluded)
    assert len(ranked) == expected


@settings(max_examples=300)
@given(people, services, preferences, st.data())
def test_the_ceiling_is_never_below_the_score_of_what_was_read_so_far(p, s, prefs_, data):
    """`score_ceiling` with the facts read so far and the best case for the rest bounds
    the total the service scores once read in full (what `rank_bounded` relies on)."""
    score = m.score_service(p, s, prefs_)
    if score.excluded:
        return
    assert m.score_ceiling(p, s, prefs_) == score.total
    optimistic = dataclasses.replace(
        s,
        needs_met=s.needs_met | data.draw(st.frozensets(st.sampled_from(sorted(p.needs) or ["x"]))),
        access_features=m.EVERY_ACCESS_FEATURE,
        sessions=(m.ANY_TIME,),
        target_groups=frozenset(),
        free=True,
    )
    assert m.score_ceiling(p, optimistic, prefs_) >= score.total


@settings(max_examples=300)
@given(people, services, preferences)
def test_a_service_certainly_excluded_before_it_is_read_in_full_is_excluded(p, s, prefs_):
    optimistic = dataclasses.replace(
        s,
        needs_met=s.needs_met | p.needs,
        access_features=m.EVERY_ACCESS_FEATURE,
        sessions=(m.ANY_TIME,),
        target_groups=frozenset(),
        free=True,
    )
    if m.certainly_excluded(p, optimistic, prefs_):
        assert m.score_service(p, s, prefs_).excluded
