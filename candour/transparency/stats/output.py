"""A statistics result as JSON (docs/cli.md), as a flat table, and as CSV, XLSX, ODS files.

Every output says the same thing: one row per combination of the dimensions' values, the count
(empty when withheld), whether it was withheld, and the total. Machine-readable outputs carry the
codes and a ``<dimension>_label`` column in words; the human table carries only words. In the
CSV, XLSX and ODS files a text that a spreadsheet could run as a formula (a label someone
entered as ``=...``) is written with a quote in front; counts stay numbers
(docs/interchange.md, "Formulas and control characters").
"""

from __future__ import annotations

import csv
import io
from typing import Any

from candour.core.interchange.cells import neutralise_values
from candour.core.periods import financial_year_from_label
from candour.transparency.stats.labels import Labeller
from candour.transparency.stats.query import Cell, StatsQuery, StatsResult

WITHHELD = "withheld"
FORMATS = ("table", "csv", "json", "xlsx", "ods")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def _cell_json(cell: Cell, rates: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "value": None if cell.suppressed else cell.value,
        "suppressed": cell.suppressed,
    }
    if rates:
        out["rate"] = None if cell.suppressed else cell.rate
        out["workforce"] = cell.workforce
    return out


def to_json(result: StatsResult) -> dict[str, Any]:
    """The object ``candour stats --format json`` prints and the API returns."""
    labeller = Labeller(result.query.by, result.query.declared)
    rates = result.per is not None
    rows = []
    for key in result.keys():
        row: dict[str, Any] = {
            code: labeller.json_value(code, value)
            for code, value in zip(result.query.by, key, strict=True)
        }
        row.update(_cell_json(result.cells[key], rates))
        rows.append(row)
    out: dict[str, Any] = {
        **result.query.to_json(),
        "rows": rows,
        "total": _cell_json(result.total, rates),
    }
    if result.suppress:
        out["suppress"] = result.suppress
    if rates:
        out["per"] = result.per
    return out


def _columns(result: StatsResult, labels: bool) -> list[str]:
    headers: list[str] = []
    for code in result.query.by:
        headers.append(code)
        if labels and not result.query.dimensions[code].is_period:
            headers.append(f"{code}_label")
    headers += ["value", "suppressed"]
    if result.per is not None:
        headers += [f"rate_per_{result.per}", "workforce"]
    return headers


def table_rows(result: StatsResult, *, labels: bool = True) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows for CSV and spreadsheets: codes, labels, value (None when withheld)."""
    labeller = Labeller(result.query.by, result.query.declared)
    rows: list[list[Any]] = []

    def tail(cell: Cell) -> list[Any]:
        out: list[Any] = [
            None if cell.suppressed else cell.value,
            "true" if cell.suppressed else "false",
        ]
        if result.per is not None:
            out += [None if cell.suppressed else cell.rate, cell.workforce]
        return out

    for key in result.keys():
        row: list[Any] = []
        for code, value in zip(result.query.by, key, strict=True):
            row.append(labeller.json_value(code, value))
            if labels and not result.query.dimensions[code].is_period:
                row.append(labeller.label(code, value))
        rows.append(row + tail(result.cells[key]))
    width = len(_columns(result, labels)) - len(tail(result.total))
    rows.append((["total"] + [""] * (width - 1) if width else []) + tail(result.total))
    return _columns(result, labels), rows


def human_rows(result: StatsResult) -> tuple[list[str], list[list[str]]]:
    """Headers and rows in words, for the terminal table and the pages."""
    labeller = Labeller(result.query.by, result.query.declared)
    headers = [result.query.dimensions[c].title for c in result.query.by]
    headers.append(result.query.count.capitalize())
    if result.per is not None:
        headers.append(f"Per {result.per:,} in post")

    def tail(cell: Cell) -> list[str]:
        out = [WITHHELD if cell.suppressed else f"{cell.value:,}"]
        if result.per is not None:
            out.append("" if cell.rate is None else f"{cell.rate:,.1f}")
        return out

    rows = [
        [labeller.label(c, v) for c, v in zip(result.query.by, key, strict=True)]
        + tail(result.cells[key])
        for key in result.keys()
    ]
    if result.query.by:
        rows.append(["Total"] + [""] * (len(result.query.by) - 1) + tail(result.total))
    return headers, rows


def to_csv(result: StatsResult) -> str:
    return _csv(*table_rows(result))


def _csv(headers: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(neutralise_values(headers))
    writer.writerows(neutralise_values(["" if v is None else v for v in row]) for row in rows)
    return buffer.getvalue()


def _notes(result: StatsResult) -> list[list[str]]:
    query = result.query
    notes = [
        ["count", query.count],
        ["by", ",".join(query.by)],
        *[
            [k, ",".join(v) if isinstance(v, list) else str(v)]
            for k, v in query.filters_json().items()
        ],
    ]
    if result.suppress:
        notes.append(
            [
                "suppression",
                f"Counts from 1 to {result.suppress - 1} are withheld, and enough others that no "
                "withheld count can be worked out from the totals (Freedom of Information Act "
                "2000, section 40).",
            ]
        )
    return notes


def to_xlsx(result: StatsResult) -> bytes:
    return tables_to_xlsx([("statistics", result)], _notes(result))


def tables_rows(named: list[tuple[str, StatsResult]]) -> tuple[list[str], list[list[Any]]]:
    """Several results as one CSV table: a ``table`` column naming each, then the columns of
    every dimension any of them has (blank where a table has no such dimension)."""
    headers = ["table"]
    for _, result in named:
        for header in _columns(result, True):
            if header not in headers and header not in ("value", "suppressed"):
                headers.append(header)
    headers += ["value", "suppressed"]
    rows: list[list[Any]] = []
    for name, result in named:
        own, own_rows = table_rows(result)
        for row in own_rows:
            values = dict(zip(own, row, strict=True))
            rows.append([name] + [values.get(h) for h in headers[1:]])
    return headers, rows


def tables_to_csv(named: list[tuple[str, StatsResult]]) -> str:
    return _csv(*tables_rows(named))


def tables_to_xlsx(named: list[tuple[str, StatsResult]], about: list[list[str]]) -> bytes:
    """One sheet per result (its name at most 31 characters, as Excel allows), and ``about``."""
    return sheets_to_xlsx([(name, *table_rows(result)) for name, result in named], about)


def rows_to_csv(headers: list[str] | tuple[str, ...], rows: list[list[Any]]) -> str:
    """Any table as CSV, with formula-looking text quoted (docs/interchange.md)."""
    return _csv(list(headers), rows)


def sheets_to_xlsx(
    sheets: list[tuple[str, list[str], list[list[Any]]]], about: list[list[str]]
) -> bytes:
    """A workbook of (name, headers, rows) sheets and an ``about`` sheet; text that a
    spreadsheet could run as a formula is quoted, numbers stay numbers."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, headers, rows in sheets:
        sheet = book.create_sheet(name[:31])
        sheet.append(neutralise_values(list(headers)))
        for row in rows:
            sheet.append(neutralise_values(row))
    notes = book.create_sheet("about")
    for row in about:
        notes.append(neutralise_values(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_ods(result: StatsResult) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()

    def add_sheet(name: str, rows: list[list[Any]]) -> None:
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    if value is not None:
                        cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        document.spreadsheet.addElement(table)

    headers, rows = table_rows(result)
    add_sheet("statistics", [neutralise_values(row) for row in [headers, *rows]])
    add_sheet("about", [neutralise_values(row) for row in _notes(result)])
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def render(result: StatsResult, fmt: str) -> bytes:
    """The bytes of a download in one of csv, json, xlsx, ods."""
    import json

    if fmt == "csv":
        return to_csv(result).encode()
    if fmt == "json":
        return (json.dumps(to_json(result), indent=1) + "\n").encode()
    if fmt == "xlsx":
        return to_xlsx(result)
    if fmt == "ods":
        return to_ods(result)
    raise ValueError(f"Unknown format {fmt!r}.")


def _raw_value(query: StatsQuery, code: str, value: Any) -> Any:
    if query.dimensions[code].kind == "financial_year" and isinstance(value, str) and "/" in value:
        return financial_year_from_label(value)
    return value


def from_json(data: dict[str, Any]) -> StatsResult:
    """A published result back from its JSON (a saved FOI answer's figures as given)."""
    query = StatsQuery.from_json(data)

    def cell(item: dict[str, Any]) -> Cell:
        return Cell(
            item.get("value"), bool(item.get("suppressed")), item.get("rate"), item.get("workforce")
        )

    cells = {
        tuple(_raw_value(query, code, row[code]) for code in query.by): cell(row)
        for row in data.get("rows", [])
    }
    result = StatsResult(
        query,
        cells,
        cell(data.get("total", {})),
        suppress=data.get("suppress"),
        per=data.get("per"),
    )
    if "margins" in data:
        result.margins = [
            {_raw_value(query, code, m[code]): cell(m) for m in margin}
            for code, margin in zip(query.by, data["margins"], strict=True)
        ]
    return result


def to_json_with_margins(result: StatsResult) -> dict[str, Any]:
    """``to_json`` plus the published row and column totals of a two-dimension table."""
    data = to_json(result)
    if result.margins is not None:
        labeller = Labeller(result.query.by, result.query.declared)
        data["margins"] = [
            [
                {
                    code: labeller.json_value(code, value),
                    **_cell_json(margin[value], result.per is not None),
                }
                for value in result.values_of(position)
                if value in margin
            ]
            for position, (code, margin) in enumerate(
                zip(result.query.by, result.margins, strict=True)
            )
        ]
    return data


def _shown(cell: Cell | None) -> str:
    if cell is None:
        return ""
    return WITHHELD if cell.suppressed else f"{cell.value:,}"


def crosstab(result: StatsResult) -> tuple[list[str], list[list[str]]]:
    """A two-dimension result as rows by columns with totals, for pages and letters."""
    labeller = Labeller(result.query.by, result.query.declared)
    rows_v, cols_v = result.values_of(0), result.values_of(1)
    margins = result.margins or [{}, {}]
    headers = [result.query.dimensions[result.query.by[0]].title] + [
        labeller.label(result.query.by[1], c) for c in cols_v
    ]
    headers.append("Total")
    rows = [
        [labeller.label(result.query.by[0], r)]
        + [_shown(result.cells[(r, c)]) for c in cols_v]
        + [_shown(margins[0].get(r))]
        for r in rows_v
    ]
    rows.append(["Total"] + [_shown(margins[1].get(c)) for c in cols_v] + [_shown(result.total)])
    return headers, rows


def chart_data(result: StatsResult) -> dict[str, Any]:
    """Labels and series for Chart.js; withheld values are gaps (null), never numbers. A
    result with rates (``per``) plots the rates, not the counts: a large force's count says
    nothing about how often its people are investigated."""
    labeller = Labeller(result.query.by, result.query.declared)
    by = result.query.by
    per = result.per
    title = result.query.count.capitalize()
    if per is not None:
        title = f"{title} per {per:,} in post"
    if not by:
        return {"labels": [], "datasets": [], "title": title}

    def value(cell: Cell) -> float | int | None:
        if cell.suppressed:
            return None
        return cell.rate if per is not None else cell.value

    first = result.values_of(0)
    labels = [labeller.label(by[0], v) for v in first]
    if len(by) == 1:
        datasets = [{"label": title, "data": [value(result.cells[(v,)]) for v in first]}]
    else:
        datasets = [
            {
                "label": labeller.label(by[1], c),
                "data": [value(result.cells[(v, c)]) for v in first],
            }
            for c in result.values_of(1)
        ]
    kind = "line" if result.query.dimensions[by[0]].is_period and len(first) > 2 else "bar"
    out: dict[str, Any] = {"labels": labels, "datasets": datasets, "title": title, "type": kind}
    if per is not None:
        out["per"] = per
    return out
