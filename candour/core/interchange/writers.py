"""Write a table as CSV, XLSX (openpyxl, streamed) or ODS (odfpy), chosen by the extension.

Every cell is written as text, so what ``readers`` reads back is exactly what was written (a
reference such as ``00123`` stays text, a date stays ISO). CSV and XLSX stream row by row; ODS
is built in memory by odfpy, so use CSV or XLSX for very large exports.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from candour.core.interchange.readers import SUFFIXES, UnreadableFile


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
    with writer(path, header, sheet) as write:
        yield write


@contextmanager
def _csv(path: Path, header: Sequence[str], sheet: str) -> Iterator[RowWriter]:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        yield out.writerow


@contextmanager
def _xlsx(path: Path, header: Sequence[str], sheet: str) -> Iterator[RowWriter]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)

    def text_cell(value: str) -> Any:
        if value == "":
            return None
        if value.startswith("="):  # openpyxl would store it as a formula; keep it as text
            cell = WriteOnlyCell(worksheet, value)
            cell.data_type = "s"
            return cell
        return value

    worksheet.append(list(header))
    yield lambda row: worksheet.append([text_cell(v) for v in row])
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
