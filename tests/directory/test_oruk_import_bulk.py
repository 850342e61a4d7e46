"""import-oruk in chunks: the same results as one record at a time, a database refusal in a
chunk skips only the bad record, and services dropped from a feed are retired."""

import copy
import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from directory.test_oruk_import import service
from linkwell.directory import oruk_io
from linkwell.directory.models import (
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    ServiceVersion,
)
from linkwell.directory.oruk_io import feed_import, read_source
from linkwell.directory.selectors import service_search

pytestmark = pytest.mark.django_db


def run(source, *args):
    out, err = StringIO(), StringIO()
    call_command("import_oruk", str(source), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, records, name="feed.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records))
    return path


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(oruk_io, "CHUNK", 3)


def test_records_over_several_chunks_share_organisation_and_location(tmp_path, small_chunks):
    path = write(tmp_path, [service(n) for n in range(1, 9)])
    out, err = run(path)
    assert "8 read, 8 created, 0 updated, 0 skipped" in out, err
    assert Service.objects.count() == 8
    assert Organization.objects.count() == 1 and Location.objects.count() == 1
    assert ServiceAtLocation.objects.count() == 8 and Schedule.objects.count() == 8
    assert service_search(text="friendly", per_page=100).total == 8
    # Again: every service updated, nothing duplicated.
    out, _ = run(path)
    assert "8 read, 0 created, 8 updated, 0 skipped" in out
    assert Schedule.objects.count() == 8 and Location.objects.count() == 1
    assert service_search(text="friendly", per_page=100).total == 8


def test_a_clash_in_a_later_chunk_skips_only_that_record(tmp_path, small_chunks):
    records = [service(n) for n in range(1, 8)]
    # Record 6 (second chunk) reuses record 1's schedule id: already written by chunk one.
    records[5]["schedules"] = copy.deepcopy(records[0]["schedules"])
    # Record 3 and 2 clash inside the first chunk.
    records[2]["schedules"] = copy.deepcopy(records[1]["schedules"])
    out, err = run(write(tmp_path, records))
    assert "7 read, 5 created, 0 updated, 2 skipped" in out
    assert err.count("rejected by the database") == 2
    assert str(records[2]["id"]) in err and str(records[5]["id"]) in err
    assert set(Service.objects.values_list("name", flat=True)) == {
        f"Imported group {n}" for n in (1, 2, 4, 5, 7)
    }
    assert Schedule.objects.count() == 5


def test_a_bad_record_leaves_nothing_of_itself(tmp_path, small_chunks):
    records = [service(n) for n in range(1, 5)]
    # A new organisation and location in a record that then fails: neither is written.
    records[1]["organization"] = {"id": str(uuid.uuid4()), "name": "Ghost org", "description": ""}
    records[1]["service_at_locations"][0]["location"]["id"] = str(uuid.uuid4())
    records[1]["schedules"][0]["closes_at"] = "09:00"  # before it opens
    out, err = run(write(tmp_path, records))
    assert "4 read, 3 created, 0 updated, 1 skipped" in out
    assert "closes" in err
    assert not Organization.objects.filter(name="Ghost org").exists()
    assert Location.objects.count() == 1


# ---- retiring services a feed no longer lists


def test_services_dropped_from_a_feed_are_retired_not_deleted(tmp_path):
    path = write(tmp_path, [service(1), service(2), service(3)])
    run(path)
    path.write_text(json.dumps([service(1), service(3)]))
    out, _ = run(path)
    assert "Retired 1 services" in out and str(uuid.UUID(int=2)) in out
    gone = Service.objects.get(pk=uuid.UUID(int=2))
    assert gone.deleted_at is not None and gone.status == ServiceStatus.INACTIVE
    version = ServiceVersion.objects.get(service=gone)
    assert "no longer lists" in version.comment and version.data["name"] == "Imported group 2"
    assert version.status == ServiceVersion.Status.APPROVED
    names = [s.name for s, _d in service_search(text="friendly").items]
    assert names == ["Imported group 1", "Imported group 3"]
    # Importing the same feed again retires nothing more, and keeps a single version.
    out, _ = run(path)
    assert "Retired" not in out
    assert ServiceVersion.objects.filter(service=gone).count() == 1


def test_only_services_from_the_same_source_are_retired(tmp_path, directory_org):
    from directory.conftest import make_listing

    own = make_listing(directory_org, name="Provider's own listing")
    run(write(tmp_path, [service(1), service(2)], "a.json"))
    other = write(tmp_path, [service(3)], "b.json")
    run(other)
    out, _ = run(write(tmp_path, [service(1)], "a.json"))
    assert "Retired 1 services" in out
    live = set(Service.objects.filter(deleted_at__isnull=True).values_list("name", flat=True))
    assert live == {"Imported group 1", "Imported group 3", own.name}


def test_skipped_and_unreadable_records_are_not_retired(tmp_path):
    path = write(tmp_path, [service(1), service(2)])
    run(path)
    broken = service(2)
    broken["status"] = "nonsense"
    path.write_text(json.dumps([service(1), broken]))
    out, _ = run(path)
    assert "1 skipped" in out and "Retired" not in out
    assert Service.objects.filter(deleted_at__isnull=True).count() == 2
    feed = read_source(str(path))
    feed.services = [service(1)]
    feed.unreadable = [(str(uuid.UUID(int=2)), "HTTP 500")]
    report = feed_import(feed)
    assert report.retired == 0


def test_no_retire_keeps_them_and_an_empty_feed_retires_nothing(tmp_path):
    path = write(tmp_path, [service(1), service(2)])
    run(path)
    path.write_text(json.dumps([service(1)]))
    out, _ = run(path, "--no-retire")
    assert "Retired" not in out
    assert Service.objects.filter(deleted_at__isnull=True).count() == 2
    path.write_text(json.dumps([]))
    out, err = run(path)
    assert "nothing was retired" in err
    assert Service.objects.filter(deleted_at__isnull=True).count() == 2
