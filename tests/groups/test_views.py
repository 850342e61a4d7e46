import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.groups.models import Booking, WalkInCount
from linkwell.groups.services import booking_create

from .conftest import make_session, refer_someone

pytestmark = pytest.mark.django_db


def test_the_sessions_list_shows_my_sessions_today_first(client, provider, group, other_group):
    mine_later = make_session(group, days=3, hour=10)
    mine_today = make_session(group)
    theirs = make_session(other_group)
    client.force_login(provider)
    response = client.get(reverse("groups:sessions"))
    assert response.status_code == 200
    sessions = list(response.context["sessions"])
    assert sessions == [mine_today, mine_later]
    assert theirs not in sessions


@pytest.mark.parametrize("who", ["link_worker", "referrer", "editor", "commissioner", "nobody"])
def test_only_providers_reach_the_group_pages(client, request, who, session):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("groups:sessions")).status_code == 403
    assert client.get(reverse("groups:register", args=[session.pk])).status_code == 403


def test_another_providers_session_is_not_found(client, provider, other_group):
    theirs = make_session(other_group)
    client.force_login(provider)
    assert client.get(reverse("groups:register", args=[theirs.pk])).status_code == 404


def test_the_register_shows_first_names_only(client, provider, session, onward, case):
    booking_create(actor=provider, session_id=session.pk, service_referral_id=onward.pk)
    client.force_login(provider)
    body = client.get(reverse("groups:register", args=[session.pk])).content.decode()
    assert "Amina" in body
    person = case.person
    assert person.family_name and person.family_name not in body
    assert person.given_name not in body  # the shared first name is what shows
    if person.phone:
        assert str(person.phone) not in body


def test_tapping_attended_marks_the_person(client, provider, session, onward):
    booking = booking_create(actor=provider, session_id=session.pk, service_referral_id=onward.pk)
    client.force_login(provider)
    response = client.post(reverse("groups:attendance", args=[booking.pk]), {"status": "late"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "late"


def test_walk_ins_are_saved_from_the_register(client, provider, session):
    client.force_login(provider)
    client.post(reverse("groups:walk_ins", args=[session.pk]), {"count": "5"})
    assert WalkInCount.objects.get(session=session).count == 5


def test_booking_from_the_register_waitlists_when_full(client, provider, group, case, link_worker):
    session = make_session(group, places=1)
    a, b = (refer_someone(case, group, link_worker, first_name=n) for n in ("Ann", "Bea"))
    client.force_login(provider)
    url = reverse("groups:booking_add", args=[session.pk])
    client.post(url, {"service_referral": a.pk})
    client.post(url, {"service_referral": b.pk})
    assert list(Booking.objects.order_by("id").values_list("status", flat=True)) == [
        "booked",
        "waitlisted",
    ]


def test_another_provider_cannot_mark_my_bookings(client, session, onward, provider):
    from cast import make_org, make_user
    from linkwell.accounts.models import OrganisationKind, Role

    booking = booking_create(actor=provider, session_id=session.pk, service_referral_id=onward.pk)
    stranger = make_user("s@example.org", make_org("S", OrganisationKind.VCSE), Role.PROVIDER)
    client.force_login(stranger)
    url = reverse("groups:attendance", args=[booking.pk])
    assert client.post(url, {"status": "attended"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_the_register_query_count_does_not_grow_with_bookings(
    client, provider, group, case, link_worker
):
    session = make_session(group, places=20)
    client.force_login(provider)
    url = reverse("groups:register", args=[session.pk])

    def book(n):
        for i in range(n):
            r = refer_someone(case, group, link_worker, first_name=f"N{Booking.objects.count()}{i}")
            booking_create(actor=provider, session_id=session.pk, service_referral_id=r.pk)

    book(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    book(8)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 15


def test_a_provider_cannot_reach_the_person_referral_or_case(client, provider, onward, case):
    client.force_login(provider)
    for url in (
        reverse("people:detail", args=[case.person_id]),
        reverse("referrals:detail", args=[case.referral_id]),
        reverse("casework:case", args=[case.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
