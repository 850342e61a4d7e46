"""The social prescription: chosen activities only, the person's language, print, send."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEntry
from linkwell.directory.models import Organization
from linkwell.groups.models import OnwardKind, Session
from linkwell.groups.services import (
    booking_create,
    service_referral_respond,
    service_referral_submit,
)
from linkwell.messaging.models import Message

from .test_onward import listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(vcse):
    return Organization.objects.create(name=vcse.name, organisation=vcse)


@pytest.fixture
def activities(case, link_worker, provider, org):
    coffee = listing(
        org,
        cost_options=[{"option": "per session", "amount": "2.50"}],
        locations=[
            {
                "name": "Millfield Community Centre",
                "address_1": "1 Hylton Road",
                "city": "Sunderland",
                "postcode": "SR4 7AA",
                "transportation": "Bus 11 to Hylton Road",
            }
        ],
    )
    walking = listing(org, name="Walking group")
    waiting = listing(org, name="Still waiting club")
    library = listing(org, name="Library drop-in", accepts_referrals=False)
    accepted, _ = service_referral_submit(
        actor=link_worker, case_id=case.pk, service_id=coffee.pk, first_name="A", consent_given=True
    )
    service_referral_respond(actor=provider, service_referral_id=accepted.pk, response="accepted")
    start = timezone.now() + datetime.timedelta(days=3)
    session = Session.objects.create(
        service=coffee, starts_at=start, ends_at=start + datetime.timedelta(hours=2), places=5
    )
    booking_create(actor=provider, session_id=session.pk, service_referral_id=accepted.pk)
    service_referral_submit(
        actor=link_worker,
        case_id=case.pk,
        service_id=waiting.pk,
        first_name="A",
        consent_given=True,
    )
    service_referral_submit(
        actor=link_worker, case_id=case.pk, service_id=library.pk, kind=OnwardKind.SIGNPOSTED
    )
    return {"coffee": coffee, "walking": walking, "waiting": waiting, "library": library}


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_the_page_lists_chosen_activities_with_when_where_and_cost(
    as_user, case, link_worker, activities
):
    response = as_user(link_worker).get(reverse("casework:prescription", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Arabic coffee morning" in html and "Library drop-in" in html
    assert "Still waiting club" not in html  # not accepted yet
    assert "Walking group" not in html  # never referred
    assert "1 Hylton Road" in html and "Bus 11 to Hylton Road" in html
    assert "£2" in html and "50" in html.split("£2")[1][:4]  # localised decimal mark
    assert "directory-print.css" in html
    assert case.person.family_name not in html.split("</main>")[0].split("<h1")[1]


def test_the_page_is_in_the_persons_language(as_user, case, link_worker, activities):
    assert case.person.language == "ar"
    html = as_user(link_worker).get(reverse("casework:prescription", args=[case.pk])).content
    assert b'lang="ar"' in html and b'dir="rtl"' in html


def test_sending_queues_the_social_prescription(as_user, case, link_worker, activities):
    response = as_user(link_worker).post(reverse("casework:prescription_send", args=[case.pk]))
    assert response.status_code == 302
    message = Message.objects.get(template="social_prescription")
    assert message.person_id == case.person_id
    assert "Arabic coffee morning" in message.personalisation["activities"]
    assert message.personalisation["reference"] == case.referral.reference
    assert AuditEntry.objects.filter(action="create", person_id=case.person_id).exists()


def test_nothing_to_send_is_explained(as_user, case, link_worker):
    client = as_user(link_worker)
    response = client.post(reverse("casework:prescription_send", args=[case.pk]), follow=True)
    assert "Choose an activity first" in response.content.decode()
    assert not Message.objects.filter(template="social_prescription").exists()


@pytest.mark.parametrize(
    ("who", "get_status", "post_status"),
    [
        ("colleague", 200, 403),
        ("outsider_link_worker", 404, 404),
        ("referrer", 403, 403),
        ("provider", 403, 403),
    ],
)
def test_scope(request, as_user, case, activities, who, get_status, post_status):
    client = as_user(request.getfixturevalue(who))
    assert client.get(reverse("casework:prescription", args=[case.pk])).status_code == get_status
    response = client.post(reverse("casework:prescription_send", args=[case.pk]))
    assert response.status_code == post_status
    assert not Message.objects.filter(template="social_prescription").exists()
