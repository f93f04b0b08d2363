"""Interchange §1 ``finding``: what was found on an allegation, apart from what was done about it
(docs/statistics.md, "Findings"). Imported and exported with nothing lost, counted by
``candour stats --by finding``, offered by the FOI builder, recorded by the workflow with every
outcome, and filled by the migration for matters the workflow ran."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from candour.cases import forums
from candour.cases.interchange.cases import COLUMNS
from candour.cases.models import AllegationSubject, Outcome
from candour.cases.tests.test_public_hearing_notice import (
    ARRANGED,
    HEARING,
    act,
    arrange,
    matter_to_hearing,
)
from candour.core.interchange.writers import open_writer
from candour.factories import AllegationFactory, AllegationSubjectFactory, CaseFactory

pytestmark = pytest.mark.django_db

BASE = {
    "force": "cambridgeshire",
    "case_type": "complaint",
    "received_date": "2021-05-04",
    "category": "use_of_force",
    "flags": "use_of_force",
    "subject_role": "officer",
}


@pytest.fixture
def to_hearing():  # type: ignore[no-untyped-def]
    return matter_to_hearing()


def cases_file(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with open_writer(path, columns) as write:
        for row in rows:
            write([{**BASE, **row}.get(c, "") for c in columns])
    return path


def by_finding(count: str, *args: str) -> dict[str, int]:
    out = io.StringIO()
    call_command(
        "stats", "--by", "finding", "--count", count, "--format", "json", *args, stdout=out
    )
    return {row["finding"]: row["value"] for row in json.loads(out.getvalue())["rows"]}


# A US department's kind of file: what was found, and often not what was done.
FOUND = [
    {"case_ref": "C1", "allegation_ref": "A1", "subject_ref": "P1", "finding": "proven"},
    {"case_ref": "C1", "allegation_ref": "A1", "subject_ref": "P2", "finding": "exonerated"},
    {"case_ref": "C1", "allegation_ref": "A2", "subject_ref": "P1", "finding": "proven"},
    {"case_ref": "C2", "allegation_ref": "A1", "subject_ref": "P3", "finding": "unfounded"},
    {"case_ref": "C2", "allegation_ref": "A2", "subject_ref": "P3", "finding": "not_proven"},
    {"case_ref": "C3", "allegation_ref": "A1", "subject_ref": "P4", "finding": "no_finding"},
    {"case_ref": "C3", "allegation_ref": "A2", "subject_ref": "P4", "finding": ""},
]


def test_an_imported_finding_is_stored_exported_and_imported_back_unchanged(tmp_path) -> None:
    call_command(
        "import", "cases", str(cases_file(tmp_path / "in.csv", FOUND)), stdout=io.StringIO()
    )
    stored = Counter(AllegationSubject.objects.values_list("finding", flat=True))
    assert stored == Counter(row["finding"] for row in FOUND)

    out = tmp_path / "out.csv"
    call_command("export", "cases", "--out", str(out), stdout=io.StringIO())
    with out.open(newline="", encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert list(exported[0])[-2:] == ["outcome_date", "finding"]  # the order of the §1 table
    assert sorted(
        (r["case_ref"], r["allegation_ref"], r["subject_ref"], r["finding"]) for r in exported
    ) == sorted((r["case_ref"], r["allegation_ref"], r["subject_ref"], r["finding"]) for r in FOUND)

    again = io.StringIO()
    call_command("import", "cases", str(out), stdout=again)
    assert "7 rows read: 0 created, 0 updated, 7 unchanged." in again.getvalue()


def test_a_changed_finding_updates_the_row_and_a_file_without_the_column_leaves_it_unknown(
    tmp_path,
) -> None:
    call_command(
        "import", "cases", str(cases_file(tmp_path / "a.csv", FOUND)), stdout=io.StringIO()
    )
    changed = [dict(FOUND[0], finding="not_proven")]
    out = io.StringIO()
    call_command("import", "cases", str(cases_file(tmp_path / "b.csv", changed)), stdout=out)
    assert "1 rows read: 0 created, 1 updated, 0 unchanged." in out.getvalue()
    assert (
        AllegationSubject.objects.get(
            allegation__case__ref="C1", allegation__ref="A1", subject__ref="P1"
        ).finding
        == "not_proven"
    )

    # A file from before the column: the finding is not known, as every empty cell is.
    older = tuple(c for c in COLUMNS if c != "finding")
    cases_file(tmp_path / "c.csv", [FOUND[1]], columns=older)
    call_command("import", "cases", str(tmp_path / "c.csv"), stdout=io.StringIO())
    assert AllegationSubject.objects.get(subject__ref="P2").finding == ""


def test_a_finding_that_is_not_a_code_is_refused_by_row_and_column_and_nothing_is_written(
    tmp_path,
) -> None:
    rows = [FOUND[0], dict(FOUND[1], finding="Sustained")]
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        path = cases_file(tmp_path / "bad.csv", rows)
        call_command("import", "cases", str(path), stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    report = err.getvalue()
    assert "Row 3, column finding: 'Sustained' is not one of" in report
    assert "exonerated" in report and "no_finding" in report
    assert not AllegationSubject.objects.exists()


def test_candour_stats_counts_officers_and_allegations_by_finding(tmp_path) -> None:
    call_command(
        "import", "cases", str(cases_file(tmp_path / "in.csv", FOUND)), stdout=io.StringIO()
    )
    # Each officer once under every finding they had; unknown for the empty cell.
    officers: dict[str, set[str]] = {}
    allegations: dict[str, set[tuple[str, str]]] = {}
    for row in FOUND:
        code = row["finding"] or "unknown"
        officers.setdefault(code, set()).add(row["subject_ref"])
        allegations.setdefault(code, set()).add((row["case_ref"], row["allegation_ref"]))
    figures = by_finding("officers")
    assert {k: v for k, v in figures.items() if v} == {k: len(v) for k, v in officers.items()}
    assert figures["proven"] == 1  # P1, in two allegations, is one officer
    figures = by_finding("allegations")
    assert {k: v for k, v in figures.items() if v} == {k: len(v) for k, v in allegations.items()}

    text = io.StringIO()
    call_command("stats", "--by", "finding", "--count", "officers", stdout=text)
    assert "Exonerated" in text.getvalue()


def test_the_foi_builder_offers_a_breakdown_by_finding() -> None:
    from candour.transparency.forms import DIMENSION_CHOICES

    assert ("finding", "Finding") in DIMENSION_CHOICES


@pytest.mark.parametrize(
    ("outcome", "proceedings_finding", "held", "expected"),
    [
        ("", "gross_misconduct", "proven", ""),
        (Outcome.NOT_PROVEN, "", "proven", "not_proven"),
        (Outcome.NO_CASE_TO_ANSWER, "", "", "no_finding"),
        (Outcome.WITHDRAWN, "", "", "no_finding"),
        (Outcome.DISMISSAL_WITHOUT_NOTICE, "", "", "proven"),
        (Outcome.WRITTEN_WARNING, "misconduct", "", "proven"),
        (Outcome.FINAL_WRITTEN_WARNING, "gross_misconduct", "", "proven"),
        (Outcome.REFLECTIVE_PRACTICE, "neither", "", "not_proven"),
        (Outcome.NO_FURTHER_ACTION, "not_proven", "", "not_proven"),
        (Outcome.REFLECTIVE_PRACTICE, "", "", "no_finding"),
        (Outcome.MANAGEMENT_ACTION, "", "", "no_finding"),
        (Outcome.RESIGNED_OR_RETIRED, "", "exonerated", "exonerated"),
    ],
)
def test_the_rule_the_workflow_records_a_finding_by(
    outcome: str, proceedings_finding: str, held: str, expected: str
) -> None:
    assert forums.allegation_finding(outcome, proceedings_finding, held) == expected


def test_the_workflow_records_the_finding_and_an_allowed_appeal_replaces_it(to_hearing) -> None:  # type: ignore[no-untyped-def]
    case, part, aaron = to_hearing
    case = arrange(aaron, case, part, ARRANGED)
    case = act(
        aaron,
        case,
        HEARING,
        "record_outcome",
        subject=part,
        outcome="final_written_warning",
        reason="Long service and full admission",
    )
    row = AllegationSubject.objects.get(pk=part)
    assert (row.proceedings_finding, row.finding) == ("gross_misconduct", "proven")
    # The Police Appeals Tribunal overturns the finding.
    case = act(aaron, case, HEARING + dt.timedelta(days=3), "lodge_appeal", subject=part)
    case = act(
        aaron,
        case,
        HEARING + dt.timedelta(days=60),
        "record_appeal_result",
        subject=part,
        result="allowed",
        outcome="not_proven",
    )
    assert AllegationSubject.objects.get(pk=part).finding == "not_proven"


def test_the_migration_fills_run_matters_and_leaves_imported_rows_unknown() -> None:
    from django.apps import apps

    migration = importlib.import_module("candour.cases.migrations.0015_finding")
    run = CaseFactory(ref="RUN/1")
    run.events.create(action="record_matter", at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), version=1)
    heard = AllegationSubjectFactory(
        allegation=AllegationFactory(case=run),
        outcome="written_warning",
        outcome_date=dt.date(2024, 6, 1),
        proceedings_finding="misconduct",
    )
    no_case = AllegationSubjectFactory(
        allegation=AllegationFactory(case=run, ref="A2"),
        outcome="no_case_to_answer",
        outcome_date=dt.date(2024, 6, 1),
    )
    open_part = AllegationSubjectFactory(allegation=AllegationFactory(case=run, ref="A3"))
    imported = AllegationSubjectFactory(
        allegation=AllegationFactory(case=CaseFactory(ref="IMP/1")),
        outcome="written_warning",
        outcome_date=dt.date(2024, 6, 1),
    )
    AllegationSubject.objects.update(finding="")

    migration.fill(apps, type("Editor", (), {})())

    found = dict(AllegationSubject.objects.values_list("pk", "finding"))
    assert found == {
        heard.pk: "proven",
        no_case.pk: "no_finding",
        open_part.pk: "",
        imported.pk: "",
    }
