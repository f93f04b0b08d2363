"""The cases API (docs/api.md): read matters, record them, and take the statutory process's steps.

Every handler calls candour/cases/workflow.py; none holds a rule, and none answers an error
itself. Each route names its capability (``auth=requires(...)``); the workflow's refusals are
answered in candour/core/api.py as one envelope, ``{"detail": sentence, "errors": [{"field",
"message"}]}``: 401 no or bad token, 403 the role lacks the capability, 404 no such case or one
outside the caller's scope (indistinguishable), 409 a stale ``version`` (the body says who changed
what), 422 bad input or a step the stage or forum does not allow. Every call is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from candour.cases import process, workflow
from candour.cases.clocks import clocks_for
from candour.cases.models import SUBJECT_PART_CODES, Case, CaseType, Stage
from candour.core.apischema import ErrorOut, requires
from candour.core.models import User
from candour.core.roles import Capability

router = Router(tags=["cases"])

# docs/api.md: a list answers at most MAX_LIMIT items a call; an offset past MAX_OFFSET is refused
# before it reaches the database (where 2**63 overflows the OFFSET of both engines).
MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_OFFSET = 10_000_000


class StaleOut(ErrorOut):
    version: int = Field(description="The case's current version.")
    changes: list[str] = Field(description="Each change since the version sent: who, what, when.")


class SubjectOut(Schema):
    id: int = Field(description="This subject's part in the allegation: the id actions name.")
    person_ref: str | None
    subject_role: str
    subject_sex: str
    subject_rank: str
    iopc_referral: str
    investigation: str
    severity: str
    proceedings: str
    outcome: str
    outcome_date: date | None
    finding: str = Field(
        description="What was found on the allegation (interchange §1: proven, not_proven, "
        "unfounded, exonerated, no_finding); empty while open or not known."
    )
    determination: str
    proceedings_finding: str = Field(
        description="What the proceedings found (gross_misconduct, misconduct, neither, "
        "not_proven): record_outcome's finding."
    )
    notice_served_on: date | None
    appeal_status: str
    list_referral: str
    hearing: dict[str, Any] | None


class AllegationOut(Schema):
    id: int
    ref: str
    category: str
    flags: list[str]
    subjects: list[SubjectOut]


class ClockOut(Schema):
    name: str
    label: str
    due: date
    overdue: bool
    rule: str = Field(description="The regulation the time limit comes from.")
    subject: int | None = Field(description="The subject part it runs for, if one.")


class EventOut(Schema):
    at: str
    by: str
    action: str
    reason: str
    subject: int | None
    version: int
    detail: dict[str, Any]


class ComplainantOut(Schema):
    name: str
    address: str
    email: str
    phone: str
    on_behalf_of: str


class CaseSummaryOut(Schema):
    id: int
    ref: str
    case_ref: str = Field(description="The same as ref (the interchange §1 name).")
    force: str
    case_type: str
    received_date: date
    stage: str
    rules_version: str
    version: int


class CaseOut(CaseSummaryOut):
    summary: str
    incident_date: date | None
    location: str
    assigned_to: str | None = Field(description="Whose work queue the matter is in.")
    next_due: date | None = Field(description="The nearest due date of the force's duties.")
    allegations: list[AllegationOut]
    allowed_actions: list[str]
    clocks: list[ClockOut]
    timeline: list[EventOut]
    complainants: list[ComplainantOut] | None = Field(
        description="Only for roles entitled to complainants' details; null for others."
    )


class CasePage(Schema):
    items: list[CaseSummaryOut]
    count: int


class ComplainantIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    address: str = Field("", max_length=2000)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    on_behalf_of: str = Field("", max_length=200)


class CaseIn(Schema):
    force: str = Field(max_length=40)
    case_type: Literal["complaint", "conduct_matter", "dsi_matter"]
    received_date: date
    summary: str = Field("", max_length=20000)
    incident_date: date | None = None
    location: str = Field("", max_length=200)
    ref: str | None = Field(None, min_length=1, max_length=64)
    complainants: list[ComplainantIn] = Field(default_factory=list, max_length=50)


class SubjectIn(Schema):
    person_ref: str | None = Field(None, max_length=64)


class AllegationIn(Schema):
    category: str = Field(max_length=60)
    flags: list[str] = Field(default_factory=list, max_length=20)
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=50)
    version: int


class PanelSeatIn(Schema):
    role: str = Field(max_length=40)
    name: str = Field(max_length=200)


ActionName = Literal[tuple(process.ACTIONS)]  # type: ignore[valid-type]


class ActionIn(Schema):
    """One step. ``action`` and ``version`` always; the other fields as the action takes them
    (docs/api.md lists each action's parameters)."""

    model_config = ConfigDict(extra="forbid")

    action: ActionName  # type: ignore[valid-type]
    version: int
    reason: str | None = Field(None, max_length=5000)
    subject: int | None = None
    schedule_3: bool | None = None
    referral: str | None = None
    mode: str | None = None
    severity: str | None = None
    decision: str | None = None
    forum: str | None = None
    outcome: str | None = None
    outcome_date: date | None = None
    finding: str | None = None
    final_written_warning_in_force: bool | None = None
    incidents_not_closely_connected: bool | None = None
    former_officer: bool | None = None
    special_conditions_certified: bool | None = None
    hearing_date: date | None = None
    referral_notice_on: date | None = None
    officer_response_on: date | None = None
    panel: list[PanelSeatIn] | None = None
    public: bool | None = None
    anonymised: bool | None = None
    restrictions: str | None = Field(None, max_length=5000)
    served_on: date | None = None
    sent_on: date | None = None
    report_date: date | None = None
    informed_on: date | None = None
    received_on: date | None = None
    lodged_on: date | None = None
    result: str | None = None
    body: str | None = None
    list_name: str | None = None


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def case_out(case: Case, user: User) -> dict[str, Any]:
    """The case shape of docs/api.md, for ``user`` (allowed actions and complainants are theirs)."""
    allegations = []
    for allegation in case.allegations.all():
        subjects = []
        for part in allegation.subjects.all():
            hearing = getattr(part, "hearing", None)
            subjects.append(
                {
                    "id": part.pk,
                    "person_ref": part.subject.ref if part.subject is not None else None,
                    **{
                        name: getattr(part, name)
                        for name in (
                            *SUBJECT_PART_CODES,
                            "outcome_date",
                            "determination",
                            "proceedings_finding",
                            "notice_served_on",
                            "appeal_status",
                            "list_referral",
                        )
                    },
                    "hearing": None
                    if hearing is None
                    else {
                        "forum": hearing.forum,
                        "hearing_date": hearing.hearing_date,
                        "panel": hearing.panel,
                        "public": hearing.public,
                        "anonymised": hearing.anonymised,
                        "restrictions": hearing.restrictions,
                        "referral_notice_on": hearing.referral_notice_on,
                        "officer_response_on": hearing.officer_response_on,
                        "notice_published_on": hearing.notice_published_on,
                    },
                }
            )
        allegations.append(
            {
                "id": allegation.pk,
                "ref": allegation.ref,
                "category": allegation.category_id,
                "flags": sorted(flag.code for flag in allegation.flags.all()),
                "subjects": subjects,
            }
        )
    complainants = (
        [
            {
                "name": c.name,
                "address": c.address,
                "email": c.email,
                "phone": c.phone,
                "on_behalf_of": c.on_behalf_of,
            }
            for c in workflow.complainants_of(user, case)
        ]
        if workflow.may_see_complainants(user, case)
        else None
    )
    return {
        **_summary(case),
        "summary": case.summary,
        "incident_date": case.incident_date,
        "location": case.location,
        "assigned_to": case.assigned_to.get_username() if case.assigned_to is not None else None,
        "next_due": case.next_due,
        "allegations": allegations,
        "allowed_actions": process.allowed_actions(case, user),
        "clocks": [
            {
                "name": clock.name,
                "label": clock.label,
                "due": clock.due,
                "overdue": clock.overdue,
                "rule": clock.rule,
                "subject": clock.part_id,
            }
            for clock in clocks_for(case)
        ],
        "timeline": [
            {
                "at": event.at.isoformat(),
                "by": event.by_name,
                "action": event.action,
                "reason": event.reason,
                "subject": event.part_id,
                "version": event.version,
                "detail": event.detail,
            }
            for event in case.events.all()
        ],
        "complainants": complainants,
    }


def _summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "ref": case.ref,
        "case_ref": case.ref,
        "force": case.force_id,
        "case_type": case.case_type,
        "received_date": case.received_date,
        "stage": case.stage,
        "rules_version": case.rules,
        "version": case.version,
    }


@router.get(
    "",
    auth=requires(Capability.VIEW_CASES),
    response={200: CasePage, **ERRORS},
    summary="Cases the caller may read",
    description=f"Paginated with limit (1 to {MAX_LIMIT}, default {DEFAULT_LIMIT}) and offset "
    f"(0 to {MAX_OFFSET}); a value outside those is a 422. "
    "Filters: force, case_type, stage, subject (a person_ref), received_from, received_to, "
    "category, flag, overdue (a duty of the force is past its due date).",
)
def list_cases(
    request: HttpRequest,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    force: str | None = Query(None, max_length=40),
    case_type: CaseType | None = None,
    stage: Stage | None = None,
    subject: str | None = Query(None, max_length=64),
    received_from: date | None = None,
    received_to: date | None = None,
    category: str | None = Query(None, max_length=60),
    flag: str | None = Query(None, max_length=24),
    overdue: bool | None = None,
) -> Any:
    cases = workflow.find_cases(
        _user(request),
        force=force,
        case_type=case_type,
        stage=stage,
        subject=subject,
        received_from=received_from,
        received_to=received_to,
        category=category,
        flag=flag,
        overdue=overdue,
        channel="api",
    )
    return Status(
        200,
        {
            "items": [_summary(case) for case in cases[offset : offset + limit]],
            "count": cases.count(),
        },
    )


@router.post(
    "",
    auth=requires(Capability.EDIT_CASES),
    response={201: CaseOut, **ERRORS},
    summary="Record a new matter (complaint, conduct matter or DSI matter)",
)
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    user = _user(request)
    case = workflow.record_matter(
        user,
        force=payload.force,
        case_type=payload.case_type,
        received_date=payload.received_date,
        summary=payload.summary,
        ref=payload.ref,
        incident_date=payload.incident_date,
        location=payload.location,
        complainants=[workflow.ComplainantDetails(**c.dict()) for c in payload.complainants],
        channel="api",
    )
    return Status(
        201, case_out(workflow.load_case(user, case.pk, channel="api", audited=False), user)
    )


@router.get(
    "/{case_id}",
    auth=requires(Capability.VIEW_CASES),
    response={200: CaseOut, **ERRORS},
    summary="One case",
)
def get_case(request: HttpRequest, case_id: int) -> Any:
    user = _user(request)
    return Status(200, case_out(workflow.load_case(user, case_id, channel="api"), user))


@router.post(
    "/{case_id}/allegations",
    auth=requires(Capability.EDIT_CASES),
    response={200: CaseOut, 409: StaleOut, **ERRORS},
    summary="Add an allegation with its subjects",
)
def add_allegation(request: HttpRequest, case_id: int, payload: AllegationIn) -> Any:
    user = _user(request)
    case = workflow.add_allegation(
        user,
        case_id,
        version=payload.version,
        category=payload.category,
        flags=payload.flags,
        subjects=[s.dict() for s in payload.subjects],
        channel="api",
    )
    return Status(200, case_out(case, user))


# Every action needs EDIT_CASES or more (DECIDE_OUTCOMES, held only by roles that also edit): the
# route asks for EDIT_CASES and workflow.take_action for the action's own capability.
@router.post(
    "/{case_id}/actions",
    auth=requires(Capability.EDIT_CASES),
    response={200: CaseOut, 409: StaleOut, **ERRORS},
    summary="Take one step of the statutory process",
    description="The actions, their parameters and the regulations they come from are listed "
    "in docs/api.md and docs/cases.md. A step the stage or the forum does not allow is a 422 whose "
    "detail says why and what is allowed; a stale version is a 409 naming each change since; an "
    "action the role may not take is a 403 naming the capability it needs.",
)
def take_action(request: HttpRequest, case_id: int, payload: ActionIn) -> Any:
    user = _user(request)
    params = payload.dict(exclude_none=True)
    action = params.pop("action")
    version = params.pop("version")
    if "panel" in params:
        params["panel"] = [dict(seat) for seat in params["panel"]]
    case = workflow.take_action(user, case_id, action, params, version=version, channel="api")
    return Status(200, case_out(case, user))
