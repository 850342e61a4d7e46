"""The facts packed by day and area (`reports.blocks`): kept in step with the facts by every
refresh (incremental = full, a deleted referral noticed), built the same way in SQL and in
Python, and giving the live figures at the edges (age bands on birthdays, one area)."""

import datetime
import random

import pytest
from django.db import connection
from django.utils import timezone

from linkwell.casework.models import Contact
from linkwell.people.models import Person
from linkwell.referrals.models import Referral
from linkwell.reports import blocks, facts
from linkwell.reports import dashboard as d
from linkwell.reports.models import DashboardSnapshot, OnwardFact, OutcomeBlock, ReferralBlock

from .conftest import build_referral
from .test_dashboard_facts import _random_records, assert_same_tables, periods


def _delete_one_referral() -> None:
    """A referral never accepted (no case, no measures: nothing protects it)."""
    from linkwell.outcomes.models import Measurement

    kept = set(facts.CaseModel.objects.values_list("referral_id", flat=True))
    kept |= set(Measurement.objects.values_list("referral_id", flat=True))
    Referral.objects.exclude(id__in=[i for i in kept if i]).order_by("id").first().delete()


def _blocks() -> tuple[list, list]:
    referral = sorted((b.day, b.area, b.n, bytes(b.rows)) for b in ReferralBlock.objects.all())
    outcome = sorted(
        (b.day, b.area, b.instrument, b.measure, b.n, bytes(b.rows))
        for b in OutcomeBlock.objects.all()
    )
    return referral, outcome


@pytest.mark.django_db
def test_blocks_hold_every_fact_once(referrer, practice, link_worker, refresh_facts):
    _random_records(random.Random(11), referrer, practice, link_worker, 20)
    refresh_facts()
    referral, outcome = _blocks()
    assert sum(n for _d, _a, n, _r in referral) == facts.ReferralFact.objects.count()
    assert sum(len(r) for *_k, r in referral) == facts.ReferralFact.objects.count() * 28
    assert sum(b[4] for b in outcome) == facts.OutcomeFact.objects.count()
    assert OnwardFact.objects.count() > 0


@pytest.mark.django_db
def test_an_incremental_refresh_leaves_the_same_blocks_as_a_full_one(
    referrer, practice, link_worker, refresh_facts
):
    rng = random.Random(12)
    _random_records(rng, referrer, practice, link_worker, 16)
    refresh_facts()
    # New referrals, a new contact, a person moving to another area, a referral deleted.
    _random_records(rng, referrer, practice, link_worker, 5)
    case = facts.CaseModel.objects.order_by("id").first()
    Contact.objects.create(case=case, at=timezone.now(), mode="phone", minutes=9,
                           successful=True, recorded_by=link_worker)  # fmt: skip
    moved = Referral.objects.order_by("-id").exclude(pk=case.referral_id).first()
    person = Person.objects.get(pk=moved.person_id)
    person.postcode_district = "NE1" if person.postcode_district != "NE1" else "SR1"
    person.save()
    _delete_one_referral()
    assert facts.refresh() > 0
    incremental = _blocks()
    for p in periods():
        assert_same_tables(p)
    facts.refresh(full=True)
    assert _blocks() == incremental


@pytest.mark.django_db
def test_a_deleted_referral_leaves_the_figures_at_the_next_refresh(
    referrer, practice, link_worker, refresh_facts
):
    _random_records(random.Random(13), referrer, practice, link_worker, 12)
    refresh_facts()
    other = d.Period(timezone.localdate() - datetime.timedelta(days=400), timezone.localdate())
    assert_same_tables(other)
    # Deleted long after it last changed: no timestamp says so, only the count of its block.
    later = timezone.now() + datetime.timedelta(hours=1)
    facts.refresh(now=later)
    _delete_one_referral()
    assert facts.refresh(now=later + datetime.timedelta(minutes=30)) == 0
    assert not DashboardSnapshot.objects.filter(start=other.start, end=other.end).exists()
    for p in [other, *periods()]:
        assert_same_tables(p)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares the SQL build")
def test_sql_and_python_build_the_same_blocks(referrer, practice, link_worker, refresh_facts):
    _random_records(random.Random(14), referrer, practice, link_worker, 16)
    refresh_facts()
    built_in_sql = _blocks()
    blocks._delete(None)
    blocks._python_build(None)
    assert _blocks() == built_in_sql


@pytest.mark.django_db
def test_age_bands_on_and_around_birthdays_match_the_live_figures(
    referrer, practice, link_worker, refresh_facts
):
    end = timezone.localdate() - datetime.timedelta(days=3)
    births = []
    for years in (18, 25, 35, 50, 65, 75):
        on = d._years_before(end, years)
        births += [on, on + datetime.timedelta(days=1), on - datetime.timedelta(days=1)]
    births += [datetime.date(1960, 2, 29), None]
    for i, born in enumerate(births):
        build_referral(
            referrer,
            practice,
            link_worker,
            created_days_ago=10 + i,
            contact_after=1 + i % 4,
            swemwbs=(20.0, 21.0 + i % 5),
            date_of_birth=born,
        )
    refresh_facts()
    for period in (
        d.Period(end - datetime.timedelta(days=60), end),
        d.Period(datetime.date(2024, 2, 1), datetime.date(2024, 2, 28)),
        d.Period(end - datetime.timedelta(days=60), timezone.localdate()),
    ):
        assert_same_tables(period)
    ages = {
        r["group"]: r["referred"]
        for r in next(
            t
            for t in d.dashboard_tables(d.Period(end - datetime.timedelta(days=60), end))
            if t.name == "equity-age"
        ).rows
    }
    assert ages["0 to 17"] == 1  # born a day after the 18th birthday's date
    assert ages["18 to 24"] == 3
