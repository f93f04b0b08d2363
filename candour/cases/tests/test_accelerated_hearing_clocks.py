"""The time limits of an accelerated misconduct hearing (Police (Conduct) Regulations 2020
Part 5): the hearing by the 15th working day after the notice of referral (reg 52(1)), then the
report of its finding within 5 working days (reg 63(1)); both are the force's duties.

The notice is given on Thursday 2 April 2026: Good Friday (3 April) and Easter Monday (6 April)
are bank holidays in England and Wales, so the 15th working day after is Monday 27 April (not
Thursday 23 April, as a count of weekdays alone would give). A hearing on 27 April has its report
due on Tuesday 5 May, past the early May bank holiday (Monday 4 May)."""

import datetime as dt

import pytest

from candour.cases import workflow
from candour.cases.clocks import clocks_for
from candour.cases.models import Case
from candour.cases.search import CaseFilters, filter_cases
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTICE = dt.date(2026, 4, 2)
LAST_DAY = dt.date(2026, 4, 27)  # the 15th working day after NOTICE
REPORT_DUE = dt.date(2026, 5, 5)  # the 5th working day after a hearing on LAST_DAY


@pytest.fixture
def accelerated():  # type: ignore[no-untyped-def]
    """A conduct matter against PC-ADAMS referred to an accelerated hearing on NOTICE."""
    ivy = UserFactory(username="ivy", role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    aaron = UserFactory(
        username="aaron", role=Role.APPROPRIATE_AUTHORITY, forces=["cambridgeshire"]
    )
    PersonFactory(ref="PC-ADAMS")
    case = workflow.record_matter(
        ivy, force="cambridgeshire", case_type="conduct_matter", received_date=dt.date(2026, 1, 5)
    )
    case = workflow.add_allegation(
        ivy,
        case.pk,
        version=case.version,
        category="sexual_harassment",
        subjects=[{"person_ref": "PC-ADAMS"}],
    )
    part = case.allegations.get().subjects.get().pk
    steps = [
        (ivy, "record_handling", {"schedule_3": True}),
        (ivy, "start_investigation", {}),
        (aaron, "assess_severity", {"subject": part, "severity": "gross_misconduct"}),
        (ivy, "serve_notice", {"subject": part}),
        (ivy, "record_investigation_report", {}),
        (aaron, "decide_case_to_answer", {"subject": part, "decision": "case_to_answer"}),
        (
            aaron,
            "arrange_proceedings",
            {
                "subject": part,
                "forum": "accelerated_hearing",
                "special_conditions_certified": True,
                "referral_notice_on": NOTICE,
            },
        ),
    ]
    for user, action, params in steps:
        case = workflow.take_action(user, case.pk, action, params, version=case.version)
    return case, part, aaron


def clocks_on(case: Case, day: dt.date) -> dict[str, tuple[dt.date, bool]]:
    loaded = workflow.load_case(UserFactory(role=Role.APPROPRIATE_AUTHORITY), case.pk)
    return {clock.name: (clock.due, clock.overdue) for clock in clocks_for(loaded, day)}


def overdue_in_list(case: Case, day: dt.date) -> bool:
    cases = filter_cases(Case.objects.all(), CaseFilters(overdue=True, on=day))
    return cases.filter(pk=case.pk).exists()


def test_the_hearing_is_due_by_the_15th_working_day_after_the_notice(accelerated) -> None:  # type: ignore[no-untyped-def]
    case, _, _ = accelerated
    clocks = clocks_on(case, dt.date(2026, 4, 20))
    assert clocks["accelerated_hearing"] == (LAST_DAY, False)
    # Part 4's answer to a notice of referral (reg 31) is not an accelerated hearing's clock.
    assert "referral_response" not in clocks
    assert Case.objects.get(pk=case.pk).next_due == LAST_DAY


def test_an_unheld_hearing_goes_overdue_in_the_list_and_the_work_queue(accelerated) -> None:  # type: ignore[no-untyped-def]
    case, _, aaron = accelerated
    assert not overdue_in_list(case, LAST_DAY)
    assert overdue_in_list(case, LAST_DAY + dt.timedelta(days=1))
    queue = workflow.work_queue(aaron, on=dt.date(2026, 4, 28))
    assert queue.overdue == 1
    first = queue.items[0]
    assert (first.case_id, first.clock.name, first.clock.overdue) == (
        case.pk,
        "accelerated_hearing",
        True,
    )
    assert "reg 52(1)" in first.clock.rule


def test_a_date_within_the_window_stops_it_and_starts_the_report_clock(accelerated) -> None:  # type: ignore[no-untyped-def]
    case, part, aaron = accelerated
    case = workflow.take_action(
        aaron,
        case.pk,
        "record_hearing_details",
        {"subject": part, "hearing_date": LAST_DAY},
        version=case.version,
    )
    clocks = clocks_on(case, LAST_DAY)
    assert "accelerated_hearing" not in clocks
    assert clocks["accelerated_report"] == (REPORT_DUE, False)
    assert Case.objects.get(pk=case.pk).next_due == REPORT_DUE
    assert not overdue_in_list(case, REPORT_DUE)
    assert overdue_in_list(case, REPORT_DUE + dt.timedelta(days=1))
    queue = workflow.work_queue(aaron, on=REPORT_DUE + dt.timedelta(days=1))
    assert (queue.overdue, queue.items[0].clock.name) == (1, "accelerated_report")


def test_a_date_past_the_window_leaves_the_hearing_clock_running(accelerated) -> None:  # type: ignore[no-untyped-def]
    case, part, aaron = accelerated
    late = dt.date(2026, 4, 28)
    case = workflow.take_action(
        aaron,
        case.pk,
        "record_hearing_details",
        {"subject": part, "hearing_date": late, "public": True},
        version=case.version,
    )
    clocks = clocks_on(case, late)
    assert clocks["accelerated_hearing"] == (LAST_DAY, True)
    assert clocks["accelerated_report"] == (dt.date(2026, 5, 6), False)
    # A public accelerated hearing's notice follows reg 53(2), not reg 36's five working days.
    assert "public_hearing_notice" not in clocks
    assert Case.objects.get(pk=case.pk).next_due == LAST_DAY


def test_the_recorded_outcome_stops_the_force_s_clocks(accelerated) -> None:  # type: ignore[no-untyped-def]
    case, part, aaron = accelerated
    for action, params in [
        ("record_hearing_details", {"subject": part, "hearing_date": LAST_DAY}),
        (
            "record_outcome",
            {"subject": part, "outcome": "dismissal_without_notice", "outcome_date": LAST_DAY},
        ),
    ]:
        case = workflow.take_action(aaron, case.pk, action, params, version=case.version)
    clocks = clocks_on(case, LAST_DAY)
    assert "accelerated_hearing" not in clocks and "accelerated_report" not in clocks
    assert Case.objects.get(pk=case.pk).next_due is None
    assert not overdue_in_list(case, dt.date(2026, 6, 1))
