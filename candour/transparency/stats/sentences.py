"""The answer in plain English, generated from the published numbers (never the hidden ones):
"Between 1 April 2015 and 31 March 2022, 46 officers in Cambridgeshire Constabulary were the
subject of allegations; 20 of them for sexual misconduct and 24 for domestic abuse."
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from candour.core.models import Force
from candour.transparency.stats.declaration import TAGS
from candour.transparency.stats.labels import Labeller
from candour.transparency.stats.query import Cell, StatsQuery, StatsResult

WITHHELD_PHRASE = "a number we have withheld"
MAX_PARTS = 12


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def join_words(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def period_phrase(query: StatsQuery) -> str:
    start, end = query.date_from, query.date_to
    lead = query.declared.date[query.date].lead
    if start and end:
        text = f"{lead}between {long_date(start)} and {long_date(end)}"
    elif start:
        text = f"{lead}from {long_date(start)}"
    elif end:
        text = f"{lead}up to {long_date(end)}"
    else:
        text = "in all the records held"
    return text[:1].upper() + text[1:]


def noun(query: StatsQuery, n: int | None) -> str:
    """What is counted, in words; a count of cases of one type names the type ("complaints")."""
    source = query.declared
    count = source.count[query.count]
    singular, plural = count.singular, count.plural
    for field, code in source.filters:
        dimension = source.dimension[code]
        value = getattr(query, field)
        counts_that_level = count.target == source.level(count.level).id_column
        if value and counts_that_level and source.column_level(dimension.column) == count.level:
            label = dimension.labels.get(value, value).lower()
            singular, plural = label, label + "s"
    return singular if n == 1 else plural


def count_phrase(query: StatsQuery, cell: Cell) -> str:
    if cell.suppressed or cell.value is None:
        return f"{WITHHELD_PHRASE} of {noun(query, 2)}"
    return f"{cell.value:,} {noun(query, cell.value)}"


def _verb(query: StatsQuery, cell: Cell) -> str:
    one = not cell.suppressed and cell.value == 1
    count = query.declared.count[query.count]
    verb = (count.verb_one or count.verb) if one else count.verb
    return f"{'was' if one else 'were'} {verb}{_themes(query)}"


def _themes(query: StatsQuery) -> str:
    if not query.flags:
        return ""
    tag = next(d for d in query.declared.dimensions if d.kind == TAGS)
    return " of " + join_words([tag.phrases.get(f, f) for f in query.flags]).replace(
        " and ", " or "
    )


def _where(query: StatsQuery) -> str:
    if not query.forces:
        return ""
    names = dict(Force.objects.filter(code__in=query.forces).values_list("code", "name"))
    if len(query.forces) > 3:
        return f" in the {len(query.forces)} forces asked about"
    return " in " + join_words([names.get(code, code) for code in query.forces])


def _value(cell: Cell) -> str:
    return WITHHELD_PHRASE if cell.suppressed or cell.value is None else f"{cell.value:,}"


def _parts(
    result: StatsResult, position: int, cells: list[tuple[Any, Cell]], labeller: Labeller
) -> str:
    code = result.query.by[position]
    parts = []
    for i, (value, cell) in enumerate(cells[:MAX_PARTS]):
        of_them = " of them" if i == 0 else ""
        parts.append(f"{_value(cell)}{of_them} {labeller.phrase(code, value)}")
    if len(cells) > MAX_PARTS:
        parts.append(f"{len(cells) - MAX_PARTS} more in the table")
    return join_words(parts)


def sentences(result: StatsResult) -> list[str]:
    """One sentence for the total and its first breakdown, one per row of a second breakdown,
    and a note when one record can be counted in more than one row."""
    query = result.query
    labeller = Labeller(query.by, query.declared)
    first = (
        f"{period_phrase(query)}, {count_phrase(query, result.total)}{_where(query)} "
        f"{_verb(query, result.total)}"
    )
    out: list[str] = []
    if len(query.by) == 1:
        cells = [(key[0], result.cells[key]) for key in result.keys()]
        parts = _parts(result, 0, cells, labeller)
        out.append(f"{first}; {parts}." if parts else f"{first}.")
    elif len(query.by) == 2:
        margin = result.margins[0] if result.margins else {}
        out.append(f"{first}.")
        for value in result.values_of(0)[:MAX_PARTS]:
            cells = [(col, result.cells[(value, col)]) for col in result.values_of(1)]
            cells = [(col, cell) for col, cell in cells if cell.suppressed or cell.value]
            head = labeller.label(query.by[0], value)
            total = margin.get(value)
            lead = f"{head}: {count_phrase(query, total)}; " if total is not None else f"{head}: "
            out.append(
                f"{lead}{_parts(result, 1, cells, labeller)}." if cells else f"{head}: none."
            )
    else:
        out.append(f"{first}.")
    if _overlaps(result):
        thing = noun(query, 1)
        out.append(
            f"One {thing} can be counted under more than one "
            f"{query.dimensions[query.by[-1]].title.lower()}, so the figures add up to more than the total."
        )
    return out


def _overlaps(result: StatsResult) -> bool:
    if len(result.query.by) != 1 or result.total.suppressed:
        return False
    shown = sum(cell.value or 0 for cell in result.cells.values())
    return shown > (result.total.value or 0)


def suppression_note(threshold: int | None, any_withheld: bool) -> str:
    """Why numbers are withheld, citing the exemption."""
    if not threshold or threshold < 2:
        return ""
    text = (
        f"Numbers from 1 to {threshold - 1} are not given, because they could identify the "
        "officers, staff or members of the public involved. That information is personal data, "
        "exempt from disclosure under section 40(2) of the Freedom of Information Act 2000. "
    )
    if any_withheld:
        text += (
            "Where one small number could be worked out by subtracting the others from a total, "
            "further numbers are withheld too, so that none can be. Withheld numbers are marked "
            "'withheld'."
        )
    else:
        text += "No number in this answer needed to be withheld."
    return text
