"""How a source of statistics is declared: its levels, store columns, dimensions, counts and
dates. The declaration is the only thing a new source writes (``sources/``); ``sql.py``
generates from it both the SQL that builds the source's counting store and the SQL that counts
from it, as Splink generates its SQL from its settings.

A source is a chain of **levels**, each one table of the main database whose rows belong to one
row of the level above (cases: case, allegation, one subject's part in an allegation). The store
has one row per row of the deepest level, plus one per row of a higher level that has nothing
below it (an allegation with no subject yet, a case with no allegation yet), so that every case,
allegation and subject can be counted. Its column ``level`` says how deep a row reaches (0 for
the top level).

Blank or missing values are never dropped: a ``known`` column stores them as ``unknown``
("Not known"). A level may carry **tags** (an allegation's themes: a many-to-many set of codes),
stored as one boolean column per code, one for "no tag", and the list itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

UNKNOWN = "unknown"
UNKNOWN_LABEL = "Not known"

# Kinds of dimension: a store column's value, a tag (one row per tag), or a period of the
# query's date column.
FIELD, TAGS, YEAR, FINANCIAL_YEAR, MONTH = "field", "tags", "year", "financial_year", "month"
QUARTER = "quarter"  # of the financial year: 2024/25 Q1 is April to June 2024
PERIODS = (YEAR, FINANCIAL_YEAR, QUARTER, MONTH)


def choices(text_choices: type) -> dict[str, str]:
    """Codes and labels of a Django ``TextChoices``, for ``Dimension.labels``."""
    return {str(value): str(label) for value, label in text_choices.choices}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Level:
    """One table of the main database. ``parent`` is its foreign key to the level above (none
    for the top level); ``id_column`` is the store column holding the row's id."""

    name: str
    model: Any  # a Django model class
    id_column: str
    parent: str = ""


@dataclass(frozen=True)
class Column:
    """A store column read from ``field`` of its level's table; ``field`` may follow foreign
    keys (``person__force``). ``type`` is ``text``, ``id``, ``date`` or ``bool`` (a yes/no
    field stored as the codes ``values``: the one for false, then the one for true); a
    ``known`` text or bool column stores blank or missing values as ``unknown``."""

    name: str
    level: str
    field: str
    type: str = "text"
    known: bool = False
    values: tuple[str, str] = ("false", "true")


@dataclass(frozen=True)
class Band:
    """One band of a ``Span``: spans of at most ``up_to`` working days (None: no limit)."""

    code: str
    label: str
    up_to: int | None


@dataclass(frozen=True)
class Span:
    """A store column holding, in bands, the working days from the date column ``start`` to
    the date column ``end`` of the same level (``unknown`` while ``end`` is missing). Working
    days are counted as ``candour.core.periods.working_days_between`` counts them."""

    name: str
    level: str
    start: str
    end: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Tags:
    """A many-to-many set of codes on a level (``field`` is the many-to-many field). Stored as
    ``<prefix><code>`` booleans, ``<prefix><none_code>`` for a row with no tag, and ``name`` (the
    list of the row's codes, or ``[none_code]``) that a breakdown by tag unnests."""

    name: str
    level: str
    field: str
    codes: tuple[str, ...]
    none_code: str
    prefix: str

    def column(self, code: str) -> str:
        return f"{self.prefix}{code}"


@dataclass(frozen=True)
class DateColumn:
    """A date the period (``--from``, ``--to``) and the period dimensions can be on. ``name`` is
    the value of the query's ``date`` option and the store column; ``stem`` names its period
    columns (``received_year``, ``received_financial_year``, ``received_month``). ``lead`` begins
    the sentence of an answer ("with an outcome decided between ...")."""

    name: str
    level: str
    stem: str
    lead: str = ""
    title: str = ""  # in forms: "Date received"


@dataclass(frozen=True)
class Count:
    """Something counted: the distinct values of ``target`` among rows at ``level`` or below,
    only rows whose columns have one of the values in ``only`` (e.g. the decision is a grant).
    ``date`` is the date a period is on unless the query names another."""

    name: str
    singular: str
    plural: str
    level: str
    target: str
    date: str
    verb: str = "recorded"  # "N cases were recorded"
    verb_one: str = ""  # when it is one, if it reads otherwise ("the subject of an allegation")
    only: tuple[tuple[str, tuple[str, ...]], ...] = ()
    label: str = ""  # in forms; the plural, capitalised, when not given

    @property
    def title(self) -> str:
        return self.label or self.plural.capitalize()


@dataclass(frozen=True)
class Dimension:
    """A breakdown. ``column`` is the store column (none for a period: it is the period column
    of the query's date). ``labels`` reads codes in words; ``reference`` names a table to read
    them from instead (``("core.Force", "code", "name")``). ``phrase`` is how a value reads
    after "N of them ..." in sentences: ``{label}``, ``{label_lower}`` or ``{value_phrase}``
    (``phrases[value]``, else the lower-case label)."""

    code: str
    title: str
    kind: str = FIELD
    column: str = ""
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    reference: tuple[str, str, str] | None = None
    phrase: str = "{label}"
    phrases: dict[str, str] = dataclasses.field(default_factory=dict)
    unknown_label: str = UNKNOWN_LABEL

    @property
    def is_period(self) -> bool:
        return self.kind in PERIODS


@dataclass(frozen=True)
class Source:
    """Everything the engine knows about one source of statistics.

    ``force_column`` is the store column a user's forces filter on; ``filters`` maps the
    query's single-value filters (``case_type``) to the dimension they filter; ``changes`` names
    the change marks (``candour/core/changes.py``) whose movement makes the store stale."""

    name: str
    title: str
    levels: tuple[Level, ...]
    columns: tuple[Column, ...]
    dates: tuple[DateColumn, ...]
    counts: tuple[Count, ...]
    dimensions: tuple[Dimension, ...]
    changes: tuple[str, ...]
    default_count: str
    force_column: str = "force"
    tags: Tags | None = None
    filters: tuple[tuple[str, str], ...] = ()
    spans: tuple[Span, ...] = ()

    def level(self, name: str) -> Level:
        return next(level for level in self.levels if level.name == name)

    def depth(self, level: str) -> int:
        return [lv.name for lv in self.levels].index(level)

    @cached_property
    def dimension(self) -> dict[str, Dimension]:
        return {d.code: d for d in self.dimensions}

    @cached_property
    def count(self) -> dict[str, Count]:
        return {c.name: c for c in self.counts}

    @cached_property
    def date(self) -> dict[str, DateColumn]:
        return {d.name: d for d in self.dates}

    @cached_property
    def column(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    def count_choices(self) -> list[tuple[str, str]]:
        """(name, label) of every count, the default first: for forms."""
        first = self.count[self.default_count]
        return [(c.name, c.title) for c in (first, *(c for c in self.counts if c is not first))]

    @property
    def period_kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind in PERIODS if any(d.kind == kind for d in self.dimensions))

    def column_level(self, column: str) -> str:
        """The level a store column belongs to."""
        for level in self.levels:
            if column == level.id_column:
                return level.name
        if column in self.column:
            return self.column[column].level
        if column in self.date:
            return self.date[column].level
        for span in self.spans:
            if column == span.name:
                return span.level
        if self.tags is not None:
            return self.tags.level
        raise KeyError(column)

    @cached_property
    def layout(self) -> str:
        """A name of the store's layout: a hash of the SQL that creates and fills it, so a
        store built by another version of the declaration (or of the generator) is never taken
        for this one."""
        from candour.transparency.stats import sql

        text = sql.create_table(self) + sql.flatten(self)
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    def __hash__(self) -> int:
        return hash(self.name)


# Dimensions every source with dates and forces shares: declare them with ``*PERIOD_DIMENSIONS``
# and ``FORCE_DIMENSION`` (the store column ``force``).
PERIOD_DIMENSIONS = (
    Dimension("year", "Year", YEAR, phrase="in {label}"),
    Dimension("financial_year", "Financial year", FINANCIAL_YEAR, phrase="in {label}"),
    Dimension("quarter", "Quarter (financial year)", QUARTER, phrase="in {label}"),
    Dimension("month", "Month", MONTH, phrase="in {label}"),
)
FORCE_DIMENSION = Dimension(
    "force", "Force", column="force", reference=("core.Force", "code", "name"), phrase="in {label}"
)
