"""The one query engine behind ``candour stats``, the statistics and FOI pages, the public
pages and the API.

A ``StatsQuery`` says what to count (cases, allegations or distinct officers), by which
dimensions, over which forces, period, themes and type of matter. ``run`` turns it into one
``GROUP BY`` with ``COUNT(DISTINCT ...)`` per table (plus one for the total, and the margins when
asked), counted by DuckDB in the counting store (``flat.py``), or, as the reference
implementation, one ``values(...).annotate(Count(..., distinct=True))`` on the case tables; the
databases do all the counting, and Python only labels and orders the aggregated rows.

Counting rules (spec/interchange.md §1): a case is a ``case_ref`` within a force; an allegation is
an ``allegation_ref`` within a case; an officer is a distinct subject (workforce ``Person``) within
a force. Subjects who were never identified have no ``Person`` and are not counted as officers.
The ``total`` counts each case, allegation or officer once, so with ``flag`` (an allegation can
carry several themes) rows can add up to more than the total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, NullIf
from django.db.models.lookups import GreaterThanOrEqual

from candour.cases.models import Allegation, AllegationSubject, Case
from candour.transparency.stats.dimensions import (
    ALLEGATION,
    CASE,
    COUNT_LEVEL,
    DIMENSIONS,
    LEVEL_DEPTH,
    NO_FLAG,
    SUBJECT,
    UNKNOWN,
)

COUNTS = tuple(COUNT_LEVEL)
DATE_FIELDS = ("received_date", "outcome_date")


class StatsUsageError(ValueError):
    """The query asked for something that does not exist; the message is a sentence."""


@dataclass(frozen=True)
class StatsQuery:
    count: str = "allegations"
    by: tuple[str, ...] = ()
    forces: tuple[str, ...] = ()  # empty: every force (callers scope users to theirs)
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    date_field: str = "received_date"  # or "outcome_date" when asked
    flags: tuple[str, ...] = ()  # any of them
    case_type: str = ""

    def __post_init__(self) -> None:
        if self.count not in COUNTS:
            raise StatsUsageError(
                f"'{self.count}' is not something Candour counts. Choose cases, allegations or officers."
            )
        for code in self.by:
            if code not in DIMENSIONS:
                raise StatsUsageError(
                    f"'{code}' is not a dimension. Choose from: {', '.join(DIMENSIONS)}."
                )
        if len(set(self.by)) != len(self.by):
            raise StatsUsageError("Each dimension can be asked for only once in --by.")
        if self.date_field not in DATE_FIELDS:
            raise StatsUsageError("The period can be on received_date or outcome_date only.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise StatsUsageError("The start of the period is after its end.")

    def filters_json(self) -> dict[str, Any]:
        """The filters as spec/cli.md shows them; only those that were given."""
        out: dict[str, Any] = {}
        if self.forces:
            out["force"] = list(self.forces)
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        if self.date_field != "received_date":
            out["date"] = self.date_field
        if self.flags:
            out["flag"] = list(self.flags)
        if self.case_type:
            out["case_type"] = self.case_type
        return out

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "by": list(self.by), "filters": self.filters_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StatsQuery:
        filters = data.get("filters", {})
        return cls(
            count=data.get("count", "allegations"),
            by=tuple(data.get("by", ())),
            forces=tuple(filters.get("force", ())),
            date_from=dt.date.fromisoformat(filters["from"]) if filters.get("from") else None,
            date_to=dt.date.fromisoformat(filters["to"]) if filters.get("to") else None,
            date_field=filters.get("date", "received_date"),
            flags=tuple(filters.get("flag", ())),
            case_type=filters.get("case_type", ""),
        )


Key = tuple[Any, ...]


@dataclass
class Cell:
    value: int | None
    suppressed: bool = False
    rate: float | None = None
    workforce: int | None = None


@dataclass
class StatsResult:
    """Counts as the database gave them. ``cells`` maps a key (one value per dimension, in the
    order of ``query.by``) to its cell; for two dimensions every combination of the values seen
    is present (absent combinations are 0). ``margins`` (when asked for) holds the one-dimension
    counts of each dimension of a two-dimension table, counted distinctly like the total."""

    query: StatsQuery
    cells: dict[Key, Cell]
    total: Cell
    margins: list[dict[Any, Cell]] | None = None
    suppress: int | None = None  # the threshold applied, if any
    per: int | None = None  # rates per this many people in the workforce, if asked

    def keys(self) -> list[Key]:
        return sorted(
            self.cells,
            key=lambda key: tuple(sort_key(d, v) for d, v in zip(self.query.by, key, strict=True)),
        )

    def values_of(self, position: int) -> list[Any]:
        seen = {key[position] for key in self.cells}
        return sorted(seen, key=lambda v: sort_key(self.query.by[position], v))

    def copy(self) -> StatsResult:
        return replace(
            self,
            cells={k: replace(c) for k, c in self.cells.items()},
            total=replace(self.total),
            margins=[{k: replace(c) for k, c in m.items()} for m in self.margins]
            if self.margins is not None
            else None,
        )


# ---------------------------------------------------------------------------------------------
# Building the query


class Year(ExtractYear):
    """The calendar year of a date. On SQLite, Django's ExtractYear calls a Python function
    for every row; strftime is SQLite's own and several times faster on a million rows."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime('%Y', {sql}) AS INTEGER)", params


class Month(ExtractMonth):
    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime('%m', {sql}) AS INTEGER)", params


def _base_level(query: StatsQuery) -> str:
    """The most detailed level the query needs: counting starts from that table and reaches
    the others through foreign keys (inner joins, never a fan-out except through flags)."""
    levels = {COUNT_LEVEL[query.count]}
    for code in query.by:
        level = DIMENSIONS[code].level
        levels.add(_date_level(query) if level == "date" else level)
    if query.date_field == "outcome_date" and (query.date_from or query.date_to):
        levels.add(SUBJECT)
    return max(levels, key=LEVEL_DEPTH.__getitem__)


def _date_level(query: StatsQuery) -> str:
    return SUBJECT if query.date_field == "outcome_date" else CASE


_MODELS: dict[str, Any] = {CASE: Case, ALLEGATION: Allegation, SUBJECT: AllegationSubject}
# How to reach each level from each base table.
_PREFIX = {
    SUBJECT: {CASE: "allegation__case__", ALLEGATION: "allegation__", SUBJECT: ""},
    ALLEGATION: {CASE: "case__", ALLEGATION: "", SUBJECT: "subjects__"},
    CASE: {CASE: "", ALLEGATION: "allegations__", SUBJECT: "allegations__subjects__"},
}
# The column each count counts distinctly, per base table.
_COUNT_TARGET = {
    SUBJECT: {
        "cases": "allegation__case_id",
        "allegations": "allegation_id",
        "officers": "subject_id",
    },
    ALLEGATION: {"cases": "case_id", "allegations": "id"},
    CASE: {"cases": "id"},
}


def _path(base: str, level: str, name: str) -> str:
    return _PREFIX[base][level] + name


def _date_path(query: StatsQuery, base: str) -> str:
    if query.date_field == "outcome_date":
        return _path(base, SUBJECT, "outcome_date")
    return _path(base, CASE, "received_date")


def _expression(query: StatsQuery, base: str, code: str) -> Any:
    dim = DIMENSIONS[code]
    if dim.kind == "year":
        return Year(_date_path(query, base))
    if dim.kind == "financial_year":
        # April to March: the year it starts in (Case/When on the month, both databases).
        path = _date_path(query, base)
        return CaseWhen(
            When(GreaterThanOrEqual(Month(path), 4), then=Year(path)),
            default=Year(path) - 1,
            output_field=IntegerField(),
        )
    path = _path(base, dim.level, dim.field)
    if dim.kind == "flag":
        return Coalesce(F(path), Value(NO_FLAG))
    if not dim.nullable:
        return F(path)
    return Coalesce(NullIf(F(path), Value("")), Value(UNKNOWN))


def filtered(query: StatsQuery) -> tuple[QuerySet[Any], str]:
    """The base queryset with every filter applied, and the level it starts from."""
    base = _base_level(query)
    qs = _MODELS[base].objects.all()
    conditions = Q()
    if query.forces:
        conditions &= Q(**{_path(base, CASE, "force_id__in"): list(query.forces)})
    if query.case_type:
        conditions &= Q(**{_path(base, CASE, "case_type"): query.case_type})
    date_path = _date_path(query, base)
    if query.date_from:
        conditions &= Q(**{f"{date_path}__gte": query.date_from})
    if query.date_to:
        conditions &= Q(**{f"{date_path}__lte": query.date_to})
    qs = qs.filter(conditions)
    if query.flags:
        qs = qs.filter(_any_flag(base, query.flags))
    return qs.order_by(), base


def _any_flag(base: str, flags: Iterable[str]) -> Exists:
    """Rows whose allegation carries any of the flags (a case: any of its allegations)."""
    through = Allegation.flags.through
    if base == CASE:
        link = {"allegation__case_id": OuterRef("pk")}
    else:
        link = {"allegation_id": OuterRef("allegation_id" if base == SUBJECT else "pk")}
    return Exists(through.objects.filter(flag_id__in=list(flags), **link))


def _count(query: StatsQuery, base: str, by: tuple[str, ...] = ()) -> Count:
    """Count distinct cases, allegations or subjects. Where the thing counted is the base row
    itself and no theme join can repeat a row, every row is distinct already: plain COUNT
    gives the same number without the database de-duplicating a million values."""
    target = _COUNT_TARGET[base][query.count]
    if target == "id" and "flag" not in by:
        return Count("id")
    return Count(target, distinct=True)


def _group(query: StatsQuery, by: tuple[str, ...]) -> dict[Key, int]:
    qs, base = filtered(replace(query, by=by))
    names = {code: f"d_{code}" for code in by}
    rows = (
        qs.annotate(**{names[c]: _expression(query, base, c) for c in by})
        .values(*names.values())
        .annotate(n=_count(query, base, by))
        .order_by()
    )
    out: dict[Key, int] = {}
    for row in rows:
        key = tuple(UNKNOWN if row[names[c]] is None else row[names[c]] for c in by)
        out[key] = out.get(key, 0) + row["n"]
    return out


def count_total(query: StatsQuery) -> int:
    qs, base = filtered(replace(query, by=()))
    return qs.aggregate(n=_count(query, base))["n"] or 0


SOURCES = ("flat", "join")


def _source() -> str:
    """The counting store when it is switched on (``STATS_FLAT_TABLE``, default on), rebuilt
    first if it does not match the case tables; otherwise the case tables themselves."""
    from django.conf import settings

    from candour.transparency.stats import flat

    if settings.STATS_FLAT_TABLE and flat.ensure_fresh():
        return "flat"
    return "join"


def run(query: StatsQuery, *, margins: bool = False, source: str | None = None) -> StatsResult:
    """Count. With ``margins`` and two dimensions, also count each dimension on its own (the
    row and column totals, counted distinctly) for tables and for disclosure control.

    ``source`` is ``"flat"`` (the counting store, ``stats/flat.py``), ``"join"`` (the case
    tables joined: the reference implementation) or None (the store when usable)."""
    source = source or _source()
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    with transaction.atomic():
        return _run(query, margins, source)


def _run(query: StatsQuery, margins: bool, source: str) -> StatsResult:
    from candour.transparency.stats import flat

    if source == "flat":

        def group(by: tuple[str, ...]) -> dict[Key, int]:
            return flat.group(query, by, _base_level(replace(query, by=by)))

        def total() -> int:
            return flat.total(query, _base_level(replace(query, by=())))
    else:

        def group(by: tuple[str, ...]) -> dict[Key, int]:
            return _group(query, by)

        def total() -> int:
            return count_total(query)

    if not query.by:
        total_cell = Cell(total())
        return StatsResult(query, {(): Cell(total_cell.value)}, total_cell)
    grouped = group(query.by)
    # Where each counted thing falls in exactly one cell, the total and margins are sums.
    summed = source == "flat" and flat.additive(query, query.by)
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


# ---------------------------------------------------------------------------------------------
# Ordering of values: years in order, codes in the order their scheme lists them, unknown last.


def sort_key(code: str, value: Any) -> tuple[int, Any]:
    if value in (UNKNOWN, NO_FLAG):
        return (2, "")
    dim = DIMENSIONS[code]
    if dim.kind in {"year", "financial_year"}:
        return (0, value)
    if dim.labels:
        order = list(dim.labels)
        return (0, order.index(value)) if value in order else (1, str(value))
    return (1, str(value))


__all__ = [
    "COUNTS",
    "Cell",
    "StatsQuery",
    "StatsResult",
    "StatsUsageError",
    "count_total",
    "filtered",
    "run",
    "sort_key",
]
