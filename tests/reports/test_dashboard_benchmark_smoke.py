"""benchmarks/dashboard.py stays runnable: its ORM generator and its timings on a tiny
database (the figures themselves are in docs/performance.md)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "dashboard_bench", ROOT / "benchmarks" / "dashboard.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_dashboard_benchmark_generates_refreshes_and_times():
    bench = _benchmark()
    rows = bench.generate_sqlite(300, 900)
    assert rows["referrals"] == 300 and rows["measurements"] > 0
    out = bench.measure(1, parallel=False, live=False, refresh="both")
    assert out["facts_rows"]["referral_facts"] == 300
    assert out["refresh_incremental"]["referrals"] == out["changed_referrals"] == 3
    assert out["dashboard_queries_warm"] < out["dashboard_queries_cold"]
    for key in ("dashboard_cold", "dashboard_warm"):
        assert out[key]["cpu"]["min"] >= 0 and out[key]["wall"]["min"] > 0
