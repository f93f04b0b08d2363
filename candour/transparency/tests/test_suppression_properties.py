"""An attacker with the published table and its totals tries to work back every withheld cell.

Hypothesis generates tables; we publish them with disclosure control, then (1) repeatedly solve
every row, column or total with exactly one unknown, and (2) check with linear algebra whether
any withheld value is fixed by the published equations at all. Both must fail for every cell.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from candour.transparency.suppression import Grid, suppress_1d, suppress_2d

K = 5
small_counts = st.integers(min_value=0, max_value=12)


def determined(equations: list[list[int]], unknowns: int) -> set[int]:
    """Unknowns whose value the equations (coefficients over the unknowns) fix exactly."""
    if unknowns == 0:
        return set()
    matrix = np.array(equations, dtype=float).reshape(-1, unknowns)
    rank = np.linalg.matrix_rank(matrix) if matrix.size else 0
    out = set()
    for i in range(unknowns):
        unit = np.zeros((1, unknowns))
        unit[0, i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            out.add(i)
    return out


def line_by_line(
    lines: list[list[tuple[int, int]]], hidden: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Solve any line with exactly one unknown, and repeat: what a reader with a pencil finds."""
    unknown = set(hidden)
    found: set[tuple[int, int]] = set()
    progress = True
    while progress:
        progress = False
        for line in lines:
            missing = [p for p in line if p in unknown]
            if len(missing) == 1:
                unknown.discard(missing[0])
                found.add(missing[0])
                progress = True
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(small_counts, min_size=1, max_size=12))
def test_no_withheld_cell_of_a_one_dimension_table_can_be_recovered(values: list[int]) -> None:
    total = sum(values)
    hidden, total_hidden = suppress_1d(values, total, K)
    assert all(h for v, h in zip(values, hidden, strict=True) if 0 < v < K)
    positions = [(0, i) for i in range(len(values))] + [(0, len(values))]
    withheld = {p for p, h in zip(positions, [*hidden, total_hidden], strict=True) if h}
    assert not line_by_line([positions], withheld)
    unknowns = sorted(withheld)
    equation = [1 if p in withheld and p != (0, len(values)) else 0 for p in unknowns]
    if (0, len(values)) in withheld:
        equation[unknowns.index((0, len(values)))] = -1
    assert not determined([equation] if unknowns else [], len(unknowns))


def two_dimension_equations(
    rows: int, cols: int, withheld: set[tuple[int, int]]
) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Each row and column of the grid (totals last) says: cells add up to the total."""
    unknowns = sorted(withheld)
    index = {p: i for i, p in enumerate(unknowns)}
    lines = [[(r, c) for c in range(cols)] for r in range(rows)] + [
        [(r, c) for r in range(rows)] for c in range(cols)
    ]
    equations = []
    for line in lines:
        coefficients = [0] * len(unknowns)
        for position in line[:-1]:
            if position in index:
                coefficients[index[position]] = 1
        if line[-1] in index:
            coefficients[index[line[-1]]] = -1
        equations.append(coefficients)
    return equations, unknowns


tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda m: st.lists(
        st.lists(small_counts, min_size=1, max_size=6).map(tuple), min_size=m, max_size=m
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_withheld_cell_of_a_two_dimension_table_can_be_recovered(
    raw: list[tuple[int, ...]],
) -> None:
    width = min(len(r) for r in raw)
    cells = [list(r[:width]) for r in raw]
    values = [row + [sum(row)] for row in cells]
    values.append([sum(col) for col in zip(*values, strict=True)])
    grid = Grid(values)
    withheld = suppress_2d(grid, K)
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            if 0 < value < K:
                assert (r, c) in withheld, "every small cell and total is withheld"
    lines = [[(r, c) for c in range(grid.cols)] for r in range(grid.rows)] + [
        [(r, c) for r in range(grid.rows)] for c in range(grid.cols)
    ]
    assert not line_by_line(lines, withheld)
    equations, unknowns = two_dimension_equations(grid.rows, grid.cols, withheld)
    assert not determined(equations, len(unknowns))


def test_a_bridge_between_two_protected_blocks_is_also_protected() -> None:
    """Every line has two withheld cells, yet the cell joining two blocks could be solved:
    the row/column-count rule alone is not enough, so the method looks for bridges."""
    cells = [
        [1, 1, 1, 0],
        [1, 1, 0, 0],
        [0, 0, 1, 1],
        [0, 0, 1, 1],
    ]
    values = [row + [sum(row)] for row in cells]
    values.append([sum(col) for col in zip(*values, strict=True)])
    primary = {(r, c) for r, row in enumerate(values) for c, v in enumerate(row) if v == 1}
    # Threshold 2: only the ones are withheld first, and every line then has 0 or >= 2 of them...
    lines = [[(r, c) for c in range(5)] for r in range(5)] + [
        [(r, c) for r in range(5)] for c in range(5)
    ]
    assert all(sum(p in primary for p in line) != 1 for line in lines)
    # ...but (0, 2) joins the two blocks and follows from the totals.
    equations, unknowns = two_dimension_equations(5, 5, primary)
    assert unknowns.index((0, 2)) in determined(equations, len(unknowns))
    withheld = suppress_2d(Grid(values), 2)
    equations, unknowns = two_dimension_equations(5, 5, withheld)
    assert not determined(equations, len(unknowns))
