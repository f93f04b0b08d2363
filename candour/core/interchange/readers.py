"""Read an interchange file as rows of text: CSV, XLSX (openpyxl) or ODS (pandas' odf engine).

Only the first sheet of a spreadsheet is read; its first row is the header (docs/interchange.md).
Every cell comes back as text with surrounding spaces removed; an empty cell is "" and means
"not known". Rows are numbered as a spreadsheet shows them: the header is row 1, so the first
row of data is row 2, and error reports use the same numbers. The quote an export puts before
a formula-looking text is taken off, and a cell holding a control character is reported
(``cells``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from candour.core.interchange.cells import CONTROL, QUOTE, control_character, restore

SUFFIXES = (".csv", ".xlsx", ".ods")


class UnreadableFile(Exception):
    """The file could not be opened or read as a table; the message is a sentence."""


# Where the reader reports a bad cell: (row number, column, sentence), e.g. ``ErrorLog.add``.
Report = Callable[[int, str, str], None]


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number, cells as text); short rows are padded,
    # and a row is longer than the header only when it has values under no heading
    path: Path


def cell_text(value: Any) -> str:
    """The text of a spreadsheet cell, as the interchange format would write it (a text cell as
    it is: the reader strips it after looking for control characters)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value:  # NaN: pandas' mark for an empty cell
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return cell_text(value.to_pydatetime())
    return str(value).strip()


def open_table(path: str | Path, report: Report | None = None) -> Table:
    """Open ``path`` by its extension. Raises ``UnreadableFile`` with a sentence on failure.

    A cell holding a control character is given to ``report`` as it is read (the row is still
    read, so every bad cell is named); without ``report`` it makes the file unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            f"{path.name} is not a CSV, XLSX or ODS file; name it with one of the extensions "
            f"{', '.join(SUFFIXES)}."
        )
    if not path.is_file():
        raise UnreadableFile(f"There is no file at {path}.")
    reader = {".csv": _csv_rows, ".xlsx": _xlsx_rows, ".ods": _ods_rows}[suffix]
    try:
        raw = reader(path)
        header_cells = next(raw, None)
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is reported as a sentence
        raise UnreadableFile(
            f"{path.name} could not be read as {suffix[1:].upper()}: {exc}."
        ) from exc
    if header_cells is None:
        raise UnreadableFile(f"{path.name} is empty: it needs a header row.")
    report = report or _refuse(path)
    header = _texts(1, header_cells, [], report)
    while header and header[-1] == "":
        header.pop()
    if not header:
        raise UnreadableFile(f"{path.name} has an empty first row: it needs a header row.")
    return Table(header=header, rows=_numbered(raw, header, path, report), path=path)


def _texts(number: int, cells: list[str], header: list[str], report: Report) -> list[str]:
    """The cells of one row as the importer sees them: checked for control characters (as they
    are in the file), stripped, and with an export's quote taken off."""
    joined = "".join(cells)
    if CONTROL.search(joined):  # one search a row; the cells are looked at only when it finds
        for position, cell in enumerate(cells):
            problem = control_character(cell)
            if problem:
                named = position < len(header) and header[position]
                report(number, header[position] if named else f"(column {position + 1})", problem)
    texts = [cell.strip() for cell in cells]
    if QUOTE in joined:
        texts = [restore(text) for text in texts]
    return texts


def _refuse(path: Path) -> Report:
    def refuse(number: int, column: str, problem: str) -> None:
        raise UnreadableFile(f"{path.name}, row {number}, column {column}: {problem}")

    return refuse


def _numbered(
    raw: Iterator[list[str]], header: list[str], path: Path, report: Report
) -> Iterator[tuple[int, list[str]]]:
    number = 1
    width = len(header)
    try:
        for cells in raw:
            number += 1
            texts = _texts(number, cells, header, report)
            if len(texts) < width:
                texts.extend([""] * (width - len(texts)))
            elif len(texts) > width:
                # Values beyond the header are kept, so the importer can name the row.
                if not any(texts[width:]):
                    texts = texts[:width]
            if not any(texts):
                continue  # a blank line is not a row
            yield number, texts
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"{path.name} is not UTF-8 text near row {number}: save it as CSV UTF-8 and try again."
        ) from exc
    except csv.Error as exc:
        raise UnreadableFile(f"{path.name} is not well-formed CSV at row {number}: {exc}.") from exc


def _csv_rows(path: Path) -> Iterator[list[str]]:
    # utf-8-sig drops the byte-order mark that spreadsheet programs put before "CSV UTF-8".
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from csv.reader(handle)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        # A read-only sheet stops at the size its <dimension> element states, which the
        # program that wrote the file may have got wrong; read every row the sheet holds.
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            yield [cell_text(value) for value in values]
    finally:
        workbook.close()


def _ods_rows(path: Path) -> Iterator[list[str]]:
    """ODS states no size: pandas reads every <table:table-row> of the sheet, inside row groups
    and header rows too, and repeats a row saved once with ``number-rows-repeated``."""
    import pandas as pd

    frame = pd.read_excel(
        path, engine="odf", sheet_name=0, header=None, dtype=object, na_filter=False
    )
    for values in frame.itertuples(index=False, name=None):
        yield [cell_text(value) for value in values]
