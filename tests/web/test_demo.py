"""The demo loader: one load for the whole module, rolled back afterwards."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, User
from linkwell.demo import (
    DEMO_PASSWORD,
    DEMO_SIGN_INS,
    USERS,
    DemoRefused,
    database_fingerprint,
    load_demo,
    plan_demo,
    plan_fingerprint,
)
from linkwell.lib.postcode import lookup_area
from linkwell.people.models import Person
from linkwell.people.validators import clean_nhs_number, clean_phone
from linkwell.referrals.models import Referral, ReferralEvent, Source, Status
from linkwell.referrals.selectors import inbox_for

TODAY = datetime.date(2026, 6, 30)

# What seed 2026 on TODAY loads. A change here means the demo changed: check it on purpose.
EXPECTED_BY_STATUS = {
    "requested": 12,
    "received": 15,
    "accepted": 22,
    "rejected": 30,
    "in-progress": 66,
    "on-hold": 11,
    "completed": 92,
    "cancelled": 27,
    "failed": 25,
}


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    # Loading takes seconds, so load once. The outer transaction is rolled back afterwards so
    # later modules start from an empty database (the demo's default route is unique).
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", "--seed", "2026", "--today", TODAY.isoformat(), stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def test_it_prints_counts_and_every_sign_in(demo):
    assert "300 referrals" in demo
    assert DEMO_PASSWORD in demo
    for email, _role in DEMO_SIGN_INS:
        assert email in demo


def test_every_sign_in_works_with_the_demo_password(demo, client):
    # Every demo user shares one hash (hashing is slow by design), so signing in as a few
    # proves the password for all of them.
    emails = [email for email, _role in DEMO_SIGN_INS]
    hashes = set(User.objects.filter(email__in=emails).values_list("password", flat=True))
    assert User.objects.filter(email__in=emails).count() == len(emails)
    assert len(hashes) == 1
    for email in ("referrer@example.org", "linkworker4@example.org", "admin@example.org"):
        request = RequestFactory().post("/accounts/login/")
        assert client.login(request=request, username=email, password=DEMO_PASSWORD), email
        client.logout()
    request = RequestFactory().post("/accounts/login/")
    assert not client.login(request=request, username="lead@example.org", password="wrong-password")


def test_every_demo_user_has_the_stated_role_and_the_admin_is_a_superuser(demo):
    for spec in USERS:
        membership = Membership.objects.select_related("organisation").get(user__email=spec.email)
        assert membership.role == spec.role
        assert membership.organisation.name in spec.description
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_staff and admin.is_superuser


def test_it_loads_about_two_hundred_people_and_three_hundred_referrals(demo):
    assert Person.objects.count() >= 190
    assert Referral.objects.count() >= 290


def test_every_status_appears(demo):
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)


def test_it_is_deterministic(demo):
    planned = plan_fingerprint(plan_demo(seed=2026, today=TODAY))
    assert planned == plan_fingerprint(plan_demo(seed=2026, today=TODAY))
    assert database_fingerprint() == planned
    assert dict(Counter(Referral.objects.values_list("status", flat=True))) == EXPECTED_BY_STATUS


def test_a_different_seed_gives_a_different_demo():
    assert plan_fingerprint(plan_demo(seed=1, today=TODAY)) != plan_fingerprint(
        plan_demo(seed=2026, today=TODAY)
    )


def test_it_refuses_to_load_into_a_database_with_organisations(demo):
    with pytest.raises(DemoRefused):
        load_demo(seed=2026, today=TODAY)
    with pytest.raises(CommandError, match="empty database"):
        call_command("load_demo", stdout=io.StringIO())
    assert Referral.objects.count() == sum(EXPECTED_BY_STATUS.values())


def test_every_phone_number_is_a_valid_ofcom_drama_number(demo):
    phones = list(Person.objects.exclude(phone="").values_list("phone", flat=True))
    assert len(phones) > 150
    # Organisations keep the number as written for people to read; people's are E.164.
    written = list(Organisation.objects.values_list("phone", flat=True))
    for phone in phones + [clean_phone(p) for p in written]:
        assert clean_phone(phone) == phone
        assert phone.startswith(("+447700900", "+441914980")), phone


def test_every_nhs_number_is_a_valid_test_number(demo):
    numbers = list(Person.objects.exclude(nhs_number="").values_list("nhs_number", flat=True))
    assert len(numbers) > 100
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert number.startswith("999")
        assert clean_nhs_number(number) == number


def test_every_postcode_resolves_and_deprivation_varies(demo):
    postcodes = list(Person.objects.exclude(postcode="").values_list("postcode", flat=True))
    postcodes += list(Organisation.objects.values_list("postcode", flat=True))
    for postcode in postcodes:
        assert lookup_area(postcode) is not None, postcode
    deciles = set(Person.objects.exclude(imd_decile=None).values_list("imd_decile", flat=True))
    assert len(deciles) >= 6
    assert Person.objects.filter(no_fixed_abode=True).exists()
    assert Person.objects.filter(postcode="").exists()


def test_languages_and_interpreters_reflect_sunderland(demo):
    languages = Counter(Person.objects.values_list("language", flat=True))
    assert languages["en"] > Person.objects.count() / 2
    assert {"ar", "pl"} <= set(languages)
    assert languages.keys() & {"syl", "bn"}
    assert Person.objects.filter(interpreter_needed=True).count() >= 10


def test_every_kind_of_referrer_refers_and_about_one_in_seven_refers_themselves(demo):
    kinds = set(Referral.objects.values_list("referrer_organisation__kind", flat=True))
    assert {
        OrganisationKind.GP_PRACTICE,
        OrganisationKind.PHARMACY,
        OrganisationKind.HOSPITAL,
        OrganisationKind.JOBCENTRE,
        OrganisationKind.HOUSING,
        OrganisationKind.FIRE,
        OrganisationKind.POLICE,
    } <= kinds
    share = Referral.objects.filter(source=Source.SELF).count() / Referral.objects.count()
    assert 0.08 < share < 0.25


def test_the_inbox_holds_a_new_self_referral_from_an_arabic_speaker(demo):
    lead = User.objects.get(email="lead@example.org")
    assert any(
        r.source == Source.SELF and r.person.language == "ar" and r.status == Status.REQUESTED
        for r in inbox_for(lead)
    )


def test_histories_run_forwards_within_the_last_year(demo):
    start = datetime.date(2025, 6, 30)
    events: dict[int, list] = {}
    for event in ReferralEvent.objects.order_by("referral_id", "at", "id"):
        events.setdefault(event.referral_id, []).append(event)
    for referral in Referral.objects.all():
        history = events[referral.pk]
        assert history[0].at == referral.created_at
        assert history[-1].to_status == referral.status
        assert start <= referral.created_at.date() <= TODAY
        if referral.accepted_at:
            assert referral.created_at <= referral.received_at <= referral.accepted_at
            assert referral.allocated_to is not None
        assert (referral.closed_at is not None) == (not referral.is_open)


def test_the_demo_provider_has_sessions_and_people_booked_on_them(demo, client):
    from linkwell.accounts.models import User
    from linkwell.groups.models import Booking, Session

    provider = User.objects.get(email="provider@example.org")
    org_ids = list(provider.memberships.values_list("organisation_id", flat=True))
    sessions = Session.objects.filter(service__organization__organisation_id__in=org_ids)
    assert sessions.exists()
    assert Booking.objects.filter(session__in=sessions).exists()
    client.force_login(provider)
    assert client.get("/groups/").status_code == 200
