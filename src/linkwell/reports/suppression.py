"""Small-number suppression for published tables (pure: no Django, no database).

Rules (docs/reports.md):

- **Primary**: a count from 1 to ``threshold - 1`` (default 1-4) is shown as "<5". A zero is
  shown as 0: it discloses nothing about a person, and hiding zeros would hide the gaps that
  commissioners need to see (a group nobody from a community reaches). A zero may still be
  hidden as a *secondary* cell when that is the only way to protect a small number.
- **Secondary**: every published total is an equation (the cells of a line add up to its
  total). A line with exactly one hidden member would give that member away by subtraction,
  so the smallest other member of that line is hidden too (positive cells first, then zeros,
  then the line's total), repeated until no line has exactly one hidden member. Because
  combinations of lines can still pin a value down, the result is then checked by linear
  algebra (a hidden value is recoverable exactly when its unit vector lies in the row space of
  the equations restricted to the hidden values) and more cells are hidden until none is.
- **Derived values** (rates, medians, means) are hidden when any count they are computed from
  is hidden, or when they rest on fewer than ``threshold`` people.

`suppress_grid` works on a grid of counts with optional row totals, column totals and a grand
total; `Table` suppression in `linkwell.reports.dashboard` maps its columns onto such grids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

PRIMARY = "<5"
SECONDARY = "[c]"
DEFAULT_THRESHOLD = 5


def is_primary(value: int | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return value is not None and 0 < value < threshold


@dataclass
class GridMask:
    """Which members of an extended grid are hidden, and why.

    Keys are (row, column) in the extended grid: rows 0..R-1 are the table's rows and row R the
    column totals; columns 0..C-1 are the table's columns and column C the row totals.
    """

    primary: set[tuple[int, int]] = field(default_factory=set)
    secondary: set[tuple[int, int]] = field(default_factory=set)

    def hidden(self, key: tuple[int, int]) -> bool:
        return key in self.primary or key in self.secondary

    def marker(self, key: tuple[int, int]) -> str | None:
        if key in self.primary:
            return PRIMARY
        if key in self.secondary:
            return SECONDARY
        return None


def _lines(rows: int, cols: int, row_totals: bool, col_totals: bool) -> list[list]:
    """The published equations: each is (members, total) in extended-grid coordinates."""
    lines = []
    if row_totals:
        for i in range(rows):
            lines.append(([(i, j) for j in range(cols)], (i, cols)))
        if col_totals:
            lines.append(([(rows, j) for j in range(cols)], (rows, cols)))
    if col_totals:
        for j in range(cols):
            lines.append(([(i, j) for i in range(rows)], (rows, j)))
        if row_totals:
            lines.append(([(i, cols) for i in range(rows)], (rows, cols)))
    return lines


def _extended(cells: Sequence[Sequence[int]], row_totals: bool, col_totals: bool) -> dict:
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    values: dict[tuple[int, int], int] = {}
    for i, row in enumerate(cells):
        if len(row) != cols:
            raise ValueError("every row needs the same number of cells")
        for j, value in enumerate(row):
            if value is None or value < 0:
                raise ValueError("counts are whole numbers from 0")
            values[(i, j)] = int(value)
    if row_totals:
        for i in range(rows):
            values[(i, cols)] = sum(values[(i, j)] for j in range(cols))
    if col_totals:
        for j in range(cols):
            values[(rows, j)] = sum(values[(i, j)] for i in range(rows))
    if row_totals and col_totals:
        values[(rows, cols)] = sum(values[(i, j)] for i in range(rows) for j in range(cols))
    return values


def recoverable(
    values: dict[tuple[int, int], int], hidden: set[tuple[int, int]], lines: list
) -> set[tuple[int, int]]:
    """Hidden members whose exact value follows from the published lines (linear algebra)."""
    unknown = sorted(hidden)
    if not unknown or not lines:
        return set()
    index = {key: k for k, key in enumerate(unknown)}
    matrix = np.zeros((len(lines), len(unknown)))
    for r, (members, total) in enumerate(lines):
        for key in members:
            if key in index:
                matrix[r, index[key]] += 1.0
        if total in index:
            matrix[r, index[total]] -= 1.0
    full = np.linalg.matrix_rank(matrix)
    found = set()
    for key, k in index.items():
        if np.linalg.matrix_rank(np.delete(matrix, k, axis=1)) == full - 1:
            found.add(key)
    return found


def suppress_grid(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: bool = False,
    col_totals: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
) -> GridMask:
    """Primary and secondary suppression for a grid whose published totals are as stated."""
    values = _extended(cells, row_totals, col_totals)
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    lines = _lines(rows, cols, row_totals, col_totals)
    mask = GridMask(primary={key for key, v in values.items() if is_primary(v, threshold)})

    def candidates(members, total):
        # Positive interior cells first (smallest first), then zeros, then the line's total.
        inner = [k for k in members if k in values and not mask.hidden(k)]
        ordered = sorted(inner, key=lambda k: (values[k] == 0, values[k], k))
        if total in values and not mask.hidden(total):
            ordered.append(total)
        return ordered

    while True:
        changed = False
        for members, total in lines:
            keys = [k for k in [*members, total] if k in values]
            if sum(1 for k in keys if mask.hidden(k)) == 1:
                options = candidates(members, total)
                if options:
                    mask.secondary.add(options[0])
                    changed = True
        if changed:
            continue
        exposed = recoverable(values, mask.primary | mask.secondary, lines)
        if not exposed:
            return mask
        added = False
        for key in sorted(exposed):
            for members, total in lines:
                if key in members or key == total:
                    options = candidates(members, total)
                    if options:
                        mask.secondary.add(options[0])
                        added = True
                        break
            if added:
                break
        if not added:
            # Nothing left to hide on those lines: hide every remaining member of them.
            for members, total in lines:
                for k in [*members, total]:
                    if k in values and not mask.hidden(k):
                        mask.secondary.add(k)
            return mask  # everything on those lines is hidden; nothing more can be done


def derived_hidden(
    *counts: int | None, hidden_sources: Sequence[bool] = (), threshold: int = DEFAULT_THRESHOLD
) -> bool:
    """A rate/median/mean is hidden if any source count is hidden or the base is small."""
    if any(hidden_sources):
        return True
    return any(c is not None and 0 < c < threshold for c in counts)
