"""Never overbooked over the API either: many clients booking the last place at once."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from linkwell.accounts.services import api_token_create
from linkwell.groups.models import Booking, BookingStatus

from .conftest import make_session
from .test_api_sessions import onward_for_new_case

THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_simultaneous_api_bookings_for_the_last_place_book_exactly_one(
    group, link_worker, referrer, provider
):
    if connection.vendor == "sqlite":
        pytest.skip(
            "needs PostgreSQL: SQLite's in-memory test database cannot be shared between threads"
        )
    session = make_session(group, places=1)
    referrals = [onward_for_new_case(group, link_worker, referrer, f"T{i}") for i in range(THREADS)]
    token = api_token_create(user=provider)
    barrier = threading.Barrier(THREADS)
    answers, errors = [], []

    def book(referral_id):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait()
            response = client.post(
                f"/api/v1/sessions/{session.pk}/bookings",
                {"service_referral": referral_id},
                format="json",
            )
            answers.append((response.status_code, response.json()))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(r.pk,)) for r in referrals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert [code for code, _ in answers] == [201] * THREADS
    statuses = [body["status"] for _, body in answers]
    assert statuses.count("booked") == 1
    positions = sorted(
        body["waitlist_position"] for _, body in answers if "waitlist_position" in body
    )
    # Positions are counted when each answer is made, so every one is unique and in range.
    assert len(positions) == THREADS - 1 and len(set(positions)) == THREADS - 1
    assert Booking.objects.filter(session=session, status=BookingStatus.BOOKED).count() == 1
    waitlist = Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED)
    assert sorted(waitlist.values_list("waitlist_position", flat=True)) == list(range(1, THREADS))
