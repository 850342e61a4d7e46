"""message_queue: the person's choices decide the channel, and every decision is recorded."""

import datetime

import pytest
from django.utils import timezone

from cast import submit_referral
from linkwell.audit.models import AuditEntry
from linkwell.messaging.models import CallTask, Channel, Message, MessageStatus
from linkwell.messaging.quiet_hours import parse_quiet_hours
from linkwell.messaging.services import message_queue
from linkwell.people.services import PersonDetails, consent_record
from linkwell.referrals.models import Source, Status
from linkwell.referrals.services import ReferralDetails, referral_submit, referral_transition

pytestmark = pytest.mark.django_db

TRIED = {"phone": "0191 496 0000"}


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings, service):
    settings.LINKWELL_QUIET_HOURS = None


def person_with(referrer, practice, *, sms_consent=None, **overrides):
    referral = submit_referral(referrer, practice, **overrides)
    person = referral.person
    if sms_consent is not None:
        consent_record(
            person=person, purpose="contact_sms", given=sms_consent, method="verbal", actor=None
        )
    return person, referral


def queue(person, related=None, template="tried_to_reach_you", **values):
    return message_queue(
        person=person, template=template, personalisation={**TRIED, **values}, related=related
    )


def test_phone_only_makes_a_call_task_for_the_allocated_link_worker_not_a_text(
    referrer, practice, link_worker
):
    person, referral = person_with(referrer, practice, contact_methods=["phone"], sms_consent=True)
    referral = referral_transition(
        actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED
    )
    message = queue(person, related=referral)
    assert message.channel == Channel.CALL_TASK
    assert message.channel_notes == ["phone_only"]
    task = CallTask.objects.get(message=message)
    assert task.assigned_to == link_worker
    assert task.service_id == referral.service_id


def test_a_text_goes_to_a_mobile_with_consent(referrer, practice):
    person, _ = person_with(referrer, practice, contact_methods=["sms"], sms_consent=True)
    message = queue(person)
    assert message.channel == Channel.SMS
    assert message.to_address == "+447700900982"
    assert message.status == MessageStatus.QUEUED
    assert message.next_attempt_at <= timezone.now()


def test_without_text_consent_it_falls_back_to_the_next_choice_and_says_why(referrer, practice):
    person, _ = person_with(
        referrer, practice, contact_methods=["sms", "email"], email="amina@example.org"
    )
    message = queue(person)
    assert message.channel == Channel.EMAIL
    assert message.to_address == "amina@example.org"
    assert message.channel_notes == ["sms_no_consent"]


def test_withdrawn_consent_is_the_latest_word(referrer, practice):
    person, _ = person_with(referrer, practice, contact_methods=["sms"], sms_consent=True)
    consent_record(person=person, purpose="contact_sms", given=False, method="online", actor=None)
    message = queue(person)
    assert message.channel == Channel.CALL_TASK
    assert message.channel_notes == ["sms_no_consent", "no_written_channel"]


def test_no_texts_to_a_shared_phone(referrer, practice):
    person, _ = person_with(
        referrer,
        practice,
        contact_methods=["sms", "letter"],
        phone_is_shared=True,
        sms_consent=True,
    )
    message = queue(person)
    assert message.channel == Channel.LETTER
    assert message.channel_notes == ["sms_shared_phone"]


def test_no_texts_to_a_landline(referrer, practice):
    person, _ = person_with(
        referrer,
        practice,
        contact_methods=["sms", "letter"],
        phone="0191 496 0000",
        sms_consent=True,
    )
    message = queue(person)
    assert message.channel == Channel.LETTER
    assert message.channel_notes == ["sms_not_mobile"]


def test_a_letter_uses_the_postal_address_and_large_print_when_needed(referrer, practice):
    person, _ = person_with(
        referrer,
        practice,
        contact_methods=["letter"],
        address_line_2="Hendon",
        communication_needs=["large_print"],
    )
    message = queue(person)
    assert message.channel == Channel.LETTER
    assert message.large_print
    lines = message.to_address.split("\n")
    assert lines[0] == person.full_name
    assert lines[1:3] == ["1 Example Street", "Hendon"]
    assert lines[-1] == "SR1 1AA"


def test_a_letter_without_an_address_falls_back_to_a_call(referrer, practice):
    person, _ = person_with(referrer, practice, contact_methods=["letter"])
    person.address_line_1 = ""  # moved out; the new address is not known yet
    message = queue(person)
    assert message.channel == Channel.CALL_TASK
    assert message.channel_notes == ["letter_no_address", "no_written_channel"]


def test_with_no_way_to_reach_the_person_it_is_kept_and_shown_as_not_sent(referrer, practice):
    person, _ = person_with(referrer, practice, contact_methods=["email"], email="a@example.org")
    person.email, person.phone, person.address_line_1 = "", "", ""  # all gone out of date
    message = queue(person)
    assert message.status == MessageStatus.SKIPPED
    assert message.status_reason == "no_contact_route"
    assert message.channel_notes == ["email_no_address", "phone_no_number"]
    assert not CallTask.objects.exists()


def test_the_message_is_in_the_persons_language(referrer, practice):
    person, _ = person_with(
        referrer, practice, contact_methods=["sms"], language="pl", sms_consent=True
    )
    message = queue(person)
    assert message.language == "pl"
    assert not message.language_fell_back


def test_a_language_without_a_translation_falls_back_to_english_and_is_flagged(referrer, practice):
    person, _ = person_with(
        referrer, practice, contact_methods=["sms"], language="ti", sms_consent=True
    )
    message = queue(person)
    assert message.language == "ti"
    assert message.language_fell_back
    assert "language_fallback" in message.channel_notes


def test_texts_in_quiet_hours_wait_until_morning(settings, referrer, practice, monkeypatch):
    settings.LINKWELL_QUIET_HOURS = parse_quiet_hours("21:00-08:00")
    late = datetime.datetime(2026, 1, 5, 22, 15, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    person, _ = person_with(referrer, practice, contact_methods=["sms"], sms_consent=True)
    message = queue(person)
    assert message.next_attempt_at == datetime.datetime(2026, 1, 6, 8, 0, tzinfo=datetime.UTC)
    assert message.status_reason == "quiet_hours"


def test_quiet_hours_do_not_hold_emails(settings, referrer, practice, monkeypatch):
    settings.LINKWELL_QUIET_HOURS = parse_quiet_hours("21:00-08:00")
    late = datetime.datetime(2026, 1, 5, 22, 15, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    person, _ = person_with(referrer, practice, contact_methods=["email"], email="a@example.org")
    assert queue(person).next_attempt_at == late


def test_missing_personalisation_is_a_programming_error_that_names_fields_only(referrer, practice):
    person, _ = person_with(referrer, practice)
    with pytest.raises(ValueError, match=r"\['phone'\]"):
        message_queue(person=person, template="tried_to_reach_you", personalisation={})


def test_queueing_is_audited_without_personal_data(referrer, practice):
    person, _ = person_with(referrer, practice, contact_methods=["sms"], sms_consent=True)
    message = queue(person)
    entry = AuditEntry.objects.get(object_type="messaging.message", object_id=str(message.pk))
    assert entry.person_id == person.pk
    assert "0191" not in entry.detail and person.given_name not in entry.detail


def test_a_self_referral_queues_a_confirmation_in_the_persons_language(service):
    referral, _ = referral_submit(
        actor=None,
        source=Source.SELF,
        details=ReferralDetails(needs=["loneliness"], consent_confirmed=True),
        person_details=PersonDetails(
            given_name="Hodan",
            family_name="Warsame",
            phone="07700 900123",
            postcode="SR1 1AA",
            language="so",
            contact_methods=["sms"],
        ),
        consents={"contact_sms": True},
        channel="self-referral",
    )
    message = Message.objects.get(person=referral.person)
    assert message.template == "referral_received"
    assert message.channel == Channel.SMS
    assert message.language == "so"
    assert message.personalisation["reference"] == referral.reference
    assert message.service_id == service.pk
    assert message.related_id == str(referral.pk)


def test_a_professional_referral_sends_the_person_nothing_yet(referral):
    assert not Message.objects.exists()


def test_a_message_is_rolled_back_with_the_change_that_caused_it(referrer, practice):
    from django.db import transaction

    person, _ = person_with(referrer, practice, contact_methods=["sms"], sms_consent=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(person)
        raise RuntimeError
    assert not Message.objects.exists()
