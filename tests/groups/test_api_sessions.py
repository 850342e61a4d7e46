"""Sessions, bookings and attendance over the API: the same rules and scope as the pages."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from cast import submit_referral
from linkwell.accounts.services import api_token_create
from linkwell.audit.models import AuditEntry
from linkwell.casework.models import Case
from linkwell.groups.models import Booking, BookingStatus, Session, WalkInCount
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

from .conftest import make_session, refer_on


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_as(request, db):
    def build(role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            user = request.getfixturevalue(role)
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return client

    return build


@pytest.fixture
def other_provider(db):
    from cast import make_org, make_user
    from linkwell.accounts.models import OrganisationKind, Role

    org = make_org("Elsewhere Trust", OrganisationKind.VCSE)
    return make_user("other-provider@example.org", org, Role.PROVIDER)


def onward_for_new_case(group, link_worker, referrer, first_name):
    """An onward referral of a fresh case (one open referral per case and service)."""
    referral = submit_referral(referrer, referrer.memberships.first().organisation)
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    case = Case.objects.get(referral=referral)
    return refer_on(case, group, link_worker, first_name=first_name)


def _book(client, session, referral):
    return client.post(
        f"/api/v1/sessions/{session.pk}/bookings",
        {"service_referral": referral.pk},
        format="json",
    )


# ---- listing -----------------------------------------------------------------------------


def test_a_provider_lists_its_sessions_with_places_left(client_as, session, onward, provider):
    _book(client_as("provider"), session, onward)
    response = client_as("provider").get("/api/v1/sessions")
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["id"] == session.pk
    assert item["places"] == 3 and item["places_taken"] == 1 and item["places_left"] == 2
    assert item["waitlist_length"] == 0 and item["one_off"] is True


def test_a_link_worker_sees_sessions_of_services_its_cases_were_referred_to(
    client_as, session, onward, other_group
):
    make_session(other_group)  # nobody of ours was referred there
    response = client_as("link_worker").get("/api/v1/sessions")
    assert [s["id"] for s in response.json()["results"]] == [session.pk]
    assert client_as("outsider_link_worker").get("/api/v1/sessions").json()["results"] == []


def test_filters_by_service_and_dates(client_as, group, other_group, provider):
    today = make_session(group, days=0, hour=23)
    later = make_session(group, days=10, hour=10)
    response = client_as("provider").get("/api/v1/sessions")
    assert [s["id"] for s in response.json()["results"]] == [today.pk, later.pk]
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client_as("provider").get(f"/api/v1/sessions?from={day}&to={day}")
    assert [s["id"] for s in response.json()["results"]] == [later.pk]
    response = client_as("provider").get(f"/api/v1/sessions?service={other_group.pk}")
    assert response.json()["results"] == []
    response = client_as("provider").get(f"/api/v1/sessions?service={group.pk}")
    assert len(response.json()["results"]) == 2


def test_bad_filters_are_field_errors(client_as, provider):
    response = client_as("provider").get("/api/v1/sessions?from=yesterday&service=nope")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"from", "service"}
    response = client_as("provider").get("/api/v1/sessions?from=2030-01-02&to=2030-01-01")
    assert response.status_code == 400 and "to" in response.json()["errors"]


def test_the_list_takes_a_fixed_number_of_queries(
    client_as, group, provider, django_assert_max_num_queries
):
    for days in range(1, 13):
        make_session(group, days=days, hour=10)
    client = client_as("provider")
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/sessions")
    assert response.json()["count"] == 12


@pytest.mark.parametrize("who", ["referrer", "commissioner", "editor", "nobody"])
def test_roles_without_sessions_get_403(client_as, session, onward, who):
    client = client_as(who)
    assert client.get("/api/v1/sessions").status_code == 403
    assert client.get(f"/api/v1/sessions/{session.pk}").status_code == 403
    assert _book(client, session, onward).status_code == 403


def test_anonymous_gets_401(client_as, session):
    assert client_as("anonymous").get("/api/v1/sessions").status_code in (401, 403)


def test_another_provider_gets_404(client_as, session, onward, other_provider):
    client = client_as("other_provider")
    assert client.get(f"/api/v1/sessions/{session.pk}").status_code == 404
    assert _book(client, session, onward).status_code == 404
    booking = _book(client_as("provider"), session, onward).json()["booking"]
    assert client.post(f"/api/v1/bookings/{booking}/cancel").status_code == 404
    assert (
        client.post(
            f"/api/v1/bookings/{booking}/attendance", {"status": "attended"}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.put(
            f"/api/v1/sessions/{session.pk}/walk-ins", {"count": 2}, format="json"
        ).status_code
        == 404
    )
    assert Booking.objects.get(pk=booking).status == BookingStatus.BOOKED


# ---- detail ------------------------------------------------------------------------------


def test_the_detail_shows_bookings_with_shared_fields_only_and_is_audited(
    client_as, session, onward
):
    _book(client_as("provider"), session, onward)
    response = client_as("provider").get(f"/api/v1/sessions/{session.pk}")
    assert response.status_code == 200
    (booking,) = response.json()["bookings"]
    assert booking == {
        "id": booking["id"],
        "status": "booked",
        "service_referral": onward.pk,
        "first_name": "Amina",
        "waitlist_position": None,
    }
    assert AuditEntry.objects.filter(
        action="list", channel="api", person_id=onward.case.person_id
    ).exists()


def test_a_link_worker_sees_only_its_own_peoples_bookings(
    client_as, session, onward, group, link_worker, referrer, other_service
):
    from linkwell.referrals.models import Referral

    other = onward_for_new_case(group, link_worker, referrer, "Zed")
    _book(client_as("provider"), session, onward)
    _book(client_as("provider"), session, other)
    response = client_as("provider").get(f"/api/v1/sessions/{session.pk}")
    assert len(response.json()["bookings"]) == 2
    response = client_as("link_worker").get(f"/api/v1/sessions/{session.pk}")
    assert len(response.json()["bookings"]) == 2  # both are its service's cases
    assert client_as("outsider_link_worker").get(f"/api/v1/sessions/{session.pk}").status_code == (
        404
    )
    # Zed's case moves to the other link worker service: it now sees the session, and only Zed.
    Referral.objects.filter(pk=other.case.referral_id).update(service=other_service)
    response = client_as("outsider_link_worker").get(f"/api/v1/sessions/{session.pk}")
    assert [b["first_name"] for b in response.json()["bookings"]] == ["Zed"]
    response = client_as("link_worker").get(f"/api/v1/sessions/{session.pk}")
    assert [b["first_name"] for b in response.json()["bookings"]] == ["Amina"]


# ---- creating sessions -------------------------------------------------------------------


def _session_body(group, **overrides):
    start = timezone.now() + datetime.timedelta(days=3)
    body = {
        "service": str(group.pk),
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
        "places": 8,
    }
    body.update(overrides)
    return body


def test_a_provider_adds_a_one_off_session(client_as, group, provider):
    response = client_as("provider").post("/api/v1/sessions", _session_body(group), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["places"] == 8 and data["places_left"] == 8 and data["one_off"] is True
    assert data["bookings"] == []
    assert Session.objects.filter(pk=data["id"], service=group).exists()


@pytest.mark.parametrize("places", [0, -3])
def test_zero_or_negative_places_is_a_field_error(client_as, group, provider, places):
    response = client_as("provider").post(
        "/api/v1/sessions", _session_body(group, places=places), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"places": ["A session needs at least 1 place."]}
    assert not Session.objects.exists()


def test_a_session_must_end_after_it_starts(client_as, group, provider):
    body = _session_body(group)
    body["ends_at"] = body["starts_at"]
    response = client_as("provider").post("/api/v1/sessions", body, format="json")
    assert response.status_code == 400 and "ends_at" in response.json()["errors"]


def test_a_provider_cannot_add_sessions_to_another_listing(client_as, other_group, provider):
    response = client_as("provider").post(
        "/api/v1/sessions", _session_body(other_group), format="json"
    )
    assert response.status_code == 400 and "service" in response.json()["errors"]
    assert not Session.objects.exists()


def test_a_link_worker_cannot_add_sessions(client_as, group, link_worker):
    response = client_as("link_worker").post(
        "/api/v1/sessions", _session_body(group), format="json"
    )
    assert response.status_code == 403


# ---- bookings ----------------------------------------------------------------------------


def test_booking_answers_booked_then_waitlisted_with_position(
    client_as, group, link_worker, referrer, provider
):
    session = make_session(group, places=1)
    client = client_as("provider")
    first, second, third = (
        onward_for_new_case(group, link_worker, referrer, n) for n in ("A", "B", "C")
    )
    response = _book(client, session, first)
    assert response.status_code == 201
    assert response.json() == {
        "booking": response.json()["booking"],
        "session": session.pk,
        "status": "booked",
    }
    response = _book(client, session, second)
    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 1
    assert _book(client, session, third).json()["waitlist_position"] == 2
    listed = client.get("/api/v1/sessions").json()["results"][0]
    assert listed["places_left"] == 0 and listed["waitlist_length"] == 2


def test_a_link_worker_books_its_own_person(client_as, session, onward):
    response = _book(client_as("link_worker"), session, onward)
    assert response.status_code == 201 and response.json()["status"] == "booked"


def test_booking_the_same_person_twice_is_refused(client_as, session, onward):
    client = client_as("provider")
    assert _book(client, session, onward).status_code == 201
    response = _book(client, session, onward)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "service_referral": ["This person is already booked into this session."]
    }
    assert Booking.objects.filter(session=session).count() == 1


def test_booking_bad_input_is_a_field_error(client_as, session, other_group, case, link_worker):
    client = client_as("provider")
    response = client.post(f"/api/v1/sessions/{session.pk}/bookings", {}, format="json")
    assert response.status_code == 400 and "service_referral" in response.json()["errors"]
    response = client.post(
        f"/api/v1/sessions/{session.pk}/bookings", {"service_referral": 999999}, format="json"
    )
    assert response.status_code == 400 and "service_referral" in response.json()["errors"]
    elsewhere = refer_on(case, other_group, link_worker)
    response = _book(client, session, elsewhere)
    assert response.status_code == 400
    assert response.json()["errors"]["service_referral"] == [
        "This person was referred to a different service."
    ]


def test_cancel_offers_the_freed_place_to_the_next_in_line(
    client_as, group, link_worker, referrer, provider
):
    session = make_session(group, places=1)
    client = client_as("provider")
    first = _book(client, session, onward_for_new_case(group, link_worker, referrer, "A")).json()
    second = _book(client, session, onward_for_new_case(group, link_worker, referrer, "B")).json()
    response = client.post(f"/api/v1/bookings/{first['booking']}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Booking.objects.get(pk=second["booking"]).status == BookingStatus.OFFERED
    response = client_as("link_worker").post(f"/api/v1/bookings/{second['booking']}/accept")
    assert response.status_code == 200 and response.json()["status"] == "booked"
    response = client.post(f"/api/v1/bookings/{first['booking']}/cancel")
    assert response.status_code == 400 and "booking" in response.json()["errors"]


# ---- attendance and walk-ins -------------------------------------------------------------


def test_attendance_is_marked_on_the_day(client_as, session, onward):
    client = client_as("provider")
    booking = _book(client, session, onward).json()["booking"]
    response = client.post(
        f"/api/v1/bookings/{booking}/attendance", {"status": "late"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "late"
    response = client.post(
        f"/api/v1/bookings/{booking}/attendance", {"status": "maybe"}, format="json"
    )
    assert response.status_code == 400 and "status" in response.json()["errors"]
    assert Booking.objects.get(pk=booking).status == BookingStatus.LATE


def test_attendance_for_a_future_session_is_refused(client_as, group, onward):
    future = make_session(group, days=7, hour=10)
    client = client_as("provider")
    booking = _book(client, future, onward).json()["booking"]
    response = client.post(
        f"/api/v1/bookings/{booking}/attendance", {"status": "attended"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "session": ["You can only take the register on the day of the session or after."]
    }
    assert Booking.objects.get(pk=booking).status == BookingStatus.BOOKED


def test_a_link_worker_may_not_take_the_register(client_as, session, onward):
    booking = _book(client_as("provider"), session, onward).json()["booking"]
    response = client_as("link_worker").post(
        f"/api/v1/bookings/{booking}/attendance", {"status": "attended"}, format="json"
    )
    assert response.status_code == 403
    response = client_as("link_worker").put(
        f"/api/v1/sessions/{session.pk}/walk-ins", {"count": 1}, format="json"
    )
    assert response.status_code == 403


def test_walk_ins_are_counted(client_as, session, provider):
    client = client_as("provider")
    response = client.put(f"/api/v1/sessions/{session.pk}/walk-ins", {"count": 4}, format="json")
    assert response.status_code == 200 and response.json() == {"session": session.pk, "count": 4}
    response = client.put(f"/api/v1/sessions/{session.pk}/walk-ins", {"count": -1}, format="json")
    assert response.status_code == 400 and "count" in response.json()["errors"]
    assert WalkInCount.objects.get(session=session).count == 4
    assert client.get(f"/api/v1/sessions/{session.pk}").json()["walk_ins"] == 4


def test_the_schema_documents_the_sessions_api(client_as, provider):
    response = client_as("provider").get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/sessions",
        "/api/v1/sessions/{session_id}",
        "/api/v1/sessions/{session_id}/bookings",
        "/api/v1/sessions/{session_id}/walk-ins",
        "/api/v1/bookings/{booking_id}/attendance",
    ):
        assert path in paths
