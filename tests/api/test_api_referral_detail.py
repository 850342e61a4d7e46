import pytest

from linkwell.audit.models import AuditEntry
from linkwell.referrals.models import Referral, ReferralEvent, Status
from linkwell.referrals.services import referral_transition
from linkwell.referrals.vocabulary import SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING

pytestmark = pytest.mark.django_db

SEES = {
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

# Accepting is for the link worker service only; the referrer may see the referral but not
# accept it.
ACCEPTS = {**SEES, "referrer": 403}


def url(referral):
    return f"/api/v1/referrals/{referral.pk}"


# --- GET /referrals/{id} --------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(SEES))
def test_it_shows_a_referral_only_to_those_in_scope(role, client_as, referral):
    response = client_as(role).get(url(referral))

    assert response.status_code == SEES[role]
    assert response["Content-Type"] == "application/json"
    if SEES[role] == 404:
        assert response.json() == {"detail": "Not found."}


def test_it_answers_404_for_a_referral_that_does_not_exist(client_as, referral):
    response = client_as("link_worker").get("/api/v1/referrals/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_audits_each_read_on_the_api_channel(client_as, link_worker, referral):
    client_as("link_worker").get(url(referral))

    entry = AuditEntry.objects.get(action="view", actor=link_worker)
    assert (entry.object_type, entry.object_id) == ("referrals.referral", str(referral.pk))
    assert entry.person_id == referral.person_id
    assert entry.channel == "api"


def test_it_does_not_audit_a_refused_read(client_as, other_referrer, referral):
    client_as("other_referrer").get(url(referral))

    assert not AuditEntry.objects.filter(action="view").exists()


def test_it_shows_the_link_worker_service_the_persons_contact_and_access_details(
    client_as, referral
):
    person = client_as("link_worker").get(url(referral)).json()["person"]

    assert person["id"] == referral.person_id
    assert person["phone"] == "+447700900982"
    assert person["language"] == "ar"
    assert person["interpreter_needed"] is True
    assert person["contact_methods"] == ["phone"]
    assert person["age"] == referral.person.age


def test_it_shows_the_referrer_enough_to_recognise_the_person_and_no_more(client_as, referral):
    person = client_as("referrer").get(url(referral)).json()["person"]

    assert set(person) == {
        "id",
        "given_name",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "nhs_number",
    }
    assert person["date_of_birth"] == "1980-05-17"


def test_it_shows_status_reasons_and_the_timeline(client_as, link_worker, service, referral):
    referral_transition(
        actor=link_worker,
        referral_id=referral.pk,
        to_status=Status.REJECTED,
        reason_code="out_of_area",
        reason_text="Lives in Durham",
        note="Internal: phoned the practice",
    )

    data = client_as("referrer").get(url(referral)).json()

    assert data["status"] == "rejected"
    assert data["status_label"] == "Not accepted"
    assert data["status_reason"] == {
        "code": "out_of_area",
        "label": "Lives outside the area this service covers",
    }
    assert data["status_reason_text"] == "Lives in Durham"
    assert data["reference"] == referral.reference
    assert data["snomed_code"] == ""
    assert [n["code"] for n in data["needs"]] == ["loneliness"]
    first, second = data["events"]
    assert (first["from_status"], first["to_status"]) == ("", "requested")
    assert first["actor_organisation"] == "Millfield Surgery"
    assert first["reason"] is None
    assert (second["from_status"], second["to_status"]) == ("requested", "rejected")
    assert second["reason"]["code"] == "out_of_area"
    assert second["reason_text"] == "Lives in Durham"
    assert second["actor_organisation"] == service.name
    assert second["at"]
    assert "note" not in second


def test_it_shows_the_link_worker_service_its_internal_notes(client_as, link_worker, referral):
    referral_transition(
        actor=link_worker, referral_id=referral.pk, to_status=Status.RECEIVED, note="Called twice"
    )

    events = client_as("lead").get(url(referral)).json()["events"]

    assert events[-1]["note"] == "Called twice"


def test_it_names_the_allocated_link_worker_and_the_snomed_code(client_as, link_worker, referral):
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)

    data = client_as("referrer").get(url(referral)).json()

    assert data["allocated_to"] == {"id": link_worker.pk, "name": "Lina Worker"}
    assert data["snomed_code"] == SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING
    assert data["accepted_at"]


# --- POST /referrals/{id}/transitions -------------------------------------------------------


def transition(client, referral, **data):
    return client.post(f"{url(referral)}/transitions", data, format="json")


@pytest.mark.parametrize("role", sorted(ACCEPTS))
def test_it_lets_only_the_link_worker_service_accept(role, client_as, referral):
    response = transition(client_as(role), referral, status="accepted")

    assert response.status_code == ACCEPTS[role]
    assert response["Content-Type"] == "application/json"
    referral.refresh_from_db()
    assert referral.status == (Status.ACCEPTED if ACCEPTS[role] == 200 else Status.REQUESTED)


def test_it_accepts_through_the_service_and_returns_the_referral(client_as, link_worker, referral):
    response = transition(client_as("link_worker"), referral, status="accepted", note="Welcome")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "accepted"
    assert data["allocated_to"] == {"id": link_worker.pk, "name": "Lina Worker"}
    assert data["events"][-1]["note"] == "Welcome"
    entry = AuditEntry.objects.get(action="transition")
    assert (entry.actor, entry.channel, entry.detail) == (link_worker, "api", "requested->accepted")


def test_it_lets_the_referrer_withdraw_a_referral_nobody_has_accepted(client_as, referral):
    response = transition(
        client_as("referrer"), referral, status="cancelled", reason="withdrawn_by_referrer"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["events"][-1]["actor_organisation"] == "Millfield Surgery"


def test_it_refuses_a_move_the_state_machine_does_not_allow(client_as, referral):
    response = transition(client_as("link_worker"), referral, status="completed")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_it_refuses_an_unknown_status(client_as, referral):
    response = transition(client_as("link_worker"), referral, status="teleported")

    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["Unknown status"]}


def test_it_requires_a_reason_to_reject(client_as, referral):
    response = transition(client_as("link_worker"), referral, status="rejected")

    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Choose a reason"]}
    assert Referral.objects.get().status == Status.REQUESTED


def test_it_refuses_a_reason_that_does_not_fit_the_move(client_as, referral):
    response = transition(client_as("link_worker"), referral, status="rejected", reason="goals_met")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]


def test_it_lets_a_lead_allocate_to_a_colleague(client_as, colleague, referral):
    response = transition(client_as("lead"), referral, status="accepted", allocate_to=colleague.pk)

    assert response.status_code == 200
    assert response.json()["allocated_to"] == {"id": colleague.pk, "name": "Colin Colleague"}


def test_it_stops_a_link_worker_allocating_to_someone_else(client_as, colleague, referral):
    response = transition(
        client_as("link_worker"), referral, status="accepted", allocate_to=colleague.pk
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "allocate_to": ["Only a lead can allocate a referral to someone else"]
    }


def test_it_refuses_to_allocate_outside_the_team(client_as, outsider_link_worker, referral):
    response = transition(
        client_as("lead"), referral, status="accepted", allocate_to=outsider_link_worker.pk
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["allocate_to"]


def test_it_needs_a_status_to_move_to(client_as, referral):
    response = transition(client_as("link_worker"), referral, note="no status")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]
