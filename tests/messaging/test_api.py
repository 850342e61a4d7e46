"""Messaging over the API: a person's messages, failed messages and retry, my notifications."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cast import submit_referral
from linkwell.accounts.services import api_token_create
from linkwell.audit.models import AuditEntry
from linkwell.messaging.models import Message, MessageStatus, StaffNotification
from linkwell.messaging.notifications import notify_staff
from linkwell.messaging.services import message_queue
from linkwell.people.services import consent_record

pytestmark = pytest.mark.django_db
VALUES = {"phone": "0191 496 0000"}
SERVICE_TEAM = {"link_worker", "colleague", "lead"}
NOT_LINK_WORKERS = {"referrer", "provider", "editor", "commissioner", "nobody"}


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.LINKWELL_QUIET_HOURS = None


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
    return client


@pytest.fixture
def texter(referrer, practice, service):
    person = submit_referral(referrer, practice, contact_methods=["sms"]).person
    consent_record(person=person, purpose="contact_sms", given=True, method="verbal", actor=None)
    return person


@pytest.fixture
def failed(texter):
    message = message_queue(person=texter, template="tried_to_reach_you", personalisation=VALUES)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.PERMANENT_FAILURE, status_reason="provider_rejected"
    )
    return message


@pytest.mark.parametrize(
    "who", [*sorted(SERVICE_TEAM), *sorted(NOT_LINK_WORKERS), "outsider_link_worker"]
)
def test_a_persons_messages_are_for_their_service_only(request, texter, who):
    message_queue(person=texter, template="tried_to_reach_you", personalisation=VALUES)
    user = request.getfixturevalue(who)
    response = api(user).get(f"/api/v1/people/{texter.pk}/messages")
    if who in SERVICE_TEAM:
        assert response.status_code == 200
        (item,) = response.json()["results"]
        assert item["template"] == "tried_to_reach_you"
        assert item["channel"] == "sms" and item["language"] == "ar"
        assert item["sms_segments"] >= 1
        assert "((" not in item["body"]
        assert AuditEntry.objects.filter(
            actor=user, action="view", person_id=texter.pk, channel="api"
        ).exists()
    elif who in NOT_LINK_WORKERS:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_anonymous_gets_401():
    assert APIClient().get("/api/v1/messages/failed").status_code == 401
    assert APIClient().get("/api/v1/notifications").status_code == 401


def test_failed_messages_and_retry(failed, link_worker, outsider_link_worker):
    listed = api(link_worker).get("/api/v1/messages/failed").json()["results"]
    assert [m["id"] for m in listed] == [failed.pk]
    assert listed[0]["reason_label"] == "GOV.UK Notify rejected the message"
    assert api(outsider_link_worker).get("/api/v1/messages/failed").json()["results"] == []
    assert api(outsider_link_worker).post(f"/api/v1/messages/{failed.pk}/retry").status_code == 404
    response = api(link_worker).post(f"/api/v1/messages/{failed.pk}/retry")
    assert response.status_code == 200
    assert response.json()["status"] == "queued"
    again = api(link_worker).post(f"/api/v1/messages/{failed.pk}/retry")
    assert again.status_code == 403
    assert "detail" in again.json()


def test_failed_list_is_audited_and_in_few_queries(
    failed, link_worker, django_assert_max_num_queries
):
    client = api(link_worker)
    with django_assert_max_num_queries(12):
        client.get("/api/v1/messages/failed")
    assert AuditEntry.objects.filter(
        actor=link_worker, action="list", person_id=failed.person_id
    ).exists()


def test_my_notifications_only_and_mark_read(link_worker, colleague):
    StaffNotification.objects.all().delete()
    (mine,) = notify_staff(users=[link_worker], kind="other", title="Mine", email=False)
    (theirs,) = notify_staff(users=[colleague], kind="other", title="Theirs", email=False)
    listed = api(link_worker).get("/api/v1/notifications").json()["results"]
    assert [n["title"] for n in listed] == ["Mine"]
    assert api(link_worker).post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    response = api(link_worker).post(f"/api/v1/notifications/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_schema_documents_the_messaging_endpoints(client):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in (
        "/api/v1/people/{person_id}/messages",
        "/api/v1/messages/failed",
        "/api/v1/messages/{message_id}/retry",
        "/api/v1/notifications",
        "/api/v1/notifications/{notification_id}/read",
    ):
        assert path in paths
