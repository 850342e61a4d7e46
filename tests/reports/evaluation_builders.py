"""A small, realistic evaluation dataset built through the product's services: referrals from
the cast's practice, accepted cases with contacts, EQ-5D-5L and SWEMWBS at baseline and 12
weeks, and attendances at a costed group."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from cast import submit_referral
from groups.conftest import group_listing, refer_on
from linkwell.casework.models import Case
from linkwell.casework.services import contact_record
from linkwell.directory.models import Organization
from linkwell.groups.models import Booking, BookingStatus, ServiceCost, Session
from linkwell.outcomes.services import measurement_record
from linkwell.referrals.models import Status
from linkwell.referrals.services import referral_transition

PEOPLE = [
    # (given, family, sex, ethnicity, language, interpreter, dob, nhs)
    ("Amina", "Hassan", "female", "other_arab", "ar", True, datetime.date(1980, 5, 17)),
    ("Bill", "Tate", "male", "white_british", "en", False, datetime.date(1950, 2, 3)),
    ("Chen", "Wei", "male", "asian_chinese", "zh", False, datetime.date(1990, 9, 9)),
    ("Dorota", "Nowak", "female", "white_other", "pl", False, datetime.date(1975, 1, 30)),
    ("Edna", "Hughes", "female", "white_british", "en", False, datetime.date(1942, 12, 1)),
    ("Farid", "Rahman", "male", "asian_bangladeshi", "syl", True, datetime.date(1968, 7, 21)),
    ("Grace", "Okafor", "female", "black_african", "en", False, datetime.date(1985, 3, 14)),
    ("Harry", "Dunn", "male", "white_british", "en", False, datetime.date(2001, 6, 6)),
    ("Ines", "Costa", "female", "white_other", "pt", False, datetime.date(1993, 11, 2)),
    ("Jamal", "Idris", "male", "black_other", "so", True, datetime.date(1979, 4, 28)),
    ("Kath", "Reed", "female", "white_british", "en", False, datetime.date(1958, 8, 19)),
    ("Liam", "Shaw", "male", "mixed_white_asian", "en", False, datetime.date(1999, 10, 10)),
]
# Valid NHS numbers (mod 11) used by the fixtures, so the leak test can search for them.
NHS_NUMBERS = [
    "9434765870", "9434765919", "9434765927", "9434765935", "9434765943", "9434765951",
    "9434765978", "9434765986", "9434765994", "9434766001", "9434766028", "9434766036",
]  # fmt: skip
POSTCODE = "SR2 8AA"


def _eq5d(rng: random.Random, wellbeing: float) -> dict:
    answers = {
        dim: max(1, min(5, round(rng.gauss(1 + 3 * (1 - wellbeing), 0.7))))
        for dim in ("mobility", "self_care", "usual_activities", "pain_discomfort",
                    "anxiety_depression")
    }  # fmt: skip
    answers["vas"] = max(0, min(100, round(wellbeing * 100)))
    return answers


def _swemwbs(rng: random.Random, wellbeing: float) -> dict:
    return {
        f"item{i}": max(1, min(5, round(rng.gauss(1 + 4 * wellbeing, 0.6)))) for i in range(1, 8)
    }


def build_dataset(*, referrer, practice, link_worker, vcse, today=None, seed=7):
    """Twelve participants; returns (cases, group service, period start, period end)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    baseline_day = today - datetime.timedelta(days=150)
    follow_day = baseline_day + datetime.timedelta(days=84)
    org = Organization.objects.create(name=vcse.name, description="Groups", organisation=vcse)
    group = group_listing(org)
    ServiceCost.objects.create(
        service=group, cost_per_session=Decimal("90.00"), valid_from=baseline_day
    )
    sessions = []
    for week in range(6):
        start = timezone.make_aware(
            datetime.datetime.combine(
                baseline_day + datetime.timedelta(days=7 * week + 3), datetime.time(10)
            )
        )
        sessions.append(
            Session.objects.create(
                service=group, starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                places=10,
            )
        )  # fmt: skip
    cases = []
    for i, (given, family, sex, ethnicity, language, interpreter, dob) in enumerate(PEOPLE):
        referral = submit_referral(
            referrer,
            practice,
            given_name=given,
            family_name=family,
            sex=sex,
            ethnicity=ethnicity,
            language=language,
            interpreter_needed=interpreter,
            date_of_birth=dob,
            nhs_number=NHS_NUMBERS[i],
            postcode=POSTCODE,
        )
        referral_transition(actor=link_worker, referral_id=referral.pk, to_status=Status.ACCEPTED)
        referral_transition(
            actor=link_worker, referral_id=referral.pk, to_status=Status.IN_PROGRESS
        )
        case = Case.objects.get(referral=referral)
        for k in range(2 + i % 3):
            contact_record(
                actor=link_worker,
                case_id=case.pk,
                at=timezone.make_aware(
                    datetime.datetime.combine(
                        baseline_day + datetime.timedelta(days=2 + 10 * k), datetime.time(11)
                    )
                ),
                mode="phone",
                minutes=20 + 5 * k,
                notes=f"Talked about {given}'s allotment",
            )
        start = rng.uniform(0.25, 0.55)
        gain = 0.02 * (i % 4) + (0.1 if i % 2 == 0 else 0.0)
        for timepoint, day, wellbeing in (
            ("baseline", baseline_day, start),
            ("follow_up_12w", follow_day, min(1.0, start + gain)),
        ):
            measurement_record(actor=link_worker, referral_id=referral.pk, instrument="EQ5D5L",
                               timepoint=timepoint, answers=_eq5d(rng, wellbeing),
                               mode="assisted", completed_on=day)  # fmt: skip
            measurement_record(actor=link_worker, referral_id=referral.pk, instrument="SWEMWBS",
                               timepoint=timepoint, answers=_swemwbs(rng, wellbeing),
                               mode="assisted", completed_on=day)  # fmt: skip
        if i % 3 != 2:
            onward = refer_on(case, group, link_worker, first_name=given)
            for session in sessions[: 2 + i % 4]:
                Booking.objects.create(
                    session=session, service_referral=onward, status=BookingStatus.ATTENDED
                )
        cases.append(case)
    return cases, group, baseline_day - datetime.timedelta(days=10), today
