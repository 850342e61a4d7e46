"""groups' link worker alerts also appear as in-app notifications (no names, one email)."""

import pytest

from cast import submit_referral
from groups.conftest import group_listing, make_session, refer_on
from linkwell.casework.models import Case
from linkwell.directory.models import Organization
from linkwell.groups.services import booking_cancel, booking_create
from linkwell.messaging.models import Message, StaffNotification
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

pytestmark = pytest.mark.django_db


def open_case(referral, link_worker) -> Case:
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.IN_PROGRESS)
    return Case.objects.get(referral=referral)


def test_a_place_offered_notifies_the_link_worker_in_app(
    referral, referrer, practice, link_worker, provider, vcse
):
    other = open_case(submit_referral(referrer, practice), link_worker)
    case = open_case(referral, link_worker)
    org = Organization.objects.create(name=vcse.name, description="Groups", organisation=vcse)
    group = group_listing(org)
    session = make_session(group, places=1)
    first = refer_on(other, group, link_worker, first_name="Zed")
    second = refer_on(case, group, link_worker, first_name="Yara")
    held = booking_create(actor=provider, session_id=session.pk, service_referral_id=first.pk)
    booking_create(actor=provider, session_id=session.pk, service_referral_id=second.pk)
    StaffNotification.objects.all().delete()
    Message.objects.filter(user__isnull=False).delete()

    booking_cancel(actor=provider, booking_id=held.pk)

    note = StaffNotification.objects.get(kind="place_offered")
    assert note.user == link_worker
    assert f"case {case.pk}" in note.title
    assert "Yara" not in note.title and "Zed" not in note.title
    assert note.url == f"/casework/cases/{case.pk}/"
    # The email is the alert's own; the notification adds none.
    assert Message.objects.filter(user=link_worker, template="group_place_offered").count() == 1
    assert not Message.objects.filter(user=link_worker, template="staff_notification").exists()
