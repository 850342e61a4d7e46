"""The groups admin: person-related records are read-only and show no words about people (nor
a feedback link's token); funding and session costs may be corrected."""

import datetime
import decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.groups.models import (
    Booking,
    BookingStatus,
    Concern,
    Feedback,
    FeedbackLink,
    FundingSource,
    ServiceCost,
    SessionNote,
)

from .conftest import make_session

pytestmark = pytest.mark.django_db

READ_ONLY = [
    "servicereferral",
    "servicereferralevent",
    "booking",
    "feedback",
    "feedbacklink",
    "sessionnote",
    "concern",
]


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser(
        email="admin@example.org", password="x" * 12, full_name="Ada Admin"
    )
    client.force_login(admin)
    return client


@pytest.fixture
def records(onward, group, provider, vcse):
    session = make_session(group, days=-1, hour=10)
    booking = Booking.objects.create(
        session=session, service_referral=onward, status=BookingStatus.ATTENDED
    )
    return {
        "servicereferral": onward,
        "servicereferralevent": onward.events.first(),
        "booking": booking,
        "feedback": Feedback.objects.create(
            session=session,
            booking=booking,
            feeling=4,
            come_again="yes",
            comment="SECRET-COMMENT",
            source="paper",
        ),
        "feedbacklink": FeedbackLink.objects.create(
            session=session,
            booking=booking,
            token_hash="f" * 64,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
        "sessionnote": SessionNote.objects.create(
            session=session, booking=booking, text="SECRET-NOTE", author=provider
        ),
        "concern": Concern.objects.create(
            session=session,
            booking=booking,
            case=onward.case,
            provider_organisation=vcse,
            severity="urgent",
            what_happened="SECRET-CONCERN",
            raised_by=provider,
        ),
    }


@pytest.mark.parametrize("model", READ_ONLY)
def test_person_related_records_are_read_only_and_keep_words_out(admin_client, records, model):
    obj = records[model]
    assert obj is not None
    changelist = admin_client.get(reverse(f"admin:groups_{model}_changelist"))
    assert changelist.status_code == 200
    change = admin_client.get(reverse(f"admin:groups_{model}_change", args=[obj.pk]))
    assert change.status_code == 200
    html = changelist.content.decode() + change.content.decode()
    for secret in ("SECRET-COMMENT", "SECRET-NOTE", "SECRET-CONCERN", "f" * 64):
        assert secret not in html
    assert records["servicereferral"].shared_first_name not in html  # "Amina"
    assert admin_client.get(reverse(f"admin:groups_{model}_add")).status_code == 403
    delete = admin_client.get(reverse(f"admin:groups_{model}_delete", args=[obj.pk]))
    assert delete.status_code == 403
    # A change posted anyway is refused.
    url = reverse(f"admin:groups_{model}_change", args=[obj.pk])
    assert admin_client.post(url, {"status": "x"}).status_code == 403


def test_funding_and_costs_can_be_corrected_within_the_database_checks(admin_client, group, vcse):
    source = FundingSource.objects.create(
        organisation=vcse,
        service=group,
        kind="grant",
        funder="Community Foundation",
        amount=decimal.Decimal("5000.00"),
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2027, 3, 31),
    )
    url = reverse("admin:groups_fundingsource_change", args=[source.pk])
    assert admin_client.get(reverse("admin:groups_fundingsource_changelist")).status_code == 200
    data = {
        "organisation": vcse.pk,
        "service": group.pk,
        "kind": "grant",
        "funder": "Community Foundation",
        "amount": "5500.00",
        "period_start": "2026-04-01",
        "period_end": "2027-03-31",
        "notes": "",
    }
    assert admin_client.post(url, data).status_code == 302
    source.refresh_from_db()
    assert source.amount == decimal.Decimal("5500.00")
    # A period that ends before it starts is refused with the form's error; nothing saved.
    response = admin_client.post(url, {**data, "amount": "1.00", "period_end": "2026-01-01"})
    assert response.status_code == 200
    source.refresh_from_db()
    assert source.amount == decimal.Decimal("5500.00")

    assert admin_client.get(reverse("admin:groups_servicecost_add")).status_code == 200
    response = admin_client.post(
        reverse("admin:groups_servicecost_add"),
        {"service": group.pk, "cost_per_session": "-5", "valid_from": "2026-04-01"},
    )
    assert response.status_code == 200 and not ServiceCost.objects.exists()
    response = admin_client.post(
        reverse("admin:groups_servicecost_add"),
        {"service": group.pk, "cost_per_session": "85.00", "valid_from": "2026-04-01"},
    )
    assert response.status_code == 302
    assert ServiceCost.objects.get().cost_per_session == decimal.Decimal("85.00")
