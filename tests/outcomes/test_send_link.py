"""Self-completion links sent through the messaging outbox, by the person's preferences."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from linkwell.accounts.services import api_token_create
from linkwell.audit.models import AuditEntry
from linkwell.messaging.models import CallTask, Message
from linkwell.outcomes.models import Measurement, SelfCompletionLink
from linkwell.people.models import Consent

pytestmark = pytest.mark.django_db

ONS4 = {"life_satisfaction": 6, "worthwhile": 7, "happiness": 5, "anxiety": 2}


def _make(client, referral, delivery="send"):
    return client.post(
        reverse("outcomes:link-create", args=[referral.pk]),
        {"instrument": "ONS4", "timepoint": "follow_up_12w", "delivery": delivery},
    )


def _texting(person, link_worker):
    person.contact_methods = ["sms"]
    person.phone_is_shared = False
    person.save()
    Consent.objects.create(
        person=person, purpose="contact_sms", given=True, method="verbal", recorded_by=link_worker
    )


def _token_from(message: Message) -> str:
    return re.search(r"/q/([^/]+)/$", message.personalisation["link"])[1]


def test_the_form_says_how_the_link_would_reach_the_person(accepted, client, link_worker):
    client.force_login(link_worker)
    html = client.get(reverse("outcomes:referral", args=[accepted.pk])).content.decode()
    assert "they take phone calls only, so a call task is made" in html  # the cast: phone only


def test_a_phone_only_person_gets_a_call_task(accepted, client, link_worker):
    client.force_login(link_worker)
    response = _make(client, accepted)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/q/" not in html  # a sent link is never shown
    message = Message.objects.get(template="questionnaire_link")
    assert message.channel == "call_task" and message.person_id == accepted.person_id
    task = CallTask.objects.get(message=message)
    assert task.assigned_to_id == link_worker.pk
    assert "call task" in html


def test_a_person_who_prefers_texts_gets_one_and_completes_from_it(accepted, client, link_worker):
    _texting(accepted.person, link_worker)
    client.force_login(link_worker)
    html = _make(client, accepted).content.decode()
    assert "The link is on its way: Text message." in html
    message = Message.objects.get(template="questionnaire_link")
    assert message.channel == "sms" and message.status in ("queued",)
    token = _token_from(message)
    assert SelfCompletionLink.objects.get().token_hash != token
    client.logout()
    done = client.post(
        reverse("outcomes_public:complete", args=[token]),
        {f"answer_{k}": v for k, v in ONS4.items()},
    )
    assert done.status_code == 200
    assert Measurement.objects.get().mode == "self"


def test_no_contact_route_is_said_plainly(accepted, client, link_worker):
    person = accepted.person
    person.contact_methods = ["email"]
    person.email = ""
    person.phone = ""
    person.save()
    client.force_login(link_worker)
    html = _make(client, accepted).content.decode()
    assert Message.objects.get(template="questionnaire_link").status == "skipped"
    assert "Not sent" in html


def test_showing_the_link_queues_nothing(accepted, client, link_worker):
    client.force_login(link_worker)
    html = _make(client, accepted, delivery="show").content.decode()
    assert re.search(r'value="http://testserver/q/[^"]+/"', html)
    assert not Message.objects.filter(template="questionnaire_link").exists()


def test_choosing_no_delivery_makes_no_link(accepted, client, link_worker):
    client.force_login(link_worker)
    response = client.post(
        reverse("outcomes:link-create", args=[accepted.pk]),
        {"instrument": "ONS4", "timepoint": "follow_up_12w"},
    )
    assert response.status_code == 302
    assert not SelfCompletionLink.objects.exists()


def test_the_token_is_never_in_the_audit_log(accepted, client, link_worker):
    _texting(accepted.person, link_worker)
    client.force_login(link_worker)
    _make(client, accepted)
    token = _token_from(Message.objects.get(template="questionnaire_link"))
    for entry in AuditEntry.objects.all():
        assert token not in f"{entry.detail} {entry.object_id}"


def test_the_api_sends_a_link(accepted, link_worker):
    cache.clear()
    _texting(accepted.person, link_worker)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=link_worker)}")
    response = client.post(
        f"/api/v1/referrals/{accepted.pk}/measurement-links",
        {"instrument": "ONS4", "timepoint": "baseline", "send": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["message_channel"] == "sms" and body["message_status"] == "queued"
    message = Message.objects.get(pk=body["message"])
    assert message.personalisation["link"] == body["url"]
