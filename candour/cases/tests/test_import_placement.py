"""Placing imported matters (workflow.place_imported_matters, as the demo load and migration
0006 do): closed when every subject has an outcome, under investigation (its 12-month clock
running and stored as the next due date) when an investigation is recorded, else received; a
matter Candour runs keeps its own stage. An import itself leaves its new matters at 'received'
(docs/cases.md, "Matters imported before the workflow")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

from candour.cases import workflow
from candour.cases.clocks import clocks_for, next_due
from candour.cases.models import Case, Stage
from candour.cases.tests.test_import_cases import row, run_import, write
from candour.core.roles import Role
from candour.factories import UserFactory

pytestmark = pytest.mark.django_db

OPEN = {"outcome": "", "outcome_date": "", "proceedings": "", "severity": ""}


def test_placed_matters_get_their_stage_and_their_12_month_clock_stored(tmp_path: Path) -> None:
    rows = [
        row(case_ref="DONE/1"),
        row(case_ref="RUN/1", received_date="2023-03-15", **OPEN),
        row(case_ref="LEAP/1", received_date="2024-02-29", investigation="directed", **OPEN),
        row(case_ref="NEW/1", investigation="", iopc_referral="", **OPEN),
        # One subject with an outcome and one without: still open.
        row(case_ref="HALF/1", received_date="2022-07-01", outcome_date="2023-01-10"),
        row(case_ref="HALF/1", received_date="2022-07-01", subject_ref="P2", **OPEN),
    ]
    run_import("cases", str(write(tmp_path / "cases.csv", rows)))
    assert set(Case.objects.values_list("stage", flat=True)) == {Stage.RECEIVED}
    workflow.place_imported_matters(Case.objects.all())
    case = {c.ref: c for c in Case.objects.all()}
    assert case["DONE/1"].stage == Stage.CLOSED and case["DONE/1"].next_due is None
    assert case["NEW/1"].stage == Stage.RECEIVED and case["NEW/1"].next_due is None
    for ref, received in (
        ("RUN/1", dt.date(2023, 3, 15)),
        ("LEAP/1", dt.date(2024, 2, 29)),
        ("HALF/1", dt.date(2022, 7, 1)),
    ):
        matter = case[ref]
        assert matter.stage == Stage.INVESTIGATION and matter.schedule_3 is True
        # The stored date is the one the clocks work out for the matter.
        assert matter.next_due == received + relativedelta(months=12) == next_due(matter)
    assert case["LEAP/1"].next_due == dt.date(2025, 2, 28)
    assert [c.name for c in clocks_for(case["RUN/1"], dt.date(2026, 1, 1))] == [
        "twelve_month_report"
    ]
    assert Case.objects.filter(next_due__lt=dt.date(2026, 1, 1)).count() == 3


def test_a_matter_run_in_candour_keeps_its_stage_when_a_file_names_it(tmp_path: Path) -> None:
    user = UserFactory(role=Role.APPROPRIATE_AUTHORITY, forces=["cambridgeshire"])
    case = workflow.record_matter(
        user, force="cambridgeshire", case_type="complaint", received_date=dt.date(2023, 1, 5)
    )
    rows = [
        row(case_ref=case.ref, received_date="2023-01-05", **OPEN),
        row(case_ref="NEW/2", **OPEN),
    ]
    run_import("cases", str(write(tmp_path / "more.csv", rows)))
    workflow.place_imported_matters(Case.objects.all())
    case.refresh_from_db()
    assert case.allegations.count() == 1  # the file's allegation was added
    assert case.stage == Stage.RECEIVED and case.next_due is None
    assert Case.objects.get(ref="NEW/2").stage == Stage.INVESTIGATION


def test_the_migration_gives_matters_placed_before_it_their_12_month_mark(tmp_path: Path) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("candour.cases.migrations.0009_next_due_of_placed_matters")
    run_import("cases", str(write(tmp_path / "old.csv", [row(case_ref="OLD/1", **OPEN)])))
    Case.objects.update(stage=Stage.INVESTIGATION, next_due=None)  # as migration 0006 left them
    migration.fill_next_due(apps, None)  # it uses no schema editor
    assert Case.objects.get(ref="OLD/1").next_due == dt.date(2022, 5, 4)
