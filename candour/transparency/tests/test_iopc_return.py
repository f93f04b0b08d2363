"""The quarterly return to the IOPC: complaints built through the cases services over two
quarters, both handlings and several categories, each figure of the return checked against a
count made here from the scenario itself; the finalised date's rule; the command and the page."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from dataclasses import dataclass

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from candour.cases import placement, workflow
from candour.cases.models import Case
from candour.core.models import User
from candour.core.roles import Role
from candour.factories import UserFactory
from candour.transparency import iopc
from candour.transparency.stats import compute

pytestmark = pytest.mark.django_db

FORCE = "cambridgeshire"
Q1, Q2 = iopc.Quarter(2025, 1), iopc.Quarter(2025, 2)  # April to June, July to September 2025
OUTSIDE, WITHIN, UNDECIDED = "outside_schedule_3", "within_schedule_3", "unknown"


@dataclass(frozen=True)
class Matter:
    received: dt.date
    handling: str
    categories: tuple[str, ...]
    finalised: dt.date | None = None
    case_type: str = "complaint"
    force: str = FORCE


SCENARIO = (
    Matter(dt.date(2025, 4, 2), OUTSIDE, ("general_level_of_service",), dt.date(2025, 4, 9)),
    Matter(dt.date(2025, 4, 14), OUTSIDE, ("use_of_force", "impolite_language")),
    Matter(dt.date(2025, 5, 6), WITHIN, ("use_of_force",), dt.date(2025, 6, 20)),
    Matter(dt.date(2025, 6, 30), WITHIN, ("impolite_language", "abuse_of_position_sexual")),
    Matter(dt.date(2025, 6, 2), UNDECIDED, ("general_level_of_service",)),
    Matter(dt.date(2025, 5, 20), OUTSIDE, ("abuse_of_position_sexual",), dt.date(2025, 7, 3)),
    Matter(dt.date(2025, 7, 1), OUTSIDE, ("use_of_force",), dt.date(2025, 7, 1)),
    Matter(dt.date(2025, 8, 11), WITHIN, ("use_of_force", "use_of_force"), dt.date(2025, 9, 30)),
    Matter(dt.date(2024, 11, 4), WITHIN, ("impolite_language",), dt.date(2025, 8, 29)),
    Matter(dt.date(2025, 9, 30), WITHIN, ("general_level_of_service",)),
    # Not in the force's complaints return: a conduct matter, and another force's complaint.
    Matter(dt.date(2025, 5, 6), WITHIN, ("use_of_force",), None, "conduct_matter"),
    Matter(dt.date(2025, 5, 6), OUTSIDE, ("use_of_force",), dt.date(2025, 5, 7), force="norfolk"),
)


def at(day: dt.date):  # type: ignore[no-untyped-def]
    return time_machine.travel(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC), tick=False)


def build(matter: Matter, by: User) -> Case:
    """One matter through the services: recorded, its allegations (one unidentified subject
    each), its handling decided, and (on its finalised day) its outcomes and its closing."""
    case = workflow.record_matter(
        by, force=matter.force, case_type=matter.case_type, received_date=matter.received
    )
    for category in matter.categories:
        case = workflow.add_allegation(
            by, case.pk, version=case.version, category=category, subjects=[{}]
        )
    if matter.handling == UNDECIDED:
        return case
    case = workflow.take_action(
        by,
        case.pk,
        "record_handling",
        {"schedule_3": matter.handling == WITHIN, "reason": "Assessed."},
        version=case.version,
    )
    if matter.finalised is None:
        return case
    with at(matter.finalised):
        if matter.handling == WITHIN:
            for allegation in case.allegations.all():
                for part in allegation.subjects.all():
                    case = workflow.take_action(
                        by,
                        case.pk,
                        "record_handling_outcome",
                        {"subject": part.pk, "outcome": "no_further_action"},
                        version=case.version,
                    )
        return workflow.take_action(
            by, case.pk, "close", {"reason": "Finalised."}, version=case.version
        )


@pytest.fixture
def authority() -> User:
    return UserFactory(username="aa", role=Role.APPROPRIATE_AUTHORITY, forces=[FORCE, "norfolk"])


@pytest.fixture
def scenario(authority) -> None:  # type: ignore[no-untyped-def]
    for matter in SCENARIO:
        build(matter, authority)


# ---- the figures, counted again here from the scenario -------------------------------------


def in_quarter(day: dt.date | None, quarter: iopc.Quarter) -> bool:
    start, end = quarter.bounds
    return day is not None and start <= day <= end


def in_return(matter: Matter) -> bool:
    return matter.case_type == "complaint" and matter.force == FORCE


def working_days(start: dt.date, end: dt.date) -> int:
    """Weekdays after ``start`` up to ``end``, one day at a time."""
    days = (end - start).days
    return sum((start + dt.timedelta(days=n)).weekday() < 5 for n in range(1, days + 1))


def band(days: int) -> str:
    for code, up_to in (("wd_000_010", 10), ("wd_011_020", 20), ("wd_021_060", 60)):
        if days <= up_to:
            return code
    for code, up_to in (("wd_061_120", 120), ("wd_121_250", 250)):
        if days <= up_to:
            return code
    return "wd_251_up"


def expected(quarter: iopc.Quarter) -> dict[str, Counter]:
    logged = [m for m in SCENARIO if in_return(m) and in_quarter(m.received, quarter)]
    finalised = [m for m in SCENARIO if in_return(m) and in_quarter(m.finalised, quarter)]

    def took(m: Matter) -> str:
        assert m.finalised is not None
        return band(working_days(m.received, m.finalised))

    return {
        "complaint_cases_logged": Counter((m.handling,) for m in logged),
        "allegations_logged": Counter((c, m.handling) for m in logged for c in m.categories),
        "complaint_cases_finalised": Counter((m.handling, took(m)) for m in finalised),
        "allegations_finalised": Counter(
            (m.handling, took(m)) for m in finalised for _ in m.categories
        ),
    }


def figures(report: iopc.QuarterlyReturn) -> dict[str, Counter]:
    return {
        table.slug: Counter({key: cell.value for key, cell in result.cells.items() if cell.value})
        for table, result in report.tables
    }


@pytest.mark.parametrize("quarter", [Q1, Q2], ids=["Q1", "Q2"])
def test_every_figure_of_the_return_is_the_count_of_the_records(scenario, quarter) -> None:  # type: ignore[no-untyped-def]
    report = iopc.quarterly_return(FORCE, quarter, lambda q: compute(q, margins=True))
    want = expected(quarter)
    assert figures(report) == want
    for table, result in report.tables:
        assert result.total.value == sum(want[table.slug].values()), table.slug


def test_the_scenario_has_what_the_return_must_tell_apart(scenario) -> None:  # type: ignore[no-untyped-def]
    q1, q2 = expected(Q1), expected(Q2)
    assert {h for (h,) in q1["complaint_cases_logged"]} == {OUTSIDE, WITHIN, UNDECIDED}
    assert len({c for c, _ in q1["allegations_logged"]}) >= 3
    assert {h for h, _ in q2["complaint_cases_finalised"]} == {OUTSIDE, WITHIN}
    assert len({b for _, b in q2["allegations_finalised"]}) >= 3
    # Logged in Q1, finalised in Q2: in Q1's logged figures and Q2's finalised ones only.
    report = iopc.quarterly_return(FORCE, Q2, lambda q: compute(q, margins=True))
    finalised = dict(report.tables)[iopc.TABLES[2]]
    assert finalised.cells[(OUTSIDE, "wd_021_060")].value == 1  # 20 May to 3 July: 32 days


# ---- when a matter is finalised ------------------------------------------------------------


def test_closing_finalises_and_an_upheld_review_undoes_it(authority) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2025, 6, 20)
    case = build(Matter(dt.date(2025, 5, 6), WITHIN, ("use_of_force",), day), authority)
    assert case.finalised_on == day
    with at(day + dt.timedelta(days=3)):
        for name, params in (
            ("inform_complainant", {}),
            ("request_review", {"body": "local_policing_body"}),
        ):
            case = workflow.take_action(authority, case.pk, name, params, version=case.version)
        assert Case.objects.get(pk=case.pk).finalised_on == day  # a review alone changes nothing
        case = workflow.take_action(
            authority, case.pk, "record_review_result", {"result": "upheld"}, version=case.version
        )
    assert Case.objects.get(pk=case.pk).finalised_on is None
    report = iopc.quarterly_return(FORCE, Q1, lambda q: compute(q, margins=True))
    assert report.tables[2][1].total.value == 0


# ---- the command -----------------------------------------------------------------------------


def test_the_command_writes_the_return_as_json(scenario) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("iopc-return", "--force", FORCE, "--quarter", "2025/26-Q1", "--format", "json",
                 stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    assert (data["quarter"], data["from"], data["to"]) == ("2025/26 Q1", "2025-04-01", "2025-06-30")
    logged = next(t for t in data["tables"] if t["table"] == "complaint_cases_logged")
    want = expected(Q1)["complaint_cases_logged"]
    assert {r["handling"]: r["value"] for r in logged["rows"]} == {h: n for (h,), n in want.items()}


def test_the_command_refuses_a_quarter_it_cannot_read() -> None:
    with pytest.raises(CommandError, match="is not a quarter") as refused:
        call_command("iopc-return", "--force", FORCE, "--quarter", "2025/27-Q1")
    assert refused.value.returncode == 2


# ---- the page --------------------------------------------------------------------------------


def page(client: Client, **params: str) -> tuple[int, bytes]:
    response = client.get(reverse("transparency:iopc_return"), params)
    return response.status_code, response.content


def test_the_psd_sees_the_exact_figures_and_downloads_them(scenario, client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, [FORCE])
    status, html = page(client, force=FORCE, quarter="2025/26-Q2")
    assert status == 200
    assert b"Complaint cases finalised" in html and b"withheld" not in html
    status, body = page(client, force=FORCE, quarter="2025/26-Q2", format="csv")
    lines = body.decode().splitlines()
    assert lines[0].startswith("table,handling,handling_label,")
    finalised = [line for line in lines if line.startswith("complaint_cases_finalised,")]
    assert sum(int(line.split(",")[-2]) for line in finalised if "total" not in line) == sum(
        expected(Q2)["complaint_cases_finalised"].values()
    )
    status, body = page(client, force=FORCE, quarter="2025/26-Q2", format="xlsx")
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == [t.slug for t in iopc.TABLES] + ["about"]


def test_the_foi_officer_sees_small_numbers_withheld(scenario, client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.FOI_OFFICER, [FORCE])
    status, html = page(client, force=FORCE, quarter="2025/26-Q1")
    assert status == 200 and b"withheld" in html


def test_another_force_s_return_is_not_offered(scenario, client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.FOI_OFFICER, ["suffolk"])
    status, html = page(client, force=FORCE, quarter="2025/26-Q1")
    assert status == 200 and b"Select a valid choice" in html


def test_the_pcc_office_is_refused(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.PCC_OFFICE, [FORCE])
    assert page(client, force=FORCE, quarter="2025/26-Q1")[0] == 403


def test_a_quarter_the_page_cannot_read_is_a_field_error(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, [FORCE])
    status, html = page(client, force=FORCE, quarter="2025/26-Q9")
    assert status == 200 and b"is not a quarter" in html
    assert page(client, force=FORCE, quarter="\x00Q1")[0] == 200


def test_the_migration_derives_the_finalised_date_from_the_timeline(authority) -> None:  # type: ignore[no-untyped-def]
    import importlib

    from django.apps import apps

    from candour.factories import AllegationFactory, AllegationSubjectFactory, CaseFactory

    migration = importlib.import_module("candour.cases.migrations.0007_case_finalised_on")
    closed = build(
        Matter(dt.date(2025, 5, 6), OUTSIDE, ("use_of_force",), dt.date(2025, 5, 9)), authority
    )
    reopened = build(
        Matter(dt.date(2025, 5, 6), WITHIN, ("use_of_force",), dt.date(2025, 6, 2)), authority
    )
    with at(dt.date(2025, 6, 3)):
        for name, params in (
            ("inform_complainant", {}),
            ("request_review", {"body": "iopc"}),
            ("record_review_result", {"result": "upheld"}),
        ):
            reopened = workflow.take_action(
                authority, reopened.pk, name, params, version=reopened.version
            )
    imported = CaseFactory(ref="IMP/1", stage="closed")
    for day in (dt.date(2025, 1, 7), dt.date(2025, 2, 3)):
        AllegationSubjectFactory(
            allegation=AllegationFactory(case=imported),
            outcome="no_further_action",
            outcome_date=day,
        )
    Case.objects.update(finalised_on=dt.date(2000, 1, 1))  # as if the field had just been added
    migration.finalised_from_timeline(apps, None)
    finalised = dict(Case.objects.values_list("pk", "finalised_on"))
    assert finalised[closed.pk] == dt.date(2025, 5, 9)
    assert finalised[reopened.pk] is None
    assert finalised[imported.pk] == dt.date(2025, 2, 3)


def test_imported_matters_closed_on_placement_are_finalised_on_their_latest_outcome() -> None:
    from candour.factories import AllegationFactory, AllegationSubjectFactory, CaseFactory

    done, open_ = CaseFactory(ref="IMP/2"), CaseFactory(ref="IMP/3")
    for case, outcomes in (
        (done, ("written_warning", "no_further_action")),
        (open_, ("", "no_further_action")),
    ):
        for n, outcome in enumerate(outcomes):
            AllegationSubjectFactory(
                allegation=AllegationFactory(case=case),
                outcome=outcome,
                outcome_date=dt.date(2025, 3, 10 + n) if outcome else None,
            )
    placement.place_imported_matters(Case.objects.all())
    assert Case.objects.get(pk=done.pk).finalised_on == dt.date(2025, 3, 11)
    assert Case.objects.get(pk=open_.pk).finalised_on is None
