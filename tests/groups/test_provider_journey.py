"""Issue 7 "Done when": the provider journey through the real pages (Django test client).

A link worker refers a person on from the case's matches, with consent → the provider sees
only the shared fields in its inbox and accepts → books them into a full session (waitlist),
a place frees and the offer is taken → marks attendance → enters paper feedback → raises an
urgent concern from the register row → the link worker and the lead see it (in-app
notifications and the concerns list) → the lead acknowledges → the link worker resolves → the
case timeline tells the story. Then once more on the loaded demo: provider@example.org answers
an item awaiting a reply.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.casework.selectors import case_timeline
from linkwell.directory.models import Organization
from linkwell.directory.vocabulary import taxonomy_term_uuid
from linkwell.groups.models import Booking, BookingStatus, Concern, Feedback, ServiceReferral
from linkwell.groups.services import booking_create
from linkwell.messaging.models import StaffNotification
from linkwell.referrals.models import Status

from .conftest import group_listing, refer_someone

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def garden(vcse):
    """The provider's group, described so the case's matches find it."""
    org = Organization.objects.create(name=vcse.name, description="Groups", organisation=vcse)
    return group_listing(
        org,
        taxonomy_terms=[str(taxonomy_term_uuid("social_group"))],
        languages=[{"code": "ar", "name": "Arabic", "note": ""}],
    )


@pytest.fixture
def started_session(garden):
    """A one-place session that began half an hour ago and runs for another ninety minutes
    (so people can still be booked and the register can be taken)."""
    from linkwell.groups.models import Session

    now = timezone.now()
    return Session.objects.create(
        service=garden,
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(minutes=90),
        places=1,
    )


def test_provider_journey_from_onward_referral_to_resolved_concern(
    case, garden, started_session, link_worker, lead, provider, vcse
):
    person = case.person
    session = started_session
    worker, team_lead, facilitator = (
        signed_in(link_worker),
        signed_in(lead),
        signed_in(provider),
    )

    # 1. The link worker finds the group among the case's matches and refers on, with consent,
    #    sharing the first name and language only.
    refer_url = reverse("casework:onward_new", args=[case.pk, garden.pk])
    assert refer_url in html_of(worker.get(reverse("casework:matches", args=[case.pk])))
    assert "checked" not in html_of(worker.get(refer_url))
    response = worker.post(
        refer_url,
        {"share": ["first_name", "language"], "note": "Keen on growing herbs.", "consent": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case", args=[case.pk])
    onward = ServiceReferral.objects.get(case=case, service=garden)
    assert onward.status == Status.REQUESTED

    # 2. The provider sees it in the inbox, with only the shared fields.
    inbox = html_of(facilitator.get(reverse("groups:inbox")))
    detail_url = reverse("groups:inbox_detail", args=[onward.pk])
    assert detail_url in inbox
    detail = html_of(facilitator.get(detail_url))
    assert person.given_name in detail and "Keen on growing herbs." in detail
    for private in (person.family_name, person.phone, person.email, person.postcode):
        if private:
            assert private not in detail
    assert onward.shared_contact_route == "" and onward.shared_access_needs == ""
    # ... and answers: accepted, seen by the link worker on the case at once.
    response = facilitator.post(
        reverse("groups:inbox_respond", args=[onward.pk]), {"response": Status.ACCEPTED}
    )
    assert response.status_code == 302
    onward.refresh_from_db()
    assert onward.status == Status.ACCEPTED and onward.responded_at is not None
    case_page = html_of(worker.get(reverse("casework:case", args=[case.pk])))
    assert garden.name in case_page and "Accepted" in case_page
    assert StaffNotification.objects.filter(user=link_worker, kind="provider_replied").exists()

    # 3. Someone else already has the only place, so booking our person waitlists them.
    other_onward = refer_someone(case, garden, link_worker, first_name="Farida")
    other_booking = booking_create(
        actor=provider, session_id=session.pk, service_referral_id=other_onward.pk
    )
    assert other_booking.status == BookingStatus.BOOKED
    register_url = reverse("groups:register", args=[session.pk])
    register = html_of(facilitator.get(register_url))
    assert f'value="{onward.pk}"' in register  # offered for booking on the register page
    response = facilitator.post(
        reverse("groups:booking_add", args=[session.pk]), {"service_referral": onward.pk}
    )
    assert response.status_code == 302
    booking = Booking.objects.get(session=session, service_referral=onward)
    assert booking.status == BookingStatus.WAITLISTED and booking.waitlist_position == 1
    assert "waitlist" in html_of(facilitator.get(register_url)).lower()

    # A place frees: the other booking is cancelled, our person is offered it (their link
    # worker is told), and the offer is taken. Never more than the one place is held.
    response = facilitator.post(reverse("groups:booking_cancel", args=[other_booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.OFFERED
    assert StaffNotification.objects.filter(user=link_worker, kind="place_offered").exists()
    response = facilitator.post(reverse("groups:offer_accept", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    held = Booking.objects.filter(
        session=session,
        status__in=[BookingStatus.BOOKED, BookingStatus.OFFERED, BookingStatus.ATTENDED],
    )
    assert held.count() == 1

    # 4. The session has started: the facilitator marks them attended.
    response = facilitator.post(
        reverse("groups:attendance", args=[booking.pk]), {"status": BookingStatus.ATTENDED}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert booking.attendance_marked_by == provider

    # 5. A paper feedback slip, typed in by the facilitator.
    care_url = reverse("groups:session_care", args=[session.pk])
    assert person.given_name in html_of(facilitator.get(care_url))
    response = facilitator.post(
        care_url,
        {"booking": booking.pk, "feeling": "4", "come_again": "yes", "comment": "Loved it"},
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get(booking=booking)
    assert (feedback.feeling, feedback.come_again, feedback.source) == (4, "yes", "paper")
    assert not feedback.share_comment

    # 6. An urgent concern, raised from the person's row on the register.
    register = html_of(facilitator.get(register_url))
    concern_url = reverse("groups:concern_new", args=[session.pk]) + f"?booking={booking.pk}"
    assert concern_url in register
    form_page = html_of(facilitator.get(concern_url))
    assert "116 123" in form_page  # the crisis panel shows above the form, always
    response = facilitator.post(
        concern_url,
        {
            "booking": booking.pk,
            "severity": "urgent",
            "what_happened": "Said she has not eaten for two days.",
            "actions_taken": "Gave her lunch and the food bank details.",
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get(booking=booking)
    assert concern.case_id == case.pk and concern.provider_organisation_id == vcse.pk
    assert concern.severity == "urgent" and concern.acknowledged_at is None
    concern_page = reverse("groups:concern", args=[concern.pk])
    assert response["Location"].startswith(concern_page)

    # 7. The link worker and the lead each see it: in-app notifications and the concerns list.
    for user, client in ((link_worker, worker), (lead, team_lead)):
        note = StaffNotification.objects.get(user=user, kind="concern_raised")
        assert person.given_name not in note.title and person.family_name not in note.title
        assert note.title in html_of(client.get(reverse("messaging:notifications")))
        assert concern_page in html_of(client.get(reverse("groups:concerns")))
        assert "not eaten for two days" in html_of(client.get(concern_page))

    # 8. The lead acknowledges; the link worker resolves it.
    response = team_lead.post(reverse("groups:concern_acknowledge", args=[concern.pk]))
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.acknowledged_by == lead and concern.acknowledged_at is not None
    response = worker.post(
        reverse("groups:concern_resolve", args=[concern.pk]),
        {"resolution": "Referred to the food bank; follow-up call booked."},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.resolved_by == link_worker and concern.resolved_at >= concern.acknowledged_at
    # The provider sees the outcome of the concern it raised.
    assert "resolved" in html_of(facilitator.get(concern_page)).lower()

    # 9. The case timeline shows the onward referral, booking and attendance, the feedback
    #    scores and the concern.
    titles = [entry.title for entry in case_timeline(case)]
    joined = "\n".join(str(t) for t in titles)
    assert f"Referred on to {garden.name}" in joined
    assert f"{garden.name}: Accepted" in joined
    assert f"{garden.name}: Attended" in joined
    assert re.search(r"4 of 5", joined), joined
    assert "concern" in joined.lower(), joined
    case_page = html_of(worker.get(reverse("casework:case", args=[case.pk])))
    assert f"Referred on to {garden.name}" in case_page
    assert "4 of 5" in case_page
    # The words stayed with the group (the person did not ask to share them).
    assert "Loved it" not in case_page
