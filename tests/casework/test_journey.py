"""The whole journey through the web pages (Django test client): a new referral, accepted by a
link worker, first contact, a plan goal, matching, an onward referral with consent, accepted by
the provider in its inbox, a booking, a follow-up done, discharge - and the referrer sees the
discharge summary, including the activity the person was connected to."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cast import submit_referral
from linkwell.casework.models import Case
from linkwell.directory.models import Organization
from linkwell.groups.models import BookingStatus, ServiceReferral, Session
from linkwell.messaging.models import StaffNotification
from linkwell.referrals.models import Status

from .test_onward import listing

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ok(response, status=302):
    assert response.status_code == status, response.content.decode()[:3000]
    return response


def test_a_referral_goes_all_the_way_to_a_discharge_summary_the_referrer_sees(
    referrer, practice, link_worker, provider, vcse
):
    org = Organization.objects.create(name=vcse.name, organisation=vcse)
    coffee = listing(org)
    start = timezone.now() + datetime.timedelta(days=2)
    session = Session.objects.create(
        service=coffee, starts_at=start, ends_at=start + datetime.timedelta(hours=2), places=3
    )
    referral = submit_referral(referrer, practice)
    worker, prov, ref = signed_in(link_worker), signed_in(provider), signed_in(referrer)

    # The link worker accepts the new referral from the inbox: a case opens.
    assert referral.reference in worker.get(reverse("referrals:inbox")).content.decode()
    ok(worker.post(reverse("referrals:transition", args=[referral.pk]), {"to_status": "accepted"}))
    case = Case.objects.get(referral=referral)
    case_url = reverse("casework:case", args=[case.pk])

    # First contact and a goal in the person's words.
    ok(
        worker.post(
            reverse("casework:contact_add", args=[case.pk]),
            {"successful": "yes", "mode": "phone", "minutes": "30", "notes": "First call"},
        )
    )
    ok(
        worker.post(
            reverse("casework:goal_add", args=[case.pk]),
            {"version": "0", "wording": "Meet people who speak Arabic"},
        )
    )

    # Matching finds the coffee morning; the link worker refers with consent.
    matches = worker.get(reverse("casework:matches", args=[case.pk])).content.decode()
    refer_url = reverse("casework:onward_new", args=[case.pk, coffee.pk])
    assert "Arabic coffee morning" in matches and refer_url in matches
    ok(worker.post(refer_url, {"share": ["first_name", "language"], "consent": "on"}))
    onward = ServiceReferral.objects.get(case=case)
    assert onward.status == Status.REQUESTED

    # The provider sees it in the inbox (first name only) and accepts; the worker is told.
    inbox = prov.get(reverse("groups:inbox")).content.decode()
    assert case.person.given_name in inbox and case.person.family_name not in inbox
    ok(prov.post(reverse("groups:inbox_respond", args=[onward.pk]), {"response": "accepted"}))
    assert StaffNotification.objects.filter(user=link_worker, kind="provider_replied").exists()
    assert "Accepted" in worker.get(case_url).content.decode()

    # The provider books them into the next session.
    ok(prov.post(reverse("groups:booking_add", args=[session.pk]), {"service_referral": onward.pk}))
    assert onward.bookings.get().status == BookingStatus.BOOKED

    # A follow-up, done.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    ok(
        worker.post(
            reverse("casework:follow_up_add", args=[case.pk]),
            {
                "what": "Ask how the first session went",
                "due_day": tomorrow.day,
                "due_month": tomorrow.month,
                "due_year": tomorrow.year,
            },
        )
    )
    follow_up = case.follow_ups.get()
    ok(worker.post(reverse("casework:follow_up_done", args=[case.pk, follow_up.pk])))

    # Discharge with the drafted summary, which names the activity.
    draft_page = worker.get(reverse("casework:discharge", args=[case.pk]))
    draft = draft_page.context["form"].initial["summary"]
    assert "Activities connected to:" in draft and "Arabic coffee morning" in draft
    ok(
        worker.post(
            reverse("casework:discharge", args=[case.pk]),
            {"reason": "connected_to_community", "summary": draft},
        )
    )
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED

    # The referrer sees the summary (with the activity), never the case notes.
    page = ref.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Arabic coffee morning" in page and "Activities connected to:" in page
    assert "First call" not in page
