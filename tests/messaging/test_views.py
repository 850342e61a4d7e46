"""Staff pages: message log per person, failed messages with retry, and calls to make."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cast import submit_referral
from linkwell.audit.models import AuditEntry
from linkwell.messaging import worker
from linkwell.messaging.models import CallTask, CallTaskStatus, Message, MessageStatus
from linkwell.messaging.services import message_queue
from linkwell.people.services import consent_record
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

pytestmark = pytest.mark.django_db

ALL_CAST = [
    "referrer",
    "other_referrer",
    "link_worker",
    "colleague",
    "lead",
    "outsider_link_worker",
    "provider",
    "editor",
    "commissioner",
    "nobody",
]
SERVICE_TEAM = {"link_worker", "colleague", "lead"}
NOT_LINK_WORKERS = {"referrer", "other_referrer", "provider", "editor", "commissioner", "nobody"}
VALUES = {"phone": "0191 496 0000"}


@pytest.fixture(autouse=True)
def _quiet(settings, console):
    settings.LINKWELL_QUIET_HOURS = None


@pytest.fixture
def caller(referrer, practice, service):
    """A phone-only person with an open call task."""
    person = submit_referral(
        referrer,
        practice,
        contact_methods=["phone"],
        no_voicemail=True,
        safe_times_to_call="Weekday mornings",
    ).person
    message_queue(person=person, template="tried_to_reach_you", personalisation=VALUES)
    return person


@pytest.fixture
def failed_message(referrer, practice, service):
    person = submit_referral(referrer, practice, contact_methods=["sms"]).person
    consent_record(person=person, purpose="contact_sms", given=True, method="verbal", actor=None)
    message = message_queue(person=person, template="tried_to_reach_you", personalisation=VALUES)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.PERMANENT_FAILURE,
        status_reason="provider_rejected",
        error_detail="HTTP 400 BadRequestError",
        attempts=1,
        send_attempted=True,
    )
    return message


def sign_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["messaging:failed", "messaging:calls"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ALL_CAST)
def test_the_message_log_is_for_the_persons_link_worker_service_only(request, client, caller, who):
    user = request.getfixturevalue(who)
    response = sign_in(client, user).get(reverse("messaging:person", args=[caller.pk]))
    if who in SERVICE_TEAM:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Phone call by a link worker" in body
        assert "Salaan" not in body and "مرحبًا" in body  # cast people read Arabic
    elif who in NOT_LINK_WORKERS:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_reading_the_message_log_is_audited(client, caller, link_worker):
    sign_in(client, link_worker).get(reverse("messaging:person", args=[caller.pk]))
    assert AuditEntry.objects.filter(
        actor=link_worker, action="view", object_type="people.person", person_id=caller.pk
    ).exists()


def test_an_unknown_person_is_not_found(client, link_worker):
    assert (
        sign_in(client, link_worker).get(reverse("messaging:person", args=[999999])).status_code
        == 404
    )


@pytest.mark.parametrize("who", ALL_CAST)
def test_the_failed_queue_shows_only_the_services_messages(request, client, failed_message, who):
    user = request.getfixturevalue(who)
    response = sign_in(client, user).get(reverse("messaging:failed"))
    if who in NOT_LINK_WORKERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shown = failed_message.person.full_name in response.content.decode()
    assert shown == (who in SERVICE_TEAM)


def test_the_failed_queue_says_what_went_wrong_and_audits_the_list(client, failed_message, lead):
    body = sign_in(client, lead).get(reverse("messaging:failed")).content.decode()
    assert "GOV.UK Notify rejected the message" in body
    assert "HTTP 400 BadRequestError" in body
    assert AuditEntry.objects.filter(
        actor=lead, action="list", person_id=failed_message.person_id
    ).exists()


def test_the_failed_queue_lists_in_a_fixed_number_of_queries(
    client, referrer, practice, service, link_worker, django_assert_max_num_queries
):
    def make(n):
        for _ in range(n):
            person = submit_referral(
                referrer, practice, contact_methods=["email"], email="x@example.org"
            ).person
            message = message_queue(
                person=person, template="tried_to_reach_you", personalisation=VALUES
            )
            Message.objects.filter(pk=message.pk).update(status=MessageStatus.PERMANENT_FAILURE)

    make(2)
    sign_in(client, link_worker)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("messaging:failed"))
    make(8)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("messaging:failed"))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ALL_CAST)
def test_only_the_service_team_can_retry(request, client, failed_message, who):
    user = request.getfixturevalue(who)
    response = sign_in(client, user).post(reverse("messaging:retry", args=[failed_message.pk]))
    failed_message.refresh_from_db()
    if who in SERVICE_TEAM:
        assert response.status_code == 302
        assert failed_message.status == MessageStatus.QUEUED
    else:
        assert response.status_code == (403 if who in NOT_LINK_WORKERS else 404)
        assert failed_message.status == MessageStatus.PERMANENT_FAILURE


def test_retry_sends_again_once(client, failed_message, link_worker):
    sign_in(client, link_worker).post(reverse("messaging:retry", args=[failed_message.pk]))
    assert worker.send_due_messages() == 1
    failed_message.refresh_from_db()
    assert failed_message.status == MessageStatus.SENT
    assert failed_message.attempts == 1
    assert AuditEntry.objects.filter(
        actor=link_worker, object_type="messaging.message", detail="retry"
    ).exists()


def test_a_message_that_is_not_failed_cannot_be_retried(client, failed_message, link_worker):
    Message.objects.filter(pk=failed_message.pk).update(status=MessageStatus.SENT)
    response = sign_in(client, link_worker).post(
        reverse("messaging:retry", args=[failed_message.pk])
    )
    assert response.status_code == 403


def test_retrying_with_still_no_route_explains_and_keeps_it_in_the_queue(
    client, referrer, practice, service, link_worker
):
    person = submit_referral(
        referrer, practice, contact_methods=["email"], email="x@example.org"
    ).person
    person.email = person.phone = person.address_line_1 = ""
    person.save()
    message = message_queue(person=person, template="tried_to_reach_you", personalisation=VALUES)
    assert message.status == MessageStatus.SKIPPED
    response = sign_in(client, link_worker).post(
        reverse("messaging:retry", args=[message.pk]), follow=True
    )
    assert "still no way to contact" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.SKIPPED


def test_retry_is_post_only(client, failed_message, link_worker):
    response = sign_in(client, link_worker).get(
        reverse("messaging:retry", args=[failed_message.pk])
    )
    assert response.status_code == 405


@pytest.mark.parametrize("who", ALL_CAST)
def test_call_tasks_show_to_the_service_team(request, client, caller, who):
    user = request.getfixturevalue(who)
    response = sign_in(client, user).get(reverse("messaging:calls"))
    if who in NOT_LINK_WORKERS:
        assert response.status_code == 403
        return
    body = response.content.decode()
    assert (caller.full_name in body) == (who in SERVICE_TEAM)


def test_a_call_task_shows_no_voicemail_and_safe_times(client, caller, link_worker):
    body = sign_in(client, link_worker).get(reverse("messaging:calls")).content.decode()
    assert "Do not leave voicemail" in body
    assert "Weekday mornings" in body
    assert "07700 900982" in body


def test_an_allocated_call_shows_to_its_link_worker_and_the_lead_only(
    client, referrer, practice, service, link_worker, colleague, lead
):
    referral = submit_referral(referrer, practice, contact_methods=["phone"])
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    message_queue(person=referral.person, template="tried_to_reach_you", personalisation=VALUES)
    name = referral.person.full_name
    assert name in sign_in(client, link_worker).get(reverse("messaging:calls")).content.decode()
    assert name in sign_in(client, lead).get(reverse("messaging:calls")).content.decode()
    assert name not in sign_in(client, colleague).get(reverse("messaging:calls")).content.decode()


def test_done_closes_the_call_and_marks_the_message_delivered(client, caller, link_worker):
    task = CallTask.objects.get(person=caller)
    response = sign_in(client, link_worker).post(
        reverse("messaging:call_record", args=[task.pk]), {"outcome": "done"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == CallTaskStatus.DONE and task.done_by == link_worker
    assert task.message.status == MessageStatus.DELIVERED
    assert (
        sign_in(client, link_worker)
        .post(reverse("messaging:call_record", args=[task.pk]), {"outcome": "done"})
        .status_code
        == 403
    )


def test_no_answer_keeps_the_call_open_and_counts(client, caller, link_worker):
    task = CallTask.objects.get(person=caller)
    sign_in(client, link_worker).post(
        reverse("messaging:call_record", args=[task.pk]), {"outcome": "no_answer"}
    )
    task.refresh_from_db()
    assert task.status == CallTaskStatus.OPEN and task.no_answer_count == 1
    body = client.get(reverse("messaging:calls")).content.decode()
    assert "1 call not answered" in body


@pytest.mark.parametrize("who", ["outsider_link_worker", "referrer"])
def test_others_cannot_record_calls(request, client, caller, who):
    task = CallTask.objects.get(person=caller)
    response = sign_in(client, request.getfixturevalue(who)).post(
        reverse("messaging:call_record", args=[task.pk]), {"outcome": "done"}
    )
    assert response.status_code in (403, 404)
    task.refresh_from_db()
    assert task.status == CallTaskStatus.OPEN


def test_an_unknown_outcome_is_refused(client, caller, link_worker):
    task = CallTask.objects.get(person=caller)
    response = sign_in(client, link_worker).post(
        reverse("messaging:call_record", args=[task.pk]), {"outcome": "maybe"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ALL_CAST)
def test_editors_and_link_workers_see_every_template_with_its_text_length(request, client, who):
    response = sign_in(client, request.getfixturevalue(who)).get(reverse("messaging:templates"))
    if who not in SERVICE_TEAM | {"outsider_link_worker", "editor"}:
        assert response.status_code == 403
        return
    body = response.content.decode()
    assert "Lambarkaaga tixraaca waa LW-ABC234" in body
    assert "UCS-2" in body and "GSM-7" in body
    assert 'lang="ar" dir="rtl"' in body


def test_a_staff_member_can_be_sent_an_email(console, service, link_worker):
    message = message_queue(
        user=link_worker,
        template="new_referral",
        personalisation={"reference": "LW-ABC234", "service": service.name},
        service=service,
    )
    assert message.channel == "email" and message.to_address == link_worker.email
    worker.send_due_messages()
    text = (console / f"{message.uuid}.txt").read_text()
    assert "A new referral LW-ABC234 is waiting" in text
