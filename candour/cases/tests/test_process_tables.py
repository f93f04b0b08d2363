"""The statutory tables themselves: forums and their outcomes, actions, rules versions, clocks."""

from __future__ import annotations

import datetime as dt

import pytest

from candour.cases import forums, process
from candour.cases.clocks import add_working_days, is_working_day
from candour.cases.models import Outcome, Proceedings, Stage
from candour.cases.rules import RULES_VERSIONS, rules_version_for
from candour.core.roles import Capability

VERSIONS = [version.code for version in RULES_VERSIONS]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_forum_row_names_a_known_outcome_and_its_regulation(version) -> None:
    for forum in forums.FORUMS[version].values():
        assert forum.source and forum.confirmed in (
            forums.PRIMARY,
            forums.SECONDARY,
            forums.UNCONFIRMED,
        )
        for rule in forum.outcomes:
            assert rule.outcome in Outcome.values
            assert rule.findings <= set(forums.Finding.values)
            assert rule.source, (forum.code, rule.outcome)
            assert not rule.condition or rule.condition in forums.CONDITIONS


@pytest.mark.parametrize("version", ["2020", "2025"])
def test_a_misconduct_meeting_gives_only_written_or_final_written_warnings(version) -> None:
    meeting = forums.forum_rules(version, Proceedings.MISCONDUCT_MEETING)
    assert meeting.outcome_codes(forums.MISC) == ["written_warning", "final_written_warning"]
    refusal = forums.check_outcome(
        version, Proceedings.MISCONDUCT_MEETING, "dismissal_without_notice", finding=forums.MISC
    )
    assert refusal.startswith("A misconduct meeting cannot give dismissal without notice")
    assert "written warning, final written warning" in refusal


def test_management_advice_belongs_to_the_2012_rules_only() -> None:
    assert "management_advice" in forums.FORUMS["2012"]["misconduct_meeting"].outcome_codes()
    assert "management_advice" not in forums.FORUMS["2020"]["misconduct_meeting"].outcome_codes()


def test_a_hearing_finding_misconduct_dismisses_only_with_a_final_warning_or_unconnected_incidents() -> (
    None
):
    hearing = Proceedings.GROSS_MISCONDUCT_HEARING
    refusal = forums.check_outcome("2020", hearing, "dismissal_without_notice", finding=forums.MISC)
    assert "42(5) and (6)" in refusal
    assert (
        forums.check_outcome(
            "2020",
            hearing,
            "dismissal_without_notice",
            finding=forums.MISC,
            final_written_warning_in_force=True,
        )
        is None
    )
    assert (
        forums.check_outcome(
            "2020",
            hearing,
            "reduction_in_rank",
            finding=forums.MISC,
            incidents_not_closely_connected=True,
        )
        is None
    )
    assert (
        forums.check_outcome("2020", hearing, "dismissal_without_notice", finding=forums.GROSS)
        is None
    )
    assert (
        forums.check_outcome("2020", hearing, "written_warning", finding=forums.GROSS) is not None
    )


def test_a_finding_of_neither_goes_to_reflective_practice() -> None:
    hearing = forums.forum_rules("2020", Proceedings.GROSS_MISCONDUCT_HEARING)
    assert "reflective_practice" in hearing.outcome_codes(forums.NEITHER)
    assert "written_warning" not in hearing.outcome_codes(forums.NEITHER)


def test_would_have_been_dismissed_is_for_former_officers() -> None:
    hearing = Proceedings.GROSS_MISCONDUCT_HEARING
    args = ("2020", hearing, "would_have_been_dismissed")
    assert forums.check_outcome(*args, finding=forums.GROSS) is not None
    assert forums.check_outcome(*args, finding=forums.GROSS, former_officer=True) is None


def test_dismissal_with_notice_is_no_outcome_after_2020() -> None:
    refusal = forums.check_outcome(
        "2025", Proceedings.GROSS_MISCONDUCT_HEARING, "dismissal_with_notice", finding=forums.GROSS
    )
    assert "cannot give dismissal with notice" in refusal


@pytest.mark.parametrize(
    ("received", "version"),
    [
        (dt.date(2019, 12, 31), "2012"),
        (dt.date(2020, 1, 31), "2012"),
        (dt.date(2020, 2, 1), "2020"),
        (dt.date(2025, 5, 27), "2020"),
        (dt.date(2025, 5, 28), "2025"),
        (dt.date(2010, 1, 1), "2012"),
    ],
)
def test_a_matter_takes_the_rules_in_force_when_it_was_received(received, version) -> None:
    assert rules_version_for(received).code == version


def test_every_action_names_its_capability_stages_and_source() -> None:
    for action in process.ACTIONS_LIST:
        assert action.capability in Capability.values
        assert action.stages <= set(Stage.values), action.name
        assert action.source, action.name
        names = [param.name for param in action.params]
        assert len(names) == len(set(names)), action.name
        assert ("subject" in names) == action.per_subject, action.name


def test_the_contract_s_action_names_are_all_in_the_table() -> None:
    contract = {
        "record_handling",
        "refer_to_iopc",
        "record_iopc_decision",
        "assess_severity",
        "serve_notice",
        "record_investigation_report",
        "decide_case_to_answer",
        "refer_to_rprp",
        "arrange_proceedings",
        "record_outcome",
        "lodge_appeal",
        "record_appeal_result",
        "request_review",
        "record_review_result",
        "close",
    }
    assert contract <= set(process.ACTIONS)


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert not is_working_day(dt.date(2025, 12, 25))
    assert not is_working_day(dt.date(2025, 12, 27))
    assert add_working_days(dt.date(2025, 12, 24), 1) == dt.date(2025, 12, 29)
    assert add_working_days(dt.date(2026, 3, 2), 10) == dt.date(2026, 3, 16)


def test_every_clock_is_a_row_of_the_time_limits_table_with_how_sure_we_are() -> None:
    from pathlib import Path

    from candour.cases.clocks import CLOCK_RULES, DUTIES

    docs = Path(__file__).resolve().parents[3] / "docs" / "cases.md"
    section = docs.read_text().split("## Time limits")[1].split("\n## ")[0]
    rows = {
        cells[1].strip("` "): cells
        for line in section.splitlines()
        if line.startswith("| `")
        for cells in [line.split("|")]
    }
    assert set(rows) == {rule.name for rule in CLOCK_RULES}
    for rule in CLOCK_RULES:
        kind, source = rows[rule.name][2].strip(), rows[rule.name][5]
        assert kind == ("duty" if rule.name in DUTIES else "window"), rule.name
        assert rule.confirmed in source, (rule.name, rule.confirmed)
