"""Stored dashboard tables round-trip through tagged JSON exactly (never pickle)."""

from __future__ import annotations

import datetime
import decimal
import json
import math

from django.utils.translation import gettext_lazy

from linkwell.reports import snapshots
from linkwell.reports.tables import COUNT, DAYS, PERCENT, Chart, Column, Table


def a_table() -> Table:
    return Table(
        name="waits",
        title=gettext_lazy("Waiting times"),
        columns=[
            Column("group", "Group", kind="label"),
            Column("n", "People", kind=COUNT),
            Column("share", "Share", kind=PERCENT, source=("n", "total"), decimals=1),
            Column("median", "Median", kind=DAYS),
        ],
        rows=[
            {
                "group": "All",
                "n": 12,
                "share": 50.0,
                "median": 3.5,
                "month": datetime.date(2026, 5, 1),
            },
            {
                "group": "IMD 1",
                "n": 3,
                "share": float("nan"),
                "median": None,
                "cost": decimal.Decimal("12.50"),
            },
            {
                "group": "IMD 2",
                "n": 9,
                "share": float("inf"),
                "median": 2,
                "at": datetime.datetime(2026, 5, 1, 9, 30, tzinfo=datetime.UTC),
            },
        ],
        notes=[gettext_lazy("Figures as of today"), "plain"],
        section="pathway",
        chart=Chart("bar", "group", "n", title="People"),
        blocks=[([1, 2], 0), ([0], None)],
        row_total="n",
        row_parts=("a", "b"),
        empty_message="No data",
    )


def test_a_table_comes_back_exactly_as_it_was_stored():
    original = a_table()
    stored = json.loads(json.dumps(snapshots.tables_to_json([original]), allow_nan=False))
    (back,) = snapshots.tables_from_json(stored)
    assert back.title == "Waiting times" and back.notes == ["Figures as of today", "plain"]
    assert back.columns == original.columns
    assert back.chart == original.chart
    assert back.blocks == original.blocks
    assert back.row_parts == ("a", "b") and back.row_total == "n"
    assert back.rows[0] == original.rows[0]
    assert back.rows[1]["cost"] == decimal.Decimal("12.50")
    assert math.isnan(back.rows[1]["share"]) and back.rows[2]["share"] == math.inf
    assert back.rows[2]["at"] == original.rows[2]["at"]
    assert [[c.text() for c in row] for row in back.publish().cells] == [
        [c.text() for c in row] for row in original.publish().cells
    ]


def test_a_value_of_an_unknown_type_is_refused_rather_than_stored():
    table = a_table()
    table.rows[0]["odd"] = object()
    try:
        snapshots.tables_to_json([table])
    except TypeError as exc:
        assert "object" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("an unknown type was stored")
