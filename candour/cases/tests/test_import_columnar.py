"""The column-by-column path of `import cases`: it must accept exactly the files the row-by-row
checker accepts, read plain CSV exactly as the row reader does, and leave the row-by-row report
of a bad file as it was."""

from __future__ import annotations

import csv
import io
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from candour.cases.interchange import bulk, columnar
from candour.cases.interchange import cases as cases_module
from candour.cases.interchange.cases import COLUMNS, REQUIRED, load_codes, report_problems
from candour.cases.interchange.export import export_cases
from candour.cases.models import Allegation, AllegationSubject, Case
from candour.cases.tests.test_import_cases import row, three_rows, write
from candour.core.interchange.columns import read_rows
from candour.core.interchange.report import ErrorLog, NoProgress
from candour.core.models import Person


def test_the_column_reader_strips_exactly_what_python_strips():
    python = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(columnar.WHITESPACE) == python


def both_ways(path: Path) -> tuple[object, object, bool]:
    """(table read by pyarrow or None, table read row by row, row checker found no problem)."""
    log = ErrorLog()
    source = read_rows(path, COLUMNS, REQUIRED, log, None, "cases")
    plain = columnar.read_plain_csv(path, source.header, COLUMNS)
    by_rows = columnar.rows_to_columns(source, COLUMNS)
    log = ErrorLog()
    report_problems(read_rows(path, COLUMNS, REQUIRED, log, None, "cases"), log, NoProgress())
    return plain, by_rows, not log


@pytest.mark.django_db
def test_plain_csv_is_read_as_the_row_reader_reads_it(tmp_path):
    header = ",".join(["extra", *reversed(COLUMNS)])  # another order, and an unknown column
    lines = [header]
    for n, item in enumerate(three_rows()):
        cells = [f" x{n} ", *(item[c] for c in reversed(COLUMNS))]
        cells[-1] = f"\u00a0{cells[-1]}\t"  # force, with non-breaking and tab spaces around it
        lines.append(",".join(cells))
    lines.insert(2, "")  # a blank line is skipped
    path = tmp_path / "cases.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")

    plain, by_rows, good = both_ways(path)

    assert plain is not None and good
    assert plain.drop(["ord"]).equals(by_rows.drop(["ord"]))
    assert plain.column("force").to_pylist() == ["cambridgeshire"] * 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        '"a, quoted cell"',  # quotes: the row reader's rules apply
        "," * 18 + "x",  # a row wider than the header (19 cells, 18 columns)
        "short",  # a row narrower than the header (the row reader pads it)
    ],
)
def test_a_csv_that_is_not_plain_is_left_to_the_row_reader(tmp_path, text):
    path = write(tmp_path / "cases.csv", three_rows())
    path.write_text(path.read_text() + text + "\n")
    plain, _, _ = both_ways(path)
    assert plain is None


@pytest.mark.django_db
def test_a_row_of_white_space_is_skipped_like_a_blank_line(tmp_path):
    path = write(tmp_path / "cases.csv", three_rows())
    path.write_text(path.read_text() + " ," * 16 + "\t\n")
    plain, _, good = both_ways(path)
    assert plain is None and good  # left to the row reader, which skips the row
    out = io.StringIO()
    call_command("import", "cases", str(path), stdout=out)
    assert "3 rows read: 3 created" in out.getvalue()


@pytest.mark.django_db
def test_a_quoted_csv_is_imported_through_the_row_reader(tmp_path):
    rows = three_rows()
    rows[0]["case_ref"] = "CO/1, part 2"  # needs quotes in CSV
    rows[1]["case_ref"] = "CO/1, part 2"
    out = io.StringIO()
    call_command("import", "cases", str(write(tmp_path / "c.csv", rows)), stdout=out)
    assert "3 rows read: 3 created" in out.getvalue()
    assert Case.objects.filter(ref="CO/1, part 2").count() == 1


@pytest.mark.django_db
def test_one_bad_row_among_many_good_writes_nothing_and_is_named(tmp_path):
    rows = [row(case_ref=f"CO/{n}", subject_ref=f"P{n % 40}", outcome_date="") for n in range(3000)]
    rows[1700]["received_date"] = "2021-02-30"
    rows[2400]["subject_ref"] = "P" * 65
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "import",
            "cases",
            str(write(tmp_path / "c.csv", rows)),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert failure.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "Row 1702, column received_date: '2021-02-30' is not a date in the form YYYY-MM-DD.",
        "Row 2402, column subject_ref: is 65 characters long; a reference may have at most 64.",
    ]
    assert "2 of 3000 rows had 2 problems, so nothing was imported" in str(failure.value)
    assert Case.objects.count() == 0 and Person.objects.count() == 0
    assert Allegation.objects.count() == 0 and AllegationSubject.objects.count() == 0


@pytest.mark.django_db
def test_a_file_that_only_the_column_check_rejects_is_a_reported_bug(tmp_path, monkeypatch):
    """Never expected: the two checks disagree. The import stops and writes nothing."""
    monkeypatch.setattr(columnar, "check_columns", lambda table, codes: None)
    with pytest.raises(RuntimeError, match="bug in Candour"):
        cases_module.import_cases(write(tmp_path / "c.csv", three_rows()))
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_each_attribute_of_a_person_comes_from_the_most_recent_row_that_gives_it(tmp_path):
    rows = [
        row(case_ref="CO/1", received_date="2020-01-01", subject_sex="male", outcome_date=""),
        row(
            case_ref="CO/2",
            received_date="2022-01-01",
            subject_sex="male",
            subject_rank="",
            outcome_date="",
        ),
        row(
            case_ref="CO/3",
            received_date="2021-01-01",
            subject_sex="female",
            subject_rank="inspector",
            outcome_date="",
        ),
    ]
    call_command("import", "cases", str(write(tmp_path / "c.csv", rows)), stdout=io.StringIO())
    person = Person.objects.get(ref="P1")
    # sex: the 2022 row; rank: the 2022 row gives none, so the most recent that does (2021).
    assert (person.sex, person.rank) == ("male", "inspector")


# Values for the property below: mostly good, some bad, few enough that rows collide on keys.
GOOD_AND_BAD = {
    "force": ["cambridgeshire", "norfolk", "narnia", ""],
    "case_ref": ["CO/1", "CO/2", "", "R" * 65, "CO/é"],
    "case_type": ["complaint", "conduct_matter", "bogus", ""],
    "received_date": ["2021-05-04", "2020-01-04", "2021-02-30", "04/05/2021", ""],
    "allegation_ref": ["A1", "A2", ""],
    "category": ["sexual_assault", "discreditable_conduct", "nonsense", ""],
    "flags": ["", "sexual;vawg", "vawg; sexual;", "domestic_abuse", "rude"],
    "subject_ref": ["", "P1", "P2", "P" * 64, "P" * 65],
    "subject_role": ["", "officer", "boss"],
    "subject_sex": ["", "male", "female", "man"],
    "subject_rank": ["", "constable", "sergeant", "general"],
    "iopc_referral": ["", "none", "maybe"],
    "investigation": ["", "local", "secret"],
    "severity": ["", "misconduct", "awful"],
    "proceedings": ["", "none", "trial"],
    "outcome": ["", "no_further_action", "jail"],
    "outcome_date": ["", "2022-01-10", "2019-01-01", "2022-13-01"],
}


@st.composite
def files(draw: st.DrawFn) -> list[dict[str, str]]:
    good = draw(st.booleans())
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        # Half the files take only the first two (good) choices of each column, so they often
        # pass and the "accepts" side of the property is tried too.
        rows.append(
            {
                column: draw(st.sampled_from(values[:2] if good else values))
                for column, values in GOOD_AND_BAD.items()
            }
        )
    return rows


class ColumnCheckProperty(TestCase):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=files())
    def test_the_column_check_accepts_exactly_what_the_row_check_accepts(self, rows):
        with tempfile.TemporaryDirectory() as folder:
            path = write(Path(folder) / "cases.csv", rows)
            plain, by_rows, good = both_ways(path)
            codes = load_codes()
            for table in (plain, by_rows):
                if table is None:
                    continue
                checked = columnar.check_columns(table, codes)
                assert (checked is not None) == good, rows
                if checked is not None:
                    checked.db.close()


@pytest.mark.django_db
def test_rows_written_in_many_pieces_all_arrive_exactly(tmp_path, monkeypatch):
    """Writes split into pieces (pyarrow slices, multi-row INSERTs on SQLite, COPY chunks on
    PostgreSQL) with a last piece shorter than the others: export gives back the file."""
    monkeypatch.setattr(bulk, "CHUNK", 700)
    monkeypatch.setattr(bulk, "SQLITE_ROWS", 300)
    rows = []
    for n in range(2000):
        rows.append(
            row(
                force=("cambridgeshire", "norfolk", "suffolk")[n % 3],
                case_ref=f"CO/{n // 3}",
                allegation_ref=f"A{n % 3}",
                subject_ref="" if n % 7 == 0 else f"P{n % 90}",
                flags=("", "sexual;vawg", "domestic_abuse")[n % 3],
                category=("sexual_assault", "discreditable_conduct", "use_of_force")[n % 3],
                outcome_date="" if n % 5 == 0 else "2022-01-10",
                outcome="" if n % 5 == 0 else "written_warning",
                subject_rank=("constable", "sergeant", "")[n % 3],
            )
        )
    source = write(tmp_path / "in.csv", rows)
    out = io.StringIO()
    call_command("import", "cases", str(source), stdout=out)
    assert "2000 rows read: 2000 created" in out.getvalue()
    export_cases(tmp_path / "out.csv")

    def lines(path: Path) -> list[list[str]]:
        with path.open(newline="") as handle:
            found = list(csv.reader(handle))
        return [found[0], *sorted(found[1:])]

    assert lines(tmp_path / "out.csv") == lines(source)
    out = io.StringIO()
    call_command("import", "cases", str(source), stdout=out)
    assert "2000 rows read: 0 created, 0 updated, 2000 unchanged" in out.getvalue()


@pytest.mark.django_db
def test_a_re_import_counts_each_kind_of_change_once(tmp_path):
    first = [
        row(case_ref="CO/1", allegation_ref="A1", subject_ref="P1"),
        row(case_ref="CO/1", allegation_ref="A1", subject_ref="P2"),
        row(
            case_ref="CO/1",
            allegation_ref="A2",
            subject_ref="P1",
            flags="",
            category="honesty_and_integrity",
        ),
        row(case_ref="CO/2", allegation_ref="A1", subject_ref=""),
        row(case_ref="CO/3", allegation_ref="A1", subject_ref="P3", outcome_date=""),
    ]
    call_command("import", "cases", str(write(tmp_path / "a.csv", first)), stdout=io.StringIO())
    second = [dict(r) for r in first]
    second[0]["subject_rank"] = "sergeant"  # a subject row's own value: updated
    second[2]["flags"] = "dishonesty"  # an allegation's flags: its row updated
    for r in second[3:4]:
        r["case_type"] = "conduct_matter"  # a case's type: every row of it updated
    second.append(row(case_ref="CO/1", allegation_ref="A1", subject_ref="P4"))  # new row
    second.append(row(case_ref="CO/9", allegation_ref="A1", subject_ref="P1"))  # new case
    out = io.StringIO()
    call_command("import", "cases", str(write(tmp_path / "b.csv", second)), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "7 rows read: 2 created, 3 updated, 2 unchanged."
    assert lines[1] == (
        "cases created: 1; cases updated: 1; allegations created: 1; allegations updated: 1; "
        "people created: 1; people completed: 0"
    )
    assert Case.objects.get(ref="CO/2").case_type == "conduct_matter"
    assert Case.objects.get(ref="CO/2").version == 2
    assert list(
        Allegation.objects.get(case__ref="CO/1", ref="A2").flags.values_list("code", flat=True)
    ) == ["dishonesty"]
    assert (
        AllegationSubject.objects.get(
            allegation__case__ref="CO/1", allegation__ref="A1", subject__ref="P1"
        ).subject_rank
        == "sergeant"
    )
    assert AllegationSubject.objects.count() == 7
