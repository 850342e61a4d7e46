"""Recording measurements: scope, validation through the pure scorer, audit, change."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from linkwell.audit.models import AuditEntry
from linkwell.outcomes.models import Measurement
from linkwell.outcomes.selectors import change_from_baseline, schedule_for
from linkwell.outcomes.services import measurement_record
from outcomes.conftest import SWEMWBS_21, SWEMWBS_25

pytestmark = pytest.mark.django_db


def record(actor, referral, **overrides):
    kwargs = {
        "actor": actor,
        "referral_id": referral.pk,
        "instrument": "SWEMWBS",
        "timepoint": "baseline",
        "answers": SWEMWBS_21,
        "mode": "assisted",
    }
    return measurement_record(**(kwargs | overrides))


def test_it_scores_and_saves_a_measurement_with_who_how_and_when(accepted, link_worker):
    m = record(link_worker, accepted)
    assert m.person == accepted.person
    assert m.scores == {"raw": 21, "metric": 19.25}
    assert m.answers == SWEMWBS_21
    assert (m.instrument, m.timepoint, m.mode, m.entered_by) == (
        "SWEMWBS",
        "baseline",
        "assisted",
        link_worker,
    )
    assert m.value_set == ""


def test_it_audits_the_recording_without_personal_data(accepted, link_worker):
    m = record(link_worker, accepted)
    entry = AuditEntry.objects.get(action="create", object_type="outcomes.measurement")
    assert entry.object_id == str(m.pk)
    assert entry.person_id == accepted.person_id
    assert entry.detail == "SWEMWBS baseline"


def test_eq5d5l_records_the_value_set_used(accepted, link_worker, settings):
    settings.LINKWELL_EQ5D_VALUE_SET = "england-devlin-2018"
    answers = {"mobility": "1", "self_care": "2", "usual_activities": "3",
               "pain_discomfort": "4", "anxiety_depression": "5", "vas": "60"}  # fmt: skip
    m = record(link_worker, accepted, instrument="EQ5D5L", answers=answers)
    assert m.value_set == "england-devlin-2018"
    assert m.scores["index"] == 0.322
    assert m.scores["vas"] == 60
    other = record(link_worker, accepted, instrument="EQ5D5L", answers=answers,
                   value_set="uk-rowen-2026", timepoint="other")  # fmt: skip
    assert (other.value_set, other.scores["index"]) == ("uk-rowen-2026", 0.114)


def test_a_colleague_and_the_lead_may_record_too(accepted, colleague, lead):
    record(colleague, accepted)
    record(lead, accepted, timepoint="discharge")
    assert Measurement.objects.count() == 2


def test_a_referrer_may_not_record_or_see_measures(accepted, referrer):
    with pytest.raises(PermissionDenied):
        record(referrer, accepted)
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize("who", ["outsider_link_worker", "other_referrer", "nobody", "provider"])
def test_anyone_outside_the_referral_scope_gets_not_found(accepted, who, request):
    with pytest.raises(Http404):
        record(request.getfixturevalue(who), accepted)


def test_it_refuses_a_referral_not_yet_accepted(referral, link_worker):
    with pytest.raises(ValidationError, match="accepted"):
        record(link_worker, referral)
    assert Measurement.objects.count() == 0


def test_it_names_every_bad_answer_and_saves_nothing(accepted, link_worker):
    with pytest.raises(ValidationError) as exc:
        record(
            link_worker,
            accepted,
            answers=SWEMWBS_21 | {"item1": 9, "item2": ""},
            timepoint="week_3",
            mode="telepathy",
        )
    errors = exc.value.message_dict
    assert {"item1", "item2", "timepoint", "mode", "__all__"} <= set(errors)
    assert "no prorating" in errors["__all__"][0]
    assert Measurement.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="outcomes.measurement").exists()


def test_it_refuses_an_unknown_value_set_and_a_future_date(accepted, link_worker):
    answers = {"mobility": 1, "self_care": 1, "usual_activities": 1,
               "pain_discomfort": 1, "anxiety_depression": 1}  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        record(link_worker, accepted, instrument="EQ5D5L", answers=answers, value_set="nope",
               completed_on=timezone.localdate() + datetime.timedelta(days=1))  # fmt: skip
    assert {"value_set", "completed_on"} <= set(exc.value.message_dict)


def test_change_from_baseline_flags_a_published_meaningful_change(accepted, link_worker):
    record(link_worker, accepted)  # metric 19.25
    record(link_worker, accepted, timepoint="follow_up_12w", answers=SWEMWBS_25)  # 22.35
    series = change_from_baseline(list(accepted.measurements.all()))
    [swemwbs] = series
    base, follow = swemwbs.points
    assert base.change is None
    assert follow.change == Decimal("3.10")
    assert follow.meaningful and follow.direction == "better"


def test_a_small_change_is_not_flagged_and_no_threshold_means_no_flag(accepted, link_worker):
    record(link_worker, accepted)
    record(
        link_worker, accepted, timepoint="follow_up_12w", answers=SWEMWBS_21 | {"item1": 4}
    )  # fmt: skip  raw 22 -> 19.98
    ons = dict(life_satisfaction=3, worthwhile=3, happiness=3, anxiety=8)
    record(link_worker, accepted, instrument="ONS4", answers=ons)
    record(link_worker, accepted, instrument="ONS4", timepoint="follow_up_12w",
           answers=ons | {"life_satisfaction": 9, "anxiety": 2})  # fmt: skip
    series = {(s.instrument, s.tracked.key): s for s in change_from_baseline(
        list(accepted.measurements.all()))}  # fmt: skip
    assert not series[("SWEMWBS", "metric")].points[1].meaningful
    anxiety = series[("ONS4", "anxiety")].points[1]
    assert anxiety.change == -6 and anxiety.direction == "better" and not anxiety.meaningful


def test_the_schedule_shows_due_overdue_and_done(accepted, link_worker, settings):
    from linkwell.outcomes.schedule import parse_schedule

    settings.LINKWELL_OUTCOME_SCHEDULE = parse_schedule(
        "SWEMWBS,ONS4@baseline:0,follow_up_12w:84,discharge"
    )
    record(link_worker, accepted)
    start = timezone.localtime(accepted.accepted_at).date()
    rows = {
        (r.instrument, r.timepoint.code): r.status
        for r in schedule_for(
            accepted, list(accepted.measurements.all()), today=start + datetime.timedelta(days=20)
        )  # fmt: skip
    }
    assert rows[("SWEMWBS", "baseline")] == "done"
    assert rows[("ONS4", "baseline")] == "overdue"
    assert rows[("ONS4", "follow_up_12w")] == "not_yet"
    assert rows[("ONS4", "discharge")] == "at_event"
    rows = {
        (r.instrument, r.timepoint.code): r.status
        for r in schedule_for(accepted, [], today=start + datetime.timedelta(days=85))
    }
    assert rows[("SWEMWBS", "follow_up_12w")] == "due"
