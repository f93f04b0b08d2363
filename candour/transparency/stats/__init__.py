"""Candour's statistics: one query engine over declared sources, for the CLI, the pages and
the API.

    from candour.transparency.stats import StatsQuery, compute
    result = compute(StatsQuery(count="officers", by=("flag",), forces=("cambridgeshire",)), suppress=5)

``compute`` counts (in the source's counting store), adds rates when asked and applies
disclosure control. A source is declared once (``sources/``); see docs/statistics.md.
"""

from __future__ import annotations

from candour.transparency.stats.engine import run
from candour.transparency.stats.query import Cell, StatsQuery, StatsResult, StatsUsageError
from candour.transparency.stats.sources import CASES, SOURCES

# The cases source's counts and dimensions (the default source).
COUNTS = tuple(CASES.count)
DIMENSIONS = CASES.dimension
DIMENSION_CODES = tuple(DIMENSIONS)


def compute(
    query: StatsQuery, *, suppress: int | None = None, per: int | None = None, margins: bool = False
) -> StatsResult:
    """Count, add rates per ``per`` people in post, and withhold small cells below
    ``suppress`` with secondary suppression (none when ``suppress`` is None)."""
    from candour.transparency import suppression
    from candour.transparency.stats.rates import add_rates

    if suppress and len(query.by) > 2:
        raise StatsUsageError(
            "Disclosure control covers tables of one or two dimensions: ask for at most two "
            "dimensions with --suppress."
        )
    if per is not None and per < 1:
        raise StatsUsageError("--per must be a positive whole number, such as 1000.")
    result = run(query, margins=margins or bool(suppress and len(query.by) == 2))
    if per:
        add_rates(result, per)
    return suppression.apply(result, suppress)


__all__ = [
    "CASES",
    "COUNTS",
    "DIMENSIONS",
    "DIMENSION_CODES",
    "SOURCES",
    "Cell",
    "StatsQuery",
    "StatsResult",
    "StatsUsageError",
    "compute",
    "run",
]
