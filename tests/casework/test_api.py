"""Casework over the API: same scope and rules as the pages."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from linkwell.accounts.services import api_token_create
from linkwell.audit.models import AuditEntry
from linkwell.referrals.models import Status


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_as(request, db):
    def build(role: str) -> APIClient:
        client = APIClient()
        user = request.getfixturevalue(role)
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return client

    return build


def test_a_link_worker_lists_their_cases(client_as, case):
    response = client_as("link_worker").get("/api/v1/cases")
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["id"] == case.pk and item["status"] == Status.IN_PROGRESS
    assert item["interpreter_needed"] is True
    assert AuditEntry.objects.filter(action="list", channel="api", person_id=case.person_id)


@pytest.mark.parametrize("who", ["referrer", "provider", "editor", "commissioner", "nobody"])
def test_other_roles_get_403(client_as, case, who):
    assert client_as(who).get("/api/v1/cases").status_code == 403
    assert client_as(who).get(f"/api/v1/cases/{case.pk}").status_code == 403


def test_another_service_gets_404(client_as, case):
    client = client_as("outsider_link_worker")
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert (
        client.post(
            f"/api/v1/cases/{case.pk}/contacts", {"mode": "phone", "minutes": 5}, format="json"
        ).status_code
        == 404
    )


def test_a_colleague_reads_but_may_not_write(client_as, case):
    client = client_as("colleague")
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    response = client.post(
        f"/api/v1/cases/{case.pk}/contacts", {"mode": "phone", "minutes": 5}, format="json"
    )
    assert response.status_code == 403


def test_the_whole_journey_over_the_api(client_as, case):
    client = client_as("link_worker")
    base = f"/api/v1/cases/{case.pk}"
    response = client.post(
        f"{base}/contacts", {"mode": "video", "minutes": 25, "notes": "First chat"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["contacts"][0]["minutes"] == 25

    review = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        f"{base}/goals",
        {"version": 0, "wording": "Make a friend", "review_on": review},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["plan_version"] == 1 and body["next_action_due"] == review
    goal_id = body["goals"][0]["id"]

    response = client.post(f"{base}/goals/{goal_id}/progress", {"score": 4}, format="json")
    assert response.status_code == 201
    assert response.json()["goals"][0]["progress"][0]["score"] == 4

    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(f"{base}/follow-ups", {"due": due, "what": "Ring"}, format="json")
    assert response.status_code == 201

    response = client.post(
        f"{base}/discharge", {"reason": "goals_met", "summary": "Made a friend"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.COMPLETED
    assert response.json()["discharge_reason"] == "goals_met"

    response = client.post(
        f"{base}/discharge", {"reason": "goals_met", "summary": "Again"}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("contacts", {"mode": "phone", "minutes": -1}, "minutes"),
        ("contacts", {"mode": "phone", "minutes": 481}, "minutes"),
        ("goals", {"version": 0, "wording": ""}, "wording"),
        ("goals", {"version": 0, "wording": "x", "review_on": "2000-01-01"}, "review_on"),
        ("follow-ups", {"due": "2000-01-01", "what": "x"}, "due"),
        ("discharge", {"reason": "unable_to_contact", "summary": "x"}, "reason"),
    ],
)
def test_bad_input_is_a_400_on_the_field(client_as, case, path, body, field):
    response = client_as("link_worker").post(f"/api/v1/cases/{case.pk}/{path}", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
