"""export-oruk → import-oruk into an empty directory gives identical /oruk/ API output."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from directory.oruk_builders import make_directory
from directory.oruk_schemas import assert_valid
from linkwell.directory import search
from linkwell.directory.models import (
    Attribute,
    Location,
    Organization,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.directory.selectors import service_search
from linkwell.directory.vocabulary import LINKWELL_TAXONOMY_ID

pytestmark = pytest.mark.django_db


def api_output(client) -> dict:
    out = {}
    for url, params in [
        ("/oruk/services", {"full": "true", "per_page": 100}),
        ("/oruk/services", {"per_page": 100}),
        ("/oruk/taxonomies", {}),
        ("/oruk/taxonomy_terms", {"per_page": 100}),
        ("/oruk/service_at_locations", {"per_page": 100}),
        ("/oruk/service_at_locations", {"postcode": "SR6 0PL", "proximity": 5000}),
        ("/oruk/services", {"search": "walk"}),
        ("/oruk/services", {"day": "TU"}),
    ]:
        out[f"{url}?{sorted(params.items())}"] = client.get(url, params).json()
    for record in out[f"/oruk/services?{sorted({'per_page': 100}.items())}"]["contents"]:
        out[record["id"]] = client.get(f"/oruk/services/{record['id']}").json()
    return out


def empty_the_directory():
    Attribute.objects.all().delete()
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    TaxonomyTerm.objects.exclude(taxonomy_id=LINKWELL_TAXONOMY_ID).delete()
    Taxonomy.objects.exclude(pk=LINKWELL_TAXONOMY_ID).delete()
    search.reindex_all()


def test_export_then_import_into_an_empty_directory_gives_the_same_api_output(client, tmp_path):
    make_directory()
    before = api_output(client)
    path = tmp_path / "directory.json"
    out = StringIO()
    call_command("export_oruk", str(path), stdout=out)
    assert "Exported 3 services" in out.getvalue()

    empty_the_directory()
    assert client.get("/oruk/services").json()["total_items"] == 0

    out, err = StringIO(), StringIO()
    call_command("import_oruk", str(path), stdout=out, stderr=err)
    assert "3 read, 3 created, 0 updated, 0 skipped" in out.getvalue(), err.getvalue()
    assert api_output(client) == before


def test_importing_the_same_export_again_changes_nothing(client, tmp_path):
    make_directory()
    path = tmp_path / "directory.json"
    call_command("export_oruk", str(path), stdout=StringIO())
    before = api_output(client)
    out = StringIO()
    call_command("import_oruk", str(path), stdout=out, stderr=StringIO())
    assert "0 created, 3 updated" in out.getvalue()
    assert api_output(client) == before


def test_the_export_is_hsds_json_and_keeps_linkwells_own_fields(client, tmp_path):
    made = make_directory()
    path = tmp_path / "directory.json"
    call_command("export_oruk", str(path), stdout=StringIO())
    data = json.loads(path.read_text())
    assert data["version"] == "HSDS-UK-3.0"
    assert [s["name"] for s in data["services"]] == [
        "English conversation for women",
        "Homework club",
        "Roker seafront walk",
    ]
    for record in data["services"]:
        assert_valid(record, "service.json")
    assert {t["id"] for t in data["taxonomies"]} >= {str(LINKWELL_TAXONOMY_ID)}

    empty_the_directory()
    call_command("import_oruk", str(path), stdout=StringIO(), stderr=StringIO())
    english = Service.objects.get(pk=made["english"].pk)
    assert english.accepts_referrals and english.places_per_session == 12
    assert list(english.target_groups.values_list("code", flat=True)) == ["women_only"]
    assert english.last_verified_at is not None
    found = service_search(accessibility="step_free", language="bn", target_group="women_only")
    assert found.total == 3  # every built service has these
    assert service_search(accessibility="hearing_loop").total == 0
