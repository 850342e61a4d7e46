"""linkwell import-oruk: API walking, v1 feeds, files and datapackages, bad records, broken
feeds (nothing changes), provenance, and the hyphenated command name."""

import copy
import json
import socket
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from directory.oruk_builders import make_directory
from directory.oruk_feed_server import feed_server, v1_pages, v3_pages
from linkwell.cli import main
from linkwell.directory.models import (
    ApprovalStatus,
    Attribute,
    Location,
    Organization,
    Schedule,
    Service,
    TaxonomyTerm,
)
from linkwell.directory.selectors import service_search
from linkwell.directory.vocabulary import taxonomy_term_uuid

pytestmark = pytest.mark.django_db(transaction=False)

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = json.loads((FIXTURES / "oruk" / "service_full.json").read_text())


def run(source, *args):
    out, err = StringIO(), StringIO()
    call_command("import_oruk", str(source), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def service(n, **overrides):
    """A minimal valid HSDS 3.0 service, number n, in Linkwell's taxonomy."""
    record = {
        "id": str(uuid.UUID(int=n)),
        "name": f"Imported group {n}",
        "description": "A friendly group that meets at the library.",
        "status": "active",
        "organization": {
            "id": str(uuid.UUID(int=10_000)),
            "name": "Sunderland Libraries",
            "description": "",
        },
        "schedules": [{"id": str(uuid.UUID(int=20_000 + n)), "byday": "TU", "opens_at": "10:00"}],
        "service_at_locations": [
            {
                "id": str(uuid.UUID(int=30_000 + n)),
                "location": {
                    "id": str(uuid.UUID(int=40_000)),
                    "location_type": "physical",
                    "name": "Hendon Library",
                    "addresses": [
                        {
                            "id": str(uuid.UUID(int=50_000)),
                            "address_1": "Toward Road",
                            "city": "Sunderland",
                            "state_province": "",
                            "postal_code": "SR2 7AA",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "attributes": [
            {
                "id": str(uuid.UUID(int=60_000 + n)),
                "taxonomy_term_id": str(taxonomy_term_uuid("english_conversation")),
            }
        ],
    }
    record.update(overrides)
    return record


def snapshot():
    return sorted(Service.objects.values_list("id", "name", "source"))


def test_an_oruk_3_api_is_walked_page_by_page_and_each_service_fetched():
    services = [service(n) for n in range(1, 6)] + [EXAMPLE]
    with feed_server(v3_pages(services, page_size=2)) as (url, server):
        out, err = run(url)
    assert "6 read, 6 created, 0 updated, 0 skipped" in out, err
    pages = [r for r in server.requests if r.startswith("/api/services?")]
    assert len(pages) == 3
    assert sum(r.startswith("/api/services/") for r in server.requests) == 6
    imported = Service.objects.get(pk=EXAMPLE["id"])
    assert imported.approval_status == ApprovalStatus.PUBLISHED
    assert imported.organization.name == "Example Organization Inc."
    assert imported.schedules.count() == len(EXAMPLE["schedules"]) + sum(
        len(s.get("schedules", [])) for s in EXAMPLE["service_at_locations"]
    )


def test_imported_services_keep_provenance_and_are_upserted_by_id():
    services = [service(1), service(2)]
    with feed_server(v3_pages(services)) as (url, _server):
        run(url)
        first = Service.objects.get(pk=services[0]["id"])
        assert first.source == url and first.source_imported_at is not None
        services[0]["name"] = "Renamed group"
        out, _ = run(url + "/")
    assert "2 read, 0 created, 2 updated" in out
    assert Service.objects.count() == 2
    renamed = Service.objects.get(pk=services[0]["id"])
    assert renamed.name == "Renamed group"
    assert renamed.source_imported_at > first.source_imported_at
    assert Schedule.objects.filter(service=renamed).count() == 1  # replaced, not added
    assert Location.objects.count() == 1  # shared location upserted once


def test_imported_services_get_area_data_and_are_searchable():
    with feed_server(v3_pages([service(1)])) as (url, _server):
        run(url)
    location = Location.objects.get()
    assert (location.postcode, location.lsoa11, location.imd_decile) == ("SR2 7AA", "E01008831", 3)
    assert location.latitude == pytest.approx(54.902281)
    found = service_search(text="friendly library", near_postcode="SR2 7AA", within_km=1)
    assert [s.name for s, _d in found.items] == ["Imported group 1"]
    english = service_search(needs=["esol"])
    assert english.total == 1


def test_an_oruk_v1_feed_is_mapped_to_hsds_3():
    v1 = {
        "id": "v1-service-17",
        "name": "Knit and natter",
        "description": "Knitting group",
        "status": "active",
        "organization": {"id": "org-3", "name": "Crafty Folk", "description": "Crafts"},
        "eligibilitys": [{"id": "e1", "eligibility": "Adults", "minimum_age": 18}],
        "regular_schedules": [
            {
                "id": "rs1",
                "opens_at": "13:00",
                "closes_at": "15:00",
                "byday": "TH",
                "freq": "WEEKLY",
            }
        ],
        "languages": [{"id": "l1", "language": "English"}],
        "service_at_locations": [
            {
                "id": "sal1",
                "location": {
                    "id": "loc1",
                    "name": "Village hall",
                    "latitude": 54.9,
                    "longitude": -1.4,
                    "physical_addresses": [
                        {
                            "id": "a1",
                            "address_1": "1 Main St",
                            "city": "Sunderland",
                            "postal_code": "SR4 7AA",
                        }
                    ],
                },
            }
        ],
        "service_taxonomys": [
            {"id": "st1", "taxonomy": {"id": "t1", "name": "Crafts", "vocabulary": "Local"}}
        ],
    }
    with feed_server(v1_pages([v1])) as (url, _server):
        out, err = run(url)
    assert "1 created" in out, err
    imported = Service.objects.get()
    assert imported.name == "Knit and natter" and imported.minimum_age == 18
    assert imported.schedules.get().byday == "TH"
    assert Attribute.objects.get(link_id=imported.pk).taxonomy_term.name == "Crafts"
    # Non-UUID ids get a stable UUID from the feed and the id: the same feed updates the same
    # rows; another feed's "v1-service-17" is a different service.
    with feed_server(v1_pages([v1])) as (other_feed, _server):
        out, _ = run(other_feed)
    assert "1 created" in out
    assert Service.objects.count() == 2


def test_a_v1_feed_imported_twice_updates_its_services():
    v1 = {"id": "17", "name": "Knit", "status": "active", "organization": {"id": 3, "name": "C"}}
    with feed_server(v1_pages([v1])) as (url, _server):
        run(url)
        out, _ = run(url)
    assert "0 created, 1 updated" in out
    assert Service.objects.count() == 1


def test_a_v1_feed_file_with_the_content_envelope_is_read(tmp_path):
    path = tmp_path / "v1.json"
    path.write_text(
        json.dumps(
            {
                "totalElements": 1,
                "totalPages": 1,
                "number": 1,
                "content": [
                    {
                        "id": "abc",
                        "name": "Coffee morning",
                        "status": "active",
                        "organization": {"id": "o", "name": "Church"},
                    }
                ],
            }
        )
    )
    out, _ = run(path)
    assert "1 created" in out
    assert Service.objects.get().organization.name == "Church"


def test_an_hsds_datapackage_with_csv_tables_is_imported():
    out, err = run(FIXTURES / "hsds_csv" / "datapackage.json")
    assert "created" in out and Service.objects.count() >= 1, err
    counselling = Service.objects.get(name="Community Counselling")
    assert counselling.service_at_locations.get().location.addresses.exists()
    assert counselling.schedules.exists()
    assert counselling.languages.exists() and counselling.cost_options.exists()
    assert counselling.organization.name


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"name": ""}, "name is missing"),
        ({"status": None}, "status is missing"),
        ({"status": "open"}, "status 'open' is not one of"),
        ({"minimum_age": 60, "maximum_age": 18}, "minimum_age 60 is more than maximum_age 18"),
        ({"minimum_age": -1}, "minimum_age must not be negative"),
        ({"organization": None}, "organization is missing"),
        ({"schedules": [{"byday": "XX"}]}, "is not an RFC 5545 BYDAY list"),
        (
            {"schedules": [{"opens_at": "12:00", "closes_at": "10:00"}]},
            "closes (10:00:00) before it opens (12:00:00)",
        ),
        (
            {"attributes": [{"taxonomy_term_id": "99999999-9999-4999-8999-999999999999"}]},
            "taxonomy term 99999999-9999-4999-8999-999999999999 is not known",
        ),
        ({"cost_options": [{"amount": "-3"}]}, "amount is negative"),
        ({"schedules": "Tuesdays"}, "schedules must be a list of records"),
    ],
)
def test_a_bad_record_is_reported_with_its_id_and_skipped(tmp_path, overrides, reason):
    bad = service(2, **overrides)
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([service(1), bad, service(3)]))
    out, err = run(path)
    assert "3 read, 2 created, 0 updated, 1 skipped" in out
    assert f"service {bad['id']}: " in err and reason in err
    assert Service.objects.count() == 2
    assert not Service.objects.filter(pk=bad["id"]).exists()
    assert Schedule.objects.count() == 2  # nothing of the bad record was kept


def test_duplicate_ids_in_a_feed_are_reported_and_the_second_skipped(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([service(1), service(1, name="Again")]))
    out, err = run(path)
    assert "1 created" in out and "1 skipped" in out
    assert "duplicate id" in err
    assert Service.objects.get().name == "Imported group 1"


def test_child_ids_clashing_with_another_service_skip_only_that_record(tmp_path):
    first = service(1)
    clash = service(2, schedules=copy.deepcopy(first["schedules"]))
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([first, clash]))
    out, err = run(path)
    assert "1 created" in out and "1 skipped" in out
    assert "rejected by the database" in err


def test_the_pending_option_leaves_new_services_for_an_editor_to_approve(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([service(1)]))
    run(path, "--pending")
    assert Service.objects.get().approval_status == ApprovalStatus.PENDING


# broken feeds: a clear message, a non-zero exit, and the directory exactly as it was


@pytest.fixture
def existing():
    return make_directory()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_feed_changes_nothing(existing):
    before = snapshot()
    with pytest.raises(CommandError, match=r"Cannot reach .* Nothing was imported"):
        run(f"http://127.0.0.1:{_closed_port()}/api")
    assert snapshot() == before


def test_a_feed_that_is_not_json_changes_nothing(existing):
    before = snapshot()
    with (
        feed_server({"/services": lambda q: (200, "<html>Oops</html>")}) as (url, _s),
        pytest.raises(CommandError, match="did not answer with JSON"),
    ):
        run(url)
    assert snapshot() == before


def test_a_feed_of_the_wrong_shape_changes_nothing(existing):
    before = snapshot()
    with (
        feed_server({"/services": lambda q: (200, {"items": []})}) as (url, _s),
        pytest.raises(CommandError, match="not an Open Referral services page"),
    ):
        run(url)
    assert snapshot() == before


def test_a_feed_that_fails_on_a_later_page_changes_nothing(existing):
    before = snapshot()
    routes = v3_pages([service(n) for n in range(1, 6)], page_size=2)
    good_page = routes["/services"]
    routes["/services"] = lambda q: good_page(q) if q.get("page") == ["1"] else (500, {"e": 1})
    with feed_server(routes) as (url, _s), pytest.raises(CommandError, match="HTTP 500"):
        run(url)
    assert snapshot() == before
    assert not Organization.objects.filter(name="Sunderland Libraries").exists()


def test_a_file_that_is_not_json_or_not_a_feed_changes_nothing(tmp_path, existing):
    before = snapshot()
    text = tmp_path / "notes.json"
    text.write_text("hello")
    with pytest.raises(CommandError, match="is not JSON"):
        run(text)
    text.write_text(json.dumps({"hello": "world"}))
    with pytest.raises(CommandError, match="not a directory feed"):
        run(text)
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.json")
    assert snapshot() == before


def test_a_single_service_that_cannot_be_fetched_is_reported_and_skipped():
    services = [service(1), service(2)]
    routes = v3_pages(services)
    del routes[f"/services/{services[1]['id']}"]
    with feed_server(routes) as (url, _s):
        out, err = run(url)
    assert "2 read, 1 created, 0 updated, 1 skipped" in out
    assert f"service {services[1]['id']}: " in err and "HTTP 404" in err


def test_import_progress_shows_counts():
    with feed_server(v3_pages([service(n) for n in range(1, 4)])) as (url, _s):
        out, _ = run(url)
    assert "[" in out and "3/3 (3 created, 0 updated, 0 skipped)" in out


def test_the_hyphenated_command_names_work(tmp_path, capsys, existing, monkeypatch):
    from django.db import connections

    # `linkwell CMD` closes connections when done; in a test that would lose its transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    export = tmp_path / "export.json"
    main(["export-oruk", str(export)])
    assert "Exported 3 services" in capsys.readouterr().out
    main(["import-oruk", str(export)])
    assert "3 read, 0 created, 3 updated, 0 skipped" in capsys.readouterr().out


def test_imported_terms_do_not_overwrite_linkwell_vocabulary(tmp_path):
    term_id = str(taxonomy_term_uuid("english_conversation"))
    record = service(
        1,
        attributes=[
            {"id": str(uuid.uuid4()), "taxonomy_term": {"id": term_id, "name": "Hijacked"}}
        ],
    )
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([record]))
    run(path)
    assert TaxonomyTerm.objects.get(pk=term_id).code == "english_conversation"
    assert TaxonomyTerm.objects.get(pk=term_id).name != "Hijacked"
