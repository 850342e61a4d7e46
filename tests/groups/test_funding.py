"""Funding sources and session costs: services, the figures selector, and the pages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cast import make_org, make_user
from linkwell.accounts.models import OrganisationKind, Role
from linkwell.audit.models import AuditEntry
from linkwell.directory.models import Organization
from linkwell.groups import funding
from linkwell.groups.models import (
    Booking,
    BookingStatus,
    FundingSource,
    ServiceCost,
    Session,
    WalkInCount,
)

from .conftest import group_listing

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def other_provider(db):
    org = make_org("Elsewhere Trust", OrganisationKind.VCSE)
    return make_user("other-provider@example.org", org, Role.PROVIDER)


def _source(provider, vcse, **overrides):
    values = {
        "actor": provider,
        "organisation_id": vcse.pk,
        "kind": "grant",
        "funder": "National Lottery Community Fund",
        "amount": "12000",
        "period_start": datetime.date(2026, 4, 1),
        "period_end": datetime.date(2027, 3, 31),
    }
    values.update(overrides)
    return funding.funding_source_create(**values)


# ---- services ----------------------------------------------------------------------------


def test_a_provider_records_funding_for_a_service(provider, vcse, group):
    source = _source(provider, vcse, service_id=str(group.pk), amount="1,250.50")
    assert source.amount == Decimal("1250.50") and source.service == group
    assert AuditEntry.objects.filter(object_type="groups.fundingsource", action="create").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"period_end": datetime.date(2026, 3, 31)}, "period_end"),
        ({"kind": "loan"}, "kind"),
        ({"funder": "  "}, "funder"),
        ({"service_id": "not-a-uuid"}, "service"),
        ({"organisation_id": 999999}, "organisation"),
    ],
)
def test_bad_funding_is_refused_with_a_field_message(provider, vcse, overrides, field):
    with pytest.raises(ValidationError) as exc:
        _source(provider, vcse, **overrides)
    assert field in exc.value.message_dict
    assert not FundingSource.objects.exists()


def test_funding_for_someone_elses_service_is_refused(provider, vcse, other_group):
    with pytest.raises(ValidationError) as exc:
        _source(provider, vcse, service_id=str(other_group.pk))
    assert "service" in exc.value.message_dict


@pytest.mark.parametrize("who", ["link_worker", "editor", "commissioner", "referrer"])
def test_only_providers_record_funding(request, vcse, who):
    with pytest.raises(PermissionDenied):
        _source(request.getfixturevalue(who), vcse)


def test_another_provider_cannot_change_our_funding(provider, other_provider, vcse):
    source = _source(provider, vcse)
    from django.http import Http404

    with pytest.raises(Http404):
        funding.funding_source_update(
            actor=other_provider,
            source_id=source.pk,
            organisation_id=vcse.pk,
            kind="grant",
            funder="Changed",
            amount="1",
            period_start=source.period_start,
            period_end=source.period_end,
        )
    source.refresh_from_db()
    assert source.funder == "National Lottery Community Fund"


def test_session_costs_are_one_per_day_and_editable(provider, group):
    day = datetime.date(2026, 4, 1)
    first = funding.service_cost_set(
        actor=provider, service_id=str(group.pk), cost_per_session="90", valid_from=day
    )
    again = funding.service_cost_set(
        actor=provider, service_id=str(group.pk), cost_per_session="95", valid_from=day
    )
    assert first.pk == again.pk and again.cost_per_session == Decimal("95")
    later = funding.service_cost_set(
        actor=provider,
        service_id=str(group.pk),
        cost_per_session="100",
        valid_from=datetime.date(2026, 9, 1),
    )
    with pytest.raises(ValidationError) as exc:
        funding.service_cost_set(
            actor=provider,
            service_id=str(group.pk),
            cost_per_session="100",
            valid_from=day,
            cost_id=later.pk,
        )
    assert "valid_from" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        funding.service_cost_set(
            actor=provider, service_id=str(group.pk), cost_per_session="-5", valid_from=day
        )
    assert "cost_per_session" in exc.value.message_dict
    assert ServiceCost.objects.count() == 2


# ---- the selector ------------------------------------------------------------------------


def _held(group, when, *, places=4, statuses=(), walk_ins=0, cancelled=False):
    session = Session.objects.create(
        service=group,
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=2),
        places=places,
        cancelled=cancelled,
    )
    for status in statuses:
        Booking.objects.create(session=session, status=status)
    if walk_ins:
        WalkInCount.objects.create(session=session, count=walk_ins)
    return session


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_service_costs_counts_what_was_held(provider, vcse, group):
    S = BookingStatus
    _held(
        group,
        _at(datetime.date(2026, 5, 5)),
        statuses=[S.ATTENDED, S.LATE, S.ABSENT, S.CANCELLED, S.WAITLISTED],
        walk_ins=3,
    )
    _held(group, _at(datetime.date(2026, 5, 12)), statuses=[S.ATTENDED, S.BOOKED])
    _held(group, _at(datetime.date(2026, 5, 19)), statuses=[S.ATTENDED], cancelled=True)
    _held(group, _at(datetime.date(2026, 3, 1)), statuses=[S.ATTENDED])  # before the period
    _held(group, _at(datetime.date(2026, 7, 1)), statuses=[S.BOOKED])  # in the future
    funding.service_cost_set(
        actor=provider,
        service_id=str(group.pk),
        cost_per_session="120",
        valid_from=datetime.date(2026, 1, 1),
    )
    _source(provider, vcse, service_id=str(group.pk), amount="3650")
    _source(provider, vcse, amount="99999")  # whole organisation: not split between services
    (figures,) = funding.service_costs(
        services=[group],
        start=datetime.date(2026, 4, 1),
        end=datetime.date(2026, 6, 30),
        now=_at(TODAY),
    )
    assert figures.service_id == group.pk
    assert figures.sessions == 2 and figures.places == 8
    assert figures.places_filled == 5  # attended, late, absent + attended, booked
    assert figures.utilisation == Decimal("62.5")
    assert figures.attendances == 3 and figures.walk_ins == 3
    assert figures.total_cost == Decimal("240.00")
    assert figures.cost_per_attendance == Decimal("40.00")
    # 91 of the grant's 365 days fall in April to June.
    assert figures.funding_total == Decimal("910.00")


def test_service_costs_for_many_services_takes_four_queries(
    provider, vcse, django_assert_max_num_queries
):
    org = Organization.objects.create(name=vcse.name, description="Groups", organisation=vcse)
    groups = [group_listing(org, name=f"Group {i}") for i in range(8)]
    for i, g in enumerate(groups):
        _held(g, _at(datetime.date(2026, 5, 5)), statuses=[BookingStatus.ATTENDED], walk_ins=i)
        ServiceCost.objects.create(
            service=g, cost_per_session=Decimal(10 * (i + 1)), valid_from=datetime.date(2026, 1, 1)
        )
    with django_assert_max_num_queries(4):
        figures = funding.service_costs(
            services=[g.pk for g in groups],
            start=datetime.date(2026, 4, 1),
            end=datetime.date(2026, 6, 30),
            now=_at(TODAY),
        )
    assert [f.service_id for f in figures] == [g.pk for g in groups]
    assert [f.walk_ins for f in figures] == list(range(8))
    assert figures[2].cost_per_attendance == Decimal("10.00")  # 30 / (1 + 2 walk-ins)
    everything = funding.service_costs(
        start=datetime.date(2026, 4, 1), end=datetime.date(2026, 6, 30), now=_at(TODAY)
    )
    assert {f.service_id for f in everything} == {g.pk for g in groups}


def test_service_costs_refuses_a_backwards_period():
    with pytest.raises(ValidationError):
        funding.service_costs(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 1, 1))


def test_an_empty_service_list_gives_no_figures(db):
    assert funding.service_costs(services=[], start=TODAY, end=TODAY) == []


# ---- pages -------------------------------------------------------------------------------


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_the_overview_shows_figures_and_no_attendances_yet(client, provider, vcse, group):
    funding.service_cost_set(
        actor=provider, service_id=str(group.pk), cost_per_session="75", valid_from=TODAY
    )
    _source(provider, vcse, service_id=str(group.pk))
    response = _signed_in(client, provider).get("/groups/funding/")
    assert response.status_code == 200
    body = response.content.decode()
    assert group.name in body and "National Lottery Community Fund" in body
    assert "No attendances yet" in body
    assert "Add a funding source" in body


def test_a_provider_adds_funding_through_the_page(client, provider, vcse, group):
    client = _signed_in(client, provider)
    assert client.get("/groups/funding/sources/new/").status_code == 200
    data = {
        "organisation": vcse.pk,
        "service": str(group.pk),
        "kind": "donations",
        "funder": "Local donations",
        "amount": "480",
        "period_start_day": "1",
        "period_start_month": "4",
        "period_start_year": "2026",
        "period_end_day": "31",
        "period_end_month": "3",
        "period_end_year": "2026",
        "notes": "",
    }
    response = client.post("/groups/funding/sources/new/", data)
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date." in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not FundingSource.objects.exists()
    data["period_end_year"] = "2027"
    response = client.post("/groups/funding/sources/new/", data)
    assert response.status_code == 302
    source = FundingSource.objects.get()
    assert source.kind == "donations" and source.service == group
    data["amount"] = "500"
    response = client.post(f"/groups/funding/sources/{source.pk}/", data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.amount == Decimal("500")


def test_a_provider_adds_a_session_cost_through_the_page(client, provider, group):
    client = _signed_in(client, provider)
    assert client.get("/groups/funding/costs/new/").status_code == 200
    data = {
        "service": str(group.pk),
        "cost_per_session": "-3",
        "valid_from_day": "1",
        "valid_from_month": "4",
        "valid_from_year": "2026",
    }
    response = client.post("/groups/funding/costs/new/", data)
    assert (
        response.status_code == 400 and "The amount must be 0 or more." in response.content.decode()
    )
    data["cost_per_session"] = "85.50"
    assert client.post("/groups/funding/costs/new/", data).status_code == 302
    cost = ServiceCost.objects.get()
    assert cost.cost_per_session == Decimal("85.50")
    assert client.get(f"/groups/funding/costs/{cost.pk}/").status_code == 200


def test_an_editor_may_look_but_not_change(client, provider, vcse, group, editor):
    source = _source(provider, vcse, service_id=str(group.pk))
    client = _signed_in(client, editor)
    response = client.get("/groups/funding/")
    assert response.status_code == 200
    assert "National Lottery Community Fund" in response.content.decode()
    assert "Add a funding source" not in response.content.decode()
    assert client.get("/groups/funding/sources/new/").status_code == 403
    assert client.get(f"/groups/funding/sources/{source.pk}/").status_code == 403


def test_another_provider_sees_none_of_ours(client, provider, vcse, group, other_provider):
    source = _source(provider, vcse, service_id=str(group.pk))
    cost = funding.service_cost_set(
        actor=provider, service_id=str(group.pk), cost_per_session="75", valid_from=TODAY
    )
    client = _signed_in(client, other_provider)
    body = client.get("/groups/funding/").content.decode()
    assert "National Lottery Community Fund" not in body and group.name not in body
    assert client.get(f"/groups/funding/sources/{source.pk}/").status_code == 404
    assert client.get(f"/groups/funding/costs/{cost.pk}/").status_code == 404
    assert client.post(f"/groups/funding/sources/{source.pk}/", {}).status_code == 404


@pytest.mark.parametrize("who", ["link_worker", "referrer", "commissioner", "nobody"])
def test_other_roles_get_403(client, request, who):
    client = _signed_in(client, request.getfixturevalue(who))
    assert client.get("/groups/funding/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get("/groups/funding/")
    assert response.status_code == 302 and "sign-in" in response["Location"]
