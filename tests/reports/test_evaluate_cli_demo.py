"""`linkwell evaluate` and the research extract on the demo data (one demo load)."""

import csv
import datetime

import pytest
from django.core.management import call_command

from linkwell.demo import load_demo
from linkwell.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 30)


def _read(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_evaluate_and_extract_on_the_demo(tmp_path, settings):
    load_demo(seed=2026, today=TODAY)
    call_command("evaluate", "--from", "2025-07-01", "--to", TODAY.isoformat(),
                 "--output", str(tmp_path / "eval"), "--resamples", "500")  # fmt: skip
    outcome = {r["instrument"] + "." + r["score"]: r for r in _read(tmp_path / "eval" / "outcome_change.csv")}  # fmt: skip
    swemwbs = outcome["SWEMWBS.metric"]
    assert int(swemwbs["n"]) >= 5
    assert (
        float(swemwbs["ci95_low"]) <= float(swemwbs["mean_change"]) <= float(swemwbs["ci95_high"])
    )
    ce = {r["statistic"]: r for r in _read(tmp_path / "eval" / "cost_effectiveness.csv")}
    assert int(ce["n_intervention"]["estimate"]) >= 5
    assert float(ce["delta_cost"]["estimate"]) > 0  # contact time is costed
    assert (tmp_path / "eval" / "ce_plane.svg").exists()

    settings.LINKWELL_PSEUDONYM_KEY = "demo-key-" + "x" * 32
    call_command("research_extract", "--from", "2025-07-01", "--to", TODAY.isoformat(),
                 "--output", str(tmp_path / "extract"))  # fmt: skip
    rows = _read(tmp_path / "extract" / "research_extract.csv")
    assert len(rows) > 50
    text = (tmp_path / "extract" / "research_extract.csv").read_text(encoding="utf-8")
    for person in Person.objects.exclude(nhs_number="")[:50]:
        assert person.nhs_number not in text
    for person in Person.objects.all()[:50]:
        assert f",{person.family_name}," not in text
        if person.postcode:
            assert person.postcode not in text
