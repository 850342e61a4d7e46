"""Small-number suppression: primary "<5", secondary so nothing is recoverable from totals."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwell.reports.suppression import (
    PRIMARY,
    SECONDARY,
    _extended,
    _lines,
    is_primary,
    recoverable,
    suppress_grid,
)


def test_counts_from_one_to_four_are_primary_and_zero_is_shown():
    assert [is_primary(v) for v in (0, 1, 4, 5, None)] == [False, True, True, False, False]


def test_a_single_small_cell_in_a_column_hides_the_next_smallest_too():
    mask = suppress_grid([[3], [10], [12]])
    assert mask.primary == {(0, 0)}
    assert mask.secondary == {(1, 0)}  # 10, not 12: the smallest other cell


def test_a_small_total_is_itself_hidden():
    mask = suppress_grid([[1], [2]])
    assert (2, 0) in mask.primary  # the column total 3


def test_a_zero_is_only_hidden_when_nothing_else_can_protect_the_small_cell():
    mask = suppress_grid([[3, 0, 0]], row_totals=True, col_totals=False)
    # The row total (3) is primary too, so hiding the 3 and its total protects it.
    assert (0, 0) in mask.primary and (0, 3) in mask.primary
    mask = suppress_grid([[3, 0, 9]], row_totals=True, col_totals=False)
    assert (0, 2) in mask.secondary and (0, 1) not in mask.secondary


def test_markers_distinguish_primary_from_secondary():
    mask = suppress_grid([[3], [10]])
    assert mask.marker((0, 0)) == PRIMARY and mask.marker((1, 0)) == SECONDARY
    assert mask.marker((2, 0)) is None


def test_bad_grids_are_refused():
    with pytest.raises(ValueError):
        suppress_grid([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress_grid([[-1]])


def test_the_linear_algebra_check_finds_a_value_pinned_down_by_two_lines():
    # 2x2 with totals; hide a single interior cell: its row gives it away.
    values = _extended([[7, 8], [9, 10]], True, True)
    lines = _lines(2, 2, True, True)
    assert recoverable(values, {(0, 0)}, lines) == {(0, 0)}
    # The four interior cells hidden together cannot be recovered (a cycle).
    assert recoverable(values, {(0, 0), (0, 1), (1, 0), (1, 1)}, lines) == set()


grids = st.integers(min_value=1, max_value=5).flatmap(
    lambda cols: st.lists(
        st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=cols, max_size=cols),
        min_size=1,
        max_size=6,
    )
)


def _peel(values, hidden, lines):
    """Subtraction attack: solve any line with exactly one unknown, repeat until stuck."""
    known = {k: v for k, v in values.items() if k not in hidden}
    progress = True
    while progress:
        progress = False
        for members, total in lines:
            keys = [k for k in [*members, total] if k in values]
            unknown = [k for k in keys if k not in known]
            if len(unknown) == 1:
                k = unknown[0]
                others = sum(known[m] for m in members if m in known and m != k)
                known[k] = others if k == total else known[total] - others
                progress = True
    return {k for k in hidden if k in known}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grids, row_totals=st.booleans(), col_totals=st.booleans())
def test_no_hidden_value_can_be_worked_out_from_the_published_figures(grid, row_totals, col_totals):
    mask = suppress_grid(grid, row_totals=row_totals, col_totals=col_totals)
    values = _extended(grid, row_totals, col_totals)
    lines = _lines(len(grid), len(grid[0]), row_totals, col_totals)
    hidden = mask.primary | mask.secondary
    # Every count from 1 to 4 is hidden; nothing else is hidden as primary.
    assert mask.primary == {k for k, v in values.items() if 1 <= v <= 4}
    # Subtraction along lines recovers nothing, and neither does any linear combination.
    assert _peel(values, hidden, lines) == set()
    assert recoverable(values, hidden, lines) == set()


@settings(max_examples=100, deadline=None)
@given(grid=grids)
def test_grids_with_no_small_counts_are_published_whole(grid):
    big = [[v + 5 if v else 0 for v in row] for row in grid]
    mask = suppress_grid(big, row_totals=True, col_totals=True)
    assert not mask.primary and not mask.secondary


def test_recoverable_agrees_with_a_least_squares_check():
    lines = _lines(2, 3, True, True)
    mask = suppress_grid([[2, 9, 11], [6, 3, 14]], row_totals=True, col_totals=True)
    hidden = sorted(mask.primary | mask.secondary)
    # Two different solutions satisfy every published line: each hidden cell is uncertain.
    a = np.zeros((len(lines), len(hidden)))
    for r, (members, total) in enumerate(lines):
        for k in members:
            if k in hidden:
                a[r, hidden.index(k)] += 1
        if total in hidden:
            a[r, hidden.index(total)] -= 1
    null = np.linalg.svd(a)[2][np.linalg.matrix_rank(a) :]
    assert null.shape[0] >= 1
    assert all(np.any(np.abs(null[:, i]) > 1e-9) for i in range(len(hidden)))
