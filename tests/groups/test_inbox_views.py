"""The provider inbox pages and the onward-referral API: scope and shared fields only."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cast import make_org, make_user, submit_referral
from linkwell.accounts.models import OrganisationKind, Role
from linkwell.accounts.services import api_token_create
from linkwell.audit.models import AuditEntry
from linkwell.casework.models import Case
from linkwell.groups.models import ServiceReferral
from linkwell.messaging.models import StaffNotification
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

from .conftest import refer_on

pytestmark = pytest.mark.django_db

NHS_NUMBER = "9434765919"
SURNAME = "Hassan"
PHONE_BITS = ("07700 900982", "+447700900982", "7700900982")


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def referral(referrer, practice, service):
    """The cast's referral, with an NHS number (so tests can prove it is never shared)."""
    return submit_referral(referrer, practice, nhs_number=NHS_NUMBER)


@pytest.fixture
def other_provider(db):
    org = make_org("Elsewhere Trust", OrganisationKind.VCSE)
    return make_user("other-provider@example.org", org, Role.PROVIDER)


@pytest.fixture
def web(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


@pytest.fixture
def api(request, db):
    def build(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return client

    return build


def assert_nothing_private(text, case):
    person = case.person
    assert SURNAME not in text and person.family_name not in text
    assert NHS_NUMBER not in text
    for bit in PHONE_BITS:
        assert bit not in text
    assert "1 Example Street" not in text


# ---- pages -----------------------------------------------------------------------------------


def test_the_inbox_lists_referrals_to_the_providers_services_only(
    web, onward, provider, referrer, link_worker, group, other_group, django_assert_max_num_queries
):
    for i in range(3):
        r = submit_referral(referrer, referrer.memberships.first().organisation)
        referral_transition(actor=link_worker, referral_id=r.pk, to_status=Status.ACCEPTED)
        refer_on(Case.objects.get(referral=r), group, link_worker, first_name=f"Person{i}")
    elsewhere = refer_on(Case.objects.get(referral=r), other_group, link_worker, first_name="Zed")
    client = web(provider)
    client.get("/groups/inbox/")  # warm up (session, memberships)
    with django_assert_max_num_queries(12):
        response = client.get("/groups/inbox/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Amina" in html and "Person2" in html and "Zed" not in html
    assert_nothing_private(html, onward.case)
    assert elsewhere.pk not in [r.pk for r in response.context["referrals"]]
    assert AuditEntry.objects.filter(action="list", person_id=onward.case.person_id).exists()


def test_the_inbox_filters_by_status_and_service(web, onward, provider, group):
    client = web(provider)
    response = client.get("/groups/inbox/", {"status": "accepted"})
    assert list(response.context["referrals"]) == []
    response = client.get("/groups/inbox/", {"status": "requested", "service": str(group.pk)})
    assert [r.pk for r in response.context["referrals"]] == [onward.pk]


def test_the_detail_shows_only_the_shared_fields(web, onward, provider):
    response = web(provider).get(f"/groups/inbox/{onward.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Amina" in html and "Step-free access" in html and "Keen on growing herbs." in html
    assert_nothing_private(html, onward.case)
    assert AuditEntry.objects.filter(
        action="view", object_id=str(onward.pk), person_id=onward.case.person_id
    ).exists()


def test_others_cannot_see_the_inbox_or_a_referral(
    web, onward, other_provider, link_worker, referrer, commissioner
):
    assert web(other_provider).get(f"/groups/inbox/{onward.pk}/").status_code == 404
    assert web(other_provider).get("/groups/inbox/").context["referrals"] == []
    for user in (link_worker, referrer, commissioner):
        assert web(user).get("/groups/inbox/").status_code == 403
        assert web(user).get(f"/groups/inbox/{onward.pk}/").status_code == 403


def test_the_provider_accepts_and_the_link_worker_sees_it_at_once(
    web, onward, provider, link_worker
):
    response = web(provider).post(f"/groups/inbox/{onward.pk}/respond/", {"response": "accepted"})
    assert response.status_code == 302
    onward.refresh_from_db()
    assert onward.status == Status.ACCEPTED
    assert StaffNotification.objects.filter(user=link_worker, kind="provider_replied").exists()
    page = web(link_worker).get(f"/casework/cases/{onward.case_id}/").content.decode()
    assert "Gardening and English for women" in page and "Accepted" in page


def test_declining_without_a_reason_is_refused_clearly(web, onward, provider):
    response = web(provider).post(f"/groups/inbox/{onward.pk}/respond/", {"response": "rejected"})
    assert response.status_code == 400
    assert "Choose why the referral is declined." in response.content.decode()
    onward.refresh_from_db()
    assert onward.status == Status.REQUESTED and not onward.events.filter(to_status="rejected")
    response = web(provider).post(
        f"/groups/inbox/{onward.pk}/respond/",
        {"response": "rejected", "reason": "capacity", "reason_text": "Full until spring"},
    )
    assert response.status_code == 302
    onward.refresh_from_db()
    assert (onward.status, onward.decline_reason) == (Status.REJECTED, "capacity")


def test_another_provider_cannot_answer(web, onward, other_provider):
    response = web(other_provider).post(
        f"/groups/inbox/{onward.pk}/respond/", {"response": "accepted"}
    )
    assert response.status_code == 404
    onward.refresh_from_db()
    assert onward.status == Status.REQUESTED


def test_after_accepting_the_provider_records_progress(web, onward, provider):
    client = web(provider)
    client.post(f"/groups/inbox/{onward.pk}/respond/", {"response": "accepted"})
    client.post(f"/groups/inbox/{onward.pk}/progress/", {"to_status": "in-progress"})
    client.post(f"/groups/inbox/{onward.pk}/progress/", {"to_status": "completed"})
    onward.refresh_from_db()
    assert onward.status == Status.COMPLETED and onward.closed_at is not None


def test_the_nav_shows_the_inbox_to_providers(web, provider, link_worker):
    assert "/groups/inbox/" in web(provider).get("/groups/").content.decode()


# ---- API -------------------------------------------------------------------------------------


def test_api_provider_list_has_shared_fields_only(api, onward, provider):
    response = api(provider).get("/api/v1/service-referrals")
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["id"] == onward.pk and item["shared"]["first_name"] == "Amina"
    assert "case" not in item
    assert_nothing_private(response.content.decode(), onward.case)


def test_api_link_worker_list_has_the_case(api, onward, link_worker, outsider_link_worker):
    (item,) = api(link_worker).get("/api/v1/service-referrals").json()["results"]
    assert item["case"] == onward.case_id
    assert api(outsider_link_worker).get("/api/v1/service-referrals").json()["results"] == []


def test_api_scope_for_detail(
    api, onward, provider, other_provider, outsider_link_worker, referrer, commissioner
):
    url = f"/api/v1/service-referrals/{onward.pk}"
    response = api(provider).get(url)
    assert response.status_code == 200
    assert [e["to_status"] for e in response.json()["events"]] == ["requested"]
    assert_nothing_private(response.content.decode(), onward.case)
    assert api(other_provider).get(url).status_code == 404
    assert api(outsider_link_worker).get(url).status_code == 404
    assert api(referrer).get(url).status_code == 403
    assert api(commissioner).get(url).status_code == 403
    assert api(commissioner).get("/api/v1/service-referrals").status_code == 403


def test_api_create_with_consent_and_idempotency(api, case, group, link_worker):
    body = {"service": str(group.pk), "share": ["first_name", "language"], "consent_given": True}
    client = api(link_worker)
    url = f"/api/v1/cases/{case.pk}/service-referrals"
    response = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["shared"]["first_name"] == case.person.given_name
    assert data["shared"]["contact_route"] == "" and data["shared"]["access_needs"] == ""
    assert data["shared"]["items"] == ["first_name", "language"]
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == data["id"]
    changed = client.post(url, {**body, "note": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert changed.status_code == 422
    assert ServiceReferral.objects.count() == 1


def test_api_create_refuses_without_consent_with_field_errors(api, case, group, link_worker):
    response = api(link_worker).post(
        f"/api/v1/cases/{case.pk}/service-referrals",
        {"service": str(group.pk), "share": ["first_name"]},
        format="json",
    )
    assert response.status_code == 400
    assert "consent" in response.json()["errors"]
    assert not ServiceReferral.objects.exists()


def test_api_create_scope(api, case, group, outsider_link_worker, provider, colleague):
    body = {"service": str(group.pk), "share": ["first_name"], "consent_given": True}
    url = f"/api/v1/cases/{case.pk}/service-referrals"
    assert api(outsider_link_worker).post(url, body, format="json").status_code == 404
    assert api(provider).post(url, body, format="json").status_code == 403
    assert api(colleague).post(url, body, format="json").status_code == 403


def test_api_responses(api, onward, provider, link_worker, other_provider):
    url = f"/api/v1/service-referrals/{onward.pk}/responses"
    response = api(provider).post(url, {"response": "rejected"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    assert api(other_provider).post(url, {"response": "accepted"}, format="json").status_code == 404
    assert api(link_worker).post(url, {"response": "accepted"}, format="json").status_code == 403
    response = api(provider).post(url, {"response": "on-hold"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "on-hold"
