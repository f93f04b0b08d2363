"""A rejected import's report starts with a summary by column and problem, then the rows
(docs/interchange.md, "All or nothing"; issue 12: a naive mapping printed 253,164 problems and no
word of which distinct values were unmapped)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from candour.core.interchange import report
from candour.core.interchange.report import ErrorLog, ImportRejected

UNMAPPED = "has no mapping to a category value; add it under columns.category.values."
SAMPLES = Path(settings.BASE_DIR).parent / "docs" / "examples" / "foreign"
UK = Path(settings.BASE_DIR) / "cases" / "mappings" / "uk-force-foi.yaml"


def log_of(*errors: tuple[int, str, str]) -> ErrorLog:
    log = ErrorLog()
    for row, column, message in errors:
        log.add(row, column, message)
    return log


def test_a_kind_of_problem_is_counted_by_rows_and_distinct_values() -> None:
    log = log_of(
        *[(n, "'CATEGORY'", f"'Use of force' {UNMAPPED}") for n in range(2, 7)],
        *[(n, "'CATEGORY'", f"'Search' {UNMAPPED}") for n in range(7, 10)],
        (10, "'CATEGORY'", f"'Neglect' {UNMAPPED}"),
        (11, "'CATEGORY'", f"'Rude' {UNMAPPED}"),
    )
    assert log.summary() == [
        "The problems by column, most rows first (each row is listed after):",
        "  Column 'CATEGORY', 10 rows: 4 distinct values, each of which " + UNMAPPED + " The most "
        "frequent: 'Use of force' (5 rows), 'Search' (3 rows), 'Neglect' (1 row).",
    ]


def test_kinds_are_listed_most_rows_first_and_a_sentence_without_a_value_as_it_is() -> None:
    log = log_of(
        (2, "force", "is required and is empty."),
        (3, "force", "is required and is empty."),
        (2, "received_date", "'04/05/2021' is not a date in the form YYYY-MM-DD."),
        (3, "received_date", "'04/05/2021' is not a date in the form YYYY-MM-DD."),
        (4, "received_date", "'04/05/2021' is not a date in the form YYYY-MM-DD."),
    )
    assert log.summary()[1:] == [
        "  Column received_date, 3 rows: '04/05/2021' is not a date in the form YYYY-MM-DD.",
        "  Column force, 2 rows: is required and is empty.",
    ]


def test_the_same_problem_twice_in_one_row_counts_the_row_once() -> None:
    log = log_of((2, "flags", "'rude' is not a flag."), (2, "flags", "'rude' is not a flag."))
    log.add(3, "flags", "'rude' is not a flag.")
    assert log.summary()[1] == "  Column flags, 2 rows: 'rude' is not a flag."


def test_a_value_that_itself_holds_a_quote_is_still_the_value() -> None:
    log = log_of(*[(n, "'Officer'", f"'O'Brien' {UNMAPPED}") for n in (2, 3)])
    assert log.summary()[1] == f"  Column 'Officer', 2 rows: 'O'Brien' {UNMAPPED}"


def test_a_sentence_that_changes_from_row_to_row_is_summed_under_the_problem_it_names() -> None:
    log = ErrorLog()
    for row in (3, 4, 5):
        log.add(row, "subject_ref", f"repeats row {row - 1}: P1 appears twice.", problem="repeats.")
    assert log.summary()[1] == "  Column subject_ref, 3 rows: repeats."


def test_one_row_a_kind_needs_no_summary() -> None:
    log = log_of((2, "force", "is required and is empty."), (3, "case_type", "'x' is not one."))
    assert log.summary() == []
    assert ImportRejected(log, 2).lines() == [
        "Row 2, column force: is required and is empty.",
        "Row 3, column case_type: 'x' is not one.",
    ]


def test_the_summary_comes_before_the_rows() -> None:
    log = log_of(*[(n, "force", "is required and is empty.") for n in (2, 3)])
    assert ImportRejected(log, 2).lines() == [
        "The problems by column, most rows first (each row is listed after):",
        "  Column force, 2 rows: is required and is empty.",
        "Row 2, column force: is required and is empty.",
        "Row 3, column force: is required and is empty.",
    ]


def test_many_kinds_are_cut_to_the_largest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "MAX_KINDS", 2)
    log = log_of(*[(n, column, "is wrong.") for column in "abc" for n in (2, 3)])
    assert log.summary()[1:] == [
        "  Column a, 2 rows: is wrong.",
        "  Column b, 2 rows: is wrong.",
        "  ... and 1 more kinds of problem.",
    ]


def test_values_past_the_tally_limit_are_counted_as_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "MAX_DISTINCT", 2)
    log = log_of(*[(n, "c", f"'v{n % 3}' is wrong.") for n in range(2, 8)])
    assert log.summary()[1].startswith("  Column c, 6 rows: 2 or more distinct values, each of")


# --- Through the command, once for every importer --------------------------------------------


@pytest.mark.django_db
def test_a_mapped_file_with_unmapped_values_starts_with_the_summary(tmp_path: Path) -> None:
    with (SAMPLES / "uk-force-foi.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for number, item in enumerate(rows):
        item["Allegation Type"] = ["Rudeness", "Rudeness", "Incivility"][number % 3]
    path = tmp_path / "answer.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "cases", str(path), "--mapping", str(UK), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[1] == (
        f"  Column 'Allegation Type', {len(rows)} rows: 2 distinct values, each of which has no "
        "mapping to a category value; add it under columns.category.values (or a pattern, or set "
        "'otherwise') "
        f"in the mapping file. The most frequent: 'Rudeness' ({len(rows) - len(rows) // 3} rows), "
        f"'Incivility' ({len(rows) // 3} rows)."
    )
    first_row = next(n for n, line in enumerate(lines) if line.startswith("Row "))
    assert all(line.startswith("  Column ") for line in lines[1:first_row])
    assert lines[first_row].startswith("Row 2, column 'Allegation Type': 'Rudeness' has no mapping")


@pytest.mark.django_db
def test_a_workforce_file_gets_the_summary_too(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    rows = [f"atlantis,P{n},officer,constable,male,2010-01-01," for n in range(3)]
    path.write_text("force,person_ref,role,rank,sex,joined_date,left_date\n" + "\n".join(rows))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "workforce", str(path), stderr=err)
    assert err.getvalue().splitlines()[1] == (
        "  Column force, 3 rows: 'atlantis' is not a force Candour knows; add it with: candour "
        "forces add CODE --name NAME [--country C] (docs/cli.md), or use a code that candour "
        "forces list shows."
    )
