"""Exports quote formula-looking text (OWASP's CSV-injection rule) and imports take the quote
off, so an exported file imports back with nothing lost; imports refuse control characters with
a row and a column (docs/interchange.md, "Formulas and control characters")."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from candour.cases.interchange import columnar
from candour.cases.interchange.cases import COLUMNS, REQUIRED
from candour.cases.models import AllegationSubject, Case
from candour.cases.tests.test_import_cases import row, write
from candour.core.interchange.cells import FORMULA_STARTS
from candour.core.interchange.columns import read_rows
from candour.core.interchange.report import ErrorLog
from candour.core.models import Person
from candour.factories import AllegationSubjectFactory

pytestmark = pytest.mark.django_db

# (case_ref, allegation_ref, subject_ref): every OWASP formula start, and a text that itself
# begins with a quote and a formula start.
FORMULA_LOOKING = [
    ('=HYPERLINK("http://example.com/x","open")', "A1", "P1"),
    ("+44 1223", "-5 days", "@SUM(A1)"),
    ("CO/3", "\tA3", "\rP3"),
    ("'=already quoted", "'-", "''"),
]


def recorded() -> set[tuple[str, str, str]]:
    return set(
        AllegationSubject.objects.values_list(
            "allegation__case__ref", "allegation__ref", "subject__ref"
        )
    )


def record_formula_looking_cases() -> set[tuple[str, str, str]]:
    # Through factories: an import strips the tab and carriage return these begin with.
    for case_ref, allegation_ref, subject_ref in FORMULA_LOOKING:
        AllegationSubjectFactory(
            allegation__case__ref=case_ref,
            allegation__ref=allegation_ref,
            subject__ref=subject_ref,
        )
    return recorded()


def export(path: Path) -> Path:
    call_command("export", "cases", "--out", str(path), stdout=io.StringIO())
    return path


def import_file(path: Path) -> str:
    out = io.StringIO()
    call_command("import", "cases", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def refused(path: Path, kind: str = "cases") -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", kind, str(path), stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return err.getvalue()


def empty_the_database() -> None:
    Case.objects.all().delete()
    Person.objects.all().delete()


def test_the_csv_export_quotes_every_cell_a_spreadsheet_could_run_as_a_formula(tmp_path):
    record_formula_looking_cases()

    with export(tmp_path / "cases.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    written = {(r["case_ref"], r["allegation_ref"], r["subject_ref"]) for r in rows}
    assert written == {
        ('\'=HYPERLINK("http://example.com/x","open")', "A1", "P1"),
        ("'+44 1223", "'-5 days", "'@SUM(A1)"),
        ("CO/3", "'\tA3", "'\rP3"),
        ("''=already quoted", "''-", "'''"),
    }
    assert not [cell for r in rows for cell in r.values() if cell[:1] in FORMULA_STARTS]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".ods"])
def test_an_exported_file_imports_back_with_nothing_lost(tmp_path, suffix):
    before = record_formula_looking_cases()
    path = export(tmp_path / f"cases{suffix}")
    empty_the_database()

    assert "4 rows read: 4 created" in import_file(path)

    if suffix != ".csv":  # XML gives back a carriage return as a line feed
        before = {tuple(ref.replace("\r", "\n") for ref in refs) for refs in before}
    assert recorded() == before


def test_a_quoted_file_without_double_quotes_keeps_the_fast_csv_path(tmp_path):
    for case_ref, allegation_ref, subject_ref in [("=1+2", "-5 days", "@x"), ("+44", "A", "'=y")]:
        AllegationSubjectFactory(
            allegation__case__ref=case_ref, allegation__ref=allegation_ref, subject__ref=subject_ref
        )
    before = recorded()
    path = export(tmp_path / "cases.csv")
    source = read_rows(path, COLUMNS, REQUIRED, ErrorLog())

    plain = columnar.read_plain_csv(path, source.header, COLUMNS)
    by_rows = columnar.rows_to_columns(source, COLUMNS)

    assert plain is not None
    assert plain.drop(["ord"]).equals(by_rows.drop(["ord"]))
    empty_the_database()
    import_file(path)
    assert recorded() == before


def csv_with(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def plain_csv(*rows: dict[str, str], extra: str = "") -> str:
    header = [*COLUMNS, *([extra] if extra else [])]
    return "".join(
        ",".join(item.get(c, "") for c in header) + "\n"
        for item in [dict(zip(header, header, strict=True)), *rows]
    )


def test_a_nul_in_a_plain_csv_is_refused_with_its_row_and_column(tmp_path):
    path = csv_with(tmp_path / "c.csv", plain_csv(row(), row(case_ref="CO/\x002")))

    report = refused(path)

    assert (
        "Row 3, column case_ref: holds the control character U+0000 at character 4, which a "
        "spreadsheet does not show and Candour does not store; remove it and import the file "
        "again." in report
    )
    assert Case.objects.count() == 0


def test_control_characters_at_the_edges_of_a_cell_are_refused_not_stripped(tmp_path):
    # U+001F and U+000B are white space to Python's strip(), which would drop them silently.
    path = csv_with(tmp_path / "c.csv", plain_csv(row(subject_ref="P1\x1f"), row(flags="\x0bvawg")))

    report = refused(path)

    assert "Row 2, column subject_ref: holds the control character U+001F" in report
    assert "Row 3, column flags: holds the control character U+000B" in report


def test_a_control_character_in_a_column_candour_ignores_is_refused_too(tmp_path):
    path = csv_with(tmp_path / "c.csv", plain_csv(row(notes="see\x07"), extra="notes"))

    assert "Row 2, column notes: holds the control character U+0007" in refused(path)


def test_a_control_character_in_the_header_is_reported_as_row_1(tmp_path):
    text = plain_csv(row()).replace("outcome_date", "outcome_date\x01", 1)

    report = refused(csv_with(tmp_path / "c.csv", text))

    assert (
        f"Row 1, column (column {COLUMNS.index('outcome_date') + 1}): holds the control character U+0001"
        in report
    )


def xlsx_with(path: Path, values: list[str]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(list(COLUMNS))
    workbook.active.append(values)
    workbook.save(path)
    return path


def test_a_control_character_in_a_spreadsheet_is_refused(tmp_path):
    # XML forbids U+0000 to U+001F (but tab, line feed, carriage return); DEL and the C1
    # controls can be stored, and are refused.
    values = [row(case_ref="CO/\x7f", allegation_ref="A\x9b")[c] for c in COLUMNS]
    report = refused(xlsx_with(tmp_path / "c.xlsx", values))

    assert "Row 2, column case_ref: holds the control character U+007F" in report
    assert "Row 2, column allegation_ref: holds the control character U+009B" in report


def test_a_control_character_in_an_ods_sheet_is_refused(tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="cases")
    for values in (
        list(COLUMNS),
        [row()[c] for c in COLUMNS],
        [row(case_ref="CO/\x85")[c] for c in COLUMNS],
    ):
        table_row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    path = tmp_path / "c.ods"
    document.save(str(path))

    assert "Row 3, column case_ref: holds the control character U+0085" in refused(path)


def test_a_workforce_file_refuses_control_characters_the_same_way(tmp_path):
    path = csv_with(tmp_path / "w.csv", "force,person_ref\ncambridgeshire,P\x001\n")

    assert "Row 2, column person_ref: holds the control character U+0000" in refused(
        path, "workforce"
    )
    assert Person.objects.count() == 0


def test_tab_and_line_feed_inside_a_cell_are_kept(tmp_path):
    path = write(tmp_path / "c.csv", [row(case_ref="CO/1\tpart\n2")])

    import_file(path)

    assert Case.objects.get().ref == "CO/1\tpart\n2"


def test_a_record_with_a_control_character_is_named_by_an_xlsx_export(tmp_path):
    AllegationSubjectFactory(allegation__case__ref="CO/\x01", allegation__ref="A1")

    with pytest.raises(CommandError) as failure:
        export(tmp_path / "cases.xlsx")

    assert failure.value.returncode == 2
    assert (
        "Row 2 of the export, column case_ref: 'CO/\\x01' holds the control character U+0001"
        in str(failure.value)
    )
    assert not (tmp_path / "cases.xlsx").exists()
