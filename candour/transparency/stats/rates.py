"""Rates per 1,000 people in post, so a reader can see "less than 1% of the workforce
investigated each year" for themselves.

The denominator is the workforce file (interchange §2, docs/formats.md): people loaded with
``in_workforce_file``, in post at some time in the period — joined on or before its last day
(or joining date not known) and not left before its first day. The period of a row is its year,
financial year or month when the table is broken down by one (clipped to --from/--to), otherwise the
query's --from/--to (open-ended when not given: everyone in the file). The forces are the row's
force when the table is broken down by force, otherwise every force in the query (all forces
when none is named). A rate is withheld with its count and left empty when no one is in post.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from candour.core.models import Person
from candour.core.periods import (
    financial_year_bounds,
    month_bounds,
    parse_quarter,
    quarter_bounds,
)
from candour.transparency.stats.declaration import UNKNOWN
from candour.transparency.stats.query import Cell, StatsResult

Period = tuple[dt.date | None, dt.date | None]


def in_post(start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if end is not None:
        q &= Q(joined_date__lte=end) | Q(joined_date__isnull=True)
    if start is not None:
        q &= Q(left_date__gte=start) | Q(left_date__isnull=True)
    return q


def _period_of(result: StatsResult, key: tuple[Any, ...]) -> Period:
    query = result.query
    start, end = query.date_from, query.date_to
    for code, value in zip(query.by, key, strict=True):
        if value == UNKNOWN:
            continue
        if code == "year":
            y_start, y_end = dt.date(value, 1, 1), dt.date(value, 12, 31)
        elif code == "financial_year":
            y_start, y_end = financial_year_bounds(value)
        elif code == "month":
            y_start, y_end = month_bounds(value)
        elif code == "quarter":
            y_start, y_end = quarter_bounds(*parse_quarter(value))
        else:
            continue
        start = max(start, y_start) if start else y_start
        end = min(end, y_end) if end else y_end
    return start, end


def _force_of(result: StatsResult, key: tuple[Any, ...]) -> str | None:
    if "force" in result.query.by:
        return key[result.query.by.index("force")]
    return None


def workforce_in_post(
    periods: Iterable[Period], forces: Iterable[str] = ()
) -> dict[Period, dict[str, int]]:
    """How many people of the workforce file were in post at some time in each period, by
    force (``forces``, or every force when empty): one query for them all."""
    names = {
        p: f"p{i}" for i, p in enumerate(sorted(set(periods), key=lambda p: (str(p[0]), str(p[1]))))
    }
    people = Person.objects.filter(in_workforce_file=True)
    codes = list(forces)
    if codes:
        people = people.filter(force_id__in=codes)
    counts = {name: Count("id", filter=in_post(*period)) for period, name in names.items()}
    rows: list[dict[str, Any]] = (
        [dict(row) for row in people.values("force_id").annotate(**counts).order_by()]
        if names
        else []
    )
    return {
        period: {row["force_id"]: int(row[name]) for row in rows} for period, name in names.items()
    }


def rate(
    value: float | int | Decimal | None, workforce: int | None, per: int = 1000
) -> float | None:
    """``value`` per ``per`` people in post, to one decimal place; None when there is no
    value (withheld or not given) or no one in post."""
    if value is None or not workforce:
        return None
    return round(float(value) * per / workforce, 1)


def add_rates(result: StatsResult, per: int = 1000) -> StatsResult:
    """Fill ``rate`` and ``workforce`` on every cell and the total (one query for them all)."""
    result.per = per
    targets: list[tuple[Cell, str | None, Period]] = [
        (cell, _force_of(result, key), _period_of(result, key))
        for key, cell in result.cells.items()
    ]
    targets.append((result.total, None, (result.query.date_from, result.query.date_to)))
    in_post_by = workforce_in_post((p for _, _, p in targets), result.query.forces)
    for cell, force, period in targets:
        by_force = in_post_by[period]
        workforce = sum(by_force.values()) if force is None else by_force.get(force, 0)
        cell.workforce = workforce
        cell.rate = rate(cell.value, workforce, per)
    return result
