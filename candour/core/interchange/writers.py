"""Write a table as CSV, XLSX (openpyxl, streamed) or ODS (odfpy), chosen by the extension.

Every cell is written as text, so what ``readers`` reads back is exactly what was written (a
reference such as ``00123`` stays text, a date stays ISO). A text a spreadsheet program could
run as a formula is written with a quote in front, in every format, and ``readers`` takes it
off again (``cells.neutralise``). CSV and XLSX stream row by row; ODS is built in memory by
odfpy, so use CSV or XLSX for very large exports.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from candour.core.interchange.cells import CONTROL, neutralise_row
from candour.core.interchange.readers import SUFFIXES, UnreadableFile


class UnwritableValue(UnreadableFile):
    """A value XLSX or ODS cannot store (a control character); the message is a sentence."""


class RowWriter(Protocol):
    def __call__(self, row: Sequence[str]) -> None: ...


@contextmanager
def open_writer(
    path: str | Path, header: Sequence[str], sheet: str = "data"
) -> Iterator[RowWriter]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            f"Name the output file with one of the extensions {', '.join(SUFFIXES)}, not {path.name}."
        )
    if not path.parent.is_dir():
        raise UnreadableFile(f"The folder {path.parent} does not exist.")
    writer = {".csv": _csv, ".xlsx": _xlsx, ".ods": _ods}[suffix]
    with writer(path, neutralise_row(header), sheet) as write:
        if suffix == ".csv":
            yield lambda row: write(neutralise_row(row))
        else:
            yield _refusing_control_characters(write, path, header)


def _refusing_control_characters(write: RowWriter, path: Path, header: Sequence[str]) -> RowWriter:
    """XML, and so XLSX and ODS, cannot hold most control characters (imports refuse them, but
    a record may predate that): name the record instead of failing inside openpyxl or writing
    a file a spreadsheet program cannot open. Nothing is saved."""
    number = 1

    def checked(row: Sequence[str]) -> None:
        nonlocal number
        number += 1
        if CONTROL.search("".join(row)):  # one search a row; the cells only when it finds
            for column, text in zip(header, row, strict=False):
                found = CONTROL.search(text)
                if found:
                    raise UnwritableValue(
                        f"Row {number} of the export, column {column}: {text!r} holds the "
                        f"control character U+{ord(found.group()):04X} (imports refuse these, "
                        f"and {path.suffix[1:].upper()} cannot store most of them); correct "
                        "that record and export again, or export as CSV."
                    )
        write(neutralise_row(row))

    return checked


@contextmanager
def _csv(path: Path, header: Sequence[str], sheet: str) -> Iterator[RowWriter]:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        # Python quotes a cell holding the line terminator ("\n") but not a lone "\r", which
        # a reader takes for a line end too: quote every cell of a row that holds one.
        quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)
        out.writerow(header)

        def write(row: Sequence[str]) -> None:
            (quoted if "\r" in "".join(row) else out).writerow(row)

        yield write


@contextmanager
def _xlsx(path: Path, header: Sequence[str], sheet: str) -> Iterator[RowWriter]:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    # No text begins with "=" once neutralised, so openpyxl stores none as a formula.
    worksheet.append(list(header))
    try:
        yield lambda row: worksheet.append([v if v != "" else None for v in row])
    except BaseException:
        worksheet.close()  # end openpyxl's temporary sheet cleanly; nothing is saved
        raise
    workbook.save(path)


@contextmanager
def _ods(path: Path, header: Sequence[str], sheet: str) -> Iterator[RowWriter]:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet)

    def add(row: Sequence[str]) -> None:
        table_row = TableRow()
        for value in row:
            cell = TableCell(valuetype="string") if value != "" else TableCell()
            if value != "":
                cell.addElement(P(text=value))
            table_row.addElement(cell)
        table.addElement(table_row)

    add(header)
    yield add
    document.spreadsheet.addElement(table)
    document.save(str(path))
