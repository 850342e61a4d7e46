"""Issue 6 "Done when", on the loaded demo (console channel): a Somali self-referral has a
Somali confirmation with its reference, phone-only people get call tasks not texts, and
tomorrow's booked sessions have a reminder in the outbox."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from linkwell.groups.models import Booking, BookingStatus
from linkwell.messaging.models import CallTask, Channel, Message, StaffNotification
from linkwell.messaging.templates_text import render
from linkwell.referrals.models import Referral, Source

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "load_demo", "--seed", "2026", "--today", TODAY.isoformat(), stdout=io.StringIO()
        )
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_somali_self_referral_has_a_somali_confirmation_with_its_reference(demo):
    somali = Referral.objects.filter(source=Source.SELF, person__language="so")
    assert somali.exists()
    found = 0
    for referral in somali:
        message = Message.objects.get(
            person=referral.person, template="referral_received", related_id=str(referral.pk)
        )
        assert message.language == "so" and not message.language_fell_back
        text = render(message.template, message.language, message.personalisation).body
        assert f"Lambarkaaga tixraaca waa {referral.reference}." in text
        found += message.channel != Channel.CALL_TASK
    assert found, "at least one Somali confirmation goes in writing"


@pytest.mark.django_db
def test_phone_only_people_get_call_tasks_not_texts(demo):
    tasks = CallTask.objects.select_related("person", "message")
    assert tasks.exists()
    phone_only = [t for t in tasks if t.person.phone_only]
    assert phone_only
    for task in phone_only:
        assert task.message.channel == Channel.CALL_TASK
        assert not Message.objects.filter(person=task.person, channel=Channel.SMS).exists()


@pytest.mark.django_db
def test_tomorrows_bookings_have_a_session_reminder_in_the_outbox(demo):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    booked = [
        b
        for b in Booking.objects.filter(
            status=BookingStatus.BOOKED, session__cancelled=False, service_referral__isnull=False
        ).select_related("session")
        if timezone.localtime(b.session.starts_at).date() == tomorrow
    ]
    assert booked
    for booking in booked:
        message = Message.objects.get(template="session_reminder", related_id=str(booking.pk))
        assert message.person_id is not None
        assert message.personalisation["time"] == timezone.localtime(
            booking.session.starts_at
        ).strftime("%H:%M")


@pytest.mark.django_db
def test_staff_have_new_referral_notifications_and_old_ones_are_read(demo):
    from django.contrib.contenttypes.models import ContentType

    notes = StaffNotification.objects.filter(kind="new_referral")
    assert notes.exists()
    assert notes.filter(read_at__isnull=False).count() > notes.filter(read_at__isnull=True).count()
    read_ids = {str(pk) for pk in notes.filter(read_at__isnull=False).values_list("pk", flat=True)}
    queued = Message.objects.filter(
        template="staff_notification",
        status="queued",
        related_type=ContentType.objects.get_for_model(StaffNotification),
    ).values_list("related_id", flat=True)
    assert not read_ids & set(queued)  # old notifications' emails went at the time
