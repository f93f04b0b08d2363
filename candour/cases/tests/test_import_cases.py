"""candour import cases: interchange §1, all-or-nothing, idempotent."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from candour.cases.interchange.cases import COLUMNS
from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core.interchange.writers import open_writer
from candour.core.models import AuditEntry, Person
from candour.factories import PersonFactory

pytestmark = pytest.mark.django_db

BASE = {
    "force": "cambridgeshire",
    "case_ref": "CO/1",
    "case_type": "complaint",
    "received_date": "2021-05-04",
    "allegation_ref": "A1",
    "category": "sexual_assault",
    "flags": "sexual;vawg",
    "subject_ref": "P1",
    "subject_role": "officer",
    "subject_sex": "male",
    "subject_rank": "constable",
    "iopc_referral": "mandatory",
    "investigation": "local",
    "severity": "gross_misconduct",
    "proceedings": "gross_misconduct_hearing",
    "outcome": "dismissal_without_notice",
    "outcome_date": "2022-01-10",
    "finding": "proven",
}


def row(**changes: str) -> dict[str, str]:
    return {**BASE, **changes}


def write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with open_writer(path, columns) as out:
        for item in rows:
            out([item.get(column, "") for column in columns])
    return path


def run_import(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def three_rows() -> list[dict[str, str]]:
    return [
        row(),
        row(
            subject_ref="P2",
            subject_sex="female",
            subject_rank="sergeant",
            outcome="",
            outcome_date="",
            proceedings="",
            severity="",
        ),
        row(
            case_ref="CO/2",
            case_type="conduct_matter",
            received_date="2020-01-04",
            category="discreditable_conduct",
            flags="domestic_abuse",
            subject_ref="",
            subject_role="",
            subject_sex="",
            subject_rank="",
            iopc_referral="",
            investigation="",
            severity="",
            proceedings="",
            outcome="",
            outcome_date="",
        ),
    ]


def test_it_imports_cases_allegations_subjects_and_people(tmp_path):
    out, _ = run_import("cases", str(write(tmp_path / "cases.csv", three_rows())))

    assert "3 rows read: 3 created, 0 updated, 0 unchanged." in out
    case = Case.objects.get(force_id="cambridgeshire", ref="CO/1")
    assert (case.case_type, case.received_date, case.version) == (
        "complaint",
        dt.date(2021, 5, 4),
        1,
    )
    allegation = Allegation.objects.get(case=case, ref="A1")
    assert allegation.category_id == "sexual_assault"
    assert sorted(allegation.flags.values_list("code", flat=True)) == ["sexual", "vawg"]
    first = AllegationSubject.objects.get(allegation=allegation, subject__ref="P1")
    assert (first.outcome, first.outcome_date, first.proceedings) == (
        "dismissal_without_notice",
        dt.date(2022, 1, 10),
        "gross_misconduct_hearing",
    )
    second = AllegationSubject.objects.get(allegation=allegation, subject__ref="P2")
    assert (second.outcome, second.outcome_date, second.subject_sex) == ("", None, "female")
    unidentified = AllegationSubject.objects.get(allegation__case__ref="CO/2")
    assert unidentified.subject_id is None and unidentified.subject_role == ""
    person = Person.objects.get(force_id="cambridgeshire", ref="P2")
    assert (person.role, person.sex, person.rank, person.in_workforce_file) == (
        "officer",
        "female",
        "sergeant",
        False,
    )


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path / "cases.csv", three_rows())
    run_import("cases", str(path))
    before = list(AllegationSubject.objects.order_by("id").values())

    out, _ = run_import("cases", str(path))

    assert "3 rows read: 0 created, 0 updated, 3 unchanged." in out
    assert list(AllegationSubject.objects.order_by("id").values()) == before
    assert Case.objects.get(ref="CO/1").version == 1


def test_a_changed_row_is_updated_and_the_case_version_raised(tmp_path):
    run_import("cases", str(write(tmp_path / "a.csv", three_rows())))
    changed = three_rows()
    changed[1].update(outcome="written_warning", outcome_date="2022-03-01")
    changed[2].update(received_date="2020-01-05", flags="domestic_abuse;vawg")

    out, _ = run_import("cases", str(write(tmp_path / "b.csv", changed)))

    assert "3 rows read: 0 created, 2 updated, 1 unchanged." in out
    assert AllegationSubject.objects.get(subject__ref="P2").outcome == "written_warning"
    case = Case.objects.get(ref="CO/2")
    assert (case.received_date, case.version) == (dt.date(2020, 1, 5), 2)
    assert sorted(Allegation.objects.get(case=case).flags.values_list("code", flat=True)) == [
        "domestic_abuse",
        "vawg",
    ]


def test_it_fills_a_blank_workforce_field_but_never_overwrites_one(tmp_path):
    PersonFactory(ref="P1", sex="female", rank="", role="officer")

    run_import(
        "cases",
        str(write(tmp_path / "cases.csv", [row(subject_sex="male", subject_rank="sergeant")])),
    )

    person = Person.objects.get(ref="P1")
    assert (person.sex, person.rank) == ("female", "sergeant")


def test_a_person_takes_the_rank_of_their_most_recent_case(tmp_path):
    rows = [
        row(case_ref="CO/9", received_date="2022-02-02", subject_rank="sergeant", outcome_date=""),
        row(case_ref="CO/8", received_date="2018-02-02", subject_rank="constable", outcome_date=""),
    ]
    run_import("cases", str(write(tmp_path / "cases.csv", rows)))

    assert Person.objects.get(ref="P1").rank == "sergeant"


def test_a_bad_file_is_rejected_whole_with_each_bad_row_named(tmp_path):
    rows = [
        row(),
        row(case_ref="CO/2", received_date="04/05/2021"),
        row(case_ref="CO/3", force="narnia", flags="sexual;rude"),
        row(case_ref="CO/4", subject_sex="man", allegation_ref=""),
        row(case_ref="CO/5", outcome_date="2020-01-01"),
    ]
    path = write(tmp_path / "cases.csv", rows)
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import", "cases", str(path), stdout=io.StringIO(), stderr=err)

    assert failure.value.returncode == 1
    report = err.getvalue()
    assert (
        "Row 3, column received_date: '04/05/2021' is not a date in the form YYYY-MM-DD." in report
    )
    assert (
        "Row 4, column force: 'narnia' is not a force Candour knows; add it with: candour forces add narnia"
        in report
    )
    assert "Row 4, column flags: 'rude' is not a flag" in report
    assert "Row 5, column subject_sex: 'man' is not one of female, male, unknown" in report
    assert "Row 5, column allegation_ref: is required and is empty." in report
    assert (
        "Row 6, column outcome_date: 2020-01-01 is before the case was received (2021-05-04)."
        in report
    )
    assert "Row 2," not in report
    assert "4 of 5 rows had 6 problems, so nothing was imported" in str(failure.value)
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_rows_of_one_case_or_allegation_must_agree(tmp_path):
    rows = [
        row(),
        row(subject_ref="P2", case_type="conduct_matter"),
        row(subject_ref="P3", received_date="2021-05-05"),
        row(subject_ref="P4", category="sexual_harassment"),
        row(subject_ref="P5", flags="sexual"),
        row(),
    ]
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import",
            "cases",
            str(write(tmp_path / "c.csv", rows)),
            stdout=io.StringIO(),
            stderr=err,
        )

    report = err.getvalue()
    assert (
        "Row 3, column case_type: case CO/1 has case_type 'conduct_matter' here but 'complaint' on row 2"
        in report
    )
    assert (
        "Row 4, column received_date: case CO/1 has received_date '2021-05-05' here but '2021-05-04' on row 2"
        in report
    )
    assert (
        "Row 5, column category: allegation A1 of case CO/1 has category 'sexual_harassment'"
        in report
    )
    assert (
        "Row 6, column flags: allegation A1 of case CO/1 has flags 'sexual' here but 'sexual;vawg' on row 2"
        in report
    )
    assert "Row 7, column subject_ref: repeats row 2" in report
    assert Case.objects.count() == 0


def test_a_missing_required_column_is_reported_once(tmp_path):
    columns = tuple(c for c in COLUMNS if c != "category")
    path = write(tmp_path / "c.csv", [row(), row(case_ref="CO/2")], columns)
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", "cases", str(path), stdout=io.StringIO(), stderr=err)

    assert failure.value.returncode == 1
    assert err.getvalue().strip() == "Row 1, column category: is required but is not in the header."


def test_the_report_lists_at_least_the_first_hundred_problems(tmp_path):
    rows = [row(case_ref=f"CO/{n}", force="narnia") for n in range(150)]
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import",
            "cases",
            str(write(tmp_path / "c.csv", rows)),
            stdout=io.StringIO(),
            stderr=err,
        )

    summary, *lines = err.getvalue().splitlines()[1:]
    assert summary.startswith("  Column force, 150 rows: 'narnia' is not a force Candour knows")
    assert len([line for line in lines if "'narnia' is not a force Candour knows" in line]) == 150
    assert lines[0].startswith("Row 2, column force") and lines[-1].startswith(
        "Row 151, column force"
    )


def test_a_dry_run_reports_the_counts_and_writes_nothing(tmp_path):
    out, _ = run_import("cases", str(write(tmp_path / "c.csv", three_rows())), "--dry-run")

    assert (
        "Dry run, nothing was written. 3 rows read: 3 would be created, 0 would be updated, 0 unchanged."
        in out
    )
    assert Case.objects.count() == 0 and Person.objects.count() == 0
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_dry_run_of_a_bad_file_fails_like_the_import(tmp_path):
    with pytest.raises(CommandError) as failure:
        call_command(
            "import",
            "cases",
            str(write(tmp_path / "c.csv", [row(force="narnia")])),
            "--dry-run",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert failure.value.returncode == 1


def test_the_import_is_audited_with_its_counts(tmp_path):
    run_import("cases", str(write(tmp_path / "cases.csv", three_rows())))

    entry = AuditEntry.objects.get(action="import")
    detail = json.loads(entry.detail)
    assert (entry.channel, entry.object_type, entry.force_code) == (
        "cli",
        "cases.case",
        "cambridgeshire",
    )
    assert (detail["rows_read"], detail["created"], detail["file"]) == (3, 3, "cases.csv")


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_it_reads_spreadsheets_with_the_same_header(tmp_path, suffix):
    out, _ = run_import("cases", str(write(tmp_path / f"cases{suffix}", three_rows())))

    assert "3 rows read: 3 created" in out
    assert AllegationSubject.objects.get(subject__ref="P1").outcome_date == dt.date(2022, 1, 10)


def test_real_date_and_number_cells_of_a_spreadsheet_are_read_as_text(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    values = [BASE[c] for c in COLUMNS]
    values[COLUMNS.index("received_date")] = dt.datetime(2021, 5, 4)
    values[COLUMNS.index("case_ref")] = 1234
    sheet.append(values)
    workbook.save(tmp_path / "cases.xlsx")

    run_import("cases", str(tmp_path / "cases.xlsx"))

    assert Case.objects.get(ref="1234").received_date == dt.date(2021, 5, 4)


def test_columns_may_come_in_any_order_and_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "c.csv"
    columns = tuple(reversed(COLUMNS))
    path.write_text(
        ",".join(columns) + "\n" + ",".join(BASE[c] for c in columns) + "\n\n", encoding="utf-8"
    )

    out, _ = run_import("cases", str(path))

    assert "1 rows read: 1 created" in out


def test_a_missing_file_is_bad_usage(tmp_path):
    with pytest.raises(CommandError) as failure:
        call_command("import", "cases", str(tmp_path / "nothing.csv"))
    assert failure.value.returncode == 2
    assert "There is no file at" in str(failure.value)


def test_a_missing_streetsafe_file_is_bad_usage(tmp_path):
    with pytest.raises(CommandError) as failure:
        call_command("import", "streetsafe", str(tmp_path / "reports.csv"))
    assert failure.value.returncode == 2
