"""The one query engine behind ``candour stats``, the statistics and FOI pages, the public
pages and the APIs, for every declared source.

``run`` turns a ``StatsQuery`` into one ``GROUP BY`` with ``COUNT(DISTINCT ...)`` per table
(plus one for the total, and the margins when asked), counted by DuckDB in the source's counting
store (``store.py``, with SQL that ``sql.py`` generates from the declaration). The databases do
all the counting; Python only labels and orders the aggregated rows. The ``total`` counts each
thing once, so with a breakdown by tag (an allegation can carry several themes) rows can add up
to more than the total.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import transaction

from candour.transparency.stats import sql, store
from candour.transparency.stats.freshness import ensure_fresh
from candour.transparency.stats.query import Cell, Key, StatsQuery, StatsResult

ENGINES = ("store", "oracle")


def _engine(query: StatsQuery) -> str:
    """The counting store, rebuilt first if it does not match the main database; the oracle
    (cases only) when the store is switched off (``STATS_FLAT_TABLE = False``)."""
    if query.source == "cases" and not settings.STATS_FLAT_TABLE:
        return "oracle"
    ensure_fresh(query.declared)
    return "store"


def run(query: StatsQuery, *, margins: bool = False, engine: str | None = None) -> StatsResult:
    """Count. With ``margins`` and two dimensions, also count each dimension on its own (the
    row and column totals, counted distinctly) for tables and for disclosure control.

    ``engine`` is ``"store"`` (the counting store), ``"oracle"`` (the cases joined with the
    ORM: ``oracle.py``, for tests) or None (the store unless it is switched off)."""
    engine = engine or _engine(query)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    with transaction.atomic(), ExitStack() as stack:
        return _run(query, margins, engine, stack)


def _counters(
    query: StatsQuery, engine: str, stack: ExitStack
) -> tuple[Callable[[tuple[str, ...]], dict[Key, int]], Callable[[], int]]:
    if engine == "oracle":
        from candour.transparency.stats import oracle

        return (lambda by: oracle.group(query, by)), (lambda: oracle.total(query))
    db = stack.enter_context(store.reader(query.declared))  # one store file for the whole run
    return (lambda by: store.group(query, by, db)), (lambda: store.total(query, db))


def _run(query: StatsQuery, margins: bool, engine: str, stack: ExitStack) -> StatsResult:
    group, total = _counters(query, engine, stack)
    if not query.by:
        total_cell = Cell(total())
        return StatsResult(query, {(): Cell(total_cell.value)}, total_cell)
    grouped = group(query.by)
    # Where each counted thing falls in exactly one cell, the total and margins are sums.
    summed = engine == "store" and sql.additive(query.declared, query, query.by)
    total_cell = Cell(sum(grouped.values()) if summed else total())
    if len(query.by) == 2:
        rows = {k[0] for k in grouped}
        cols = {k[1] for k in grouped}
        cells = {(r, c): Cell(grouped.get((r, c), 0)) for r in rows for c in cols}
    else:
        cells = {k: Cell(v) for k, v in grouped.items()}
    result = StatsResult(query, cells, total_cell)
    if margins and len(query.by) == 2:
        result.margins = []
        for position, code in enumerate(query.by):
            if summed:
                margin: dict[Any, int] = {}
                for key, value in grouped.items():
                    margin[key[position]] = margin.get(key[position], 0) + value
            else:
                margin = {k[0]: v for k, v in group((code,)).items()}
            result.margins.append({k: Cell(v) for k, v in margin.items()})
    return result
