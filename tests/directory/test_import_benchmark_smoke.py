"""The import/export benchmark still runs: generate, export, import into an empty directory,
check and export again, in-process and small."""

import importlib.util
from pathlib import Path

import pytest

from linkwell.directory import search
from linkwell.directory.models import Attribute, Location, Organization, Service

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "directory_import.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("linkwell_bench_directory_import", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_import_benchmark_exports_imports_and_checks(bench, tmp_path):
    bench.directory_search.generate(40, seed=7)
    assert bench.publish_all() == 40
    path = tmp_path / "directory.json"
    export = bench.timed_export(path)
    assert export["services"] == 40 and export["cpu_s"] >= 0 and export["file_mb"] >= 0

    Attribute.objects.all().delete()
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    search.reindex_all()

    imported = bench.timed_import(path)
    assert "40 read, 40 created, 0 updated, 0 skipped" in imported["summary"]
    assert len(imported["load_average_before"]) == 3
    assert bench.check(path, 40, 10, 7) == {"imported": 40, "sampled_records_identical": 10}
    again = tmp_path / "again.json"
    bench.timed_export(again)
    assert bench.same_file(path, again)
