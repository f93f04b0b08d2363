"""An import writes its matters placed in the process (candour/cases/placement.py, docs/cases.md
"Matters imported before the workflow"): closed and finalised on the latest outcome date when
every subject has an outcome, under investigation within Schedule 3 (its 12-month clock stored
as the next due date) when an investigation is recorded, else received; the rules version by
the date received. A matter Candour runs keeps its own stage; one it does not run is placed
again by each file that names it. The demo's path (placement.place_imported_matters) gives the
same placement as the import's plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from candour.cases import placement, workflow
from candour.cases.clocks import clocks_for, next_due
from candour.cases.interchange import cases as cases_import
from candour.cases.models import Case, CaseEvent, Stage
from candour.cases.tests.test_import_cases import row, run_import, write
from candour.core.roles import Role
from candour.factories import UserFactory

pytestmark = pytest.mark.django_db

OPEN = {"outcome": "", "outcome_date": "", "proceedings": "", "severity": ""}
PLACED = ("stage", "schedule_3", "finalised_on", "rules_version", "next_due")


def varied_rows() -> list[dict[str, str]]:
    return [
        row(case_ref="DONE/1"),
        row(case_ref="RUN/1", received_date="2023-03-15", **OPEN),
        row(case_ref="LEAP/1", received_date="2024-02-29", investigation="directed", **OPEN),
        row(case_ref="NEW/1", investigation="", iopc_referral="", **OPEN),
        row(case_ref="NONE/1", investigation="none", **OPEN),
        # One subject with an outcome and one without: still open.
        row(case_ref="HALF/1", received_date="2022-07-01", outcome_date="2023-01-10"),
        row(case_ref="HALF/1", received_date="2022-07-01", subject_ref="P2", **OPEN),
        # Closed, on the later of two outcome dates, in two allegations.
        row(case_ref="TWO/1", outcome_date="2021-09-01"),
        row(case_ref="TWO/1", allegation_ref="A2", outcome_date="2021-11-30"),
        # Either side of SI 2025/558 coming into force, and of the 2020 Regulations.
        row(case_ref="OLD/1", received_date="2020-01-31", **OPEN),
        row(case_ref="OLD/2", received_date="2020-02-01", **OPEN),
        row(case_ref="AMEND/1", received_date="2025-05-27", **OPEN),
        row(case_ref="AMEND/2", received_date="2025-05-28", **OPEN),
    ]


def placed() -> dict[str, tuple[object, ...]]:
    return {ref: tuple(values) for ref, *values in Case.objects.values_list("ref", *PLACED)}


def test_an_import_writes_its_matters_placed_with_their_12_month_clock(tmp_path: Path) -> None:
    run_import("cases", str(write(tmp_path / "cases.csv", varied_rows())))
    case = {c.ref: c for c in Case.objects.all()}
    assert case["DONE/1"].stage == Stage.CLOSED and case["DONE/1"].next_due is None
    assert case["DONE/1"].finalised_on == dt.date(2022, 1, 10)
    assert case["TWO/1"].stage == Stage.CLOSED
    assert case["TWO/1"].finalised_on == dt.date(2021, 11, 30)
    for ref in ("NEW/1", "NONE/1"):
        assert case[ref].stage == Stage.RECEIVED and case[ref].schedule_3 is None
        assert case[ref].next_due is None and case[ref].finalised_on is None
    for ref, received in (
        ("RUN/1", dt.date(2023, 3, 15)),
        ("LEAP/1", dt.date(2024, 2, 29)),
        ("HALF/1", dt.date(2022, 7, 1)),
    ):
        matter = case[ref]
        assert matter.stage == Stage.INVESTIGATION and matter.schedule_3 is True
        assert matter.finalised_on is None
        # The stored date is the one the clocks work out for the matter.
        assert matter.next_due == received + relativedelta(months=12) == next_due(matter)
    assert case["LEAP/1"].next_due == dt.date(2025, 2, 28)
    assert [c.name for c in clocks_for(case["RUN/1"], dt.date(2026, 1, 1))] == [
        "twelve_month_report"
    ]
    assert not CaseEvent.objects.exists()  # placed, not run: no timeline is made up


def test_the_rules_version_is_the_one_in_force_on_the_date_received(tmp_path: Path) -> None:
    """SI 2025/558 comes into force on 28 May 2025 (reg 1(1)); a complaint made, or a matter
    that came to the appropriate authority's attention, before then keeps the 2020 rules (reg
    66(1)(a)). The 2020 rules do not apply to one made before 1 February 2020 (SI 2020/2 reg
    2(2)(a)). Read on legislation.gov.uk."""
    run_import("cases", str(write(tmp_path / "cases.csv", varied_rows())))
    version = dict(Case.objects.values_list("ref", "rules_version"))
    assert version["AMEND/1"] == "2020" and version["AMEND/2"] == "2025"
    assert version["OLD/1"] == "2012" and version["OLD/2"] == "2020"


def test_the_import_and_place_imported_matters_place_a_file_alike(tmp_path: Path) -> None:
    run_import("cases", str(write(tmp_path / "cases.csv", varied_rows())))
    by_import = placed()
    Case.objects.update(
        stage=Stage.RECEIVED, schedule_3=None, finalised_on=None, rules_version="", next_due=None
    )
    placement.place_imported_matters(Case.objects.all())
    assert placed() == by_import
    assert {values[0] for values in by_import.values()} == {
        Stage.CLOSED,
        Stage.INVESTIGATION,
        Stage.RECEIVED,
    }


def test_an_imported_open_investigation_is_overdue_in_the_case_list_and_the_work_queue(
    client, signed_in, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    rows = [
        row(case_ref="LATE/1", received_date="2023-03-15", investigation="local", **OPEN),
        row(case_ref="FRESH/1", received_date=timezone.localdate().isoformat(), **OPEN),
        row(case_ref="SHUT/1", received_date="2023-03-15", outcome_date="2023-06-01"),
    ]
    run_import("cases", str(write(tmp_path / "cases.csv", rows)))
    ivy = signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    late = Case.objects.get(ref="LATE/1")
    assert late.next_due == dt.date(2024, 3, 15)
    listed = client.get(reverse("cases:list"), {"overdue": "on"}).content.decode()
    assert f'href="/cases/{late.pk}/"' in listed
    for ref in ("FRESH/1", "SHUT/1"):
        assert f'href="/cases/{Case.objects.get(ref=ref).pk}/"' not in listed
    queue = workflow.work_queue(ivy)
    assert queue.overdue == 1 and queue.count == 2  # the closed matter is in no queue
    first = queue.items[0]
    assert first.ref == "LATE/1" and first.clock is not None and first.clock.overdue
    assert first.clock.name == "twelve_month_report" and first.clock.due == dt.date(2024, 3, 15)


def test_a_reimport_keeps_the_stage_of_a_matter_the_workflow_runs(tmp_path: Path) -> None:
    user = UserFactory(role=Role.APPROPRIATE_AUTHORITY, forces=["cambridgeshire"])
    case = workflow.record_matter(
        user, force="cambridgeshire", case_type="complaint", received_date=dt.date(2023, 1, 5)
    )
    case = workflow.add_allegation(
        user, case.pk, version=case.version, category="sexual_harassment", subjects=[{}]
    )
    case = workflow.take_action(
        user, case.pk, "record_handling", {"schedule_3": True}, version=case.version
    )
    before = placed()[case.ref]
    assert before[0] == Stage.ASSESSMENT
    # The file says it is closed; then that it is under investigation: neither moves it.
    for name, extra in (("closed.csv", {"outcome_date": "2023-06-01"}), ("open.csv", OPEN)):
        rows = [row(case_ref=case.ref, received_date="2023-01-05", allegation_ref="F1", **extra)]
        run_import("cases", str(write(tmp_path / name, rows)))
        assert placed()[case.ref] == before
    assert Case.objects.get(pk=case.pk).allegations.count() == 2  # the file's allegation added


def test_a_reimport_places_a_matter_without_a_timeline_again(tmp_path: Path) -> None:
    first = [
        row(case_ref="CO/9", outcome_date="2022-01-10"),
        row(case_ref="CO/9", subject_ref="P2", **OPEN),
    ]
    run_import("cases", str(write(tmp_path / "first.csv", first)))
    assert placed()["CO/9"][0] == Stage.INVESTIGATION
    # A file naming only the first subject: the second, kept from before, is still open.
    run_import("cases", str(write(tmp_path / "again.csv", first[:1])))
    assert placed()["CO/9"][0] == Stage.INVESTIGATION
    # Now the second subject has an outcome too: closed, on the later date, no clock.
    done = [first[0], row(case_ref="CO/9", subject_ref="P2", outcome_date="2022-03-01")]
    run_import("cases", str(write(tmp_path / "done.csv", done)))
    case = Case.objects.get(ref="CO/9")
    assert (case.stage, case.finalised_on, case.next_due) == (
        Stage.CLOSED,
        dt.date(2022, 3, 1),
        None,
    )
    assert case.schedule_3 is None and case.version == 2  # placed again once: one change
    # And an unchanged re-import changes nothing.
    out, _ = run_import("cases", str(write(tmp_path / "same.csv", done)))
    assert Case.objects.get(ref="CO/9").version == 2


def test_a_step_taken_while_a_file_is_imported_stops_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import updates a known case only if its version is the one the plan read: a step
    taken in between (possible on PostgreSQL) gave it a timeline, and the workflow owns it."""
    run_import("cases", str(write(tmp_path / "first.csv", [row(case_ref="CO/9", **OPEN)])))
    case = Case.objects.get(ref="CO/9")
    user = UserFactory(role=Role.APPROPRIATE_AUTHORITY, forces=["cambridgeshire"])
    planned = cases_import.make_plan

    def plan_then_a_step(*args, **kwargs):  # type: ignore[no-untyped-def]
        plan = planned(*args, **kwargs)
        workflow.assign_case(user, case.pk, version=case.version, assignee=user.username)
        return plan

    monkeypatch.setattr(cases_import, "make_plan", plan_then_a_step)
    with pytest.raises(CommandError, match="changed in Candour while it was being imported"):
        run_import("cases", str(write(tmp_path / "done.csv", [row(case_ref="CO/9")])))
    assert placed()["CO/9"][0] == Stage.INVESTIGATION and not CaseEvent.objects.exists()


def test_the_migration_gives_matters_placed_before_it_their_12_month_mark(tmp_path: Path) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("candour.cases.migrations.0009_next_due_of_placed_matters")
    run_import("cases", str(write(tmp_path / "old.csv", [row(case_ref="OLD/1", **OPEN)])))
    Case.objects.update(stage=Stage.INVESTIGATION, next_due=None)  # as migration 0006 left them
    migration.fill_next_due(apps, None)  # it uses no schema editor
    assert Case.objects.get(ref="OLD/1").next_due == dt.date(2022, 5, 4)
