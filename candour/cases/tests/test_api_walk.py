"""One complaint against two officers, walked through the statutory process by the API alone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from candour.core.models import ApiToken
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory, force

pytestmark = pytest.mark.django_db


class Api:
    """A client for one user's token, answering (status, body)."""

    def __init__(self, client: Client, role: str, username: str) -> None:
        self.user = UserFactory(username=username, role=role, forces=["cambridgeshire"])
        _, raw = ApiToken.issue(self.user)
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path: str) -> tuple[int, dict]:
        response = self.client.get(path, **self.auth)
        return response.status_code, response.json()

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        response = self.client.post(path, body, content_type="application/json", **self.auth)
        return response.status_code, response.json()

    def act(self, case: dict, action: str, **params: object) -> dict:
        status, body = self.post(
            f"/api/cases/{case['id']}/actions",
            {"action": action, "version": case["version"], **params},
        )
        assert status == 200, body
        return body


def subject_part(case: dict, person_ref: str) -> dict:
    return next(
        part
        for allegation in case["allegations"]
        for part in allegation["subjects"]
        if part["person_ref"] == person_ref
    )


@pytest.fixture
def officers() -> tuple[str, str]:
    PersonFactory(ref="PC-ADAMS", force=force("cambridgeshire"))
    PersonFactory(ref="PC-BAKER", force=force("cambridgeshire"))
    return "PC-ADAMS", "PC-BAKER"


@time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False)
def test_a_complaint_with_two_subjects_runs_from_intake_to_appeal(client, officers) -> None:
    investigator = Api(client, Role.INVESTIGATOR, "ivy")
    authority = Api(client, Role.APPROPRIATE_AUTHORITY, "aaron")
    adams, baker = officers

    status, case = investigator.post(
        "/api/cases",
        {
            "force": "cambridgeshire",
            "case_type": "complaint",
            "received_date": "2026-02-20",
            "summary": "Stopped and searched without grounds; abusive language.",
            "complainants": [{"name": "Jane Roe", "email": "jane@example.org"}],
        },
    )
    assert status == 201, case
    assert case["stage"] == "received" and case["rules_version"] == "2025"
    assert case["ref"].startswith("CO/2026/")
    assert case["complainants"][0]["name"] == "Jane Roe"

    status, case = investigator.post(
        f"/api/cases/{case['id']}/allegations",
        {
            "category": "sexual_harassment",
            "flags": ["sexual"],
            "subjects": [{"person_ref": adams}, {"person_ref": baker}],
            "version": case["version"],
        },
    )
    assert status == 200, case
    a, b = subject_part(case, adams)["id"], subject_part(case, baker)["id"]

    case = investigator.act(case, "record_handling", schedule_3=True, reason="Serious allegation")
    assert case["stage"] == "assessment"
    case = authority.act(case, "assess_severity", subject=a, severity="gross_misconduct")
    case = authority.act(case, "assess_severity", subject=b, severity="misconduct")
    case = investigator.act(case, "refer_to_iopc", referral="mandatory")
    assert case["stage"] == "referred"
    case = investigator.act(case, "record_iopc_decision", mode="directed")
    assert case["stage"] == "investigation"
    assert subject_part(case, adams)["investigation"] == "directed"
    # The evidence about Baker weakens: reassessed.
    case = authority.act(case, "assess_severity", subject=b, severity="misconduct", reason="CCTV")
    case = investigator.act(case, "serve_notice", subject=a)
    case = investigator.act(case, "serve_notice", subject=b)
    assert {clock["name"] for clock in case["clocks"]} >= {"twelve_month_report", "notice_response"}
    case = investigator.act(case, "record_investigation_report")
    assert case["stage"] == "determination"

    case = authority.act(case, "decide_case_to_answer", subject=a, decision="case_to_answer")
    case = authority.act(
        case, "decide_case_to_answer", subject=b, decision="practice_requiring_improvement"
    )
    case = authority.act(case, "refer_to_rprp", subject=b)
    assert subject_part(case, baker)["outcome"] == "reflective_practice"
    assert subject_part(case, baker)["proceedings"] == "rprp"
    assert subject_part(case, baker)["finding"] == "no_finding"  # reflective practice: no finding

    case = authority.act(
        case,
        "arrange_proceedings",
        subject=a,
        forum="gross_misconduct_hearing",
        hearing_date="2026-04-20",
        panel=[
            {"role": "legally_qualified_chair", "name": "A. Chair"},
            {"role": "senior_officer", "name": "Supt Grey"},
            {"role": "independent_member", "name": "M. Lay"},
        ],
    )
    hearing = subject_part(case, adams)["hearing"]
    assert hearing["public"] is True and len(hearing["panel"]) == 3
    case = authority.act(
        case,
        "record_outcome",
        subject=a,
        outcome="dismissal_without_notice",
        outcome_date="2026-04-20",
    )
    part = subject_part(case, adams)
    assert (part["outcome"], part["outcome_date"], part["proceedings_finding"]) == (
        "dismissal_without_notice",
        "2026-04-20",
        "gross_misconduct",
    )
    assert part["finding"] == "proven"  # interchange §1: what was found, apart from what was done
    assert "lodge_appeal" in case["allowed_actions"]
    case = investigator.act(case, "lodge_appeal", subject=a, lodged_on="2026-04-24")
    assert case["stage"] == "appeal"
    assert "close" not in case["allowed_actions"]
    case = investigator.act(case, "record_appeal_result", subject=a, result="dismissed")
    assert subject_part(case, adams)["appeal_status"] == "dismissed"
    case = authority.act(case, "refer_to_barred_list", subject=a, list_name="barred")
    case = authority.act(case, "close", reason="All outcomes recorded")
    assert case["stage"] == "closed"

    actions = [event["action"] for event in case["timeline"]]
    assert actions[:3] == ["record_matter", "add_allegation", "record_handling"]
    assert actions[-1] == "close"
    assert [event["version"] for event in case["timeline"]] == sorted(
        event["version"] for event in case["timeline"]
    )
    assert {event["by"] for event in case["timeline"]} == {"ivy", "aaron"}


@pytest.fixture
def at_a_misconduct_meeting(client, officers) -> tuple[Api, dict, int]:
    investigator = Api(client, Role.INVESTIGATOR, "ivy")
    authority = Api(client, Role.APPROPRIATE_AUTHORITY, "aaron")
    _, case = investigator.post(
        "/api/cases",
        {"force": "cambridgeshire", "case_type": "conduct_matter", "received_date": "2025-09-01"},
    )
    _, case = investigator.post(
        f"/api/cases/{case['id']}/allegations",
        {"category": "sexual_harassment", "subjects": [{"person_ref": officers[0]}], "version": 1},
    )
    part = case["allegations"][0]["subjects"][0]["id"]
    case = investigator.act(case, "record_handling", schedule_3=True)
    case = investigator.act(case, "start_investigation")
    case = authority.act(case, "assess_severity", subject=part, severity="misconduct")
    case = investigator.act(case, "serve_notice", subject=part)
    case = investigator.act(case, "record_investigation_report")
    case = authority.act(case, "decide_case_to_answer", subject=part, decision="case_to_answer")
    case = authority.act(case, "arrange_proceedings", subject=part, forum="misconduct_meeting")
    return authority, case, part


def test_a_misconduct_meeting_cannot_dismiss(at_a_misconduct_meeting) -> None:
    authority, case, part = at_a_misconduct_meeting
    status, body = authority.post(
        f"/api/cases/{case['id']}/actions",
        {
            "action": "record_outcome",
            "version": case["version"],
            "subject": part,
            "outcome": "dismissal_without_notice",
        },
    )
    assert status == 422
    assert "misconduct meeting" in body["detail"]
    assert "written warning, final written warning" in body["detail"]
    assert body["errors"][0]["field"] == "outcome"
    status, unchanged = authority.get(f"/api/cases/{case['id']}")
    assert unchanged["version"] == case["version"]
    assert unchanged["allegations"][0]["subjects"][0]["outcome"] == ""


def test_a_stale_version_is_refused_with_what_changed(at_a_misconduct_meeting) -> None:
    authority, case, part = at_a_misconduct_meeting
    authority.act(case, "record_outcome", subject=part, outcome="written_warning")
    status, body = authority.post(
        f"/api/cases/{case['id']}/actions",
        {
            "action": "record_outcome",
            "version": case["version"],
            "subject": part,
            "outcome": "final_written_warning",
        },
    )
    assert status == 409
    assert body["version"] == case["version"] + 1
    assert body["changes"] == [body["changes"][0]]
    assert "aaron took record_outcome" in body["changes"][0]
    assert "PC-ADAMS" in body["detail"]


def test_an_action_the_stage_does_not_allow_names_what_is(client, officers) -> None:
    investigator = Api(client, Role.INVESTIGATOR, "ivy")
    _, case = investigator.post(
        "/api/cases",
        {"force": "cambridgeshire", "case_type": "complaint", "received_date": "2025-09-01"},
    )
    status, body = investigator.post(
        f"/api/cases/{case['id']}/actions",
        {"action": "record_investigation_report", "version": case["version"]},
    )
    assert status == 422
    assert "received" in body["detail"] and "record_handling" in body["detail"]


def test_the_twelve_month_clock_appears_and_goes_overdue(client, officers) -> None:
    investigator = Api(client, Role.INVESTIGATOR, "ivy")
    with time_machine.travel(dt.datetime(2025, 9, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        _, case = investigator.post(
            "/api/cases",
            {
                "force": "cambridgeshire",
                "case_type": "conduct_matter",
                "received_date": "2025-09-01",
            },
        )
        _, case = investigator.post(
            f"/api/cases/{case['id']}/allegations",
            {"category": "sexual_harassment", "subjects": [{}], "version": case["version"]},
        )
        case = investigator.act(case, "record_handling", schedule_3=True)
        case = investigator.act(case, "start_investigation")
        clock = next(c for c in case["clocks"] if c["name"] == "twelve_month_report")
        assert clock == clock | {"due": "2026-09-01", "overdue": False}
        assert "regulation" in clock["rule"] or "reg 19" in clock["rule"]
    with time_machine.travel(dt.datetime(2026, 9, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        _, case = investigator.get(f"/api/cases/{case['id']}")
        clock = case["clocks"][0]
        assert (clock["name"], clock["overdue"]) == ("twelve_month_report", True)
        case = investigator.act(case, "record_progress_report")
        clock = next(c for c in case["clocks"] if c["name"] == "twelve_month_report")
        assert (clock["due"], clock["overdue"]) == ("2027-03-01", False)


def test_the_officer_s_15_working_days_to_answer_the_referral(at_a_misconduct_meeting) -> None:
    # Conduct Regs reg 31(1): 15 working days from the first working day after the documents
    # are supplied (reg 30). Supplied on Thursday 2 April 2026: Good Friday and Easter Monday
    # are bank holidays, so the first working day after is Tuesday 7 April and the 15th is
    # Monday 27 April.
    authority, case, part = at_a_misconduct_meeting
    case = authority.act(
        case, "record_hearing_details", subject=part, referral_notice_on="2026-04-02"
    )
    clocks = {clock["name"]: clock for clock in case["clocks"]}
    assert "referral_response" not in clocks  # past already: a window, shown while open
    status, body = authority.post(
        f"/api/cases/{case['id']}/actions",
        {
            "action": "record_hearing_details",
            "version": case["version"],
            "subject": part,
            "referral_notice_on": "2099-04-03",
            "officer_response_on": "2099-04-01",
        },
    )
    assert status == 422
    assert body["errors"][0]["field"] == "officer_response_on"
    from candour.cases import clocks as rules
    from candour.cases.models import Hearing

    assert rules.add_working_days(dt.date(2026, 4, 2), 15) == dt.date(2026, 4, 27)
    hearing = Hearing.objects.get(part_id=part)
    due = [
        clock
        for clock in rules.clocks_for(hearing.part.allegation.case, dt.date(2026, 4, 20))
        if clock.name == "referral_response"
    ]
    assert [(clock.due, clock.overdue) for clock in due] == [(dt.date(2026, 4, 27), False)]
    case = authority.act(
        case, "record_hearing_details", subject=part, officer_response_on="2026-04-20"
    )
    assert Hearing.objects.get(part_id=part).officer_response_on == dt.date(2026, 4, 20)
    assert not [
        clock
        for clock in rules.clocks_for(hearing.part.allegation.case, dt.date(2026, 4, 20))
        if clock.name == "referral_response"
    ]
