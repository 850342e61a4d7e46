import json

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/referrals": {"get", "post"},
    "/api/v1/referrals/{referral_id}": {"get"},
    "/api/v1/referrals/{referral_id}/transitions": {"post"},
    "/api/v1/needs": {"get"},
    "/api/v1/people/{person_id}": {"get"},
}


def enum_of(schema, prop):
    """The allowed values of a property, following spectacular's shared enum components."""
    values = list(prop.get("enum", []))
    for part in prop.get("allOf", []) + prop.get("oneOf", []):
        if "$ref" in part:
            part = schema["components"]["schemas"][part["$ref"].split("/")[-1]]
        values += enum_of(schema, part)
    return values


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_it_publishes_a_valid_openapi_document(schema):
    validate(schema)


def test_it_documents_every_referral_endpoint(schema):
    for path, methods in PATHS.items():
        assert set(schema["paths"][path]) == methods, path


def test_it_documents_the_idempotency_key_and_the_replay(schema):
    create = schema["paths"]["/api/v1/referrals"]["post"]

    header = next(p for p in create["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header"
    assert "Idempotent-Replayed" in create["responses"]["200"]["headers"]
    assert "Location" in create["responses"]["201"]["headers"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReferralCreateRequest"
    }


def test_it_documents_the_error_shapes(schema):
    create = schema["paths"]["/api/v1/referrals"]["post"]["responses"]
    ref = "#/components/schemas/{}".format

    assert create["400"]["content"]["application/json"]["schema"] == {
        "$ref": ref("ValidationError")
    }
    for code in ("401", "403", "413", "415", "422"):
        assert create[code]["content"]["application/json"]["schema"] == {"$ref": ref("Error")}
    assert set(schema["components"]["schemas"]["ValidationError"]["properties"]) == {
        "detail",
        "errors",
    }


def test_it_documents_the_person_sent_with_a_referral(schema):
    person = schema["components"]["schemas"]["PersonDetailsRequest"]

    assert person["required"] == ["given_name"]
    assert person["properties"]["date_of_birth"]["format"] == "date"
    assert "syl" in enum_of(schema, person["properties"]["language"])
    assert "" in enum_of(schema, person["properties"]["sex"])


def test_it_generates_the_schema_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    assert "/api/v1/referrals" in yaml.safe_load(out.read_text())["paths"]
