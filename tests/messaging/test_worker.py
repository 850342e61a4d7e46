"""The worker against a fake GOV.UK Notify over real HTTP: errors, timeouts, crashes, receipts."""

import datetime
import json

import pytest
from django.utils import timezone

from cast import submit_referral
from linkwell.messaging import worker
from linkwell.messaging.channels import ConsoleChannel
from linkwell.messaging.models import Message, MessageStatus
from linkwell.messaging.quiet_hours import parse_quiet_hours
from linkwell.messaging.services import message_queue, message_record_receipt
from linkwell.people.services import consent_record

pytestmark = pytest.mark.django_db

VALUES = {"phone": "0191 496 0000"}


@pytest.fixture
def texter(referrer, practice, service):
    """A person who chose texts and agreed to them."""
    person = submit_referral(referrer, practice, contact_methods=["sms"], language="so").person
    consent_record(person=person, purpose="contact_sms", given=True, method="verbal", actor=None)
    return person


def queue(person, n=1):
    return [
        message_queue(person=person, template="tried_to_reach_you", personalisation=VALUES)
        for _ in range(n)
    ]


def drain(rounds=20):
    for _ in range(rounds):
        worker.send_due_messages()


def test_it_sends_a_text_through_notify_with_the_message_uuid_as_reference(notify, texter):
    (message,) = queue(texter)
    assert worker.send_due_messages() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    (post,) = notify.posts
    assert post["type"] == "sms"
    assert post["phone_number"] == "+447700900982"
    assert post["reference"] == str(message.uuid)
    assert post["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert post["personalisation"]["body"].startswith("Salaan Amina")
    assert message.provider_reference in notify.notifications


def test_it_sends_emails_and_letters_too(notify, referrer, practice, service):
    emailer = submit_referral(
        referrer, practice, contact_methods=["email"], email="a@example.org"
    ).person
    writer = submit_referral(
        referrer, practice, contact_methods=["letter"], communication_needs=["large_print"]
    ).person
    queue(emailer)
    queue(writer)
    drain(1)
    by_type = {p["type"]: p for p in notify.posts}
    assert by_type["email"]["email_address"] == "a@example.org"
    letter = by_type["letter"]
    assert letter["personalisation"]["address_line_1"] == writer.full_name
    assert letter["personalisation"]["address_line_3"] == "SR1 1AA"
    assert letter["template_id"] == "1c9e2b7a-4f3d-4b8e-9a61-2e5d7c8b9f00"  # large print
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


@pytest.mark.parametrize("status", [429, 500, 503])
def test_temporary_errors_are_retried_later_with_backoff(settings, notify, texter, status):
    settings.LINKWELL_MESSAGING_RETRY_SECONDS = 60
    notify.fail_next(status)
    (message,) = queue(texter)
    worker.send_due_messages()
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert message.error_detail.startswith(f"HTTP {status}")
    wait = message.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=25) < wait <= datetime.timedelta(seconds=60)
    assert worker.send_due_messages() == 0  # not due yet
    assert notify.posts == []


@pytest.mark.parametrize(("status", "reason"), [(400, "provider_rejected"), (403, "provider_auth")])
def test_permanent_errors_stop_and_show_to_staff(notify, texter, status, reason):
    notify.fail_next(status)
    (message,) = queue(texter)
    drain(3)
    message.refresh_from_db()
    assert message.status == MessageStatus.PERMANENT_FAILURE
    assert message.status_reason == reason
    assert message.attempts == 1
    assert message.failed_at is not None
    assert message.is_failed
    # The error class is kept; Notify's message text (which can echo a recipient) is not.
    assert "team-only" not in message.error_detail and "token" not in message.error_detail


def test_a_timeout_is_a_temporary_failure(notify, texter):
    notify.fail_next("hang")
    (message,) = queue(texter)
    worker.send_due_messages()
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.status_reason == "provider_unavailable"


def test_after_a_period_of_errors_every_message_is_delivered_exactly_once(notify, texter):
    messages = queue(texter, n=5)
    # Notify is down for a while: a mixture of 500s, rate limits and a timeout.
    notify.fail_next(500, times=6)
    notify.fail_next(429, times=3)
    notify.fail_next("hang")
    notify.fail_next(502, times=2)
    drain()
    assert notify.failures == []
    references = notify.sent_references()
    assert sorted(references) == sorted(str(m.uuid) for m in messages)
    assert len(set(references)) == len(references) == 5
    for message in messages:
        message.refresh_from_db()
        assert message.status == MessageStatus.SENT
        assert message.provider_reference in notify.notifications


def test_retries_stop_after_the_maximum_and_the_message_is_shown_to_staff(settings, notify, texter):
    settings.LINKWELL_MESSAGING_MAX_ATTEMPTS = 3
    notify.fail_next(500, times=10)
    (message,) = queue(texter)
    drain(5)
    message.refresh_from_db()
    assert message.status == MessageStatus.TEMPORARY_FAILURE
    assert message.attempts == 3
    assert message.status_reason == "provider_unavailable"


def test_a_crash_after_sending_does_not_send_twice(notify, texter, monkeypatch):
    (message,) = queue(texter)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("worker killed after the HTTP call")

    monkeypatch.setattr(worker, "_record_sent", killed)
    with pytest.raises(KeyboardInterrupt):
        worker.send_due_messages()
    monkeypatch.undo()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING  # nothing recorded
    assert len(notify.posts) == 1

    # Still leased: another worker leaves it alone.
    assert worker.send_due_messages() == 0
    # The lease runs out; the next worker asks Notify by reference before sending.
    Message.objects.filter(pk=message.pk).update(
        claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert worker.send_due_messages() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    assert len(notify.posts) == 1
    assert message.provider_reference == next(iter(notify.notifications))
    assert ("GET", f"/v2/notifications?reference={message.uuid}") in notify.requests


def test_an_error_after_sending_is_retried_by_lookup_not_by_sending_again(
    notify, texter, monkeypatch
):
    (message,) = queue(texter)
    real = worker._record_sent
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(worker, "_record_sent", flaky)
    with pytest.raises(RuntimeError):
        worker.send_due_messages()
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now())
    drain(3)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(notify.posts) == 1


def test_a_retry_that_finds_nothing_at_notify_sends(notify, texter):
    (message,) = queue(texter)
    # Claimed and then lost before the HTTP call was made.
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING,
        attempts=1,
        send_attempted=True,
        claimed_until=timezone.now() - datetime.timedelta(seconds=1),
    )
    drain(2)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(notify.posts) == 1


def test_without_an_api_key_nothing_is_sent_and_staff_see_why(settings, notify, texter):
    settings.NOTIFY_API_KEY = ""
    (message,) = queue(texter)
    drain(1)
    message.refresh_from_db()
    assert message.status == MessageStatus.PERMANENT_FAILURE
    assert message.status_reason == "notify_not_configured"


def test_a_text_due_in_quiet_hours_is_held_without_using_an_attempt(
    settings, notify, texter, monkeypatch
):
    (message,) = queue(texter)
    settings.LINKWELL_QUIET_HOURS = parse_quiet_hours("21:00-08:00")
    late = datetime.datetime(2026, 1, 5, 23, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=late)
    worker.send_due_messages()
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 0
    assert message.next_attempt_at == datetime.datetime(2026, 1, 6, 8, 0, tzinfo=datetime.UTC)
    assert notify.posts == []


def test_the_console_channel_writes_the_message_to_a_file_not_the_log(console, texter, caplog):
    (message,) = queue(texter)
    worker.send_due_messages()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    text = (console / f"{message.uuid}.txt").read_text(encoding="utf-8")
    assert "Language: so" in text
    assert "Salaan Amina" in text
    assert "+447700900982" in text
    assert "Amina" not in caplog.text and "+44" not in caplog.text


def test_the_console_channel_finds_what_it_already_wrote(console, texter):
    (message,) = queue(texter)
    channel = ConsoleChannel()
    assert channel.find(message) is None
    worker.send_due_messages()
    assert channel.find(message) is not None


# --- delivery receipts ------------------------------------------------------------------------


def test_a_delivery_receipt_marks_the_message_delivered(notify, texter):
    (message,) = queue(texter)
    worker.send_due_messages()
    message.refresh_from_db()
    assert message_record_receipt(
        reference=str(message.uuid),
        provider_reference=message.provider_reference,
        status="delivered",
    )
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at is not None


def test_a_failed_delivery_receipt_shows_to_staff(notify, texter):
    (message,) = queue(texter)
    worker.send_due_messages()
    message.refresh_from_db()
    message_record_receipt(
        reference="", provider_reference=message.provider_reference, status="permanent-failure"
    )
    message.refresh_from_db()
    assert message.status == MessageStatus.PERMANENT_FAILURE
    assert message.status_reason == "delivery_failed"


@pytest.fixture
def callback_token(settings):
    settings.NOTIFY_CALLBACK_TOKEN = "a-long-callback-token-1234"
    return settings.NOTIFY_CALLBACK_TOKEN


def test_the_callback_endpoint_needs_the_bearer_token(client, callback_token, texter):
    (message,) = queue(texter)
    body = json.dumps({"id": "x", "reference": str(message.uuid), "status": "delivered"})
    url = "/messaging/notify/callback"
    assert client.post(url, body, content_type="application/json").status_code == 401
    wrong = client.post(
        url, body, content_type="application/json", headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    ok = client.post(
        url,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {callback_token}"},
    )
    assert ok.status_code == 200 and ok.json() == {"matched": True}
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_the_callback_is_off_without_a_token(client, settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    response = client.post(
        "/messaging/notify/callback",
        "{}",
        content_type="application/json",
        headers={"Authorization": "Bearer "},
    )
    assert response.status_code == 401


def test_the_task_sends_due_messages(notify, texter):
    from linkwell.messaging.tasks import send_due_messages

    queue(texter)
    assert send_due_messages.call() == 1
    assert len(notify.posts) == 1


def test_a_somali_self_referral_writes_a_somali_confirmation_with_its_reference_to_the_outbox(
    console, service
):
    from linkwell.people.services import PersonDetails
    from linkwell.referrals.models import Source
    from linkwell.referrals.services import ReferralDetails, referral_submit

    referral, _ = referral_submit(
        actor=None,
        source=Source.SELF,
        details=ReferralDetails(needs=["loneliness"], consent_confirmed=True),
        person_details=PersonDetails(
            given_name="Hodan",
            phone="07700 900123",
            postcode="SR1 1AA",
            language="so",
            contact_methods=["sms"],
        ),
        consents={"contact_sms": True},
        channel="self-referral",
    )
    assert worker.send_due_messages() == 1
    (path,) = console.iterdir()
    text = path.read_text(encoding="utf-8")
    assert "Salaan Hodan." in text
    assert f"Lambarkaaga tixraaca waa {referral.reference}." in text
    assert "Language: so" in text


def test_the_demo_outbox_is_written_only_with_the_console_channel(settings, notify, texter):
    from linkwell.messaging.demo import demo_send_outbox

    queue(texter)
    assert demo_send_outbox() == 0
    assert notify.posts == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_exactly_once(notify, referrer, practice, service):
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is shared by threads without locking")
    person = submit_referral(referrer, practice, contact_methods=["sms"]).person
    consent_record(person=person, purpose="contact_sms", given=True, method="verbal", actor=None)
    messages = queue(person, n=30)
    notify.fail_next(500, times=4)
    errors = []

    def run():
        try:
            for _ in range(15):
                worker.send_due_messages(limit=3)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    references = notify.sent_references()
    assert sorted(references) == sorted(str(m.uuid) for m in messages)
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 30
