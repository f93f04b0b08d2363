"""Every row of a spreadsheet is imported, whatever size the file says its sheet is."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from candour.cases.interchange.cases import COLUMNS
from candour.cases.models import AllegationSubject
from candour.cases.tests.test_import_cases import BASE
from candour.core.interchange.readers import open_table

pytestmark = pytest.mark.django_db


def five_rows() -> list[list[str]]:
    return [[{**BASE, "case_ref": f"CO/{n}"}[c] for c in COLUMNS] for n in range(1, 6)]


def xlsx_claiming_one_row_of_data(path: Path) -> Path:
    """A workbook of five rows of data whose <dimension> says A1:Q2 (a header and one row), as
    some programs that write XLSX leave it."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for values in five_rows():
        sheet.append(values)
    written = path.with_suffix(".written.xlsx")
    workbook.save(written)
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:Q2"', data)
                assert count == 1
            target.writestr(item, data)
    return path


def test_an_xlsx_file_whose_dimension_claims_fewer_rows_is_imported_to_its_last_row(tmp_path):
    path = xlsx_claiming_one_row_of_data(tmp_path / "cases.xlsx")
    out = io.StringIO()

    call_command("import", "cases", str(path), stdout=out, stderr=io.StringIO())

    assert "5 rows read: 5 created" in out.getvalue()
    assert sorted(AllegationSubject.objects.values_list("allegation__case__ref", flat=True)) == [
        f"CO/{n}" for n in range(1, 6)
    ]


def test_the_reader_numbers_rows_past_the_stated_dimension(tmp_path):
    path = xlsx_claiming_one_row_of_data(tmp_path / "cases.xlsx")

    numbers = [number for number, _ in open_table(path).rows]

    assert numbers == [2, 3, 4, 5, 6]


def ods_with_repeated_and_grouped_rows(path: Path) -> Path:
    """An ODS sheet as LibreOffice may save it: the header inside <table:table-header-rows>,
    two identical rows saved once with number-rows-repeated="2", rows inside a
    <table:table-row-group>, and an empty row between them."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableHeaderRows, TableRow, TableRowGroup
    from odf.text import P

    def table_row(values: list[str], **attributes: str) -> TableRow:
        row = TableRow(**attributes)
        for value in values:
            cell = TableCell(valuetype="string") if value else TableCell()
            if value:
                cell.addElement(P(text=value))
            row.addElement(cell)
        return row

    rows = five_rows()
    document = OpenDocumentSpreadsheet()
    table = Table(name="cases")
    header = TableHeaderRows()
    header.addElement(table_row(list(COLUMNS)))
    table.addElement(header)
    table.addElement(table_row(rows[0]))
    group = TableRowGroup()
    group.addElement(table_row(rows[1]))
    group.addElement(table_row(rows[2]))
    table.addElement(group)
    table.addElement(table_row([""] * len(COLUMNS), numberrowsrepeated="3"))
    table.addElement(table_row(rows[3], numberrowsrepeated="2"))
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def test_an_ods_file_is_read_to_its_last_row_through_groups_and_repeated_rows(tmp_path):
    path = ods_with_repeated_and_grouped_rows(tmp_path / "cases.ods")

    rows = list(open_table(path).rows)

    assert [number for number, _ in rows] == [2, 3, 4, 8, 9]
    assert [cells[1] for _, cells in rows] == ["CO/1", "CO/2", "CO/3", "CO/4", "CO/4"]
