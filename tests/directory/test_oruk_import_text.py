"""The import works out the searchable text of the services it creates from the rows it
writes (SQLite: written to FTS as it is; PostgreSQL: the vector written with the row): the
index must hold exactly what `search.index_services` would store after reading them back,
whatever the order of places and terms, when a later record rewrites an organisation or a
term a service's text used, into an empty directory or one with rows already, and when a
chunk is written again record by record. Also the import's shortcuts (UUID parsing, datetime
preparation) give what Django gives."""

import copy
import datetime
import json
import uuid
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, models

from directory.test_oruk_import import service
from linkwell.directory import oruk_io, search
from linkwell.directory.models import Organization, Service
from linkwell.directory.vocabulary import taxonomy_term_uuid

pytestmark = pytest.mark.django_db


def run(tmp_path, records, name="feed.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records))
    out, err = StringIO(), StringIO()
    call_command("import_oruk", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored_index() -> dict:
    """Each service's index entry: SQLite (rowid order, service id, body); PostgreSQL the
    vector as text."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT rowid, service_id, body FROM {search.FTS_TABLE}")  # noqa: S608
            return {uuid.UUID(sid): (rowid, body) for rowid, sid, body in cursor.fetchall()}
        cursor.execute("SELECT id, search_vector::text FROM directory_service")
        return dict(cursor.fetchall())


def reindexed() -> dict:
    """The index as `search.index_services` makes it for every service, in import order."""
    ids = list(Service.objects.order_by("created_at", "id").values_list("pk", flat=True))
    before = stored_index()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {search.FTS_TABLE}")  # noqa: S608
    search.index_services(ids)
    return before


def assert_index_as_read_back():
    before = reindexed()
    after = stored_index()
    if connection.vendor == "sqlite":
        # Same bodies; rowids in the same relative order (they were all rewritten).
        assert {k: v[1] for k, v in before.items()} == {k: v[1] for k, v in after.items()}
        assert sorted(before, key=lambda k: before[k][0]) == sorted(
            after, key=lambda k: after[k][0]
        )
    else:
        assert before == after
    assert len(before) == Service.objects.count()


def place(service_n, n, name):
    return {
        "id": str(uuid.UUID(int=700_000 + service_n * 100 + n % 100)),
        "location": {"id": str(uuid.UUID(int=800_000 + n)), "name": name, "addresses": []},
    }


def rich(n, org_id=10_000, org_name="Sunderland Libraries"):
    """A service with several places, terms, languages and target groups."""
    record = service(n)
    record["organization"] = {"id": str(uuid.UUID(int=org_id)), "name": org_name}
    record["service_at_locations"] = [
        place(n, n * 10 + 3, f"Zeta hall {n}"),
        place(n, n * 10 + 1, f"Alpha hall {n}"),
        place(n, 90, "Shared church hall"),
    ]
    record["attributes"] = [
        {"id": str(uuid.UUID(int=900_000 + n * 10 + i)), "taxonomy_term_id": str(term)}
        for i, term in enumerate(
            taxonomy_term_uuid(code)
            for code in ("walking_group", "english_conversation", "arts_crafts")
        )
    ]
    record["languages"] = [
        {"id": str(uuid.UUID(int=950_000 + n * 10 + i)), "name": name, "note": note}
        for i, (name, note) in enumerate([("Polish", "Tuesdays"), ("English", ""), ("Urdu", "")])
    ]
    record["x_linkwell"] = {
        "accepts_referrals": True,
        "target_groups": ["women_only", "over_55s", "carers"],
        "culturally_specific_notes": "Halal food",
    }
    return record


def test_created_services_are_indexed_as_index_services_would(tmp_path):
    run(tmp_path, [rich(n) for n in range(1, 8)])
    assert_index_as_read_back()


def test_with_planner_statistics(tmp_path):
    """`_texts` orders languages, terms and places itself, so the plans chosen once the tables
    have statistics read them back in the order the import worked them out in."""
    run(tmp_path, [rich(n) for n in range(1, 4)], name="first.json")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    run(tmp_path, [rich(n) for n in range(4, 9)], name="second.json")
    assert_index_as_read_back()


def test_a_later_record_renaming_an_organisation_the_text_used(tmp_path):
    Organization.objects.create(id=uuid.UUID(int=10_001), name="Old name")
    first = rich(1, org_id=10_001)
    first["organization"] = None
    first["organization_id"] = str(uuid.UUID(int=10_001))  # not described: the row as it is
    second = rich(2, org_id=10_001, org_name="New name")  # describes it: renamed
    run(tmp_path, [first, second])
    assert "New name" in search._texts([uuid.UUID(int=1)])[uuid.UUID(int=1)]
    assert_index_as_read_back()


def test_an_import_into_a_directory_with_rows_and_records_over_chunks(tmp_path, monkeypatch):
    run(tmp_path, [rich(n) for n in range(1, 4)], name="first.json")
    monkeypatch.setattr(oruk_io, "CHUNK", 2)
    again = [rich(n) for n in range(1, 4)] + [rich(n) for n in range(4, 9)]
    again[1]["name"] = "Renamed group"
    run(tmp_path, again, name="second.json")
    assert Service.objects.count() == 8
    assert_index_as_read_back()


def test_a_chunk_written_again_record_by_record(tmp_path, monkeypatch):
    monkeypatch.setattr(oruk_io, "CHUNK", 4)
    records = [rich(n) for n in range(1, 9)]
    clash = copy.deepcopy(records[5])
    clash["id"] = str(uuid.UUID(int=99))
    records.insert(6, clash)  # the same nested ids as another record: the chunk is retried
    out, err = run(tmp_path, records)
    assert "skipped" in err
    assert Service.objects.count() == 8
    assert_index_as_read_back()


@pytest.mark.parametrize(
    "raw",
    [
        "12345678-1234-5678-1234-567812345678",
        "ABCDEF01-2345-6789-ABCD-EF0123456789",
        "+2345678-1234-5678-1234-567812345678",
        " 2345678-1234-5678-1234-567812345678",
        "1_345678-1234-5678-1234-567812345678",
        "0x345678-1234-5678-1234-567812345678",
        "{2345678-1234-5678-1234-56781234567}",
        "urn:5678-1234-5678-1234-567812345678",
        "12345678-1234-5678-1234-56781234567g",
        "not-a-uuid-at-all-but-36-chars-long!",
        "{12345678123456781234567812345678}",
        "7",
        7,
    ],
)
def test_ids_are_parsed_as_uuid_does(raw):
    ids = oruk_io._Ids("feed")
    try:
        expected = uuid.UUID(str(raw))
    except ValueError:
        expected = uuid.uuid5(oruk_io._ID_NAMESPACE, f"feed\nservice\n{raw}")
    got = ids(raw, "service")
    assert got == expected and str(got) == str(expected) and hash(got) == hash(expected)
    assert got.is_safe == expected.is_safe and type(got) is uuid.UUID


def test_datetime_columns_are_prepared_as_django_does(settings):
    field = Service._meta.get_field("last_modified")
    now = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC)
    london = datetime.datetime(2026, 3, 29, 2, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    values = (now, None, london, now, now.replace(microsecond=5))
    expected = [field.get_db_prep_save(v, connection) for v in values]
    assert oruk_io._prepared_column(field, values, connection) == expected
    for empty in (
        Service._meta.get_field("assured_date"),
        models.TimeField(),
        models.DecimalField(max_digits=6, decimal_places=2),
    ):
        assert list(oruk_io._prepared_column(empty, (None, None), connection)) == [None, None]
