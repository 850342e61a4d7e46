"""notify_staff: in-app notifications for staff, optionally emailed through the outbox."""

from __future__ import annotations

import pytest
from django.db import transaction

from linkwell.messaging.models import Message, MessageStatus, StaffNotification
from linkwell.messaging.notifications import notify_staff

pytestmark = pytest.mark.django_db


def test_creates_one_per_user_and_queues_email(link_worker, colleague, referral):
    # (the referral fixture already told them about itself; start from nothing)
    StaffNotification.objects.all().delete()
    Message.objects.all().delete()
    made = notify_staff(
        users=[link_worker, colleague, link_worker],
        kind="new_referral",
        title="New referral LW-1",
        body="It is waiting in the inbox.",
        url="/referrals/1/",
        related=referral,
    )
    assert [n.user for n in made] == [link_worker, colleague]
    assert StaffNotification.objects.count() == 2
    note = made[0]
    assert note.read_at is None
    assert note.related_id == str(referral.pk)
    assert note.kind_label == "New referral"
    emails = Message.objects.filter(template="staff_notification").order_by("id")
    assert [m.user for m in emails] == [link_worker, colleague]
    assert emails[0].channel == "email"
    assert emails[0].to_address == link_worker.email
    assert emails[0].personalisation["title"] == "New referral LW-1"
    assert emails[0].status == MessageStatus.QUEUED


def test_email_false_is_in_app_only(link_worker):
    notify_staff(users=[link_worker], kind="other", title="Something", email=False)
    assert StaffNotification.objects.count() == 1
    assert not Message.objects.exists()


def test_skips_inactive_and_none(link_worker, colleague):
    colleague.is_active = False
    colleague.save()
    made = notify_staff(users=[None, colleague, link_worker], kind="other", title="T")
    assert [n.user for n in made] == [link_worker]
    assert notify_staff(users=[colleague], kind="other", title="T") == []


def test_unknown_kind_and_bad_title_refused(link_worker):
    with pytest.raises(ValueError):
        notify_staff(users=[link_worker], kind="gossip", title="T")
    with pytest.raises(ValueError):
        notify_staff(users=[link_worker], kind="other", title="")
    with pytest.raises(ValueError):
        notify_staff(users=[link_worker], kind="other", title="x" * 201)
    assert not StaffNotification.objects.exists()


def test_written_in_callers_transaction(link_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_staff(users=[link_worker], kind="other", title="T")
        raise RuntimeError
    assert not StaffNotification.objects.exists()
    assert not Message.objects.exists()


def test_staff_without_email_is_in_app_and_email_skipped(link_worker):
    link_worker.email = ""
    link_worker.save()
    notify_staff(users=[link_worker], kind="other", title="T")
    assert StaffNotification.objects.count() == 1
    message = Message.objects.get()
    assert message.status == MessageStatus.SKIPPED


def test_absolute_url_in_email(link_worker, settings):
    settings.LINKWELL_BASE_URL = "https://linkwell.example"
    notify_staff(users=[link_worker], kind="other", title="T", url="/messaging/notifications/")
    message = Message.objects.get()
    assert message.personalisation["url"] == "https://linkwell.example/messaging/notifications/"


def test_a_new_referral_tells_the_services_link_workers_and_leads_only(
    link_worker, colleague, lead, outsider_link_worker, referrer, practice, service
):
    from cast import submit_referral

    referral = submit_referral(referrer, practice)
    notes = StaffNotification.objects.filter(kind="new_referral").order_by("user_id")
    assert {n.user for n in notes} == {link_worker, colleague, lead}
    assert all(referral.reference in n.title for n in notes)
    assert all(referral.person.given_name not in n.title for n in notes)
    assert notes[0].url == f"/referrals/{referral.pk}/"
    assert Message.objects.filter(template="staff_notification").count() == 3


def test_new_referral_email_can_be_switched_off(link_worker, referrer, practice, settings):
    from cast import submit_referral

    settings.LINKWELL_NEW_REFERRAL_EMAIL = False
    submit_referral(referrer, practice)
    assert StaffNotification.objects.filter(user=link_worker).count() == 1
    assert not Message.objects.filter(template="staff_notification").exists()
