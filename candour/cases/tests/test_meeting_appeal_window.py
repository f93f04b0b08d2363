"""The officer's window to appeal from a misconduct meeting (Police (Conduct) Regulations 2020
reg 45(3)(a)): 7 working days beginning with the first working day after the officer is given
the outcome. A window for the officer, not a duty of the force: never overdue, never next_due.

The outcome is recorded on Thursday 2 April 2026: Good Friday (3 April) and Easter Monday
(6 April) are bank holidays in England and Wales, so the 7th working day after is Wednesday
15 April (a count of weekdays alone would give Monday 13 April)."""

import datetime as dt

import pytest
import time_machine

from candour.cases import workflow
from candour.cases.clocks import clocks_for
from candour.cases.models import Case
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

OUTCOME = dt.date(2026, 4, 2)
LAST_DAY = dt.date(2026, 4, 15)  # the 7th working day after OUTCOME
NOW = dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.UTC)


def at_proceedings(forum: str, rank: str = "constable"):  # type: ignore[no-untyped-def]
    """A conduct matter against PC-ADAMS (of ``rank``), misconduct, sent to ``forum``."""
    ivy = UserFactory(username="ivy", role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    aaron = UserFactory(
        username="aaron", role=Role.APPROPRIATE_AUTHORITY, forces=["cambridgeshire"]
    )
    PersonFactory(ref="PC-ADAMS", rank=rank)
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
    # A hearing hears misconduct only where a final written warning was in force (reg 23).
    referral = {"final_written_warning_in_force": True} if forum != "misconduct_meeting" else {}
    steps = [
        (ivy, "record_handling", {"schedule_3": True}),
        (ivy, "start_investigation", {}),
        (aaron, "assess_severity", {"subject": part, "severity": "misconduct"}),
        (ivy, "serve_notice", {"subject": part}),
        (ivy, "record_investigation_report", {}),
        (aaron, "decide_case_to_answer", {"subject": part, "decision": "case_to_answer"}),
        (aaron, "arrange_proceedings", {"subject": part, "forum": forum, **referral}),
        (
            aaron,
            "record_outcome",
            {"subject": part, "outcome": "written_warning", "outcome_date": OUTCOME},
        ),
    ]
    for user, action, params in steps:
        case = workflow.take_action(user, case.pk, action, params, version=case.version)
    return case, part, aaron


def clocks_on(case: Case, day: dt.date) -> dict[str, tuple[dt.date, bool, int | None]]:
    loaded = workflow.load_case(UserFactory(role=Role.APPROPRIATE_AUTHORITY), case.pk)
    return {
        clock.name: (clock.due, clock.overdue, clock.part_id) for clock in clocks_for(loaded, day)
    }


@time_machine.travel(NOW, tick=False)
def test_a_meeting_outcome_opens_the_officer_s_window_to_its_7th_working_day() -> None:
    case, part, aaron = at_proceedings("misconduct_meeting")
    clocks = clocks_on(case, OUTCOME)
    assert clocks["meeting_appeal_window"] == (LAST_DAY, False, part)
    # Not the tribunal's window: a meeting's appeal is internal (reg 45).
    assert "appeal_window" not in clocks
    # The last day itself is still open; the day after, the window is gone, not overdue.
    assert clocks_on(case, LAST_DAY)["meeting_appeal_window"] == (LAST_DAY, False, part)
    assert "meeting_appeal_window" not in clocks_on(case, LAST_DAY + dt.timedelta(days=1))
    # A window for the officer is not the force's duty: no next_due, nothing overdue.
    assert Case.objects.get(pk=case.pk).next_due is None
    queue = workflow.work_queue(aaron, on=dt.date(2026, 4, 14))
    assert queue.overdue == 0
    shown = [item.clock for item in queue.items if item.case_id == case.pk]
    assert [(c.name, c.due, c.overdue) for c in shown] == [
        ("meeting_appeal_window", LAST_DAY, False)
    ]
    assert "reg 45(1), (3)(a)" in shown[0].rule


@time_machine.travel(NOW, tick=False)
def test_a_hearing_outcome_gets_the_tribunal_window_and_not_the_meeting_s() -> None:
    case, part, _ = at_proceedings("gross_misconduct_hearing")
    clocks = clocks_on(case, OUTCOME)
    assert "meeting_appeal_window" not in clocks
    # 10 working days after 2 April 2026, past Good Friday and Easter Monday.
    assert clocks["appeal_window"] == (dt.date(2026, 4, 20), False, part)


@time_machine.travel(NOW, tick=False)
def test_a_senior_officer_has_no_reg_45_window() -> None:
    # Reg 45(1) is for an officer other than a senior officer (above chief superintendent).
    case, part, _ = at_proceedings("misconduct_meeting", rank="chief_officer")
    assert case.allegations.get().subjects.get(pk=part).subject_rank == "chief_officer"
    assert "meeting_appeal_window" not in clocks_on(case, OUTCOME)
