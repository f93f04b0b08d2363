"""Reporting periods: the calendar year, the month, and the financial year.

The financial year of police forces and of the Home Office's statistics runs from 1 April to
31 March and is written ``2022/23``; Candour names it by the year it starts in (2022). This is its
one home: the statistics engine (its store and its oracle), the workforce rates and any app that
reports by financial year import it from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Case,
    CharField,
    ExpressionWrapper,
    Func,
    IntegerField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear, LPad, NullIf
from django.db.models.lookups import GreaterThanOrEqual

FINANCIAL_YEAR_START_MONTH = 4  # April


def financial_year_of(day: dt.date) -> int:
    """The year the financial year containing ``day`` starts in: 31 March 2023 is in 2022."""
    return day.year if day.month >= FINANCIAL_YEAR_START_MONTH else day.year - 1


def financial_year_label(start_year: int) -> str:
    """April to March, written as ``2022/23``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_from_label(label: str) -> int:
    """``2022/23`` back to 2022 (a bare year is taken as the start year)."""
    return int(label.split("/")[0])


def financial_year_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the financial year starting in ``start_year``."""
    first = dt.date(start_year, FINANCIAL_YEAR_START_MONTH, 1)
    last = dt.date(start_year + 1, FINANCIAL_YEAR_START_MONTH, 1) - dt.timedelta(days=1)
    return first, last


def month_bounds(label: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the month written ``2022-05``."""
    year, month = (int(part) for part in label.split("-"))
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def month_label(label: str) -> str:
    """``2022-05`` in words: ``May 2022``."""
    return f"{month_bounds(label)[0]:%B %Y}"


def financial_year_sql(column: str) -> str:
    """The financial year of a date column in SQL with ``year()`` and ``month()`` (DuckDB)."""
    return (
        f"(CASE WHEN month({column}) >= {FINANCIAL_YEAR_START_MONTH} "
        f"THEN year({column}) ELSE year({column}) - 1 END)"
    )


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


def financial_year_expression(path: str) -> Case:
    """The financial year of the date at ``path`` as an ORM expression (both databases)."""
    return Case(
        When(GreaterThanOrEqual(Month(path), FINANCIAL_YEAR_START_MONTH), then=Year(path)),
        default=Year(path) - 1,
        output_field=IntegerField(),
    )


def month_expression(path: str) -> NullIf:
    """The month of the date at ``path`` as ``2022-05``, an ORM expression (both databases);
    NULL when the date is (``Concat`` reads a missing part as blank, leaving ``-``)."""
    text = Concat(
        Cast(Year(path), CharField()),
        Value("-"),
        LPad(Cast(Month(path), CharField()), 2, Value("0")),
        output_field=CharField(),
    )
    return NullIf(text, Value("-"))


# ---- Quarters of the financial year ----------------------------------------------------------
# The IOPC's quarterly police complaints statistics run by quarters of the financial year:
# Q1 April to June, Q2 July to September, Q3 October to December, Q4 January to March. A quarter
# is written ``2024/25 Q1`` (the financial year, then the quarter), which also sorts in order.

QUARTER_MONTHS = ("April to June", "July to September", "October to December", "January to March")


def financial_quarter_of(day: dt.date) -> int:
    """1 to 4: the quarter of its financial year ``day`` falls in."""
    return (day.month - FINANCIAL_YEAR_START_MONTH) % 12 // 3 + 1


def quarter_code(start_year: int, quarter: int) -> str:
    """``2024/25 Q1``."""
    return f"{financial_year_label(start_year)} Q{quarter}"


def quarter_of(day: dt.date) -> str:
    return quarter_code(financial_year_of(day), financial_quarter_of(day))


def parse_quarter(text: str) -> tuple[int, int]:
    """``2024/25 Q1``, ``2024/25-Q1`` or ``2024-Q1`` to (2024, 1); ValueError otherwise."""
    cleaned = text.strip().upper().replace("-", " ").replace("_", " ")
    year_part, _, quarter_part = cleaned.rpartition(" ")
    if not year_part or not quarter_part.startswith("Q") or quarter_part[1:] not in "1234":
        raise ValueError(text)
    start = int(year_part.strip().split("/")[0])
    if "/" in year_part and financial_year_label(start) != year_part.strip():
        raise ValueError(text)
    return start, int(quarter_part[1:])


def quarter_bounds(start_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of quarter ``quarter`` of the financial year ``start_year``."""
    month = FINANCIAL_YEAR_START_MONTH + 3 * (quarter - 1)
    first = dt.date(start_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    following = month + 3
    end = dt.date(start_year + (following - 1) // 12, (following - 1) % 12 + 1, 1)
    return first, end - dt.timedelta(days=1)


def quarter_label(code: str) -> str:
    """``2024/25 Q1`` in words: ``2024/25 Q1 (April to June 2024)``."""
    start, quarter = parse_quarter(code)
    first, _ = quarter_bounds(start, quarter)
    return f"{code} ({QUARTER_MONTHS[quarter - 1]} {first.year})"


def quarter_sql(column: str) -> str:
    """The ``2024/25 Q1`` of a date column in DuckDB SQL (NULL for a NULL date)."""
    year = financial_year_sql(column)
    quarter = f"((month({column}) + {12 - FINANCIAL_YEAR_START_MONTH}) % 12 // 3 + 1)"
    return (
        f"(CAST({year} AS VARCHAR) || '/' || lpad(CAST(({year} + 1) % 100 AS VARCHAR), 2, '0') "
        f"|| ' Q' || CAST({quarter} AS VARCHAR))"
    )


def quarter_expression(path: str) -> Any:
    """The ``2024/25 Q1`` of the date at ``path``, an ORM expression (both databases)."""
    # Integer ``%`` (CombinedExpression), not ``Mod``: SQLite's MOD is Django's Python fmod.
    # PostgreSQL's EXTRACT gives a numeric, whose division is not whole: cast first.
    year = Cast(financial_year_expression(path), IntegerField())
    month = Cast(Month(path), IntegerField())
    following = ExpressionWrapper((year + 1) % 100, output_field=IntegerField())
    quarter = ExpressionWrapper(
        (month + (12 - FINANCIAL_YEAR_START_MONTH)) % 12 / 3 + 1, output_field=IntegerField()
    )
    text = Concat(
        Cast(year, CharField()),
        Value("/"),
        LPad(Cast(following, CharField()), 2, Value("0")),
        Value(" Q"),
        Cast(quarter, CharField()),
        output_field=CharField(),
    )
    return Case(When(**{f"{path}__isnull": True}, then=Value(None)), default=text)


# ---- Working days ----------------------------------------------------------------------------
# The IOPC gives the time taken to finalise a complaint in working days. Here a working day is
# Monday to Friday: bank holidays are counted as working days (up to eight a year), so a figure
# can be a day or two above one counted with the bank holidays taken out (docs/statistics.md,
# "The IOPC quarterly return"). Working days between two dates are the difference of their
# working-day numbers: the weekdays from a Monday (1 January 1900) up to the day before.

WORKING_DAY_EPOCH = dt.date(1900, 1, 1)  # a Monday


def working_day_number(day: dt.date) -> int:
    days = (day - WORKING_DAY_EPOCH).days
    return days // 7 * 5 + min(days % 7, 5)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Weekdays after ``start`` up to and including ``end`` (0 when the same day)."""
    return working_day_number(end + dt.timedelta(days=1)) - working_day_number(
        start + dt.timedelta(days=1)
    )


def working_day_number_sql(column: str) -> str:
    """``working_day_number`` of the day after a date column, in DuckDB SQL."""
    days = f"(date_diff('day', DATE '{WORKING_DAY_EPOCH.isoformat()}', {column}) + 1)"
    return f"({days} // 7 * 5 + least({days} % 7, 5))"


class DayNumber(Func):
    """Days from 1 January 1900 to a date, an ORM expression (SQLite and PostgreSQL)."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        epoch = WORKING_DAY_EPOCH.isoformat()
        return f"CAST(julianday({sql}) - julianday('{epoch}') AS INTEGER)", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql})::date - DATE '{WORKING_DAY_EPOCH.isoformat()}')", params


def working_days_expression(start: str, end: str) -> Any:
    """``working_days_between`` of the dates at ``start`` and ``end``, an ORM expression."""
    from django.db.models.functions import Least

    def number(path: str) -> Any:
        days = DayNumber(path) + 1
        return days / 7 * 5 + Least(days % 7, Value(5))

    return ExpressionWrapper(number(end) - number(start), output_field=IntegerField())
