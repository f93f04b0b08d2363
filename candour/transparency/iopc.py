"""The force's quarterly return to the IOPC: the complaints figures every force supplies each
quarter (the Home Secretary's Annual Data Requirement; the IOPC publishes them in its quarterly
police complaints information bulletins and its annual police complaints statistics), counted
from the force's own records by the one statistics engine.

Each table of the return is a ``StatsQuery`` on the cases source (declared below as data), so
the command line, the page and its downloads give the same figures as ``candour stats`` asked
the same question. What each figure counts, and the rules it follows, are in
docs/statistics.md, "The IOPC quarterly return".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from candour.cases.models import CaseType
from candour.core.periods import parse_quarter, quarter_bounds, quarter_code, quarter_of
from candour.transparency.stats import StatsQuery, StatsResult, StatsUsageError

COMPLAINTS = str(CaseType.COMPLAINT)  # the return covers complaints, not conduct or DSI matters


@dataclass(frozen=True)
class ReturnTable:
    """One table of the return: what it counts (``count``), broken down ``by``, with the
    quarter on ``date`` (received: logged in the quarter; finalised: finalised in it)."""

    slug: str
    title: str
    counts: str
    count: str
    by: tuple[str, ...]
    date: str


TABLES: tuple[ReturnTable, ...] = (
    ReturnTable(
        "complaint_cases_logged",
        "Complaint cases logged, by handling",
        "Each complaint received in the quarter, once, by whether it is handled outside or "
        "within Schedule 3 (or not yet decided).",
        "cases",
        ("handling",),
        "received_date",
    ),
    ReturnTable(
        "allegations_logged",
        "Allegations logged, by category and handling",
        "Each allegation of a complaint received in the quarter, once, by its category and "
        "the complaint's handling.",
        "allegations",
        ("category", "handling"),
        "received_date",
    ),
    ReturnTable(
        "complaint_cases_finalised",
        "Complaint cases finalised, by handling and working days to finalise",
        "Each complaint finalised in the quarter, once, by handling and by the working days "
        "from receipt to finalisation.",
        "cases",
        ("handling", "days_to_finalise"),
        "finalised_date",
    ),
    ReturnTable(
        "allegations_finalised",
        "Allegations finalised, by handling and working days to finalise",
        "Each allegation of a complaint finalised in the quarter, once, by handling and by the "
        "working days from the complaint's receipt to its finalisation.",
        "allegations",
        ("handling", "days_to_finalise"),
        "finalised_date",
    ),
)


@dataclass(frozen=True)
class Quarter:
    start_year: int  # of the financial year
    number: int  # 1 (April to June) to 4 (January to March)

    @property
    def code(self) -> str:
        return quarter_code(self.start_year, self.number)

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        return quarter_bounds(self.start_year, self.number)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        try:
            return cls(*parse_quarter(text))
        except ValueError:
            raise StatsUsageError(
                f"'{text}' is not a quarter: write the financial year and the quarter, e.g. "
                "2024/25-Q1 (April to June 2024) or 2024/25-Q4 (January to March 2025)."
            ) from None

    @classmethod
    def last_complete(cls, today: dt.date) -> Quarter:
        """The latest quarter that has ended by ``today``."""
        first_of_this, _ = cls.parse(quarter_of(today)).bounds
        return cls.parse(quarter_of(first_of_this - dt.timedelta(days=1)))


@dataclass
class QuarterlyReturn:
    force: str
    quarter: Quarter
    tables: list[tuple[ReturnTable, StatsResult]]


def queries(force: str, quarter: Quarter) -> list[tuple[ReturnTable, StatsQuery]]:
    start, end = quarter.bounds
    return [
        (
            table,
            StatsQuery(
                count=table.count,
                by=table.by,
                forces=(force,),
                date_from=start,
                date_to=end,
                date_field=table.date,
                case_type=COMPLAINTS,
            ),
        )
        for table in TABLES
    ]


def quarterly_return(
    force: str, quarter: Quarter, count: Callable[[StatsQuery], StatsResult]
) -> QuarterlyReturn:
    """The return of ``force`` for ``quarter``; ``count`` counts one query (the page passes
    ``services.count_for`` for its user, the command line the engine itself)."""
    return QuarterlyReturn(
        force, quarter, [(table, count(query)) for table, query in queries(force, quarter)]
    )


def to_json(report: QuarterlyReturn) -> dict[str, Any]:
    from candour.transparency.stats.output import to_json as result_json

    start, end = report.quarter.bounds
    return {
        "force": report.force,
        "quarter": report.quarter.code,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "tables": [
            {"table": table.slug, "title": table.title, "counts": table.counts, **result_json(r)}
            for table, r in report.tables
        ],
    }


FORMATS = ("table", "csv", "json", "xlsx")


def about(report: QuarterlyReturn) -> list[list[str]]:
    """The notes sheet: the force, the quarter, and what each table counts."""
    start, end = report.quarter.bounds
    notes = [
        ["return", "Police complaints: the force's quarterly return to the IOPC"],
        ["force", report.force],
        ["quarter", f"{report.quarter.code}: {start.isoformat()} to {end.isoformat()}"],
        ["counting rules", "docs/statistics.md, 'The IOPC quarterly return'"],
    ]
    notes += [[table.slug, f"{table.title}. {table.counts}"] for table, _ in report.tables]
    thresholds = {result.suppress for _, result in report.tables if result.suppress}
    if thresholds:
        notes.append(
            [
                "suppression",
                f"Counts from 1 to {max(thresholds) - 1} are withheld for your role, and enough "
                "others that none can be worked out from the totals.",
            ]
        )
    return notes


def render(report: QuarterlyReturn, fmt: str) -> bytes:
    """The return as a csv, json or xlsx file."""
    import json

    from candour.transparency.stats.output import tables_to_csv, tables_to_xlsx

    named = [(table.slug, result) for table, result in report.tables]
    if fmt == "csv":
        return tables_to_csv(named).encode()
    if fmt == "json":
        return (json.dumps(to_json(report), indent=1) + "\n").encode()
    if fmt == "xlsx":
        return tables_to_xlsx(named, about(report))
    raise ValueError(f"The return can be written as csv, json or xlsx, not {fmt!r}.")
