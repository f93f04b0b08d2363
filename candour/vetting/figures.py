"""Vetting figures for the page and the API: applications, grants, refusals and withdrawals per
period, and refusals by reason, counted by the statistics engine from the vetting source
(``candour/transparency/stats/sources/vetting.py``) and published through disclosure control
(``candour/transparency/suppression.py``), like every other published figure.

Each count is its own table (with its own total), withheld by the same rule as the statistics
pages: small numbers, and enough others that none can be worked back from the totals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from candour.transparency.stats import StatsQuery, StatsResult, StatsUsageError, compute
from candour.transparency.stats.declaration import MONTH, PERIODS
from candour.transparency.stats.labels import Labeller

# Count per: the first dimension of every vetting table (the month first, as the form lists it).
PERIOD_CHOICES = (MONTH, *(p for p in PERIODS if p != MONTH))
COUNTS = ("applications", "granted", "refused", "withdrawn")


def _dimensions(by: str | Sequence[str]) -> tuple[str, ...]:
    """``"financial_year,level"`` as a tuple; a period first (``year`` when none is named)."""
    codes = [d.strip() for d in (by.split(",") if isinstance(by, str) else by) if d.strip()]
    if not codes or codes[0] not in PERIODS:
        codes.insert(0, "year")
    return tuple(codes)


def _query(
    count: str, by: tuple[str, ...], forces: Iterable[str], start: dt.date, end: dt.date
) -> StatsQuery:
    return StatsQuery(
        source="vetting", count=count, by=by, forces=tuple(forces), date_from=start, date_to=end
    )


def _value(result: StatsResult, key: tuple[Any, ...]) -> tuple[int | None, bool]:
    cell = result.cells.get(key)
    if cell is None:  # no such row in this table: none counted
        return 0, False
    return (None, True) if cell.suppressed else (cell.value, False)


def vetting_figures(
    forces: Iterable[str],
    date_from: dt.date,
    date_to: dt.date,
    by: str | Sequence[str] = "year",
    suppress: int | None = None,
) -> dict[str, Any]:
    """Applications per period of ``applied_on``; grants, refusals and withdrawals per period of
    ``decided_on`` (both inclusive); refusals by reason. ``by`` is a period (``month``,
    ``year``, ``financial_year``) optionally followed by one dimension of the vetting source
    (``force``, ``level``, ``kind``), e.g. ``"financial_year,level"``. Counts from 1 to
    ``suppress`` − 1 are withheld (``None``) with secondary suppression; a row lists the counts
    it withholds in ``suppressed``. Raises ``StatsUsageError`` with a sentence on bad usage."""
    dimensions = _dimensions(by)
    forces = tuple(forces)
    results = {
        count: compute(_query(count, dimensions, forces, date_from, date_to), suppress=suppress)
        for count in COUNTS
    }
    labeller = Labeller(dimensions, results["applications"].query.declared)

    def shown(code: str, value: Any) -> Any:
        return str(labeller.json_value(code, value))

    keys = sorted(
        {key for result in results.values() for key in result.cells},
        key=lambda key: tuple(shown(c, v) for c, v in zip(dimensions, key, strict=True)),
    )
    rows = []
    for key in keys:
        row: dict[str, Any] = {"period": shown(dimensions[0], key[0])}
        row.update({code: value for code, value in zip(dimensions[1:], key[1:], strict=True)})
        withheld = []
        for count, result in results.items():
            row[count], hidden = _value(result, key)
            if hidden:
                withheld.append(count)
        if suppress:
            row["suppressed"] = withheld
        rows.append(row)
    reasons = compute(
        _query("refused", (dimensions[0], "reason"), forces, date_from, date_to), suppress=suppress
    )
    by_reason = []
    for period, reason in sorted(reasons.cells, key=lambda k: (shown(dimensions[0], k[0]), k[1])):
        value, hidden = _value(reasons, (period, reason))
        if value == 0 and not hidden:
            continue  # a reason no refusal in this period gave
        item: dict[str, Any] = {
            "period": shown(dimensions[0], period),
            "reason": reason,
            "refused": value,
        }
        if suppress:
            item["suppressed"] = hidden
        by_reason.append(item)
    out: dict[str, Any] = {
        "by": list(dimensions),
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "rows": rows,
        "refusals_by_reason": by_reason,
    }
    if suppress:
        out["suppress"] = suppress
    return out


__all__ = ["COUNTS", "PERIOD_CHOICES", "StatsUsageError", "vetting_figures"]
