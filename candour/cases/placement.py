"""Where a matter recorded before Candour ran it enters the statutory process: the one home of
the placement rule (docs/cases.md, "Matters imported before the workflow").

From what its subjects' rows record, a matter is
- **closed** when every subject has an outcome, finalised on their latest outcome date;
- else **under investigation**, within Schedule 3, when a subject's investigation is local,
  directed or independent (``INVESTIGATED``); its 12-month clock runs from the date received
  (clocks.FIRST_REPORT_MONTHS), and that mark is stored as its next due date unless a progress
  report has been recorded, so it goes overdue in lists and queues like any other matter;
- else **received**.
Its rules version is the one in force on the date received (rules.RULES_VERSIONS). A matter with
a workflow timeline (``CaseEvent`` rows) is run by the workflow and is never placed.

Two paths apply the rule: ``place_imported_matters`` places matters already written (the demo's
history), in the ORM; ``ImportPlacement`` gives the same rule as DuckDB SQL for the import's plan
(interchange/plan.py), which writes its case rows already placed. Both take their values from
the constants here, in clocks.py and in rules.py, and test_import_placement.py holds the two to
the same result on the same file.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery

from candour.cases.clocks import TwelveMonthsAfter, twelve_months_after_duckdb
from candour.cases.models import (
    AllegationSubject,
    Case,
    CaseEvent,
    Investigation,
    ProgressReport,
    Stage,
)
from candour.cases.rules import RULES_VERSIONS, RulesVersion

INVESTIGATED = (Investigation.LOCAL, Investigation.DIRECTED, Investigation.INDEPENDENT)


def place_imported_matters(cases: QuerySet[Case]) -> int:
    """Place the matters of ``cases`` that have no timeline (see the module's docstring), in
    the database: row by row in Python would be too slow for a large history. Only what is not
    yet set is filled in (a matter already under investigation stays there, a rules version or
    next due date once stored stays). Returns how many matters were given a rules version."""
    cases = cases.exclude(Exists(CaseEvent.objects.filter(case=OuterRef("pk"))))
    parts = AllegationSubject.objects.filter(allegation__case=OuterRef("pk"))
    cases.filter(Exists(parts)).exclude(Exists(parts.filter(outcome=""))).exclude(
        stage=Stage.CLOSED
    ).update(stage=Stage.CLOSED)
    # With no timeline, a closed matter was finalised on its subjects' latest outcome date.
    latest = parts.order_by().values("allegation__case").annotate(last=Max("outcome_date"))
    cases.filter(stage=Stage.CLOSED).update(finalised_on=Subquery(latest.values("last")[:1]))
    cases.exclude(stage=Stage.CLOSED).exclude(finalised_on=None).update(finalised_on=None)
    cases.filter(stage=Stage.RECEIVED).filter(
        Exists(parts.filter(investigation__in=INVESTIGATED))
    ).update(stage=Stage.INVESTIGATION, schedule_3=True)
    cases.filter(stage=Stage.INVESTIGATION, next_due__isnull=True).exclude(
        Exists(ProgressReport.objects.filter(case=OuterRef("pk")))
    ).update(next_due=TwelveMonthsAfter("received_date"))
    placed = 0
    for version in RULES_VERSIONS:
        placed += (
            cases.filter(rules_version="", received_date__gte=version.in_force_from)
            .exclude(received_date__gte=_next_version_start(version))
            .update(rules_version=version.code)
        )
    cases.filter(rules_version="").update(rules_version=RULES_VERSIONS[0].code)
    return placed


def _next_version_start(version: RulesVersion) -> date:
    later = [v.in_force_from for v in RULES_VERSIONS if v.in_force_from > version.in_force_from]
    return min(later) if later else date.max


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class ImportPlacement:
    """The rule as DuckDB SQL over one row per matter, for the import's plan. The row's columns
    are named by the plan: the received date as ISO text (``received``), the counts of its
    subjects after the write (``subjects``, ``open``: those with no outcome), their latest
    outcome date (``last_outcome``), whether one is investigated (``investigated``), whether a
    progress report is recorded (``reported``) and the next due date stored now (``known_due``)."""

    investigated = "investigation IN (" + ", ".join(_text(str(v)) for v in INVESTIGATED) + ")"

    stage = (
        f"CASE WHEN subjects > 0 AND open = 0 THEN {_text(Stage.CLOSED)} "
        f"WHEN investigated THEN {_text(Stage.INVESTIGATION)} "
        f"ELSE {_text(Stage.RECEIVED)} END"
    )

    @staticmethod
    def rules_version(received: str) -> str:
        """The code of the version in force on ``received`` (the earliest for older matters)."""
        later_first = sorted(RULES_VERSIONS, key=lambda v: v.in_force_from, reverse=True)
        whens = " ".join(
            f"WHEN {received} >= {_text(v.in_force_from.isoformat())} THEN {_text(v.code)}"
            for v in later_first[:-1]
        )
        return f"CASE {whens} ELSE {_text(later_first[-1].code)} END"

    @staticmethod
    def schedule_3(stage: str) -> str:
        return f"CASE WHEN {stage} = {_text(Stage.INVESTIGATION)} THEN true END"

    @staticmethod
    def finalised_on(stage: str) -> str:
        return f"CASE WHEN {stage} = {_text(Stage.CLOSED)} THEN last_outcome END"

    @staticmethod
    def next_due(stage: str, received: str) -> str:
        return (
            f"CASE WHEN {stage} <> {_text(Stage.INVESTIGATION)} THEN NULL "
            f"WHEN reported THEN known_due ELSE {twelve_months_after_duckdb(received)} END"
        )
