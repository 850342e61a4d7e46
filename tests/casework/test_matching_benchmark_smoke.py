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
    assert result["max_queries"] > 0
    assert sum(p["cases"] for p in result["by_distance"].values()) == 3
