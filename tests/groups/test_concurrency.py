"""Never overbooked: many people booking the last place at the same moment."""

import threading

import pytest
from django.db import connection, connections

from linkwell.groups.models import Booking, BookingStatus
from linkwell.groups.services import booking_create

from .conftest import make_session, refer_someone

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_for_the_last_place_book_exactly_one(
    case, group, link_worker, provider
):
    if connection.vendor == "sqlite":
        pytest.skip(
            "needs PostgreSQL: SQLite's in-memory test database cannot be shared between "
            "threads (the sequential test checks the same invariant on SQLite)"
        )
    session = make_session(group, places=3)
    for name in ("X", "Y"):  # two of three places already gone
        booking_create(
            actor=provider,
            session_id=session.pk,
            service_referral_id=refer_someone(case, group, link_worker, first_name=name).pk,
        )
    referrals = [
        refer_someone(case, group, link_worker, first_name=f"T{i}") for i in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    results, errors = {}, []

    def book(referral_id):
        try:
            barrier.wait()
            results[referral_id] = booking_create(
                actor=provider, session_id=session.pk, service_referral_id=referral_id
            )
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
    statuses = [b.status for b in results.values()]
    assert statuses.count(BookingStatus.BOOKED) == 1
    assert statuses.count(BookingStatus.WAITLISTED) == THREADS - 1
    held = Booking.objects.filter(session=session, status=BookingStatus.BOOKED).count()
    assert held == session.places  # never more, so places left never goes negative
    waitlist = Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED)
    positions = sorted(waitlist.values_list("waitlist_position", flat=True))
    assert positions == list(range(1, THREADS))  # in order, no gaps, no duplicates
    # Positions follow the order the lock was granted, i.e. the order rows were written.
    by_id = list(waitlist.order_by("id").values_list("waitlist_position", flat=True))
    assert by_id == sorted(by_id)


@pytest.mark.django_db
def test_bookings_one_after_another_fill_the_last_place_once(case, group, link_worker, provider):
    """The same invariant as above, run sequentially so it also runs on SQLite."""
    session = make_session(group, places=1)
    referrals = [
        refer_someone(case, group, link_worker, first_name=f"S{i}") for i in range(THREADS)
    ]
    statuses = [
        booking_create(actor=provider, session_id=session.pk, service_referral_id=r.pk).status
        for r in referrals
    ]
    assert statuses.count(BookingStatus.BOOKED) == 1
    positions = list(
        Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED)
        .order_by("id")
        .values_list("waitlist_position", flat=True)
    )
    assert positions == list(range(1, THREADS))
