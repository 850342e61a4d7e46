"""The one table shape every report renders: the page, the API, CSV, XLSX and PDF.

A `Table` holds raw values; `Table.publish()` applies small-number suppression
(`linkwell.reports.suppression`) and returns `Published` cells. Nothing outside this module
formats or suppresses on its own, so every output shows the same figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import number_format
from django.utils.functional import Promise

from . import suppression

# Column kinds. Counts of people are suppressed; the others are derived from counts.
LABEL = "label"
COUNT = "count"  # people (suppressed)
AMOUNT = "amount"  # not people (sessions, places): never suppressed
PERCENT = "percent"
POINTS = "points"  # difference in percentage points
DAYS = "days"
NUMBER = "number"


@dataclass
class Column:
    key: str
    label: str
    kind: str = COUNT
    # Counts this value is computed from: hidden when any of them is hidden or small.
    source: tuple[str, ...] = ()
    decimals: int | None = None


@dataclass
class Chart:
    kind: str  # bar | line | funnel
    label_column: str
    value_column: str
    title: str = ""


@dataclass
class Cell:
    value: object  # the raw value, or None when hidden or not available
    marker: str | None = None  # "<5" or "[c]" when hidden
    kind: str = LABEL
    decimals: int | None = None

    @property
    def hidden(self) -> bool:
        return self.marker is not None

    def text(self, *, localise: bool = True) -> str:
        """For people: suppression markers, "–" for no data, localised numbers."""
        if self.marker:
            return self.marker
        value = self.value
        if value is None:
            return "–"
        if isinstance(value, float) and not math.isfinite(value):
            return "–"
        if self.kind in (LABEL,) or isinstance(value, str):
            return str(value)
        decimals = self.decimals
        if decimals is None:
            decimals = 0 if self.kind in (COUNT, AMOUNT) else 1
        if self.kind in (POINTS, NUMBER) and isinstance(value, int | float) and value > 0:
            sign = "+"
        else:
            sign = ""
        if localise:
            shown = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
        else:
            shown = f"{value:.{decimals}f}"
        suffix = "%" if self.kind == PERCENT else ""
        return f"{sign}{shown}{suffix}"

    def data(self):
        """For machines (API, XLSX): the number, the marker string, or None."""
        if self.marker:
            return self.marker
        value = self.value
        if isinstance(value, Promise):
            return str(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                return None
            return round(value, 4)
        return value


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    section: str = ""
    chart: Chart | None = None
    # Suppression structure: blocks of row indexes whose COUNT columns add up to a total row
    # (the total row's index, or None when the total is published elsewhere). By default all
    # non-total rows form one block whose column totals are published.
    blocks: list[tuple[list[int], int | None]] | None = None
    # COUNT columns that add up, row by row, to another COUNT column (the row total).
    row_total: str | None = None
    row_parts: tuple[str, ...] = ()
    empty_message: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def publish(self) -> Published:
        threshold = settings.LINKWELL_SUPPRESS_BELOW
        hidden: dict[tuple[int, str], str] = {}
        counts = [c.key for c in self.columns if c.kind == COUNT]
        blocks = self.blocks
        if blocks is None:
            blocks = [(list(range(len(self.rows))), None)]
        for members, total in blocks:
            if not members:
                continue
            self._suppress_block(members, total, counts, hidden, threshold)
        cells = []
        for i, row in enumerate(self.rows):
            line = []
            for col in self.columns:
                value = row.get(col.key)
                marker = hidden.get((i, col.key))
                if marker is None and col.kind not in (LABEL, COUNT, AMOUNT):
                    sources = [row.get(s) for s in col.source]
                    if any((i, s) in hidden for s in col.source) or any(
                        isinstance(v, int) and 0 < v < threshold for v in sources
                    ):
                        marker = suppression.SECONDARY if value is not None else None
                if marker is not None:
                    line.append(Cell(None, marker, col.kind, col.decimals))
                else:
                    line.append(Cell(value, None, col.kind, col.decimals))
            cells.append(line)
        return Published(self, cells)

    def _suppress_block(self, members, total, counts, hidden, threshold) -> None:
        # Columns that add up across a row (row_parts -> row_total) form one grid with row
        # totals; every other count column is its own one-column grid.
        grids: list[tuple[list[str], bool]] = []
        parts = [c for c in self.row_parts if c in counts]
        if parts and self.row_total:
            grids.append((parts, True))
        for key in counts:
            if key not in parts and key != self.row_total:
                grids.append(([key], False))
        for keys, with_row_total in grids:
            grid = [[int(self.rows[i].get(k) or 0) for k in keys] for i in members]
            mask = suppression.suppress_grid(
                grid, row_totals=with_row_total, col_totals=True, threshold=threshold
            )
            rows_n, cols_n = len(members), len(keys)
            for (gi, gj), marker in [(k, suppression.PRIMARY) for k in mask.primary] + [
                (k, suppression.SECONDARY) for k in mask.secondary
            ]:
                if gi < rows_n:
                    row_index = members[gi]
                elif total is not None:
                    row_index = total
                else:
                    continue
                key = keys[gj] if gj < cols_n else self.row_total
                hidden.setdefault((row_index, key), marker)
        # A count in the total row that is itself small is hidden as primary.
        if total is not None:
            for key in counts:
                value = self.rows[total].get(key)
                if isinstance(value, int) and 0 < value < threshold:
                    hidden.setdefault((total, key), suppression.PRIMARY)


@dataclass
class Published:
    table: Table
    cells: list[list[Cell]]

    @property
    def columns(self) -> list[Column]:
        return self.table.columns

    def as_json(self) -> dict:
        return {
            "name": self.table.name,
            "title": str(self.table.title),
            "section": str(self.table.section),
            "columns": [
                {"key": c.key, "label": str(c.label), "kind": c.kind} for c in self.table.columns
            ],
            "rows": [[cell.data() for cell in row] for row in self.cells],
            "notes": [str(n) for n in self.table.notes],
        }

    def text_rows(self, *, localise: bool = True) -> list[list[str]]:
        return [[cell.text(localise=localise) for cell in row] for row in self.cells]

    def chart_points(self) -> list[tuple[str, float | None, str]]:
        """(label, value or None when hidden/unknown, shown text) for the table's chart."""
        chart = self.table.chart
        if chart is None:
            return []
        keys = [c.key for c in self.table.columns]
        li, vi = keys.index(chart.label_column), keys.index(chart.value_column)
        points = []
        for row in self.cells:
            label, cell = row[li], row[vi]
            value = cell.value if isinstance(cell.value, int | float) else None
            if cell.hidden:
                value = None
            points.append((label.text(), value, cell.text()))
        return points
