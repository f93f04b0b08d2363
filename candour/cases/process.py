"""The statutory process as data: the stages, the actions, who may take each, its guards, its effects.

One table (``ACTIONS``) read by the pages, the API and the tests alike. An action names:
* ``stages``: the stages of the matter in which it may be taken;
* ``capability``: who may take it (candour/core/roles.py);
* ``params``: what it takes (each with its choices), ``per_subject`` when it names a subject's part;
* guards: ``case_guard(case)`` and ``subject_guard(case, part)`` return None or the sentence saying
  why not now; ``check(case, part, values)`` returns field errors for the values given;
* ``effect(case, part, values, ctx)``: what it changes (called by candour/cases/workflow.py
  inside the transaction that also writes the timeline, the audit entry and the version);
* ``source``: the regulation it comes from (see docs/cases.md for what was read and how sure).

Statutes: Police Reform Act 2002 Schedule 3 ("Sch 3"); Police (Complaints and Misconduct)
Regulations 2020, SI 2020/2 ("C&M Regs"); Police (Conduct) Regulations 2020, SI 2020/4
("Conduct Regs"); Police Appeals Tribunals Rules 2020, SI 2020/1 ("PAT Rules").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from candour.cases import forums, services
from candour.cases.clocks import appeal_window_end, review_window_end, twelve_month_due
from candour.cases.models import (
    AllegationSubject,
    AppealStatus,
    Case,
    CaseType,
    Determination,
    Hearing,
    Investigation,
    IopcReferral,
    ListReferral,
    Outcome,
    Proceedings,
    ProgressReport,
    Severity,
    Stage,
)
from candour.core.models import User
from candour.core.roles import Capability

Errors = list[tuple[str, str]]


class ParamError(ValueError):
    """A value that cannot be read; its message is the sentence shown beside the field."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "choice", "bool", "date", "text", "subject", "panel"
    label: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()

    def clean(self, raw: Any) -> Any:
        if raw is None or raw == "":
            if self.required:
                raise ParamError(f"Give {self.label.lower()}.")
            return None
        if self.kind == "choice":
            codes = [code for code, _ in self.choices]
            if raw not in codes:
                raise ParamError(f"'{raw}' is not one of: {', '.join(codes)}.")
            return raw
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw
            if str(raw).lower() in ("true", "1", "yes", "on"):
                return True
            if str(raw).lower() in ("false", "0", "no", "off"):
                return False
            raise ParamError(f"'{raw}' is not true or false.")
        if self.kind == "date":
            if isinstance(raw, date):
                return raw
            try:
                return date.fromisoformat(str(raw))
            except ValueError:
                raise ParamError(f"'{raw}' is not a date in the form YYYY-MM-DD.") from None
        if self.kind == "subject":
            try:
                return int(raw)
            except (TypeError, ValueError):
                raise ParamError(f"'{raw}' is not a subject id (subjects[].id).") from None
        if self.kind == "panel":
            return _clean_panel(raw)
        text = str(raw)
        if len(text) > 5000:
            raise ParamError("Keep this under 5,000 characters.")
        return text


def _clean_panel(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise ParamError('Give the panel as a list of {"role": ..., "name": ...}.')
    seats = []
    for seat in raw:
        if not isinstance(seat, dict) or not seat.get("role") or not seat.get("name"):
            raise ParamError('Each panel member needs a "role" and a "name".')
        seats.append({"role": str(seat["role"]), "name": str(seat["name"])[:200]})
    return seats


@dataclass(frozen=True)
class Context:
    """Who takes the step, through which channel, and today's date."""

    by: User
    channel: str
    today: date


def set_subject(ctx: Context, part: AllegationSubject, **fields: str) -> None:
    """Write interchange §1 fields of a subject's part through the case services (the one path
    for every change to the records the statistics count)."""
    services.update_subject(part, by=ctx.by, channel=ctx.channel, version=None, **fields)


def set_outcome(ctx: Context, part: AllegationSubject, outcome: str, on: date) -> None:
    """Record the outcome with the finding it carries (``forums.allegation_finding``: from the
    outcome and what the proceedings found, if any)."""
    finding = forums.allegation_finding(outcome, part.proceedings_finding, part.finding)
    try:
        services.record_outcome(part, outcome, on, by=ctx.by, channel=ctx.channel, finding=finding)
    except services.CaseChangeRefused as refused:
        raise ParamError(str(refused)) from None


Guard = Callable[[Case], "str | None"]
SubjectGuard = Callable[[Case, AllegationSubject], "str | None"]
Check = Callable[[Case, "AllegationSubject | None", dict[str, Any]], Errors]
Effect = Callable[[Case, "AllegationSubject | None", dict[str, Any], "Context"], dict[str, Any]]


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    capability: str
    stages: frozenset[str]
    source: str
    effect: Effect
    per_subject: bool = False
    params: tuple[Param, ...] = ()
    case_types: frozenset[str] = frozenset(CaseType.values)
    case_guard: Guard | None = None
    subject_guard: SubjectGuard | None = None
    check: Check | None = None
    reason_required: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _choices(enum: Any, only: Iterable[str] | None = None) -> tuple[tuple[str, str], ...]:
    wanted = set(only) if only is not None else None
    return tuple(
        (str(code), str(label)) for code, label in enum.choices if wanted is None or code in wanted
    )


SUBJECT = Param("subject", "subject", "Subject", required=True)
REFERRAL_NOTICE = Param(
    "referral_notice_on",
    "date",
    "Date the notice of referral and documents were supplied (reg 30; reg 51(1) for an "
    "accelerated hearing)",
)
REASON = Param("reason", "text", "Reason")


def parts_of(case: Case) -> list[AllegationSubject]:
    """The subjects' parts of a case (prefetched by workflow.load_case when it can be)."""
    return case.parts()


def _who(part: AllegationSubject) -> str:
    subject = part.subject.ref if part.subject is not None else "the unidentified subject"
    return f"{subject} in allegation {part.allegation.ref}"


def _open(case: Case, part: AllegationSubject) -> str | None:
    if part.outcome:
        return f"{_who(part)} already has an outcome ({part.get_outcome_display().lower()})."
    return None


# ---- record_handling --------------------------------------------------------------------------


def _check_handling(case: Case, part: AllegationSubject | None, v: dict[str, Any]) -> Errors:
    if v.get("schedule_3") is None:
        return [("schedule_3", "Say true (handle within Schedule 3) or false (outside it).")]
    if v["schedule_3"] is False and case.case_type != CaseType.COMPLAINT:
        return [
            (
                "schedule_3",
                "Only a complaint can be handled outside Schedule 3; a conduct or DSI matter is "
                "always recorded and handled under it (Police Reform Act 2002 Sch 3 paras 2, 10, 14A).",
            )
        ]
    if v["schedule_3"] is False and case.stage == Stage.OUTSIDE_SCHEDULE_3:
        return [("schedule_3", "The matter is already handled outside Schedule 3.")]
    return []


def _effect_handling(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    case.schedule_3 = v["schedule_3"]
    case.stage = Stage.ASSESSMENT if v["schedule_3"] else Stage.OUTSIDE_SCHEDULE_3
    return {"schedule_3": v["schedule_3"]}


# ---- IOPC --------------------------------------------------------------------------------------


def _check_referral(case: Case, part: Any, v: dict[str, Any]) -> Errors:
    if case.case_type == CaseType.DSI_MATTER and v.get("referral") == IopcReferral.VOLUNTARY:
        return [
            (
                "referral",
                "A DSI matter must be referred to the IOPC: the referral is mandatory "
                "(Police Reform Act 2002 Sch 3 para 14C; C&M Regs reg 9).",
            )
        ]
    return []


def _effect_referral(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    for each in parts_of(case):
        set_subject(ctx, each, iopc_referral=v["referral"])
    case.stage = Stage.REFERRED
    return {"referral": v["referral"]}


MODES = (
    ("local", "Local investigation by the force"),
    ("directed", "Directed investigation (by the force, under IOPC direction)"),
    ("independent", "Independent investigation by the IOPC"),
    ("returned", "Returned to the force to handle"),
)


def _effect_iopc_decision(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    mode = v["mode"]
    if mode == "returned":
        case.stage = Stage.ASSESSMENT
    else:
        for each in parts_of(case):
            set_subject(ctx, each, investigation=mode)
        case.stage = Stage.INVESTIGATION
    return {"mode": mode}


def _dsi_referred_first(case: Case) -> str | None:
    if case.case_type == CaseType.DSI_MATTER and not any(
        part.iopc_referral for part in parts_of(case)
    ):
        return (
            "A DSI matter must first be referred to the IOPC, which decides how it is "
            "investigated (Police Reform Act 2002 Sch 3 para 14C)."
        )
    return None


def _effect_start_investigation(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict:
    for each in parts_of(case):
        if not each.investigation or each.investigation == Investigation.NONE:
            set_subject(ctx, each, investigation=Investigation.LOCAL)
    case.stage = Stage.INVESTIGATION
    return {}


# ---- severity and notices ----------------------------------------------------------------------


def _effect_severity(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    before = part.severity
    set_subject(ctx, part, severity=v["severity"])
    return {"severity": v["severity"], "was": before}


def _notice_guard(case: Case, part: AllegationSubject) -> str | None:
    if part.subject_id is None:
        return f"{_who(part)} is not identified yet: link the person before serving a notice."
    if part.severity not in (Severity.MISCONDUCT, Severity.GROSS_MISCONDUCT):
        return (
            f"Assess the severity for {_who(part)} as misconduct or gross misconduct before "
            "serving the regulation 17 notice (Conduct Regs regs 14, 17)."
        )
    return _open(case, part)


def _effect_notice(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    part.notice_served_on = v.get("served_on") or ctx.today
    part.save(update_fields=["notice_served_on"])
    return {"served_on": part.notice_served_on}


def _report_guard(case: Case) -> str | None:
    missing = [
        _who(part)
        for part in parts_of(case)
        if part.subject_id is not None
        and part.severity in (Severity.MISCONDUCT, Severity.GROSS_MISCONDUCT)
        and part.notice_served_on is None
        and not part.outcome
    ]
    if missing:
        return (
            "Serve the regulation 17 notice first on "
            + "; ".join(missing)
            + " (Conduct Regs reg 17 comes before the report under reg 21)."
        )
    return None


def _effect_report(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    case.stage = Stage.DETERMINATION
    return {"report_date": v.get("report_date") or ctx.today}


def _progress_guard(case: Case) -> str | None:
    today = _today()
    due = twelve_month_due(case)
    if due is None or due > today:
        return (
            "No report is owed yet: the first falls due when the investigation passes 12 months "
            f"(on {due}), then every 6 months (Conduct Regs reg 19; C&M Regs reg 13)."
            if due is not None
            else "No investigation is running."
        )
    return None


def _effect_progress(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    due = twelve_month_due(case)
    assert due is not None
    ProgressReport.objects.create(case=case, period_end=due, sent_on=v.get("sent_on") or ctx.today)
    return {"period_end": due}


# ---- determination -----------------------------------------------------------------------------


def _check_determination(case: Case, part: Any, v: dict[str, Any]) -> Errors:
    if v.get("decision") == Determination.CASE_TO_ANSWER and part.severity not in (
        Severity.MISCONDUCT,
        Severity.GROSS_MISCONDUCT,
    ):
        return [
            (
                "decision",
                f"A case to answer needs a severity of misconduct or gross misconduct; {_who(part)} "
                "is assessed as "
                f"{part.get_severity_display().lower() if part.severity else 'not yet assessed'}.",
            )
        ]
    return []


def _effect_determination(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict:
    part.determination = v["decision"]
    part.save(update_fields=["determination"])
    if v["decision"] == Determination.NO_CASE_TO_ANSWER:
        set_subject(ctx, part, proceedings=Proceedings.NONE)
        set_outcome(ctx, part, Outcome.NO_CASE_TO_ANSWER, ctx.today)
    return {"decision": v["decision"]}


def _rprp_guard(case: Case, part: AllegationSubject) -> str | None:
    if part.determination != Determination.PRACTICE_REQUIRING_IMPROVEMENT and (
        part.severity != Severity.NONE
    ):
        return (
            f"{_who(part)} goes to reflective practice only after a determination of practice "
            "requiring improvement or a severity assessment of no misconduct (Conduct Regs "
            "regs 14, 23, Part 6); an outcome of proceedings sends it there through record_outcome."
        )
    return _open(case, part)


def _effect_rprp(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    set_subject(ctx, part, proceedings=Proceedings.RPRP)
    set_outcome(ctx, part, Outcome.REFLECTIVE_PRACTICE, v.get("outcome_date") or ctx.today)
    return {"outcome_date": part.outcome_date}


def _effect_management_action(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict:
    set_subject(ctx, part, proceedings=Proceedings.MANAGEMENT_ACTION)
    set_outcome(ctx, part, Outcome.MANAGEMENT_ACTION, v.get("outcome_date") or ctx.today)
    return {"outcome_date": part.outcome_date}


# ---- proceedings -------------------------------------------------------------------------------


def _proceedings_guard(case: Case, part: AllegationSubject) -> str | None:
    if part.determination != Determination.CASE_TO_ANSWER:
        return f"Decide that {_who(part)} has a case to answer before arranging proceedings."
    if hasattr(part, "hearing"):
        return f"Proceedings are already arranged for {_who(part)}."
    return _open(case, part)


def _check_proceedings(case: Case, part: Any, v: dict[str, Any]) -> Errors:
    forum_code = v.get("forum")
    forum = forums.forum_rules(case.rules, forum_code or "")
    if forum is None:
        return [("forum", f"No forum '{forum_code}' under the {case.rules} rules.")]
    errors: Errors = []
    severity = part.severity
    if forum_code == Proceedings.MISCONDUCT_MEETING and severity != Severity.MISCONDUCT:
        errors.append(
            (
                "forum",
                "A misconduct meeting hears misconduct only; gross misconduct goes to a misconduct "
                "hearing (Conduct Regs reg 23).",
            )
        )
    if (
        forum_code == Proceedings.GROSS_MISCONDUCT_HEARING
        and severity != Severity.GROSS_MISCONDUCT
        and not v.get("final_written_warning_in_force")
    ):
        errors.append(
            (
                "forum",
                "A misconduct hearing hears gross misconduct, or misconduct where a final written "
                "warning was in force (Conduct Regs reg 23); say final_written_warning_in_force.",
            )
        )
    if forum_code == Proceedings.ACCELERATED_HEARING:
        if severity != Severity.GROSS_MISCONDUCT:
            errors.append(("forum", "An accelerated hearing hears gross misconduct only."))
        if not v.get("special_conditions_certified"):
            errors.append(
                (
                    "special_conditions_certified",
                    "An accelerated hearing needs the special conditions certified: evidence that "
                    "is incontrovertible (Conduct Regs reg 49).",
                )
            )
    errors += check_panel(forum, v.get("panel") or [])
    hearing_date = v.get("hearing_date")
    if hearing_date is not None and hearing_date < case.received_date:
        errors.append(("hearing_date", "The hearing cannot be before the matter was received."))
    return errors + _check_referral_dates(case, None, v)


def _check_referral_dates(case: Case, hearing: Hearing | None, v: dict[str, Any]) -> Errors:
    """The notice of referral (reg 30) and the officer's answer to it (reg 31), as recorded."""
    errors: Errors = []
    notice = v.get("referral_notice_on") or (hearing.referral_notice_on if hearing else None)
    response = v.get("officer_response_on")
    if notice is not None and notice < case.received_date:
        errors.append(
            (
                "referral_notice_on",
                "The notice of referral cannot be before the matter was received.",
            )
        )
    if response is not None and notice is None:
        errors.append(
            (
                "officer_response_on",
                "Record when the notice of referral was supplied (referral_notice_on) first.",
            )
        )
    elif response is not None and notice is not None and response < notice:
        errors.append(
            ("officer_response_on", "The officer's answer cannot be before the notice of referral.")
        )
    return errors


def check_panel(forum: forums.Forum, panel: list[dict[str, str]]) -> Errors:
    roles = {seat.role for seat in forum.panel}
    wrong = sorted({seat["role"] for seat in panel} - roles)
    if wrong:
        return [
            (
                "panel",
                f"A {forum.label.lower()} has no seat '{', '.join(wrong)}'; its seats are: "
                + ", ".join(f"{s.role} ({s.label.lower()})" for s in forum.panel)
                + ".",
            )
        ]
    return []


def _effect_proceedings(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict:
    forum = forums.forum_rules(case.rules, v["forum"])
    assert forum is not None
    public = forum.public_by_default if v.get("public") is None else v["public"]
    # A public hearing with a date is on the force's public pages from now on
    # (workflow.public_hearing_notices): its notice (reg 36) is published today.
    published = ctx.today if public and v.get("hearing_date") is not None else None
    Hearing.objects.create(
        part=part,
        forum=v["forum"],
        hearing_date=v.get("hearing_date"),
        panel=v.get("panel") or [],
        public=public,
        anonymised=bool(v.get("anonymised")),
        restrictions=v.get("restrictions") or "",
        referral_notice_on=v.get("referral_notice_on"),
        notice_published_on=published,
    )
    set_subject(ctx, part, proceedings=v["forum"])
    case.stage = Stage.PROCEEDINGS
    return {
        "forum": v["forum"],
        "hearing_date": v.get("hearing_date"),
        "referral_notice_on": v.get("referral_notice_on"),
        "public": public,
        "notice_published_on": published,
    }


def _hearing_details_guard(case: Case, part: AllegationSubject) -> str | None:
    if not hasattr(part, "hearing"):
        return f"No proceedings are arranged for {_who(part)}."
    return _open(case, part)


def _check_hearing_details(case: Case, part: Any, v: dict[str, Any]) -> Errors:
    forum = forums.forum_rules(case.rules, part.hearing.forum)
    errors = check_panel(forum, v.get("panel") or []) if forum is not None else []
    return errors + _check_referral_dates(case, part.hearing, v)


def _effect_hearing_details(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict:
    hearing = part.hearing
    was = (hearing.public, hearing.hearing_date)
    changed = {}
    for name in (
        "hearing_date",
        "panel",
        "public",
        "anonymised",
        "restrictions",
        "referral_notice_on",
        "officer_response_on",
    ):
        if v.get(name) is not None:
            setattr(hearing, name, v[name])
            changed[name] = v[name]
    # The public pages show a public hearing with its date (workflow.public_hearing_notices): made
    # public with a date, or given a new one, its notice (reg 36) is published today; made private
    # (the chair's order), it leaves the pages and has no notice.
    published = hearing.notice_published_on
    if not hearing.public or hearing.hearing_date is None:
        published = None
    elif was != (True, hearing.hearing_date):
        published = ctx.today
    if published != hearing.notice_published_on:
        hearing.notice_published_on = published
        changed["notice_published_on"] = published
    hearing.save()
    return changed


def _outcome_guard(case: Case, part: AllegationSubject) -> str | None:
    if not hasattr(part, "hearing"):
        return (
            f"Arrange proceedings for {_who(part)} first: an outcome comes from the forum that "
            "hears the case."
        )
    return _open(case, part)


def infer_finding(part: AllegationSubject, outcome: str) -> str:
    if outcome == Outcome.REFLECTIVE_PRACTICE:
        return forums.NEITHER
    if outcome in (Outcome.NOT_PROVEN, Outcome.NO_FURTHER_ACTION):
        return forums.NOT_PROVEN
    return part.severity if part.severity in (forums.GROSS, forums.MISC) else forums.MISC


def _check_outcome(case: Case, part: Any, v: dict[str, Any]) -> Errors:
    outcome = v["outcome"]
    finding = v.get("finding") or infer_finding(part, outcome)
    former = part.subject is not None and part.subject.left_date is not None
    refusal = forums.check_outcome(
        case.rules,
        part.hearing.forum,
        outcome,
        finding=finding,
        final_written_warning_in_force=bool(v.get("final_written_warning_in_force")),
        incidents_not_closely_connected=bool(v.get("incidents_not_closely_connected")),
        former_officer=former or bool(v.get("former_officer")),
    )
    errors: Errors = [("outcome", refusal)] if refusal else []
    if (
        case.rules == "2025"
        and finding == forums.GROSS
        and outcome not in forums.DISMISSALS
        and not v.get("reason")
    ):
        errors.append(
            (
                "reason",
                "Gross misconduct was found but the outcome is not dismissal: give the reasons "
                "(Conduct Regs reg 42 as amended by SI 2025/558).",
            )
        )
    outcome_date = v.get("outcome_date")
    if outcome_date is not None and outcome_date < case.received_date:
        errors.append(("outcome_date", "The outcome cannot be before the matter was received."))
    return errors


def _effect_outcome(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    part.proceedings_finding = v.get("finding") or infer_finding(part, v["outcome"])
    part.save(update_fields=["proceedings_finding"])
    set_outcome(ctx, part, v["outcome"], v.get("outcome_date") or ctx.today)
    return {
        "outcome": part.outcome,
        "outcome_date": part.outcome_date,
        "finding": part.proceedings_finding,
    }


# ---- appeals, reviews and lists ----------------------------------------------------------------


def _appeal_guard(case: Case, part: AllegationSubject) -> str | None:
    forum = forums.forum_rules(case.rules, part.proceedings)
    if forum is None or not forum.appeal_to_tribunal:
        return (
            f"{_who(part)} was not heard at a misconduct hearing or an accelerated hearing: only "
            "those go to the Police Appeals Tribunal (PAT Rules rule 4; a meeting's appeal is "
            "internal, Conduct Regs reg 45)."
        )
    if not part.outcome or part.proceedings_finding not in (forums.MISC, forums.GROSS):
        return f"{_who(part)} has no finding of misconduct to appeal against."
    if part.appeal_status:
        return f"An appeal for {_who(part)} is already {part.get_appeal_status_display().lower()}."
    return None


def _check_appeal(case: Case, part: Any, v: dict[str, Any]) -> Errors:
    lodged = v.get("lodged_on") or _today()
    end = appeal_window_end(part)
    if end is not None and lodged > end and not v.get("reason"):
        return [
            (
                "reason",
                f"The appeal window closed on {end} (PAT Rules: 10 working days); a late appeal "
                "needs the reason the tribunal is asked to accept it.",
            )
        ]
    return []


def _effect_appeal(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    part.appeal_status = AppealStatus.LODGED
    part.appeal_lodged_on = v.get("lodged_on") or ctx.today
    part.save(update_fields=["appeal_status", "appeal_lodged_on"])
    case.stage = Stage.APPEAL
    return {"lodged_on": part.appeal_lodged_on}


def _appeal_result_guard(case: Case, part: AllegationSubject) -> str | None:
    if part.appeal_status != AppealStatus.LODGED:
        return f"No appeal is lodged for {_who(part)}."
    return None


def _check_appeal_result(case: Case, part: Any, v: dict[str, Any]) -> Errors:
    if v.get("result") == AppealStatus.ALLOWED and not v.get("outcome"):
        return [
            (
                "outcome",
                "An allowed appeal replaces the outcome: give the tribunal's outcome "
                "(e.g. final_written_warning, or not_proven where the finding was overturned).",
            )
        ]
    return []


def _effect_appeal_result(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict:
    part.appeal_status = v["result"]
    fields = ["appeal_status"]
    detail: dict[str, Any] = {"result": v["result"]}
    part.save(update_fields=fields)
    if v["result"] == AppealStatus.ALLOWED:
        detail["outcome_was"] = part.outcome
        set_outcome(ctx, part, v["outcome"], v.get("outcome_date") or ctx.today)
        detail["outcome"] = part.outcome
    if not any(p.appeal_status == AppealStatus.LODGED for p in parts_of(case) if p.pk != part.pk):
        case.stage = Stage.PROCEEDINGS
    return detail


REVIEW_STAGES = frozenset({Stage.ASSESSMENT, Stage.DETERMINATION, Stage.PROCEEDINGS, Stage.CLOSED})


def _effect_inform(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    case.complainant_informed_on = v.get("informed_on") or ctx.today
    return {"informed_on": case.complainant_informed_on}


def _review_guard(case: Case) -> str | None:
    if case.complainant_informed_on is None:
        return (
            "Record that the complainant was told the outcome (inform_complainant) first: the "
            "28 days to apply for a review run from then (C&M Regs reg 29(2))."
        )
    return None


def _check_review(case: Case, part: Any, v: dict[str, Any]) -> Errors:
    received = v.get("received_on") or _today()
    end = review_window_end(case)
    if end is not None and received > end and not v.get("reason"):
        return [
            (
                "reason",
                f"The 28 days for a review ended on {end} (C&M Regs reg 29(2)); a late application "
                "needs the reason it is accepted.",
            )
        ]
    return []


def _effect_review(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    from_stage = case.stage
    case.stage = Stage.REVIEW
    return {"body": v["body"], "from_stage": from_stage, "received_on": v.get("received_on")}


def _effect_review_result(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict:
    request = case.events.filter(action="request_review").order_by("-version").first()
    back = (request.detail.get("from_stage") if request else None) or Stage.CLOSED
    if v["result"] == "upheld":
        # The review body finds the outcome not reasonable and proportionate: the matter is
        # determined again (Sch 3 paras 6A, 25), so it is no longer finalised.
        back = Stage.DETERMINATION if back != Stage.ASSESSMENT else Stage.ASSESSMENT
        case.finalised_on = None
    case.stage = back
    return {"result": v["result"], "to_stage": back}


def _list_guard(case: Case, part: AllegationSubject) -> str | None:
    if part.list_referral:
        return f"{_who(part)} is already referred to the {part.get_list_referral_display()}."
    if part.subject_id is None:
        return f"{_who(part)} is not identified."
    return None


def _check_list(case: Case, part: Any, v: dict[str, Any]) -> Errors:
    if v.get("list_name") == ListReferral.BARRED and part.outcome not in forums.DISMISSALS:
        return [
            (
                "list_name",
                "The Barred List takes people dismissed, or who would have been (Police Act 1996 "
                f"s 88A); {_who(part)}'s outcome is "
                f"{part.get_outcome_display().lower() if part.outcome else 'not recorded'}.",
            )
        ]
    if (
        v.get("list_name") == ListReferral.ADVISORY
        and (part.subject is None or part.subject.left_date is None)
        and part.outcome != Outcome.RESIGNED_OR_RETIRED
    ):
        return [
            (
                "list_name",
                "The Advisory List takes people who left while under investigation or facing "
                "proceedings (Police Act 1996 s 88G); record the person's leaving date first.",
            )
        ]
    return []


def _effect_list(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    part.list_referral = v["list_name"]
    part.save(update_fields=["list_referral"])
    return {"list_name": v["list_name"]}


def _handling_outcome_guard(case: Case, part: AllegationSubject) -> str | None:
    if any(
        p.investigation in (Investigation.LOCAL, Investigation.DIRECTED, Investigation.INDEPENDENT)
        for p in [part]
    ):
        return f"{_who(part)} is under investigation: its outcome comes from the determination."
    return _open(case, part)


HANDLING_OUTCOMES = (Outcome.NO_FURTHER_ACTION, Outcome.WITHDRAWN, Outcome.OTHER)


def _effect_handling_outcome(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict:
    set_subject(ctx, part, proceedings=Proceedings.NONE)
    set_outcome(ctx, part, v["outcome"], v.get("outcome_date") or ctx.today)
    return {"outcome": part.outcome}


def _close_guard(case: Case) -> str | None:
    if case.stage == Stage.OUTSIDE_SCHEDULE_3:
        return None
    parts = parts_of(case)
    waiting = [_who(part) for part in parts if not part.outcome]
    if waiting:
        return "Record an outcome first for " + "; ".join(waiting) + "."
    if not parts:
        return "The matter has no allegation; add one, or record it as withdrawn."
    appeals = [_who(part) for part in parts if part.appeal_status == AppealStatus.LODGED]
    if appeals:
        return "An appeal is still open for " + "; ".join(appeals) + "."
    return None


def _effect_close(case: Case, part: Any, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Closing finalises the matter (the IOPC's "finalised": every allegation's handling has
    ended); an upheld review undoes it (``_effect_review_result``) until it is closed again."""
    case.stage = Stage.CLOSED
    case.finalised_on = ctx.today
    return {"finalised_on": ctx.today}


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


S = Stage
EDIT = Capability.EDIT_CASES
DECIDE = Capability.DECIDE_OUTCOMES
DATE = "date"

ACTIONS_LIST: tuple[Action, ...] = (
    Action(
        "record_handling",
        "Decide the handling: within or outside Schedule 3",
        EDIT,
        frozenset({S.RECEIVED, S.OUTSIDE_SCHEDULE_3}),
        "Police Reform Act 2002 Sch 3 para 2(6A) (complaints outside Schedule 3); paras 10, 14A",
        _effect_handling,
        params=(Param("schedule_3", "bool", "Handle within Schedule 3", required=True), REASON),
        check=_check_handling,
    ),
    Action(
        "refer_to_iopc",
        "Refer to the IOPC",
        EDIT,
        frozenset({S.ASSESSMENT, S.INVESTIGATION}),
        "Sch 3 paras 4, 13, 14C; C&M Regs regs 4, 7, 9 (mandatory referrals)",
        _effect_referral,
        params=(
            Param(
                "referral",
                "choice",
                "Referral",
                required=True,
                choices=_choices(IopcReferral, ("mandatory", "voluntary")),
            ),
            REASON,
        ),
        check=_check_referral,
    ),
    Action(
        "record_iopc_decision",
        "Record the IOPC's decision on the mode of investigation",
        EDIT,
        frozenset({S.REFERRED}),
        "Sch 3 paras 5, 15 (form of investigation)",
        _effect_iopc_decision,
        params=(Param("mode", "choice", "Mode", required=True, choices=MODES), REASON),
    ),
    Action(
        "start_investigation",
        "Start a local investigation",
        EDIT,
        frozenset({S.ASSESSMENT}),
        "Sch 3 paras 6(2), 16 (investigation by the appropriate authority)",
        _effect_start_investigation,
        params=(REASON,),
        case_guard=_dsi_referred_first,
    ),
    Action(
        "assess_severity",
        "Assess (or reassess) the severity for a subject",
        DECIDE,
        frozenset({S.ASSESSMENT, S.INVESTIGATION}),
        "Conduct Regs reg 14 (severity assessment, revised as evidence changes); C&M Regs reg 16",
        _effect_severity,
        per_subject=True,
        params=(
            SUBJECT,
            Param("severity", "choice", "Severity", required=True, choices=_choices(Severity)),
            REASON,
        ),
        subject_guard=_open,
    ),
    Action(
        "serve_notice",
        "Serve the regulation 17 notice of investigation",
        EDIT,
        frozenset({S.INVESTIGATION}),
        "Conduct Regs reg 17 (written notices); reg 18 (representations)",
        _effect_notice,
        per_subject=True,
        params=(SUBJECT, Param("served_on", DATE, "Served on"), REASON),
        subject_guard=_notice_guard,
    ),
    Action(
        "record_progress_report",
        "Record the report on an investigation past 12 months (then every 6 months)",
        EDIT,
        frozenset({S.REFERRED, S.INVESTIGATION}),
        "Conduct Regs reg 19; C&M Regs reg 13 (timeliness of investigations)",
        _effect_progress,
        params=(Param("sent_on", DATE, "Sent on"), REASON),
        case_guard=_progress_guard,
    ),
    Action(
        "record_investigation_report",
        "Record the investigation report",
        EDIT,
        frozenset({S.INVESTIGATION}),
        "Conduct Regs reg 21; Sch 3 para 22 (final reports on investigations)",
        _effect_report,
        params=(Param("report_date", DATE, "Report date"), REASON),
        case_guard=_report_guard,
    ),
    Action(
        "decide_case_to_answer",
        "Decide: case to answer, no case to answer, or practice requiring improvement",
        DECIDE,
        frozenset({S.DETERMINATION, S.PROCEEDINGS}),
        "Conduct Regs reg 23; Sch 3 para 24 (action by the appropriate authority)",
        _effect_determination,
        per_subject=True,
        params=(
            SUBJECT,
            Param("decision", "choice", "Decision", required=True, choices=_choices(Determination)),
            REASON,
        ),
        subject_guard=lambda case, part: (
            f"{_who(part)} is already decided ({part.get_determination_display().lower()})."
            if part.determination
            else _open(case, part)
        ),
        check=_check_determination,
    ),
    Action(
        "refer_to_rprp",
        "Refer to the reflective practice review process",
        DECIDE,
        frozenset({S.ASSESSMENT, S.INVESTIGATION, S.DETERMINATION, S.PROCEEDINGS}),
        "Conduct Regs Part 6; regs 14, 23",
        _effect_rprp,
        per_subject=True,
        params=(SUBJECT, Param("outcome_date", DATE, "Date"), REASON),
        subject_guard=_rprp_guard,
    ),
    Action(
        "take_management_action",
        "Take management action (not disciplinary)",
        DECIDE,
        frozenset({S.ASSESSMENT, S.INVESTIGATION, S.DETERMINATION, S.PROCEEDINGS}),
        "Conduct Regs reg 2 (management action); reg 23",
        _effect_management_action,
        per_subject=True,
        params=(SUBJECT, Param("outcome_date", DATE, "Date"), REASON),
        subject_guard=_rprp_guard,
    ),
    Action(
        "record_handling_outcome",
        "Record the outcome of a complaint handled otherwise than by investigation",
        DECIDE,
        frozenset({S.ASSESSMENT}),
        "Sch 3 para 6(2A) (handling otherwise than by investigation)",
        _effect_handling_outcome,
        per_subject=True,
        case_types=frozenset({CaseType.COMPLAINT}),
        params=(
            SUBJECT,
            Param(
                "outcome",
                "choice",
                "Outcome",
                required=True,
                choices=_choices(Outcome, HANDLING_OUTCOMES),
            ),
            Param("outcome_date", DATE, "Date"),
            REASON,
        ),
        subject_guard=_handling_outcome_guard,
    ),
    Action(
        "arrange_proceedings",
        "Arrange misconduct proceedings",
        DECIDE,
        frozenset({S.DETERMINATION, S.PROCEEDINGS}),
        "Conduct Regs regs 23, 28, 30, 35, 36, 49, 51, 52 (referral, panel, notices, accelerated "
        "hearings)",
        _effect_proceedings,
        per_subject=True,
        params=(
            SUBJECT,
            Param(
                "forum",
                "choice",
                "Forum",
                required=True,
                choices=_choices(Proceedings, forums.PROCEEDINGS_FORUMS),
            ),
            Param("hearing_date", DATE, "Date of the meeting or hearing"),
            REFERRAL_NOTICE,
            Param("panel", "panel", "Panel"),
            Param("public", "bool", "Held in public"),
            Param("anonymised", "bool", "Officer anonymised by the chair"),
            Param("restrictions", "text", "The chair's restrictions"),
            Param("final_written_warning_in_force", "bool", "A final written warning is in force"),
            Param("special_conditions_certified", "bool", "Special conditions certified"),
            REASON,
        ),
        subject_guard=_proceedings_guard,
        check=_check_proceedings,
    ),
    Action(
        "record_hearing_details",
        "Record the hearing's date, panel and publicity",
        EDIT,
        frozenset({S.PROCEEDINGS}),
        "Conduct Regs regs 28, 35, 36, 39",
        _effect_hearing_details,
        per_subject=True,
        params=(
            SUBJECT,
            Param("hearing_date", DATE, "Date of the meeting or hearing"),
            REFERRAL_NOTICE,
            Param("officer_response_on", DATE, "Date the officer answered the notice (reg 31)"),
            Param("panel", "panel", "Panel"),
            Param("public", "bool", "Held in public"),
            Param("anonymised", "bool", "Officer anonymised by the chair"),
            Param("restrictions", "text", "The chair's restrictions"),
            REASON,
        ),
        subject_guard=_hearing_details_guard,
        check=_check_hearing_details,
    ),
    Action(
        "record_outcome",
        "Record the outcome of proceedings",
        DECIDE,
        frozenset({S.PROCEEDINGS}),
        "Conduct Regs reg 42 (outcomes), reg 62 (accelerated hearings); forums.py",
        _effect_outcome,
        per_subject=True,
        params=(
            SUBJECT,
            Param("outcome", "choice", "Outcome", required=True, choices=_choices(Outcome)),
            Param("outcome_date", DATE, "Date of the outcome"),
            Param("finding", "choice", "Finding", choices=_choices(forums.Finding)),
            Param("final_written_warning_in_force", "bool", "A final written warning was in force"),
            Param("incidents_not_closely_connected", "bool", "Incidents not closely connected"),
            Param("former_officer", "bool", "The subject has left the force"),
            REASON,
        ),
        subject_guard=_outcome_guard,
        check=_check_outcome,
    ),
    Action(
        "lodge_appeal",
        "Record an appeal to the Police Appeals Tribunal",
        EDIT,
        frozenset({S.PROCEEDINGS, S.APPEAL, S.CLOSED}),
        "Police Act 1996 s 85; PAT Rules 2020 rules 4, 6",
        _effect_appeal,
        per_subject=True,
        params=(SUBJECT, Param("lodged_on", DATE, "Lodged on"), REASON),
        subject_guard=_appeal_guard,
        check=_check_appeal,
    ),
    Action(
        "record_appeal_result",
        "Record the Police Appeals Tribunal's decision",
        EDIT,
        frozenset({S.APPEAL}),
        "PAT Rules 2020 (determination of appeal); Police Act 1996 s 85",
        _effect_appeal_result,
        per_subject=True,
        params=(
            SUBJECT,
            Param(
                "result",
                "choice",
                "Result",
                required=True,
                choices=_choices(AppealStatus, ("dismissed", "allowed")),
            ),
            Param("outcome", "choice", "Outcome substituted", choices=_choices(Outcome)),
            Param("outcome_date", DATE, "Date"),
            REASON,
        ),
        subject_guard=_appeal_result_guard,
        check=_check_appeal_result,
    ),
    Action(
        "inform_complainant",
        "Record that the complainant was told the outcome",
        EDIT,
        frozenset({S.ASSESSMENT, S.DETERMINATION, S.PROCEEDINGS, S.CLOSED}),
        "C&M Regs regs 29(2), 33 (the complainant kept informed; the review clock starts)",
        _effect_inform,
        case_types=frozenset({CaseType.COMPLAINT}),
        params=(Param("informed_on", DATE, "Told on"), REASON),
    ),
    Action(
        "request_review",
        "Record the complainant's application for a review",
        EDIT,
        REVIEW_STAGES,
        "Sch 3 paras 6A, 25; C&M Regs reg 29 (28 days), reg 30 (the review body)",
        _effect_review,
        case_types=frozenset({CaseType.COMPLAINT}),
        params=(
            Param(
                "body",
                "choice",
                "Review body",
                required=True,
                choices=(("local_policing_body", "Local policing body"), ("iopc", "IOPC")),
            ),
            Param("received_on", DATE, "Application received on"),
            REASON,
        ),
        case_guard=_review_guard,
        check=_check_review,
    ),
    Action(
        "record_review_result",
        "Record the review's result",
        EDIT,
        frozenset({S.REVIEW}),
        "Sch 3 paras 6A, 25 (the review body's findings)",
        _effect_review_result,
        case_types=frozenset({CaseType.COMPLAINT}),
        params=(
            Param(
                "result",
                "choice",
                "Result",
                required=True,
                choices=(("upheld", "Upheld"), ("not_upheld", "Not upheld")),
            ),
            REASON,
        ),
    ),
    Action(
        "refer_to_barred_list",
        "Refer to the Barred List or the Advisory List",
        DECIDE,
        frozenset({S.INVESTIGATION, S.DETERMINATION, S.PROCEEDINGS, S.APPEAL, S.CLOSED}),
        "Police Act 1996 ss 88A-88G; Police Barred List and Police Advisory List Regulations 2017",
        _effect_list,
        per_subject=True,
        params=(
            SUBJECT,
            Param("list_name", "choice", "List", required=True, choices=_choices(ListReferral)),
            REASON,
        ),
        subject_guard=_list_guard,
        check=_check_list,
    ),
    Action(
        "close",
        "Close the matter",
        DECIDE,
        frozenset({S.OUTSIDE_SCHEDULE_3, S.ASSESSMENT, S.DETERMINATION, S.PROCEEDINGS, S.REVIEW}),
        "Sch 3 (the matter finalised once every subject's outcome is recorded)",
        _effect_close,
        params=(REASON,),
        case_guard=_close_guard,
    ),
)

ACTIONS: dict[str, Action] = {action.name: action for action in ACTIONS_LIST}
STAGES: dict[str, str] = dict(Stage.choices)

# Stages in which allegations may still be added (before the investigation report).
OPEN_FOR_ALLEGATIONS = frozenset(
    {S.RECEIVED, S.OUTSIDE_SCHEDULE_3, S.ASSESSMENT, S.REFERRED, S.INVESTIGATION}
)


def stage_refusal(case: Case, action: Action) -> str | None:
    if case.case_type not in action.case_types:
        return f"'{action.name}' applies to complaints only; this is a {case.get_case_type_display().lower()}."
    if case.stage not in action.stages:
        allowed = ", ".join(sorted(STAGES[s].lower() for s in action.stages))
        return (
            f"'{action.name}' cannot be taken while the matter is at stage "
            f"'{case.stage}' ({STAGES.get(case.stage, case.stage).lower()}); it can be taken at: "
            f"{allowed}."
        )
    return None


def refusal(
    case: Case, user: User | None, action: Action, part: AllegationSubject | None = None
) -> str | None:
    """None when ``user`` may take ``action`` now (on ``part``, for a per-subject action)."""
    if user is not None and not user.can(action.capability):
        return f"Your role does not allow '{action.name}'."
    reason = stage_refusal(case, action)
    if reason is None and action.case_guard is not None:
        reason = action.case_guard(case)
    if reason is None and action.per_subject and part is not None and action.subject_guard:
        reason = action.subject_guard(case, part)
    if reason is None and action.per_subject and part is None:
        parts = parts_of(case)
        if not parts:
            return "The matter has no subject yet: add an allegation with its subjects."
        if action.subject_guard is not None:
            reasons = [action.subject_guard(case, each) for each in parts]
            if all(reasons):
                return reasons[0]
    return reason


def allowed_actions(case: Case, user: User | None, *, first: int | None = None) -> list[str]:
    """The actions ``user`` may take on ``case`` now, in the table's order (only the ``first``
    few when given, as a list of work needs)."""
    allowed: list[str] = []
    for action in ACTIONS_LIST:
        # The stage test first, without the sentence refusal() would write for it.
        if case.stage in action.stages and refusal(case, user, action) is None:
            allowed.append(action.name)
            if first is not None and len(allowed) >= first:
                break
    return allowed


def allowed_subjects(case: Case, user: User | None, action: Action) -> list[AllegationSubject]:
    """For a per-subject action, the parts it may be taken on now (the form's choices)."""
    return [part for part in parts_of(case) if refusal(case, user, action, part) is None]


def choices_for(
    case: Case, user: User | None, action: Action, part: AllegationSubject | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Each choice parameter's choices allowed now (a forum's outcomes, for record_outcome)."""
    result: dict[str, list[tuple[str, str]]] = {}
    for param in action.params:
        if param.kind == "subject":
            result[param.name] = [
                (str(p.pk), _who(p)) for p in allowed_subjects(case, user, action)
            ]
        elif param.kind == "choice":
            choices = list(param.choices)
            if action.name == "record_outcome" and param.name == "outcome" and part is not None:
                hearing = getattr(part, "hearing", None)
                forum = forums.forum_rules(case.rules, hearing.forum) if hearing else None
                if forum is not None:
                    codes = set(forum.outcome_codes())
                    choices = [c for c in choices if c[0] in codes]
            if action.name == "refer_to_iopc" and case.case_type == CaseType.DSI_MATTER:
                choices = [c for c in choices if c[0] == IopcReferral.MANDATORY]
            result[param.name] = choices
    return result
