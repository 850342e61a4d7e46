import pytest
from django.core.exceptions import ImproperlyConfigured

from linkwell import settings as lw
from linkwell.outcomes.instruments import eq5d5l
from linkwell.outcomes.schedule import DEFAULT_SCHEDULE, Timepoint, parse_schedule, timepoint_codes


def test_it_parses_the_documented_schedule_format():
    schedule = parse_schedule(
        "SWEMWBS,ons4@baseline:0,follow_up_12w:84,discharge;GOAL_PROGRESS@follow_up_6w:42"
    )
    assert [(m.instrument, m.timepoint) for m in schedule][:3] == [
        ("SWEMWBS", Timepoint("baseline", 0)),
        ("ONS4", Timepoint("baseline", 0)),
        ("SWEMWBS", Timepoint("follow_up_12w", 84)),
    ]
    assert timepoint_codes(schedule) == [
        "baseline", "follow_up_12w", "discharge", "follow_up_6w", "other"]  # fmt: skip
    assert parse_schedule(DEFAULT_SCHEDULE)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("SWEMWBS", "one @"),
        ("PHQ9@baseline:0", "unknown instrument"),
        ("SWEMWBS@Baseline", "lower-case"),
        ("SWEMWBS@baseline:x", "lower-case"),
        ("SWEMWBS@other", "always available"),
        ("SWEMWBS@baseline:0;ONS4@baseline:7", "two different day counts"),
        ("SWEMWBS@baseline:0,baseline:0", "twice"),
        ("SWEMWBS,@baseline", "empty"),
    ],
)
def test_it_refuses_a_malformed_schedule(text, message):
    with pytest.raises(ValueError, match=message):
        parse_schedule(text)


def test_a_bad_schedule_setting_stops_start_up_naming_the_variable(monkeypatch):
    monkeypatch.setenv("LINKWELL_OUTCOME_SCHEDULE", "SWEMWBS@")
    with pytest.raises(ImproperlyConfigured, match="LINKWELL_OUTCOME_SCHEDULE"):
        lw._outcome_schedule()


def test_the_value_set_setting_is_parsed_strictly_and_knows_every_set(monkeypatch):
    monkeypatch.setenv("LINKWELL_EQ5D_VALUE_SET", "us-2016")
    with pytest.raises(ImproperlyConfigured, match="LINKWELL_EQ5D_VALUE_SET"):
        lw.env_choice("LINKWELL_EQ5D_VALUE_SET", "x", set(eq5d5l.VALUE_SETS))
    assert lw.LINKWELL_EQ5D_VALUE_SET == eq5d5l.DEFAULT_VALUE_SET
