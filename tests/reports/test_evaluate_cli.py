"""`linkwell evaluate` on a small realistic dataset built through the services."""

import csv
import datetime
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from linkwell.audit.models import AuditEntry
from linkwell.reports.costs import participant_costs
from linkwell.reports.evaluation_run import suppress_groups
from reports.evaluation_builders import PEOPLE, build_dataset


@pytest.fixture
def dataset(referrer, practice, link_worker, vcse, settings):
    settings.LINKWELL_LINK_WORKER_HOURLY_COST = Decimal("24.00")
    settings.LINKWELL_OVERHEAD_PER_PARTICIPANT = Decimal("10.00")
    return build_dataset(referrer=referrer, practice=practice, link_worker=link_worker, vcse=vcse)


def _read(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _figures(path):
    return {row["figure"]: row["value"] for row in _read(path)}


def _run(tmp_path, start, end, *args):
    call_command(
        "evaluate",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--output",
        str(tmp_path),
        "--resamples",
        "300",
        *args,
    )


def test_costs_from_records(dataset):
    cases, _group, start, end = dataset
    summary = participant_costs(referral_ids=[c.referral_id for c in cases], start=start, end=end)
    first = summary.participants[cases[0].referral_id]
    # Person 0: 2 contacts of 20 and 25 minutes = 45 min × £24/h = £18; 2 attendances.
    assert first.contact_minutes == 45
    assert first.link_worker_cost == Decimal("18.00")
    assert first.attendances == 2
    # 6 sessions × £90 = £540 over everyone who came: 8 people, 2+3+4+5 per cycle.
    came = sum(2 + i % 4 for i in range(len(PEOPLE)) if i % 3 != 2)
    per_attendance = (Decimal(540) / came).quantize(Decimal("0.01"))
    assert first.group_cost == per_attendance * 2
    assert first.overhead == Decimal("10.00")
    assert first.total == Decimal("18.00") + per_attendance * 2 + Decimal("10.00")
    third = summary.participants[cases[2].referral_id]  # not referred on: no group cost
    assert third.attendances == 0 and third.group_cost == 0
    assert summary.services_without_costs == 0 and summary.notes == ()


def test_costs_queries_are_bounded(dataset, django_assert_max_num_queries):
    cases, _group, start, end = dataset
    with django_assert_max_num_queries(8):
        participant_costs(referral_ids=[c.referral_id for c in cases], start=start, end=end)


def test_group_without_cost_records_is_counted_as_zero_and_said(dataset):
    from linkwell.groups.models import ServiceCost

    cases, group, start, end = dataset
    ServiceCost.objects.filter(service=group).delete()
    summary = participant_costs(referral_ids=[c.referral_id for c in cases], start=start, end=end)
    assert all(p.group_cost == 0 for p in summary.participants.values())
    assert summary.services_without_costs == 1
    assert "no provider cost records" in summary.notes[0]


def test_evaluate_writes_tables_charts_and_methods(dataset, tmp_path):
    cases, _group, start, end = dataset
    _run(tmp_path, start, end)
    for name in (
        "outcome_change.csv",
        "outcome_change_by_group.csv",
        "costs.csv",
        "costs_by_group.csv",
        "qalys.csv",
        "cost_effectiveness.csv",
        "ceac.csv",
        "ce_plane.csv",
        "ce_plane.svg",
        "ceac.svg",
        "methods.md",
    ):
        assert (tmp_path / name).exists(), name
    outcome = {
        row["instrument"] + "." + row["score"]: row
        for row in _read(tmp_path / "outcome_change.csv")
    }
    assert outcome["SWEMWBS.metric"]["n"] == "12"
    assert outcome["EQ5D5L.index"]["n"] == "12"
    low, mean, high = (
        float(outcome["SWEMWBS.metric"][k]) for k in ("ci95_low", "mean_change", "ci95_high")
    )
    assert low < mean < high
    assert outcome["SWEMWBS.metric"]["meaningful_change_threshold"] == "2.8700"
    costs = _figures(tmp_path / "costs.csv")
    assert costs["participants"] == "12"
    assert float(costs["mean_total_cost"]) > 10
    ce = {row["statistic"]: row for row in _read(tmp_path / "cost_effectiveness.csv")}
    assert ce["n_intervention"]["estimate"] == "12"
    assert ce["n_comparison"]["estimate"] == "assumed"
    assert float(ce["delta_cost"]["estimate"]) == pytest.approx(
        float(costs["mean_total_cost"]), abs=0.01
    )
    assert ce["resamples"]["estimate"] == "300"
    assert len(_read(tmp_path / "ceac.csv")) == 51
    assert len(_read(tmp_path / "ce_plane.csv")) == 300
    svg = (tmp_path / "ce_plane.svg").read_text()
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg
    methods = (tmp_path / "methods.md").read_text()
    assert "uk-crosswalk-vanhout-2012" in methods
    assert "No comparison group was supplied" in methods
    assert "£24.00 per hour" in methods
    entry = AuditEntry.objects.get(object_type="reports.evaluation")
    assert entry.action == "export" and "participants=12" in entry.detail


def test_small_groups_are_suppressed(dataset, tmp_path):
    _cases, _group, start, end = dataset
    _run(tmp_path, start, end)
    rows = [
        r
        for r in _read(tmp_path / "outcome_change_by_group.csv")
        if r["measure"].startswith("Short")
    ]
    by_sex = {r["group"]: r for r in rows if r["dimension"] == "sex"}
    assert by_sex["female"]["n"] == "6" and by_sex["male"]["n"] == "6"
    language = {r["group"]: r for r in rows if r["dimension"] == "language"}
    assert language["interpreter"]["n"] == "<5"  # three people
    assert language["interpreter"]["mean_change"] == ""
    assert language["not_english"]["n"] == "<5"  # three people
    assert language["english"]["n"] == "6"


def test_secondary_suppression_rule():
    # One small group alone could be found from the total: the next smallest is hidden too.
    assert suppress_groups({"a": 3, "b": 7, "c": 20, "d": 0}) == {
        "a": "<5",
        "b": "[c]",
        "c": None,
        "d": None,
    }
    assert suppress_groups({"a": 3, "b": 4, "c": 20}) == {"a": "<5", "b": "<5", "c": None}
    assert suppress_groups({"a": 5, "b": 0}) == {"a": None, "b": None}


def test_value_set_changes_the_index(dataset, tmp_path):
    _cases, _group, start, end = dataset
    _run(tmp_path / "a", start, end)
    _run(tmp_path / "b", start, end, "--value-set", "england-devlin-2018")
    a = _figures(tmp_path / "a" / "qalys.csv")
    b = _figures(tmp_path / "b" / "qalys.csv")
    assert b["value_set"] == "england-devlin-2018"
    assert a["mean_utility_baseline"] != b["mean_utility_baseline"]


def test_comparison_file(dataset, tmp_path):
    _cases, _group, start, end = dataset
    comparison = tmp_path / "controls.csv"
    rows = ["id,cost,utility_baseline,utility_followup,followup_years"]
    for i in range(15):
        rows.append(f"c{i},{40 + i * 3},{0.55 + i / 100:.3f},{0.56 + i / 100:.3f},0.23")
    comparison.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out"
    _run(out, start, end, "--comparison", str(comparison))
    ce = {row["statistic"]: row for row in _read(out / "cost_effectiveness.csv")}
    assert ce["n_comparison"]["estimate"] == "15"
    assert ce["baseline_adjusted"]["estimate"] == "yes"
    did = _read(out / "difference_in_differences.csv")
    assert did[0]["n_comparison"] == "15"
    assert float(did[0]["mean_change_comparison"]) == pytest.approx(0.01)
    assert "Manca" in (out / "methods.md").read_text()


def test_bad_comparison_file_reports_rows_and_writes_nothing(dataset, tmp_path):
    _cases, _group, start, end = dataset
    comparison = tmp_path / "controls.csv"
    comparison.write_text("id,cost,qaly\na,100,0.1\nb,lots,0.1\nc,50,\n")
    out = tmp_path / "out"
    with pytest.raises(CommandError) as exc:
        _run(out, start, end, "--comparison", str(comparison))
    message = str(exc.value)
    assert "Line 3: cost must be a number, not 'lots'" in message
    assert "Line 4" in message
    assert not out.exists()


def test_limits_and_bad_arguments(dataset, tmp_path, settings):
    _cases, _group, start, end = dataset
    settings.LINKWELL_BOOTSTRAP_MAX_RESAMPLES = 1000
    with pytest.raises(CommandError, match="over the limit of 1000"):
        call_command("evaluate", "--from", start.isoformat(), "--to", end.isoformat(),
                     "--output", str(tmp_path), "--resamples", "1001")  # fmt: skip
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("evaluate", "--from", "31/12/2025", "--to", end.isoformat(),
                     "--output", str(tmp_path))  # fmt: skip
    with pytest.raises(CommandError, match="Unknown value set"):
        _run(tmp_path, start, end, "--value-set", "nope")
    with pytest.raises(CommandError, match="not be before"):
        _run(tmp_path, end, start)
    with pytest.raises(CommandError, match="future"):
        _run(tmp_path, start, end + datetime.timedelta(days=2))


def test_period_without_data(db, tmp_path):
    start, end = datetime.date(2020, 1, 1), datetime.date(2020, 3, 31)
    _run(tmp_path, start, end)
    assert _read(tmp_path / "outcome_change.csv") == []
    assert _figures(tmp_path / "costs.csv")["participants"] == "0"
    assert _figures(tmp_path / "qalys.csv")["people_with_eq5d_baseline_and_follow_up"] == "0"
    assert not (tmp_path / "cost_effectiveness.csv").exists()
    methods = (tmp_path / "methods.md").read_text()
    assert "Cost-effectiveness was not computed" in methods
    assert not re.search(r"\bnan\b", methods, re.IGNORECASE)


def test_cohort_queries_are_bounded(dataset, django_assert_max_num_queries):
    from linkwell.reports.evaluation_run import load_cohort

    _cases, _group, start, end = dataset
    with django_assert_max_num_queries(2):
        cohort = load_cohort(start, end, "uk-crosswalk-vanhout-2012")
    assert len(cohort) == len(PEOPLE)
    assert all(len(p.utilities) == 2 for p in cohort)
    assert all(p.groups["sex"] in {"female", "male"} for p in cohort)
