"""Computed fact-based dashboard tables, kept until the facts change.

The referral, pathway, outcome and equity tables are a pure function of the facts (as of
their last refresh), the period, the area and the language (labels are translated when the
tables are built). So the first request for a period stores them and later requests, until
the next refresh, read them back: identical figures, no grouping. `reports.facts.refresh`
prepares the default period in the default language straight after each refresh, so the page
most people open is ready before anyone asks. The "Figures as of" note is added after
reading (whether the figures are stale depends on the time of the request).
"""

from __future__ import annotations

import datetime
import pickle

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from .models import DashboardSnapshot


def _key(period, as_of: datetime.datetime) -> dict:
    return {
        "as_of": as_of,
        "start": period.start,
        "end": period.end,
        "area": period.area,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }


def load(period, as_of: datetime.datetime) -> list | None:
    row = DashboardSnapshot.objects.filter(**_key(period, as_of)).values_list("tables").first()
    if row is None:
        return None
    # Only this module writes these rows, from tables it built itself.
    return pickle.loads(bytes(row[0]))  # noqa: S301


def store(period, as_of: datetime.datetime, tables: list) -> None:
    try:
        with transaction.atomic():
            DashboardSnapshot.objects.create(
                **_key(period, as_of), tables=pickle.dumps(tables, pickle.HIGHEST_PROTOCOL)
            )
    except IntegrityError:  # another request stored the same figures first
        pass


def prepare_default() -> None:
    """Build the default period's tables (all areas, default language) for the new facts."""
    from .dashboard import dashboard_tables, default_period

    with translation.override(settings.LANGUAGE_CODE):
        dashboard_tables(default_period(), fact_tables_only=True)
