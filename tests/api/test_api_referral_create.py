import datetime
import json
from unittest import mock

import pytest
from django.utils import timezone

from linkwell.accounts.models import Membership, Role
from linkwell.audit.models import AuditEntry
from linkwell.people.models import Person
from linkwell.referrals.models import IdempotencyRecord, Referral, Source

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals"


def body(**overrides):
    person = {
        "given_name": "Amina",
        "family_name": "Hassan",
        "date_of_birth": "1980-05-17",
        "phone": "07700 900982",
        "postcode": "SR1 1AA",
        "address_line_1": "1 Example Street",
        "language": "ar",
        "interpreter_needed": True,
        "contact_methods": ["phone"],
    }
    person.update(overrides.pop("person", {}))
    data = {
        "person": person,
        "needs": ["loneliness", "money_debt"],
        "reason": "Isolated since moving",
        "what_matters": "Getting out of the house",
        "urgency": "soon",
        "consent_confirmed": True,
    }
    data.update(overrides)
    return data


def post(client, data, **headers):
    return client.post(URL, data, format="json", **headers)


EXPECTED = {
    "referrer": 201,
    "other_referrer": 201,
    "link_worker": 201,
    "lead": 201,
    "outsider_link_worker": 201,
    "provider": 403,
    "editor": 403,
    "commissioner": 403,
    "nobody": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_it_lets_only_roles_that_refer_make_a_referral(role, client_as, service):
    response = post(client_as(role), body())

    assert response.status_code == EXPECTED[role]
    assert response["Content-Type"] == "application/json"
    assert Referral.objects.count() == (1 if EXPECTED[role] == 201 else 0)
    if EXPECTED[role] != 201:
        assert set(response.json()) == {"detail"}


def test_it_makes_the_referral_through_the_service_and_says_where_it_is(
    client_as, referrer, practice, service
):
    response = post(client_as("referrer"), body())

    assert response.status_code == 201
    referral = Referral.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/referrals/{referral.pk}"
    assert "Idempotent-Replayed" not in response
    data = response.json()
    assert data["id"] == referral.pk
    assert data["reference"] == referral.reference
    assert data["source"] == Source.API
    assert data["status"] == "requested"
    assert data["urgency"] == "soon"
    assert [n["code"] for n in data["needs"]] == ["loneliness", "money_debt"]
    assert data["referrer_organisation"]["id"] == practice.pk
    assert data["service"]["id"] == service.pk
    assert data["person"]["given_name"] == "Amina"
    assert referral.referrer_user == referrer
    assert referral.person.phone == "+447700900982"
    assert referral.person.postcode == "SR1 1AA"
    assert [(e["from_status"], e["to_status"]) for e in data["events"]] == [("", "requested")]


def test_it_audits_the_creation_on_the_api_channel(client_as, referrer, service):
    response = post(client_as("referrer"), body())

    referral = Referral.objects.get(pk=response.json()["id"])
    entries = AuditEntry.objects.filter(action="create", actor=referrer)
    assert {(e.object_type, e.channel) for e in entries} == {
        ("referrals.referral", "api"),
        ("people.person", "api"),
    }
    assert {e.person_id for e in entries} == {referral.person_id}


def test_it_routes_to_a_chosen_link_worker_service(client_as, service, other_service):
    response = post(client_as("referrer"), body(service=other_service.pk))

    assert response.status_code == 201
    assert response.json()["service"]["id"] == other_service.pk


def test_it_refuses_a_service_that_does_not_exist(client_as, service):
    response = post(client_as("referrer"), body(service=999999))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "service": ["There is no link worker service with that id"]
    }
    assert Referral.objects.count() == 0


def test_it_refuses_an_organisation_that_is_not_a_link_worker_service(client_as, practice, service):
    response = post(client_as("referrer"), body(service=practice.pk))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "service": ["There is no link worker service with that id"]
    }


def test_it_refers_someone_already_known_by_person_id(client_as, referral):
    response = post(
        client_as("referrer"),
        {"person_id": referral.person_id, "needs": ["housing"], "consent_confirmed": True},
    )

    assert response.status_code == 201
    assert response.json()["person"]["id"] == referral.person_id
    assert Person.objects.count() == 1


@pytest.mark.parametrize("person_id", ["other", 987654])
def test_it_gives_one_answer_for_a_person_outside_scope_or_missing(
    person_id, client_as, other_referral
):
    pid = other_referral.person_id if person_id == "other" else person_id

    response = post(
        client_as("referrer"), {"person_id": pid, "needs": ["housing"], "consent_confirmed": True}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "person_id": ["Choose a person from your organisation's referrals"]
    }


@pytest.mark.parametrize(
    "data",
    [
        {"needs": ["housing"], "consent_confirmed": True},
        {"person": {"given_name": "A"}, "person_id": 1, "needs": ["housing"]},
    ],
    ids=["neither", "both"],
)
def test_it_wants_exactly_one_of_person_and_person_id(data, client_as, service):
    response = post(client_as("referrer"), data)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_it_asks_which_organisation_when_the_referrer_has_several(
    client_as, referrer, other_practice, service
):
    Membership.objects.create(user=referrer, organisation=other_practice, role=Role.REFERRER)
    client = client_as("referrer")

    unclear = post(client, body())
    chosen = post(client, body(referrer_organisation=other_practice.pk))

    assert unclear.status_code == 400
    assert list(unclear.json()["errors"]) == ["referrer_organisation"]
    assert chosen.status_code == 201
    assert chosen.json()["referrer_organisation"]["id"] == other_practice.pk


def test_it_refuses_to_refer_on_behalf_of_someone_elses_organisation(
    client_as, other_practice, service
):
    response = post(client_as("referrer"), body(referrer_organisation=other_practice.pk))

    assert response.status_code == 403
    assert Referral.objects.count() == 0


# --- Idempotency ----------------------------------------------------------------------------


def test_it_returns_the_same_referral_for_the_same_key_and_body(client_as, service):
    client = client_as("referrer")

    first = post(client, body(), HTTP_IDEMPOTENCY_KEY="key-1")
    again = post(client, body(), HTTP_IDEMPOTENCY_KEY="key-1")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert again.json()["id"] == first.json()["id"]
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1


def test_it_refuses_the_same_key_with_a_different_body(client_as, service):
    client = client_as("referrer")
    post(client, body(), HTTP_IDEMPOTENCY_KEY="key-1")

    response = post(client, body(reason="Something else"), HTTP_IDEMPOTENCY_KEY="key-1")

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert Referral.objects.count() == 1


def test_it_keeps_keys_apart_between_users(client_as, service):
    post(client_as("referrer"), body(), HTTP_IDEMPOTENCY_KEY="key-1")

    response = post(client_as("other_referrer"), body(), HTTP_IDEMPOTENCY_KEY="key-1")

    assert response.status_code == 201
    assert Referral.objects.count() == 2


def test_it_makes_a_new_referral_each_time_without_a_key(client_as, service):
    client = client_as("referrer")

    post(client, body())
    post(client, body())

    assert Referral.objects.count() == 2


def test_it_answers_a_racing_duplicate_with_the_first_referral(client_as, service):
    """Two requests with one key, the second checking before the first had committed: the
    unique constraint catches it and the second gets the first referral."""
    client = client_as("referrer")
    first = post(client, body(), HTTP_IDEMPOTENCY_KEY="race")
    manager = IdempotencyRecord.objects
    real_filter = manager.filter
    calls = []

    def filter_that_misses_the_first_look(*args, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            return manager.none()
        return real_filter(*args, **kwargs)

    with mock.patch.object(manager, "filter", filter_that_misses_the_first_look):
        second = post(client, body(), HTTP_IDEMPOTENCY_KEY="race")

    assert len(calls) == 2
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1


def test_it_refuses_an_overlong_idempotency_key(client_as, service):
    response = post(client_as("referrer"), body(), HTTP_IDEMPOTENCY_KEY="k" * 201)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert Referral.objects.count() == 0


# --- Validation: business rules come back from the services as field errors -----------------


@pytest.mark.parametrize(
    "person, field",
    [
        ({"nhs_number": "1234567890"}, "nhs_number"),
        ({"postcode": "NOT A POSTCODE"}, "postcode"),
        ({"phone": "12"}, "phone"),
        (
            {"date_of_birth": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "date_of_birth",
        ),
        ({"email": "not-an-email"}, "email"),
        ({"given_name": ""}, "given_name"),
        ({"language": "klingon"}, "language"),
    ],
    ids=["nhs_number", "postcode", "phone", "future_dob", "email", "no_name", "language"],
)
def test_it_names_the_bad_person_field_under_person(person, field, client_as, service):
    response = post(client_as("referrer"), body(person=person))

    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"detail", "errors"}
    assert list(data["errors"]) == ["person"]
    assert list(data["errors"]["person"]) == [field]
    assert all(isinstance(m, str) and m for m in data["errors"]["person"][field])
    assert Referral.objects.count() == 0
    assert Person.objects.count() == 0


def test_it_gives_the_services_message_for_a_bad_nhs_number(client_as, service):
    response = post(client_as("referrer"), body(person={"nhs_number": "1234567890"}))

    assert response.json()["errors"]["person"]["nhs_number"] == [
        "Enter a valid NHS number. Check the digits: this one is not a real NHS number"
    ]


def test_it_reports_every_bad_field_at_once(client_as, service):
    response = post(
        client_as("referrer"),
        body(person={"phone": "12", "postcode": "XX"}, needs=["flying"], consent_confirmed=False),
    )

    errors = response.json()["errors"]
    assert set(errors) == {"person", "needs", "consent_confirmed"}
    assert set(errors["person"]) == {"phone", "postcode"}


def test_it_requires_consent(client_as, service):
    data = body()
    del data["consent_confirmed"]

    response = post(client_as("referrer"), data)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "consent_confirmed": ["Confirm the person has agreed to this referral"]
    }


def test_it_refuses_an_unknown_need(client_as, service):
    response = post(client_as("referrer"), body(needs=["loneliness", "flying"]))

    assert response.status_code == 400
    assert response.json()["errors"] == {"needs": ["Unknown need: flying"]}


def test_it_refuses_a_date_that_is_not_an_iso_date(client_as, service):
    response = post(client_as("referrer"), body(person={"date_of_birth": "17/05/1980"}))

    assert response.status_code == 400
    assert list(response.json()["errors"]["person"]) == ["date_of_birth"]


def test_it_refuses_a_list_where_text_is_expected_and_text_where_a_list_is(client_as, service):
    response = post(client_as("referrer"), body(reason=["a"], needs="loneliness"))

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"reason", "needs"}


def test_it_refuses_text_over_the_services_limit_with_the_services_message(client_as, service):
    response = post(client_as("referrer"), body(reason="x" * 4001))

    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Must be 4000 characters or fewer"]}


def test_it_refuses_a_huge_text_field_before_it_reaches_the_service(client_as, service):
    with mock.patch("linkwell.referrals.services.referral_submit") as submit:
        response = post(client_as("referrer"), body(what_matters="x" * 100_000))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["what_matters"]
    submit.assert_not_called()


def test_it_refuses_a_ten_megabyte_field_as_json_and_saves_nothing(client_as, service):
    response = post(client_as("referrer"), body(reason="x" * (10 * 1024 * 1024)))

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert Referral.objects.count() == 0
    assert Person.objects.count() == 0


def test_it_stores_html_verbatim_and_returns_it_as_a_json_string(client_as, service):
    script = '<script>alert("x")</script><b>bold</b> & "quotes"'

    response = post(
        client_as("referrer"), body(reason=script, person={"family_name": "<img src=x onerror=1>"})
    )

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    referral = Referral.objects.get()
    assert referral.reason == script
    assert referral.person.family_name == "<img src=x onerror=1>"
    assert json.loads(response.content)["reason"] == script
    detail = client_as("referrer").get(f"{URL}/{referral.pk}").json()
    assert detail["reason"] == script


def test_it_refuses_a_body_that_is_not_json_with_415(client_as, service):
    response = client_as("referrer").post(URL, data="given_name=Amina", content_type="text/plain")

    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
    assert Referral.objects.count() == 0


def test_it_refuses_broken_json_with_400(client_as, service):
    response = client_as("referrer").post(URL, data='{"person": {', content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "JSON parse error" in response.json()["detail"]


def test_it_refuses_a_json_body_that_is_not_an_object(client_as, service):
    response = client_as("referrer").post(URL, data="[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]
