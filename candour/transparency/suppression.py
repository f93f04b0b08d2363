"""Disclosure control for published tables: small cells withheld, and enough others that no
withheld value can be worked back from what is published.

Why: the Freedom of Information Act 2000, section 40, exempts personal data; a count of 1 to 4
officers in a small force can identify them. The threshold is the force's policy
(``settings.SUPPRESSION_THRESHOLD``, 5 by default; ``--suppress K`` on the command line).

Method (documented in docs/statistics.md):

* **Primary suppression**: every cell with ``0 < value < K`` is withheld, including the total and,
  in two-dimension tables, the row and column totals. Zero is published (it identifies no one).
* **One dimension** (cells and a published total): if exactly one value is withheld it could be
  worked out as total minus the rest, so the next smallest cell (non-zero first) is withheld too.
* **Two dimensions** (cells, row totals, column totals, grand total — we assume every total is
  known, because the one-dimension table of each can be asked for separately): the table with
  its totals is a bipartite graph with one node per row and per column (the totals are one more
  row and one more column) and one edge per withheld value, and each node says "these values add
  up to a known number". A withheld value can be solved for exactly when its edge is a *bridge*
  (lies on no cycle); a line with a single withheld value is the simplest case. So, until no
  bridge is left, each bridge is put on a cycle by withholding the cheapest rectangle of
  further cells through it: cells inside the table before totals, non-zero before zero, small
  before large.
* Counts that overlap (officers by theme, where one officer can have several themes) do not add
  up to their totals, so totals give an attacker less; the same rule is applied regardless.

``tests/test_suppression_properties.py`` publishes generated tables and solves the published
equations for every withheld value; it must find none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from candour.transparency.stats.query import Cell, StatsResult


def is_primary(value: int | None, k: int) -> bool:
    return value is not None and 0 < value < k


# --------------------------------------------------------------------------------------------
# One dimension


def suppress_1d(values: list[int], total: int, k: int) -> tuple[list[bool], bool]:
    """Which cells, and whether the total, to withhold."""
    hidden = [is_primary(v, k) for v in values]
    total_hidden = is_primary(total, k)
    while (sum(hidden) + total_hidden) == 1:
        candidates = [i for i, h in enumerate(hidden) if not h]
        if not candidates:
            total_hidden = True
            break
        hidden[min(candidates, key=lambda i: (values[i] == 0, values[i], i))] = True
    return hidden, total_hidden


# --------------------------------------------------------------------------------------------
# Two dimensions


@dataclass
class Grid:
    """An (m+1) x (n+1) table: cells, then the row totals as the last column, the column totals
    as the last row, and the grand total in the corner."""

    values: list[list[int]]

    @property
    def rows(self) -> int:
        return len(self.values)

    @property
    def cols(self) -> int:
        return len(self.values[0])


def _bridges(hidden: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Edges of the row/column graph of withheld cells that lie on no cycle (Tarjan)."""
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], tuple[int, int]]]] = {}
    for r, c in hidden:
        a, b = ("r", r), ("c", c)
        adjacency.setdefault(a, []).append((b, (r, c)))
        adjacency.setdefault(b, []).append((a, (r, c)))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    bridges: list[tuple[int, int]] = []
    counter = 0
    for start in sorted(adjacency):
        if start in order:
            continue
        # Iterative depth-first search: (node, edge used to reach it, iterator over neighbours).
        order[start] = low[start] = counter
        counter += 1
        stack: list[tuple[Any, Any, Any]] = [(start, None, iter(adjacency[start]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for nxt, edge in neighbours:
                if edge == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, iter(adjacency[nxt])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.append(via)
    return sorted(bridges)


def suppress_2d(grid: Grid, k: int) -> set[tuple[int, int]]:
    """The positions in ``grid`` (totals included) to withhold."""
    m, n = grid.rows - 1, grid.cols - 1  # index m is the total row, n the total column
    hidden = {
        (r, c)
        for r in range(grid.rows)
        for c in range(grid.cols)
        if is_primary(grid.values[r][c], k)
    }

    def cost(r: int, c: int) -> tuple[int, int, int]:
        if (r, c) in hidden:
            return (0, 0, 0)
        value = grid.values[r][c]
        return (int(r == m) + int(c == n), int(value == 0), value)

    while True:
        bridges = _bridges(hidden)
        if not bridges:
            return hidden
        r, c = min(bridges, key=lambda e: (grid.values[e[0]][e[1]], e))
        best: tuple[Any, ...] | None = None
        for r2 in range(grid.rows):
            if r2 == r:
                continue
            for c2 in range(grid.cols):
                if c2 == c:
                    continue
                parts = [cost(r, c2), cost(r2, c), cost(r2, c2)]
                total = tuple(sum(p[i] for p in parts) for i in range(3))
                if best is None or total < best[0]:
                    best = (total, r2, c2)
        assert best is not None  # the totals make every grid at least 2 x 2
        _, r2, c2 = best
        hidden |= {(r, c2), (r2, c), (r2, c2)}


# --------------------------------------------------------------------------------------------
# Applying it to a result


def apply(result: StatsResult, k: int | None) -> StatsResult:
    """A copy of ``result`` fit to publish: withheld cells have value None and suppressed True.
    With ``k`` None or below 2 nothing is withheld (the default of ``candour stats``)."""
    published = result.copy()
    published.suppress = k
    if not k or k < 2:
        return published
    by = result.query.by
    if len(by) > 2:
        raise ValueError(
            "Disclosure control covers tables of one or two dimensions; ask for at most two."
        )
    if len(by) <= 1:
        keys = published.keys()
        values = [published.cells[key].value or 0 for key in keys]
        hidden, total_hidden = suppress_1d(values, published.total.value or 0, k)
        for key, h in zip(keys, hidden, strict=True):
            if h:
                _withhold(published.cells[key])
        if total_hidden:
            _withhold(published.total)
        return published
    rows, cols = published.values_of(0), published.values_of(1)
    margins = published.margins or [
        {r: Cell(sum(published.cells[(r, c)].value or 0 for c in cols)) for r in rows},
        {c: Cell(sum(published.cells[(r, c)].value or 0 for r in rows)) for c in cols},
    ]
    published.margins = margins
    grid = Grid(
        [
            [published.cells[(r, c)].value or 0 for c in cols] + [margins[0][r].value or 0]
            for r in rows
        ]
        + [[margins[1][c].value or 0 for c in cols] + [published.total.value or 0]]
    )
    for r, c in suppress_2d(grid, k):
        if r < len(rows) and c < len(cols):
            _withhold(published.cells[(rows[r], cols[c])])
        elif r < len(rows):
            _withhold(margins[0][rows[r]])
        elif c < len(cols):
            _withhold(margins[1][cols[c]])
        else:
            _withhold(published.total)
    return published


def _withhold(cell: Cell) -> None:
    cell.value = None
    cell.suppressed = True
    cell.rate = None
