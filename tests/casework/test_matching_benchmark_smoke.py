"""The matching benchmark still runs: its generator, case builder and timer, in-process, small."""

import importlib.util
from pathlib import Path

import pytest

from linkwell.casework.models import Case
from linkwell.directory.models import Service

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "matching.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("linkwell_bench_matching", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_matching_benchmark_generates_cases_and_times_matching(bench):
    facts = bench.directory_search.generate(50, seed=7)
    cases = bench.make_cases(3, 7, facts["districts"])

    assert Service.objects.count() == 50
    assert len(cases) == 3
    assert Case.objects.filter(pk__in=[pk for pk, _prefs, _label in cases]).count() == 3
    result = bench.time_matching(cases)

    assert result["cases"] == 3
    assert 0 < result["p50_ms"] <= result["p95_ms"]
    assert 0 < result["cpu"]["p50_ms"] <= result["cpu"]["p95_ms"]
    assert result["max_queries"] > 0
    assert 0 <= result["median_scored"] <= result["max_candidates"]
    assert sum(p["cases"] for p in result["by_distance"].values()) == 3
    assert all("cpu" in p for p in result["by_distance"].values())


def test_the_kept_cases_read_back_as_they_were_written(bench, tmp_path):
    from linkwell.casework import matching

    cases = [
        (7, matching.Preferences(max_distance_km=16.09), "10 miles"),
        (
            8,
            matching.Preferences(free_only=True, availability=frozenset({("TU", "morning")})),
            "any",
        ),
    ]
    bench._save_cases(tmp_path / "cases.json", cases)
    assert bench._load_cases(tmp_path / "cases.json") == [
        (str(pk), p, label) for pk, p, label in cases
    ]
