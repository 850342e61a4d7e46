"""The shared cast for tests: two GP practices, a link worker service and its team, a provider,
an editor, a commissioner and an outsider organisation.

Tests are named as sentences and ask for only the cast members they need.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from linkwell.people.services import PersonDetails
from linkwell.referrals.models import ReferralRoute, Source
from linkwell.referrals.services import ReferralDetails, referral_submit

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def make_org(name: str, kind: str, **extra) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind, **extra)


def make_user(email: str, org: Organisation | None = None, role: str | None = None, **extra) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=extra.pop("full_name", email.split("@")[0].title()), **extra)
    if org is not None and role is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def practice(db):
    return make_org("Millfield Surgery", OrganisationKind.GP_PRACTICE, ods_code="A00001")


@pytest.fixture
def other_practice(db):
    return make_org("Hendon Medical Centre", OrganisationKind.GP_PRACTICE, ods_code="A00002")


@pytest.fixture
def service(db):
    svc = make_org("Sunderland Link Workers", OrganisationKind.LINK_WORKER_SERVICE)
    ReferralRoute.objects.create(service=svc, is_default=True)
    return svc


@pytest.fixture
def other_service(db):
    return make_org("Durham Link Workers", OrganisationKind.LINK_WORKER_SERVICE)


@pytest.fixture
def vcse(db):
    return make_org("Hendon Community Garden", OrganisationKind.VCSE)


@pytest.fixture
def referrer(practice):
    return make_user("referrer@example.org", practice, Role.REFERRER, full_name="Rita Referrer")


@pytest.fixture
def other_referrer(other_practice):
    return make_user("referrer2@example.org", other_practice, Role.REFERRER, full_name="Oscar Other")


@pytest.fixture
def link_worker(service):
    return make_user("linkworker@example.org", service, Role.LINK_WORKER, full_name="Lina Worker")


@pytest.fixture
def colleague(service):
    return make_user("colleague@example.org", service, Role.LINK_WORKER, full_name="Colin Colleague")


@pytest.fixture
def lead(service):
    return make_user("lead@example.org", service, Role.LINK_WORKER_LEAD, full_name="Lee Lead")


@pytest.fixture
def outsider_link_worker(other_service):
    return make_user("outsider@example.org", other_service, Role.LINK_WORKER, full_name="Olly Outsider")


@pytest.fixture
def provider(vcse):
    return make_user("provider@example.org", vcse, Role.PROVIDER, full_name="Pat Provider")


@pytest.fixture
def editor(db):
    org = make_org("Directory Team", OrganisationKind.COUNCIL)
    return make_user("editor@example.org", org, Role.DIRECTORY_EDITOR, full_name="Eddie Editor")


@pytest.fixture
def commissioner(db):
    org = make_org("Sunderland Commissioning", OrganisationKind.COMMISSIONER)
    return make_user("commissioner@example.org", org, Role.COMMISSIONER, full_name="Cora Commissioner")


@pytest.fixture
def nobody(db):
    """Signed in, but a member of no organisation."""
    return make_user("nobody@example.org")


def person_details(**overrides) -> PersonDetails:
    n = next(_seq)
    values = dict(
        given_name=f"Amina{n}",
        family_name="Hassan",
        date_of_birth=datetime.date(1980, 5, 17),
        phone="07700 900982",
        postcode="SR1 1AA",
        address_line_1="1 Example Street",
        language="ar",
        interpreter_needed=True,
        contact_methods=["phone"],
    )
    values.update(overrides)
    return PersonDetails(**values)


def submit_referral(actor, org, *, source=Source.PROFESSIONAL, **person_overrides):
    referral, _ = referral_submit(
        actor=actor,
        source=source,
        details=ReferralDetails(needs=["loneliness"], reason="Isolated since moving", consent_confirmed=True),
        person_details=person_details(**person_overrides),
        referrer_organisation=org,
    )
    return referral


@pytest.fixture
def referral(referrer, practice, service):
    """A new referral from the practice, routed to the service."""
    return submit_referral(referrer, practice)


@pytest.fixture
def other_referral(other_referrer, other_practice, service):
    return submit_referral(other_referrer, other_practice)


@pytest.fixture
def now():
    return timezone.now()
