"""Groups builders: the cast's VCSE runs a weekly group; the cast's case is referred on to it."""

import datetime

import pytest
from django.utils import timezone

from linkwell.casework.models import Case
from linkwell.directory.models import Organization
from linkwell.directory.services import service_create
from linkwell.groups.models import Session
from linkwell.groups.services import service_referral_create
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition


def group_listing(org, **overrides):
    data = {
        "name": "Gardening and English for women",
        "description": "Grow vegetables and practise English.",
        "status": "active",
        "accepts_referrals": True,
        "places_per_session": 3,
        "schedules": [{"freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "12:00"}],
        "locations": [
            {
                "name": "Hendon Garden",
                "address_1": "2 Garden Lane",
                "city": "Sunderland",
                "postcode": "SR2 8AA",
            }
        ],
    }
    data.update(overrides)
    return service_create(
        actor=None, organization=org, data=data, publish=True, verified_at=timezone.now()
    )


@pytest.fixture
def group(vcse):
    org = Organization.objects.create(name=vcse.name, description="Groups", organisation=vcse)
    return group_listing(org)


@pytest.fixture
def other_group(db):
    org = Organization.objects.create(name="Elsewhere Trust", description="Not ours")
    return group_listing(org, name="Men's shed")


@pytest.fixture
def case(referral, link_worker) -> Case:
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
    referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.IN_PROGRESS)
    return Case.objects.select_related("referral").get(referral=referral)


def refer_on(case, group, actor, first_name="Amina", **extra):
    values = {
        "contact_route": "Phone after 5pm",
        "language": "ar",
        "interpreter_needed": True,
        "access_needs": "Step-free access",
        "note": "Keen on growing herbs.",
        "consent_given": True,  # the person agreed to share (onward referral rules)
        **extra,
    }
    return service_referral_create(
        actor=actor, case_id=case.pk, service_id=group.pk, first_name=first_name, **values
    )


def refer_someone(case, group, actor, first_name="Amina", **extra):
    """Refer on a different person, from the same referrer to the same link worker service
    (a case may have only one open referral to a service at a time)."""
    from cast import submit_referral

    referral = submit_referral(case.referral.referrer_user, case.referral.referrer_organisation)
    referral_transition(actor=actor, referral_id=referral.pk, to_status=Status.ACCEPTED)
    other = Case.objects.get(referral=referral)
    return refer_on(other, group, actor, first_name=first_name, **extra)


@pytest.fixture
def onward(case, group, link_worker):
    return refer_on(case, group, link_worker)


def make_session(group, *, places=3, days=0, hour=None):
    now = timezone.localtime()
    start = (now + datetime.timedelta(days=days)).replace(
        hour=hour if hour is not None else 23, minute=0, second=0, microsecond=0
    )
    if days == 0 and hour is None:
        start = now + datetime.timedelta(minutes=5)
    return Session.objects.create(
        service=group, starts_at=start, ends_at=start + datetime.timedelta(hours=2), places=places
    )


@pytest.fixture
def session(group):
    """Today's session, starting in a few minutes."""
    return make_session(group)
