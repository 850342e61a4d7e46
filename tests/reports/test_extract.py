"""De-identified research extract: no identifier leaks, stable pseudonyms, keyed, audited."""

import csv
import datetime
import re

import pytest
from django.core.management import CommandError, call_command

from linkwell.audit.models import AuditEntry
from linkwell.people.models import Consent, Person
from linkwell.reports import extract
from reports.evaluation_builders import NHS_NUMBERS, PEOPLE, build_dataset

KEY = "k" * 40
OTHER_KEY = "z" * 40


@pytest.fixture
def dataset(referrer, practice, link_worker, vcse):
    return build_dataset(referrer=referrer, practice=practice, link_worker=link_worker, vcse=vcse)


def _extract(tmp_path, start, end, settings, key=KEY, *args):
    settings.LINKWELL_PSEUDONYM_KEY = key
    call_command(
        "research_extract",
        "--from",
        (start - datetime.timedelta(days=30)).isoformat(),
        "--to",
        end.isoformat(),
        "--output",
        str(tmp_path),
        *args,
    )
    with (tmp_path / "research_extract.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_no_identifiers_leak(dataset, tmp_path, settings):
    _cases, _group, start, end = dataset
    rows = _extract(tmp_path, start, end, settings)
    assert len(rows) == len(PEOPLE)
    text = (tmp_path / "research_extract.csv").read_text(encoding="utf-8")
    text += (tmp_path / "data_dictionary.csv").read_text(encoding="utf-8")
    people = Person.objects.all()
    assert people.count() == len(PEOPLE)
    for person in people:
        for value in (
            person.given_name,
            person.family_name,
            person.nhs_number,
            person.postcode,
            person.postcode.replace(" ", ""),
            person.phone,
            person.address_line_1,
            person.date_of_birth.isoformat(),
            person.date_of_birth.strftime("%d/%m/%Y"),
        ):
            assert value and value not in text, "identifier leaked"
    for nhs in NHS_NUMBERS:
        assert nhs not in text
    assert "allotment" not in text  # contact notes are free text
    assert "Isolated since moving" not in text  # the referral reason
    assert not re.search(r"LW-[A-Z0-9]{6}", text)  # referral references
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no full dates anywhere
    referrals = {str(c.referral_id) for c in _cases}
    assert not any(row["episode_pseudonym"] in referrals for row in rows)


def test_rows_hold_months_bands_groups_and_measures(dataset, tmp_path, settings):
    cases, _group, start, end = dataset
    rows = _extract(tmp_path, start, end, settings)
    amina = rows[0]
    assert re.fullmatch(r"\d{4}-\d{2}", amina["referral_month"])
    assert amina["age_band"] in {"35-49", "50-64"}
    assert amina["ethnic_group"] == "other"
    assert amina["language_group"] == "interpreter"
    assert amina["referrer_kind"] == "gp_practice"
    assert amina["needs"] == "loneliness"
    assert amina["sex"] == "female"
    assert amina["status"] == "in-progress"
    assert amina["contacts"] == "2" and amina["contact_minutes"] == "45"
    assert amina["group_attendances"] == "2"
    assert re.fullmatch(r"\d{4}-\d{2}", amina["first_attended_month"])
    assert amina["eq5d5l_index_baseline"] != "" and amina["eq5d5l_index_follow_up"] != ""
    assert amina["swemwbs_metric_baseline_month"] != ""
    assert amina["research_consent"] == "not_recorded"
    header = set(rows[0])
    dictionary = (tmp_path / "data_dictionary.csv").read_text(encoding="utf-8")
    for column in header:
        assert f"\n{column}," in dictionary


def test_same_person_same_pseudonym_and_key_matters(dataset, tmp_path, settings):
    cases, _group, start, end = dataset
    a = _extract(tmp_path / "a", start, end, settings)
    b = _extract(tmp_path / "b", start, end, settings)
    c = _extract(tmp_path / "c", start, end, settings, OTHER_KEY)
    assert [r["person_pseudonym"] for r in a] == [r["person_pseudonym"] for r in b]
    assert len({r["person_pseudonym"] for r in a}) == len(PEOPLE)
    assert not {r["person_pseudonym"] for r in a} & {r["person_pseudonym"] for r in c}
    person_id = cases[0].person_id
    assert a[0]["person_pseudonym"] == extract.pseudonym(KEY, "person", person_id)
    assert extract.pseudonym(KEY, "person", person_id) != extract.pseudonym(
        KEY, "referral", person_id
    )


def test_every_extract_is_audited_without_personal_data(dataset, tmp_path, settings):
    _cases, _group, start, end = dataset
    _extract(tmp_path, start, end, settings)
    entry = AuditEntry.objects.get(object_type="reports.research_extract")
    assert entry.action == "export"
    assert entry.detail == f"research extract rows={len(PEOPLE)}"
    assert entry.person_id is None


def test_refuses_without_a_key(dataset, tmp_path, settings):
    _cases, _group, start, end = dataset
    with pytest.raises(CommandError, match="LINKWELL_PSEUDONYM_KEY is not set"):
        _extract(tmp_path, start, end, settings, "")
    with pytest.raises(CommandError, match="at least 32"):
        _extract(tmp_path, start, end, settings, "short")
    assert not (tmp_path / "research_extract.csv").exists()
    assert not AuditEntry.objects.filter(object_type="reports.research_extract").exists()


def test_research_consent_only(dataset, tmp_path, settings):
    cases, _group, start, end = dataset
    Consent.objects.create(person_id=cases[0].person_id, purpose="research", given=True,
                           method="verbal")  # fmt: skip
    Consent.objects.create(person_id=cases[1].person_id, purpose="research", given=False,
                           method="verbal")  # fmt: skip
    rows = _extract(tmp_path, start, end, settings, KEY, "--research-consent-only")
    assert [r["person_pseudonym"] for r in rows] == [
        extract.pseudonym(KEY, "person", cases[0].person_id)
    ]
    assert rows[0]["research_consent"] == "given"


def test_extract_queries_are_bounded(dataset, django_assert_max_num_queries):
    _cases, _group, start, end = dataset
    with django_assert_max_num_queries(5):
        rows = extract.build_rows(start - datetime.timedelta(days=30), end, KEY)
    assert len(rows) == len(PEOPLE)


def test_empty_period(db, tmp_path, settings):
    rows = _extract(tmp_path, datetime.date(2020, 2, 1), datetime.date(2020, 2, 28), settings)
    assert rows == []
    assert AuditEntry.objects.get(object_type="reports.research_extract").detail.endswith("=0")
