"""Helpers to build the cast for tests: two GP practices, a link worker service and its team, a provider,
an editor, a commissioner and an outsider organisation.

Tests are named as sentences and ask for only the cast members they need.
"""

from __future__ import annotations

import datetime
import itertools

from linkwell.accounts.models import Membership, Organisation, User
from linkwell.people.services import PersonDetails
from linkwell.referrals.models import Source
from linkwell.referrals.services import ReferralDetails, referral_submit

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def make_org(name: str, kind: str, **extra) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind, **extra)


def make_user(
    email: str, org: Organisation | None = None, role: str | None = None, **extra
) -> User:
    user = User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name=extra.pop("full_name", email.split("@")[0].title()),
        **extra,
    )
    if org is not None and role is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


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
        details=ReferralDetails(
            needs=["loneliness"], reason="Isolated since moving", consent_confirmed=True
        ),
        person_details=person_details(**person_overrides),
        referrer_organisation=org,
    )
    return referral
