"""Demo funding and costs for the demo provider, so /groups/funding/ has figures to show.

For each of the provider's bookable listings: a cost per session from last April (raised
this April when the year is far enough on), a grant or contract for the financial year,
and six past weekly sessions with walk-in counts (counted, never named); plus donations and
in-kind help for the whole organisation. Deterministic for a seed and `now`.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.directory.models import ApprovalStatus, Service

from .funding import uk_financial_year_start
from .models import FundingKind, FundingSource, ServiceCost, Session, WalkInCount

DEMO_PROVIDER_EMAIL = "provider@example.org"
FUNDERS = [
    (FundingKind.GRANT, "National Lottery Community Fund"),
    (FundingKind.CONTRACT, "Sunderland City Council (social prescribing contract)"),
    (FundingKind.GRANT, "Community Foundation Tyne & Wear and Northumberland"),
    (FundingKind.MICROFINANCE, "Sunderland Community Micro-grants"),
]


def load_funding_demo(rng: random.Random, *, now: datetime.datetime | None = None) -> int:
    """Returns the number of funding sources made (0 when the demo provider is missing)."""
    now = now or timezone.now()
    provider = User.objects.filter(email=DEMO_PROVIDER_EMAIL).first()
    if provider is None:
        return 0
    membership = provider.memberships.select_related("organisation").first()
    if membership is None:
        return 0
    organisation = membership.organisation
    services = list(
        Service.objects.filter(
            organization__organisation=organisation,
            approval_status=ApprovalStatus.PUBLISHED,
            deleted_at__isnull=True,
            places_per_session__isnull=False,
        ).order_by("name")
    )
    today = timezone.localtime(now).date()
    year_start = uk_financial_year_start(today)
    last_year = year_start.replace(year=year_start.year - 1)
    made = 0
    for i, service in enumerate(services):
        base = Decimal(rng.randrange(60, 180, 5))
        ServiceCost.objects.create(
            service=service, cost_per_session=base, valid_from=last_year, created_by=provider
        )
        if (today - year_start).days > 30:
            ServiceCost.objects.create(
                service=service,
                cost_per_session=base + Decimal(rng.randrange(5, 25, 5)),
                valid_from=year_start,
                created_by=provider,
            )
        kind, funder = FUNDERS[i % len(FUNDERS)]
        FundingSource.objects.create(
            organisation=organisation,
            service=service,
            kind=kind,
            funder=funder,
            amount=Decimal(rng.randrange(3000, 15000, 250)),
            period_start=year_start,
            period_end=year_start.replace(year=year_start.year + 1) - datetime.timedelta(days=1),
            created_by=provider,
        )
        made += 1
        # Six past weekly sessions with walk-ins, so cost per attendance has something to show.
        for week in range(1, 7):
            starts = timezone.make_aware(
                datetime.datetime.combine(
                    today - datetime.timedelta(weeks=week, days=1 + i % 5), datetime.time(10)
                )
            )
            session = Session.objects.create(
                service=service,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                places=service.places_per_session,
                created_at=starts - datetime.timedelta(days=21),
            )
            WalkInCount.objects.create(
                session=session, count=rng.randint(2, 9), updated_by=provider
            )
    FundingSource.objects.create(
        organisation=organisation,
        kind=FundingKind.DONATIONS,
        funder="Local donations and the summer fair",
        amount=Decimal("1840.00"),
        period_start=year_start,
        period_end=today,
        notes="Collected at sessions and the fair.",
        created_by=provider,
    )
    FundingSource.objects.create(
        organisation=organisation,
        kind=FundingKind.IN_KIND,
        funder="St Ignatius church hall (room free of charge)",
        amount=Decimal("2400.00"),
        period_start=last_year,
        period_end=year_start.replace(year=year_start.year + 1) - datetime.timedelta(days=1),
        created_by=provider,
    )
    return made + 2
