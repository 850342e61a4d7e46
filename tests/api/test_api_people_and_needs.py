import pytest

from linkwell.audit.models import AuditEntry
from linkwell.referrals.models import Need

pytestmark = pytest.mark.django_db

SEES_PERSON = {
    "referrer": 200,
    "other_referrer": 404,
    "link_worker": 200,
    "lead": 200,
    "outsider_link_worker": 404,
    "provider": 404,
    "editor": 404,
    "commissioner": 404,
    "nobody": 404,
    "anonymous": 401,
}

SEES_NEEDS = dict.fromkeys(SEES_PERSON, 200) | {"anonymous": 401}


def person_url(person_id):
    return f"/api/v1/people/{person_id}"


# --- GET /people/{id} -----------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(SEES_PERSON))
def test_it_shows_a_person_only_to_those_with_a_referral_for_them(role, client_as, referral):
    response = client_as(role).get(person_url(referral.person_id))

    assert response.status_code == SEES_PERSON[role]
    assert response["Content-Type"] == "application/json"
    if SEES_PERSON[role] == 404:
        assert response.json() == {"detail": "Not found."}


def test_it_gives_the_service_the_full_person_record(client_as, referral):
    data = client_as("link_worker").get(person_url(referral.person_id)).json()

    person = referral.person
    assert data["id"] == person.pk
    assert data["given_name"] == person.given_name
    assert data["date_of_birth"] == "1980-05-17"
    assert data["phone"] == "+447700900982"
    assert data["address_line_1"] == "1 Example Street"
    assert data["postcode"] == "SR1 1AA"
    assert data["postcode_district"] == "SR1"
    assert data["imd_decile"] == 1
    assert data["language"] == "ar"
    assert data["interpreter_needed"] is True
    assert data["contact_methods"] == ["phone"]
    assert data["communication_needs"] == []
    assert data["age"] == person.age


def test_it_audits_each_read_of_a_person(client_as, link_worker, referral):
    client_as("link_worker").get(person_url(referral.person_id))

    entry = AuditEntry.objects.get(action="view", actor=link_worker)
    assert (entry.object_type, entry.object_id) == ("people.person", str(referral.person_id))
    assert entry.person_id == referral.person_id
    assert entry.channel == "api"


def test_it_answers_404_for_someone_who_does_not_exist(client_as, referral):
    response = client_as("link_worker").get(person_url(987654))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="view").exists()


# --- GET /needs -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(SEES_NEEDS))
def test_it_lists_needs_for_anyone_signed_in(role, client_as):
    response = client_as(role).get("/api/v1/needs")

    assert response.status_code == SEES_NEEDS[role]


def test_it_gives_each_need_a_code_a_label_and_a_plain_label(client_as):
    needs = client_as("nobody").get("/api/v1/needs").json()

    assert {
        "code": "loneliness",
        "label": "Loneliness and isolation",
        "plain_label": "I feel lonely or cut off",
    } in needs
    assert len(needs) == Need.objects.count()


def test_it_leaves_out_retired_needs(client_as):
    Need.objects.filter(code="esol").update(disabled_on="2024-01-01")

    codes = [need["code"] for need in client_as("referrer").get("/api/v1/needs").json()]

    assert "esol" not in codes
    assert "loneliness" in codes
