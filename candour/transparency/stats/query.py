"""A statistics question and its answer.

A ``StatsQuery`` says which source to count from (cases by default), what to count, by which
dimensions, over which forces, period and filters. It checks itself against the source's
declaration when it is made, so the command line, the API and the pages refuse the same
mistakes with the same sentence (``StatsUsageError``); ``StatsQuery.parse`` also reads the
text of options (dates, comma-separated dimensions) and checks force codes against the forces
table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from candour.transparency.stats.declaration import TAGS, UNKNOWN, Dimension, Source


class StatsUsageError(ValueError):
    """The query asked for something that does not exist; the message is a sentence."""


def one_of(words: Iterable[str]) -> str:
    """``a, b or c``."""
    items = list(words)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def declared_source(name: str) -> Source:
    from candour.transparency.stats.sources import SOURCES

    if name not in SOURCES:
        raise StatsUsageError(f"'{name}' is not a source of statistics. Choose {one_of(SOURCES)}.")
    return SOURCES[name]


def parse_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise StatsUsageError(
            f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2016-01-01."
        ) from None


@dataclass(frozen=True)
class StatsQuery:
    count: str = ""  # empty: the source's default count (cases: allegations)
    by: tuple[str, ...] = ()
    forces: tuple[str, ...] = ()  # empty: every force (callers scope users to theirs)
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    date_field: str = ""  # empty: the count's own date (cases: received_date)
    flags: tuple[str, ...] = ()  # any of them (a source with tags only)
    case_type: str = ""
    source: str = "cases"

    def __post_init__(self) -> None:
        source = declared_source(self.source)
        if not self.count:
            object.__setattr__(self, "count", source.default_count)
        if self.count not in source.count:
            raise StatsUsageError(
                f"'{self.count}' is not something Candour counts in {source.title.lower()}. "
                f"Choose {one_of(source.count)}."
            )
        for code in self.by:
            if code not in source.dimension:
                raise StatsUsageError(
                    f"'{code}' is not a dimension of {source.title.lower()}. "
                    f"Choose from: {', '.join(source.dimension)}."
                )
        if len(set(self.by)) != len(self.by):
            raise StatsUsageError("Each dimension can be asked for only once in --by.")
        if sum(source.dimension[code].kind == TAGS for code in self.by) > 1:
            raise StatsUsageError("Ask for one breakdown by tag at a time.")
        if not self.date_field:
            object.__setattr__(self, "date_field", source.count[self.count].date)
        if self.date_field not in source.date:
            raise StatsUsageError(f"The period can be on {one_of(source.date)} only.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise StatsUsageError("The start of the period is after its end.")
        self._check_filters(source)

    def _check_filters(self, source: Source) -> None:
        if self.flags:
            if source.tags is None:
                raise StatsUsageError(f"{source.title} have no flags to filter on.")
            tag = next(d for d in source.dimensions if d.kind == TAGS)
            for flag in self.flags:
                if flag not in source.tags.codes:
                    raise StatsUsageError(
                        f"'{flag}' is not a {tag.code}. Choose from: {', '.join(source.tags.codes)}."
                    )
        filters = dict(source.filters)
        for field in ("case_type",):
            value = getattr(self, field)
            if not value:
                continue
            if field not in filters:
                raise StatsUsageError(f"{source.title} cannot be filtered by {field}.")
            dimension = source.dimension[filters[field]]
            if dimension.labels and value not in dimension.labels:
                raise StatsUsageError(
                    f"'{value}' is not a {dimension.title.lower()}. "
                    f"Choose from: {', '.join(dimension.labels)}."
                )

    @classmethod
    def parse(
        cls,
        *,
        by: str | Iterable[str],
        count: str = "",
        forces: Iterable[str] = (),
        date_from: str | dt.date | None = None,
        date_to: str | dt.date | None = None,
        date: str = "",
        flags: Iterable[str] = (),
        case_type: str = "",
        source: str = "cases",
    ) -> StatsQuery:
        """A query from the text of options, as the command line and the API receive them;
        force codes are checked against the forces table."""
        from candour.core.forces import unknown_codes, unknown_force_message

        codes = by.split(",") if isinstance(by, str) else list(by)
        dimensions = tuple(code.strip() for code in codes if code.strip())
        if not dimensions:
            raise StatsUsageError("--by needs at least one dimension, e.g. --by year.")
        forces = tuple(forces)
        unknown = unknown_codes(forces)
        if unknown:
            raise StatsUsageError(unknown_force_message(unknown))
        return cls(
            count=count,
            by=dimensions,
            forces=forces,
            date_from=parse_date(date_from),
            date_to=parse_date(date_to),
            date_field=date,
            flags=tuple(flags),
            case_type=case_type,
            source=source,
        )

    @property
    def declared(self) -> Source:
        return declared_source(self.source)

    @property
    def dimensions(self) -> dict[str, Dimension]:
        return self.declared.dimension

    @property
    def date(self) -> str:
        """The date the period and the period dimensions are on."""
        return self.date_field

    def filters_json(self) -> dict[str, Any]:
        """The filters as docs/statistics.md shows them; only those that were given."""
        out: dict[str, Any] = {}
        if self.forces:
            out["force"] = list(self.forces)
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        if self.date_field != self.declared.count[self.count].date:
            out["date"] = self.date_field
        if self.flags:
            out["flag"] = list(self.flags)
        if self.case_type:
            out["case_type"] = self.case_type
        return out

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.source != "cases":
            out["source"] = self.source
        return {**out, "count": self.count, "by": list(self.by), "filters": self.filters_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StatsQuery:
        filters = data.get("filters", {})
        return cls(
            count=data.get("count", ""),
            by=tuple(data.get("by", ())),
            forces=tuple(filters.get("force", ())),
            date_from=dt.date.fromisoformat(filters["from"]) if filters.get("from") else None,
            date_to=dt.date.fromisoformat(filters["to"]) if filters.get("to") else None,
            date_field=filters.get("date", ""),
            flags=tuple(filters.get("flag", ())),
            case_type=filters.get("case_type", ""),
            source=data.get("source", "cases"),
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
        dimensions = [self.query.dimensions[code] for code in self.query.by]
        return sorted(
            self.cells,
            key=lambda key: tuple(
                sort_key(self.query.declared, d, v) for d, v in zip(dimensions, key, strict=True)
            ),
        )

    def values_of(self, position: int) -> list[Any]:
        seen = {key[position] for key in self.cells}
        dimension = self.query.dimensions[self.query.by[position]]
        return sorted(seen, key=lambda v: sort_key(self.query.declared, dimension, v))

    def copy(self) -> StatsResult:
        return replace(
            self,
            cells={k: replace(c) for k, c in self.cells.items()},
            total=replace(self.total),
            margins=[{k: replace(c) for k, c in m.items()} for m in self.margins]
            if self.margins is not None
            else None,
        )


def sort_key(source: Source, dimension: Dimension, value: Any) -> tuple[int, Any]:
    """Periods in order, codes in the order their scheme lists them, "not known" and "no tag"
    last."""
    if value == UNKNOWN or (source.tags is not None and value == source.tags.none_code):
        return (2, "")
    if dimension.is_period:
        return (0, value)
    if dimension.labels:
        order = list(dimension.labels)
        return (0, order.index(value)) if value in order else (1, str(value))
    return (1, str(value))
