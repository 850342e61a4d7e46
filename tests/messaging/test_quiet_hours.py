"""Quiet hours parse strictly and push texts to the morning, in UK time."""

import datetime

import pytest

from linkwell.messaging.quiet_hours import LONDON, QuietHours, parse_quiet_hours


def london(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def test_it_parses_a_window_across_midnight():
    quiet = parse_quiet_hours("21:00-08:00")
    assert quiet == QuietHours(datetime.time(21), datetime.time(8))


@pytest.mark.parametrize("raw", ["", "off", "OFF", None])
def test_off_or_blank_means_no_quiet_hours(raw):
    assert parse_quiet_hours(raw) is None


@pytest.mark.parametrize("raw", ["21-08", "25:00-08:00", "21:00", "9pm-8am", "21:00-21:00"])
def test_it_refuses_anything_else(raw):
    with pytest.raises(ValueError):
        parse_quiet_hours(raw)


def test_a_text_late_in_the_evening_waits_until_8_next_morning():
    quiet = parse_quiet_hours("21:00-08:00")
    assert quiet.next_allowed(london(2026, 1, 5, 22, 30)) == london(2026, 1, 6, 8, 0)


def test_a_text_in_the_early_morning_waits_until_8_the_same_day():
    quiet = parse_quiet_hours("21:00-08:00")
    assert quiet.next_allowed(london(2026, 1, 5, 6, 0)) == london(2026, 1, 5, 8, 0)


def test_a_text_in_the_day_goes_now():
    quiet = parse_quiet_hours("21:00-08:00")
    moment = london(2026, 1, 5, 12, 0)
    assert quiet.next_allowed(moment) == moment


def test_quiet_hours_follow_british_summer_time():
    quiet = parse_quiet_hours("21:00-08:00")
    # 20:30 UTC on 1 July is 21:30 in London: quiet.
    moment = datetime.datetime(2026, 7, 1, 20, 30, tzinfo=datetime.UTC)
    assert quiet.next_allowed(moment) == london(2026, 7, 2, 8, 0)


def test_a_window_within_one_day_works_too():
    quiet = parse_quiet_hours("12:00-14:00")
    assert quiet.next_allowed(london(2026, 1, 5, 13, 0)) == london(2026, 1, 5, 14, 0)
    assert quiet.next_allowed(london(2026, 1, 5, 15, 0)) == london(2026, 1, 5, 15, 0)
