import pytest

from cast import submit_referral
from linkwell.audit.models import AuditEntry
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals"

# Which of the two referrals (from practice / other_practice, both to the service) each role sees.
VISIBLE = {
    "referrer": {"referral"},
    "other_referrer": {"other_referral"},
    "link_worker": {"referral", "other_referral"},
    "lead": {"referral", "other_referral"},
    "outsider_link_worker": set(),
}
# Roles with no referrals to list at all are refused (403), like the web list.


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_it_lists_only_the_referrals_each_role_may_see(role, client_as, referral, other_referral):
    references = {"referral": referral.reference, "other_referral": other_referral.reference}

    response = client_as(role).get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    got = {item["reference"] for item in response.json()["results"]}
    assert got == {references[name] for name in VISIBLE[role]}


def test_it_refuses_the_list_without_credentials(client_as, referral):
    response = client_as("anonymous").get(URL)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_it_hides_referrals_from_another_practice(client_as, referral, other_referral):
    response = client_as("referrer").get(URL)

    ids = [item["id"] for item in response.json()["results"]]
    assert other_referral.pk not in ids
    assert ids == [referral.pk]


def test_it_describes_each_referral_in_the_list(client_as, referral, practice, service):
    item = client_as("referrer").get(URL).json()["results"][0]

    assert item["id"] == referral.pk
    assert item["url"] == f"http://testserver/api/v1/referrals/{referral.pk}"
    assert item["status"] == "requested"
    assert item["status_label"] == "New"
    assert item["urgency"] == "routine"
    assert item["needs"] == ["loneliness"]
    assert item["person"] == {
        "id": referral.person_id,
        "given_name": referral.person.given_name,
        "family_name": "Hassan",
    }
    assert item["referrer_organisation"] == {"id": practice.pk, "name": "Millfield Surgery"}
    assert item["service"] == {"id": service.pk, "name": "Sunderland Link Workers"}
    assert item["allocated_to"] is None


def test_it_filters_by_status(client_as, link_worker, referral, other_referral):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)

    accepted = client_as("link_worker").get(URL, {"status": "accepted"}).json()
    requested = client_as("link_worker").get(URL, {"status": "requested"}).json()

    assert [item["id"] for item in accepted["results"]] == [referral.pk]
    assert accepted["results"][0]["allocated_to"] == {"id": link_worker.pk, "name": "Lina Worker"}
    assert [item["id"] for item in requested["results"]] == [other_referral.pk]


def test_it_refuses_an_unknown_status_filter_with_a_field_error(client_as, referral):
    response = client_as("link_worker").get(URL, {"status": "lost"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_it_pages_with_limit_and_offset(client_as, referrer, practice, service):
    made = [submit_referral(referrer, practice) for _ in range(3)]

    body = client_as("referrer").get(URL, {"limit": 2}).json()
    rest = client_as("referrer").get(URL, {"limit": 2, "offset": 2}).json()

    assert body["count"] == 3
    assert body["next"] and body["previous"] is None
    newest_first = [r.pk for r in reversed(made)]
    assert [item["id"] for item in body["results"] + rest["results"]] == newest_first


def test_it_caps_the_page_size(client_as, referrer, practice, service, monkeypatch):
    from linkwell.referrals.api import ReferralPagination

    for _ in range(3):
        submit_referral(referrer, practice)
    monkeypatch.setattr(ReferralPagination, "max_limit", 2)

    response = client_as("referrer").get(URL, {"limit": 100000})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_it_audits_every_person_on_the_page_and_nobody_else(
    client_as, link_worker, referrer, practice, service
):
    made = [submit_referral(referrer, practice) for _ in range(3)]

    client_as("link_worker").get(URL, {"limit": 2})

    entries = AuditEntry.objects.filter(action="list", actor=link_worker)
    assert {e.person_id for e in entries} == {made[2].person_id, made[1].person_id}
    assert {e.channel for e in entries} == {"api"}
    assert {e.object_type for e in entries} == {"referrals.referral"}


def test_it_lists_twenty_referrals_in_a_bounded_number_of_queries(
    client_as, link_worker, lead, referrer, practice, service, django_assert_max_num_queries
):
    for _ in range(20):
        referral = submit_referral(referrer, practice)
    referral_transition(actor=lead, referral_id=referral.pk, to_status=Status.ACCEPTED)
    client = client_as("link_worker")

    # token, its last-used stamp, memberships, count, page, needs, one audit insert
    with django_assert_max_num_queries(7):
        response = client.get(URL)

    assert response.status_code == 200
    assert len(response.json()["results"]) == 20


@pytest.mark.parametrize("role", ["commissioner", "provider", "editor", "nobody"])
def test_roles_without_referrals_get_403_not_an_empty_list(role, client_as, referral):
    response = client_as(role).get(URL)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
