"""Computed fact-based dashboard tables, kept until the facts change.

The referral, pathway, outcome and equity tables are a pure function of the facts (as of
their last refresh), the period, the area and the language (labels are translated when the
tables are built). So the first request for a period stores them and later requests, until
the next refresh, read them back: identical figures, no grouping. `reports.facts.refresh`
prepares the default period and the current quarter (the quarterly PDF's) in the default
language straight after each refresh, so the page most people open is ready before anyone
asks. The "Figures as of" note is added after reading (whether the figures are stale depends
on the time of the request).

Tables are stored as tagged JSON, never pickled: reading a row back must not be able to run
code even if someone could write to the table.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import math

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise

from .models import DashboardSnapshot
from .tables import Chart, Column, Table

_TAG = "$lw"


def _encode(value):
    """Plain JSON for a value a Table may hold; tags keep the types JSON lacks."""
    if isinstance(value, Promise):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {_TAG: "float", "v": repr(value)}
    if isinstance(value, datetime.datetime):
        return {_TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, datetime.date):
        return {_TAG: "date", "v": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {_TAG: "decimal", "v": str(value)}
    if isinstance(value, tuple):
        return {_TAG: "tuple", "v": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or _TAG in value:
            raise TypeError("stored tables hold dicts with string keys only")
        return {k: _encode(v) for k, v in value.items()}
    raise TypeError(f"cannot store a {type(value).__name__} in a dashboard table")


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        tag = value.get(_TAG)
        if tag is None:
            return {k: _decode(v) for k, v in value.items()}
        raw = value["v"]
        if tag == "float":
            return float(raw)
        if tag == "datetime":
            return datetime.datetime.fromisoformat(raw)
        if tag == "date":
            return datetime.date.fromisoformat(raw)
        if tag == "decimal":
            return decimal.Decimal(raw)
        if tag == "tuple":
            return tuple(_decode(v) for v in raw)
        raise ValueError(f"unknown stored value type {tag!r}")
    return value


def _table_to_json(table: Table) -> dict:
    return {
        f.name: _encode(
            [dataclasses.asdict(c) for c in table.columns]
            if f.name == "columns"
            else dataclasses.asdict(table.chart)
            if f.name == "chart" and table.chart is not None
            else getattr(table, f.name)
        )
        for f in dataclasses.fields(Table)
    }


def _table_from_json(data: dict) -> Table:
    values = {k: _decode(v) for k, v in data.items()}
    values["columns"] = [Column(**c) for c in values["columns"]]
    if values.get("chart") is not None:
        values["chart"] = Chart(**values["chart"])
    return Table(**values)


def tables_to_json(tables: list[Table]) -> list[dict]:
    return [_table_to_json(t) for t in tables]


def tables_from_json(data: list[dict]) -> list[Table]:
    return [_table_from_json(t) for t in data]


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
    return tables_from_json(row[0])


def store(period, as_of: datetime.datetime, tables: list) -> None:
    try:
        with transaction.atomic():
            DashboardSnapshot.objects.create(**_key(period, as_of), tables=tables_to_json(tables))
    except IntegrityError:  # another request stored the same figures first
        pass


def prepare_default() -> None:
    """Build the default period's tables and the current quarter's (the quarterly PDF's
    period), all areas, default language, for the new facts."""
    from .dashboard import dashboard_tables, default_period
    from .forms import current_quarter, parse_quarter

    with translation.override(settings.LANGUAGE_CODE):
        for period in (default_period(), parse_quarter(current_quarter())):
            dashboard_tables(period, fact_tables_only=True)
