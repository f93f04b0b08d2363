"""Mapping files: foreign layouts read through --mapping (docs/interchange.md, "Mapping files")."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from candour.cases.models import Allegation, AllegationSubject, Case

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
MAPPINGS = ROOT / "cases" / "mappings"
SAMPLES = ROOT.parent / "docs" / "examples" / "foreign"
UK = MAPPINGS / "uk-force-foi.yaml"
NYC = MAPPINGS / "nyc-ccrb-allegations.yaml"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rejected(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", *args, stdout=io.StringIO(), stderr=err)
    return failure.value.returncode, err.getvalue() + str(failure.value)


def uk_as_xlsx(path: Path, change: dict[int, dict[str, str]] | None = None) -> Path:
    """The UK sample as the spreadsheet a force would send: real date cells where it can."""
    from openpyxl import Workbook

    with (SAMPLES / "uk-force-foi.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for number, item in enumerate(rows):
        item.update((change or {}).get(number, {}))
        day, month, year = item["Date Received"].split("/")
        item["Date Received"] = dt.datetime(int(year), int(month), int(day))  # type: ignore[assignment]
        sheet.append(list(item.values()))
    workbook.save(path)
    return path


def test_the_uk_force_foi_layout_is_read_through_its_mapping(tmp_path):
    out, _ = run("cases", str(uk_as_xlsx(tmp_path / "answer.xlsx")), "--mapping", str(UK))

    assert "8 rows read: 8 created, 0 updated, 0 unchanged." in out
    case = Case.objects.get(force_id="cambridgeshire", ref="PSD/17/0042")
    assert (case.case_type, case.received_date) == ("conduct_matter", dt.date(2017, 3, 14))
    assault = Allegation.objects.get(case=case, ref="1")
    assert assault.category_id == "sexual_assault"
    assert sorted(assault.flags.values_list("code", flat=True)) == [
        "sexual",
        "vawg",
    ]  # split on ","
    subject = AllegationSubject.objects.get(allegation=assault)
    assert subject.subject.ref == "PSD/17/0042-Officer 1"  # template
    assert (subject.subject_sex, subject.subject_rank, subject.outcome, subject.outcome_date) == (
        "male",
        "constable",
        "dismissal_without_notice",
        dt.date(2018, 11, 2),
    )
    pcso = AllegationSubject.objects.get(allegation__case__ref="PSD/19/0311")
    assert (pcso.subject_role, pcso.subject_sex, pcso.outcome_date) == (
        "pcso",
        "unknown",
        dt.date(2020, 1, 6),
    )
    ongoing = AllegationSubject.objects.get(allegation__case__ref="PSD/22/0002")
    assert (ongoing.outcome, ongoing.outcome_date, ongoing.proceedings) == ("", None, "")


def test_importing_a_mapped_file_twice_changes_nothing(tmp_path):
    path = uk_as_xlsx(tmp_path / "answer.xlsx")
    run("cases", str(path), "--mapping", str(UK))

    out, _ = run("cases", str(path), "--mapping", str(UK))

    assert "8 rows read: 0 created, 0 updated, 8 unchanged." in out


def test_a_value_the_mapping_does_not_know_stops_the_import_naming_row_and_column(tmp_path):
    path = uk_as_xlsx(
        tmp_path / "answer.xlsx", {2: {"Allegation Type": "Rudeness"}, 4: {"Gender": "X"}}
    )

    code, report = rejected("cases", str(path), "--mapping", str(UK))

    assert code == 1
    assert (
        "Row 4, column 'Allegation Type': 'Rudeness' has no mapping to a category value; add it under "
        "columns.category.values (or a pattern, or set 'otherwise') in the mapping file."
    ) in report
    # Reported once, under the file's column: not again as an empty category.
    assert "Row 4, column category" not in report
    assert "Row 6, column 'Gender': 'X' has no mapping to a subject_sex value" in report
    assert Case.objects.count() == 0


def test_a_bad_date_is_reported_in_the_mapping_s_formats(tmp_path):
    source = (
        (SAMPLES / "uk-force-foi.csv")
        .read_text(encoding="utf-8")
        .replace("02/11/2018", "2nd Nov 2018")
    )
    (tmp_path / "answer.csv").write_text(source, encoding="utf-8")

    code, report = rejected("cases", str(tmp_path / "answer.csv"), "--mapping", str(UK))

    assert code == 1
    assert (
        "Row 2, column 'Date Finalised': '2nd Nov 2018' is not a date in the form %d/%m/%Y or %d.%m.%Y."
        in report
    )


def test_the_nyc_ccrb_layout_is_read_through_its_mapping(tmp_path):
    call_command("forces", "add", "nypd", "--name", "NYPD", "--country", "US", stdout=io.StringIO())
    out, _ = run("cases", str(SAMPLES / "nyc-ccrb-allegations.csv"), "--mapping", str(NYC))

    assert "5 rows read: 5 created" in out
    case = Case.objects.get(force_id="nypd", ref="24601")
    assert (case.case_type, case.received_date) == ("complaint", dt.date(2019, 7, 1))
    force = AllegationSubject.objects.get(allegation__ref="10004/Physical force/1")
    assert (
        force.subject.ref,
        force.subject_rank,
        force.outcome,
        force.outcome_date,
        force.investigation,
    ) == ("10004", "constable", "not_proven", dt.date(2020, 5, 1), "independent")
    assert list(force.allegation.flags.values_list("code", flat=True)) == ["use_of_force"]
    harassment = Allegation.objects.get(ref="10412/Sexual Misconduct (Sexual Harassment, Verbal)/1")
    assert sorted(harassment.flags.values_list("code", flat=True)) == ["sexual", "vawg"]
    still_open = harassment.subjects.get()
    assert (still_open.outcome, still_open.outcome_date) == (
        "",
        None,
    )  # template with an empty part


def test_defaults_fill_empty_cells_and_unnamed_columns_pass_through(tmp_path):
    (tmp_path / "map.yaml").write_text(
        "kind: cases\ncolumns:\n  force: {constant: norfolk}\n  case_ref: Ref\n"
        "  subject_sex: {from: Sex, values: {M: male}, default: unknown}\n",
        encoding="utf-8",
    )
    (tmp_path / "in.csv").write_text(
        "Ref,case_type,received_date,allegation_ref,category,subject_ref,Sex\n"
        "N1,complaint,2020-02-02,A1,use_of_force,P1,\n"
        "N2,complaint,2020-02-02,A1,use_of_force,P2,M\n",
        encoding="utf-8",
    )

    run("cases", str(tmp_path / "in.csv"), "--mapping", str(tmp_path / "map.yaml"))

    assert dict(AllegationSubject.objects.values_list("subject__ref", "subject_sex")) == {
        "P1": "unknown",
        "P2": "male",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: cases\ncolumns:\n  colour: {constant: red}\n", "'colour' is not a Candour column"),
        ("kind: cases\ncolumns:\n  force: {from: F, colour: red}\n", "unknown option colour"),
        (
            "kind: cases\ncolumns:\n  force: {from: F, constant: norfolk}\n",
            "exactly one of from, first_of, template or constant",
        ),
        (
            "kind: workforce\ncolumns:\n  force: {constant: norfolk}\n",
            "is a mapping for 'workforce' files",
        ),
        ("columns: [force]\n", "needs a 'columns:' section"),
        ("kind: cases\ncolumns: {force: {constant: [x}\n", "is not valid YAML"),
    ],
)
def test_a_wrong_mapping_file_is_bad_usage_with_a_sentence(tmp_path, text, message):
    (tmp_path / "map.yaml").write_text(text, encoding="utf-8")

    code, report = rejected(
        "cases", str(SAMPLES / "uk-force-foi.csv"), "--mapping", str(tmp_path / "map.yaml")
    )

    assert code == 2
    assert message in report


def test_a_column_the_mapping_names_but_the_file_lacks_is_reported_on_the_header(tmp_path):
    (tmp_path / "in.csv").write_text("Reference\nX\n", encoding="utf-8")

    code, report = rejected("cases", str(tmp_path / "in.csv"), "--mapping", str(UK))

    assert code == 1
    assert (
        "Row 1, column header: 'Date Received' is named by the mapping for received_date but is not a column of the file."
        in report
    )


def test_yes_no_and_numbers_in_a_mapping_stay_text(tmp_path):
    (tmp_path / "map.yaml").write_text(
        "kind: cases\ncolumns:\n  iopc_referral: {from: Referred, values: {Yes: voluntary, No: none, 1: mandatory}}\n",
        encoding="utf-8",
    )
    header = "force,case_ref,case_type,received_date,allegation_ref,category,Referred\n"
    (tmp_path / "in.csv").write_text(
        header + "norfolk,N1,complaint,2020-02-02,A1,use_of_force,Yes\n"
        "norfolk,N1,complaint,2020-02-02,A2,use_of_force,no\nnorfolk,N1,complaint,2020-02-02,A3,use_of_force,1\n",
        encoding="utf-8",
    )

    run("cases", str(tmp_path / "in.csv"), "--mapping", str(tmp_path / "map.yaml"))

    assert dict(AllegationSubject.objects.values_list("allegation__ref", "iopc_referral")) == {
        "A1": "voluntary",
        "A2": "none",
        "A3": "mandatory",
    }
