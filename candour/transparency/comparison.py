"""Forces compared: each force's own figures beside other forces', and beside the figures other
bodies published (interchange §4), as rates per 1,000 people in post, each figure saying what
it counts, its period and its source (docs/statistics.md, "Comparing forces").

Candour's figures are one question to the statistics engine, broken down by force over every
force, with small numbers withheld at the publishing threshold exactly as the public pages
withhold them (``suppression.py``: a one-dimension table with its total, so a small force's
figure can take another with it); the comparison shows the chosen forces' rows of that table
and never its total. Rates are the engine's (``stats/rates.py``, the workforce file as the
denominator) and are withheld with their counts. A published figure is shown as its publisher
gave it, with its rate over the same force's workforce in post in the figure's own period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from candour.core.models import Force
from candour.transparency.models import PublishedFigure
from candour.transparency.stats import CASES, StatsQuery
from candour.transparency.stats.cache import cached_compute
from candour.transparency.stats.rates import rate, workforce_in_post

PER = 1000
CANDOUR_SOURCE = "Candour records"
COUNTS = ("officers", "allegations", "cases")


@dataclass(frozen=True)
class Question:
    """What to compare: one count, optionally of some themes, over a period, for some forces
    (``own`` are the asker's, listed first)."""

    count: str = "officers"
    flags: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    forces: tuple[str, ...] = ()
    own: tuple[str, ...] = ()

    def query(self) -> StatsQuery:
        """The engine's question: every force (so the table withheld is the public one)."""
        return StatsQuery(
            count=self.count,
            by=("force",),
            date_from=self.date_from,
            date_to=self.date_to,
            flags=self.flags,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "flags": list(self.flags),
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "forces": list(self.forces),
        }


@dataclass
class Figure:
    """One row of the comparison: a figure for a force, what it counts, its period and source."""

    force: str
    force_name: str
    counts: str
    period_start: dt.date | None
    period_end: dt.date | None
    source: str
    from_candour: bool
    value: int | Decimal | None
    withheld: bool = False
    note: str = ""
    breakdown: str = ""
    workforce: int | None = None
    rate: float | None = None
    own: bool = False

    @property
    def shown_value(self) -> str:
        if self.withheld:
            return "withheld"
        if self.value is None:
            return "no records held" if self.from_candour else "not given"
        if isinstance(self.value, Decimal):
            return f"{self.value.normalize():,f}"
        return f"{self.value:,}"

    @property
    def shown_rate(self) -> str:
        if self.rate is not None:
            return f"{self.rate:,.1f}"
        if self.withheld:
            return "withheld"
        if self.value is not None and not self.workforce:
            return "no workforce file"
        return ""

    @property
    def period(self) -> str:
        return period_words(self.period_start, self.period_end)


@dataclass
class Comparison:
    question: Question
    threshold: int
    figures: list[Figure] = field(default_factory=list)

    @property
    def any_withheld(self) -> bool:
        return any(f.withheld for f in self.figures)


def period_words(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"{start:%-d %b %Y} to {end:%-d %b %Y}"
    if start:
        return f"from {start:%-d %b %Y}"
    if end:
        return f"up to {end:%-d %b %Y}"
    return "all records held"


def what_candour_counts(question: Question) -> str:
    """What Candour's figure counts, in words (docs/statistics.md, "What is counted"); the
    period is on the date each matter was received."""
    themes = ""
    if question.flags:
        labels = CASES.dimension["flag"].labels
        themes = " with the theme " + " or ".join(labels.get(f, f).lower() for f in question.flags)
    if question.count == "officers":
        return f"Officers and staff subject to allegations{themes} (each person once)"
    if question.count == "allegations":
        return f"Allegations{themes}"
    return "Cases (complaints, conduct and DSI matters)" + (
        f" holding an allegation{themes}" if themes else ""
    )


def forces_with_figures() -> list[str]:
    """Forces Candour holds case data or published figures for: the comparison's default."""
    from candour.cases.models import Case

    held = set(Case.objects.values_list("force_id", flat=True).distinct().order_by())
    held |= set(PublishedFigure.objects.values_list("force_id", flat=True).distinct().order_by())
    return sorted(held)


def compare_forces(question: Question, *, threshold: int) -> Comparison:
    """The comparison table: per chosen force, Candour's figure and the figures others
    published whose period overlaps the question's, each with its rate per 1,000 in post."""
    names = dict(Force.objects.filter(code__in=question.forces).values_list("code", "name"))
    order = sorted(question.forces, key=lambda c: (c not in question.own, names.get(c, c)))
    result = cached_compute(question.query(), suppress=threshold, per=PER)
    held = _forces_holding_cases(order)
    comparison = Comparison(question, threshold)
    published = _published(question, order)
    workforce = workforce_in_post(
        ((f.period_start, f.period_end) for fs in published.values() for f in fs), order
    )
    counts = what_candour_counts(question)
    for code in order:
        own = code in question.own
        cell = result.cells.get((code,))
        if code in held:
            figure = Figure(
                code,
                names.get(code, code),
                counts,
                question.date_from,
                question.date_to,
                CANDOUR_SOURCE,
                True,
                None if cell is None or cell.suppressed else cell.value,
                withheld=bool(cell and cell.suppressed),
                own=own,
            )
            if cell is None:  # counted nothing: a true zero, over the force's workforce
                figure.value = 0
                period = (question.date_from, question.date_to)
                figure.workforce = workforce_in_post([period], [code])[period].get(code, 0)
                figure.rate = rate(0, figure.workforce, PER)
            else:
                figure.workforce = cell.workforce
                figure.rate = None if cell.suppressed else cell.rate
            comparison.figures.append(figure)
        else:
            comparison.figures.append(
                Figure(
                    code,
                    names.get(code, code),
                    "Candour holds no case records for this force",
                    question.date_from,
                    question.date_to,
                    CANDOUR_SOURCE,
                    True,
                    None,
                    own=own,
                )
            )
        for row in published.get(code, []):
            people = workforce[(row.period_start, row.period_end)].get(code, 0)
            comparison.figures.append(
                Figure(
                    code,
                    names.get(code, code),
                    row.measure + (f" ({row.breakdown})" if row.breakdown else ""),
                    row.period_start,
                    row.period_end,
                    row.source,
                    False,
                    row.value,
                    note=row.note,
                    breakdown=row.breakdown,
                    workforce=people,
                    rate=rate(row.value, people, PER),
                    own=own,
                )
            )
    return comparison


def _forces_holding_cases(codes: Sequence[str]) -> set[str]:
    from candour.cases.models import Case

    return set(
        Case.objects.filter(force_id__in=list(codes))
        .values_list("force_id", flat=True)
        .distinct()
        .order_by()
    )


def _published(question: Question, codes: Iterable[str]) -> dict[str, list[PublishedFigure]]:
    figures = PublishedFigure.objects.filter(force_id__in=list(codes))
    if question.date_from:
        figures = figures.filter(period_end__gte=question.date_from)
    if question.date_to:
        figures = figures.filter(period_start__lte=question.date_to)
    out: dict[str, list[PublishedFigure]] = {}
    for figure in figures.order_by("period_start", "source", "measure", "breakdown"):
        out.setdefault(figure.force_id, []).append(figure)
    return out


# --- the table, the chart and the downloads -------------------------------------------------

HEADERS = (
    "Force",
    "What the figure counts",
    "Source and period",
    "Figure",
    "People in post",
    "Per 1,000 in post",
)
FILE_HEADERS = (
    "force",
    "force_name",
    "counts",
    "period_start",
    "period_end",
    "source",
    "source_kind",
    "value",
    "suppressed",
    "workforce",
    f"rate_per_{PER}",
    "note",
)


def table_rows(comparison: Comparison) -> list[list[str]]:
    rows = []
    for f in comparison.figures:
        counts = f.counts + (f" ({f.note})" if f.note else "")
        rows.append(
            [
                f.force_name + (" (your force)" if f.own else ""),
                counts,
                f"{f.source}, {f.period}",
                f.shown_value,
                "" if f.workforce is None else f"{f.workforce:,}",
                f.shown_rate,
            ]
        )
    return rows


def file_rows(comparison: Comparison) -> list[list[Any]]:
    """The table for CSV and XLSX: codes, numbers as numbers, withheld values empty."""
    rows: list[list[Any]] = []
    for f in comparison.figures:
        value: Any = None if f.withheld or f.value is None else f.value
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        rows.append(
            [
                f.force,
                f.force_name,
                f.counts,
                f.period_start.isoformat() if f.period_start else "",
                f.period_end.isoformat() if f.period_end else "",
                f.source,
                "candour" if f.from_candour else "published",
                value,
                "true" if f.withheld else "false",
                f.workforce,
                None if f.withheld else f.rate,
                f.note,
            ]
        )
    return rows


def about_rows(comparison: Comparison) -> list[list[str]]:
    q = comparison.question
    return [
        ["count", q.count],
        ["flags", ",".join(q.flags)],
        ["from", q.date_from.isoformat() if q.date_from else ""],
        ["to", q.date_to.isoformat() if q.date_to else ""],
        ["forces", ",".join(q.forces)],
        [
            "suppression",
            f"Candour's counts from 1 to {comparison.threshold - 1} are withheld, and enough "
            "others that none can be worked out (Freedom of Information Act 2000, section 40).",
        ],
        [
            "rates",
            f"Per {PER:,} people in the force's workforce file in post at some time in the "
            "figure's period; empty where the count is withheld or no workforce file is loaded.",
        ],
        [
            "published figures",
            "As their publishers gave them; what they count may differ from Candour's counts.",
        ],
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    source: str
    shown: str
    width: float | None  # percent of the widest bar; None: no bar (withheld or no rate)
    from_candour: bool


def charted(comparison: Comparison) -> list[Figure]:
    """The figures the chart draws: Candour's, one per force, and the totals others published
    (a slice such as ``subject_sex=male`` stays in the table)."""
    return [f for f in comparison.figures if f.from_candour or not f.breakdown]


def chart_bars(comparison: Comparison) -> list[Bar]:
    """One bar per charted figure with a rate, scaled to the largest rate; a withheld or
    missing rate has no bar, so no bar encodes a withheld count."""
    figures = charted(comparison)
    rates = [f.rate for f in figures if f.rate is not None and not f.withheld]
    top = max(rates, default=0.0)
    bars = []
    for f in figures:
        has_bar = f.rate is not None and not f.withheld and top > 0
        bars.append(
            Bar(
                f"{f.force_name}: {f.counts}",
                f"{f.source}, {f.period}",
                f.shown_rate or f.shown_value,
                round(100 * f.rate / top, 2) if has_bar and f.rate is not None else None,
                f.from_candour,
            )
        )
    return bars
