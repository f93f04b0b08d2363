"""Notices and letters of a matter as PDF (WeasyPrint), from templates in
candour/cases/templates/cases/letters/: the regulation 17 notice to a subject, the outcome
letter to the complainant, and the report on an investigation past 12 months.

Each letter is made from the records as they stand, and making one is audited (a letter carries
personal data out of Candour). The dates and rules a letter quotes come from
candour/cases/clocks.py and process.py, never from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from candour.cases import clocks, process, workflow
from candour.cases.models import AllegationSubject, Case, CaseType, ProgressReport
from candour.core import audit
from candour.core.models import User
from candour.core.roles import Capability


@dataclass(frozen=True)
class Letter:
    kind: str
    label: str
    url_args: tuple[Any, ...]


def available(case: Case, user: User) -> list[Letter]:
    """The letters that can be made for ``case`` now, by ``user``."""
    if not user.can(Capability.EDIT_CASES):
        return []
    found: list[Letter] = []
    for part in process.parts_of(case):
        if part.notice_served_on is not None and part.subject is not None:
            found.append(
                Letter(
                    "notice",
                    f"Regulation 17 notice to {part.subject.label}, allegation {part.allegation.ref}",
                    (case.pk, part.pk),
                )
            )
    if outcome_letter_possible(case, user):
        found.append(Letter("outcome", "Outcome letter to the complainant", (case.pk,)))
    for report in case.progress_reports.all():
        found.append(
            Letter(
                "progress",
                f"Report on the investigation for the period to {report.period_end:%-d %B %Y}",
                (case.pk, report.pk),
            )
        )
    return found


def outcome_letter_possible(case: Case, user: User) -> bool:
    return (
        case.case_type == CaseType.COMPLAINT
        and workflow.may_see_complainants(user, case)
        and case.complainants.exists()
        and any(part.outcome for part in process.parts_of(case))
    )


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).write_pdf()


def regulation_17_notice(case: Case, part: AllegationSubject, by: User) -> bytes:
    """The written notice of investigation to a subject (Police (Conduct) Regulations 2020,
    regulation 17), with the date their response is due (regulation 18)."""
    served = part.notice_served_on or timezone.localdate()
    response_due = clocks.add_working_days(served, 10)
    context = {
        "case": case,
        "part": part,
        "served": served,
        "response_due": response_due,
        "response_rule": clocks.NOTICE_RESPONSE.rule,
        "investigator": _served_by(case, part),
        "severity": part.get_severity_display().lower(),
        "hearing_likely": part.severity == "gross_misconduct",
        "today": timezone.localdate(),
    }
    audit.record(by, "export", case, detail={"letter": "regulation_17_notice", "part": part.pk})
    return _pdf("cases/letters/regulation_17_notice.html", context)


def _served_by(case: Case, part: AllegationSubject) -> str:
    events = [e for e in case.events.all() if e.action == "serve_notice" and e.part_id == part.pk]
    return events[-1].by_name if events else ""


def outcome_letter(case: Case, by: User, *, review_body: str) -> bytes:
    """The letter telling the complainant the outcome of each allegation and how to apply for a
    review (Police (Complaints and Misconduct) Regulations 2020, regulation 29)."""
    # The last day to apply is known once the complainant is recorded as told (inform_complainant);
    # before that the letter quotes the rule.
    review_end = clocks.review_window_end(case)
    body_param = process.ACTIONS["request_review"].param("body")
    bodies = dict(body_param.choices) if body_param else {}
    context = {
        "case": case,
        "complainants": workflow.complainants_of(by, case),
        "allegations": [
            {
                "allegation": allegation,
                "parts": list(allegation.subjects.all()),
            }
            for allegation in case.allegations.all()
        ],
        "informed": case.complainant_informed_on,
        "review_end": review_end,
        "review_rule": clocks.REVIEW_WINDOW.rule,
        "review_body": bodies.get(review_body, review_body),
        "today": timezone.localdate(),
    }
    audit.record(by, "export", case, detail={"letter": "outcome_letter"})
    return _pdf("cases/letters/outcome_letter.html", context)


def progress_report(case: Case, report: ProgressReport, by: User) -> bytes:
    """The report to the local policing body (and the IOPC where it is involved) on an
    investigation not finished within 12 months, then every 6 months (Police (Conduct)
    Regulations 2020 regulation 19; Police (Complaints and Misconduct) Regulations 2020
    regulation 13)."""
    events = [
        e
        for e in case.events.all()
        if e.action == "record_progress_report"
        and e.detail.get("period_end") == report.period_end.isoformat()
    ]
    context = {
        "case": case,
        "report": report,
        "reason": events[-1].reason if events else "",
        "stage_label": process.STAGES.get(case.stage, case.stage),
        "parts": process.parts_of(case),
        "iopc_involved": any(
            part.iopc_referral in ("mandatory", "voluntary") for part in process.parts_of(case)
        ),
        "rule": clocks.TWELVE_MONTHS.rule,
        "today": timezone.localdate(),
    }
    audit.record(by, "export", case, detail={"letter": "progress_report", "report": report.pk})
    return _pdf("cases/letters/progress_report.html", context)
