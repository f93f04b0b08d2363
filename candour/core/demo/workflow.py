"""Demo matters in progress, made through the workflow's own services (candour/cases/workflow.py).

The generated history (``generate.py``) is closed matters written in bulk, as an import would
write them. These are the live work: matters at every stage of the statutory process in the
joint PSD's forces, some with clocks overdue (investigations past 12 months with no report) and
a public hearing whose notice went out late (its date recorded 3 days before it), so each role's
first look shows real work. Every step goes
through ``take_action`` as the demo investigator or appropriate authority, so each has its
timeline, audit entries and version, exactly as if a person had taken it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from candour.cases import workflow
from candour.cases.models import Case
from candour.core.models import Person, User
from candour.core.roles import Capability

Step = tuple[str, dict[str, object]]  # (action, params); "A"/"B" in params name the subjects


@dataclass(frozen=True)
class Walk:
    """A matter taken to one point in the process: received ``months_ago``, with two subjects
    (A and B) when ``pair``, then the steps in order."""

    label: str
    case_type: str
    months_ago: int
    steps: tuple[Step, ...]
    pair: bool = False


INVESTIGATE: tuple[Step, ...] = (
    ("record_handling", {"schedule_3": True}),
    ("assess_severity", {"subject": "A", "severity": "misconduct"}),
    ("start_investigation", {}),
    ("serve_notice", {"subject": "A"}),
)
REFER: tuple[Step, ...] = (
    ("record_handling", {"schedule_3": True}),
    ("assess_severity", {"subject": "A", "severity": "gross_misconduct"}),
    ("refer_to_iopc", {"referral": "mandatory", "reason": "Serious sexual misconduct alleged"}),
)
TO_HEARING: tuple[Step, ...] = (
    *REFER,
    ("record_iopc_decision", {"mode": "directed"}),
    ("serve_notice", {"subject": "A"}),
    ("record_investigation_report", {}),
    ("decide_case_to_answer", {"subject": "A", "decision": "case_to_answer"}),
)
PANEL = [
    {"role": "legally_qualified_chair", "name": "Ms R. Okafor"},
    {"role": "senior_officer", "name": "Supt D. Hale"},
    {"role": "independent_member", "name": "Mr T. Lewis"},
]

WALKS: tuple[Walk, ...] = (
    Walk("received", "complaint", 0, ()),
    Walk("outside Schedule 3", "complaint", 1, (("record_handling", {"schedule_3": False}),)),
    Walk(
        "assessment",
        "complaint",
        1,
        (("record_handling", {"schedule_3": True}),),
    ),
    Walk("awaiting the IOPC", "conduct_matter", 2, REFER),
    Walk("under investigation", "conduct_matter", 4, INVESTIGATE),
    Walk("investigation past 12 months, report overdue", "complaint", 14, INVESTIGATE),
    Walk("investigation past 18 months, reports overdue", "conduct_matter", 19, INVESTIGATE),
    Walk(
        "investigation past 12 months, reported",
        "complaint",
        13,
        (*INVESTIGATE, ("record_progress_report", {})),
    ),
    Walk(
        "determination",
        "complaint",
        9,
        (*INVESTIGATE, ("record_investigation_report", {})),
    ),
    Walk(
        "public hearing coming, its notice published late",
        "conduct_matter",
        11,
        (
            *TO_HEARING,
            (
                "arrange_proceedings",
                {
                    "subject": "A",
                    "forum": "gross_misconduct_hearing",
                    "hearing_in": 3,
                    "panel": PANEL,
                },
            ),
        ),
    ),
    Walk(
        "misconduct meeting arranged",
        "complaint",
        8,
        (
            *INVESTIGATE,
            ("record_investigation_report", {}),
            ("decide_case_to_answer", {"subject": "A", "decision": "case_to_answer"}),
            (
                "arrange_proceedings",
                {"subject": "A", "forum": "misconduct_meeting", "hearing_in": 15},
            ),
        ),
    ),
    Walk(
        "dismissed, appeal lodged; colleague to reflective practice",
        "complaint",
        12,
        (
            ("record_handling", {"schedule_3": True}),
            ("assess_severity", {"subject": "A", "severity": "gross_misconduct"}),
            ("assess_severity", {"subject": "B", "severity": "misconduct"}),
            ("refer_to_iopc", {"referral": "mandatory"}),
            ("record_iopc_decision", {"mode": "directed"}),
            ("serve_notice", {"subject": "A"}),
            ("serve_notice", {"subject": "B"}),
            ("record_investigation_report", {}),
            ("decide_case_to_answer", {"subject": "A", "decision": "case_to_answer"}),
            (
                "decide_case_to_answer",
                {"subject": "B", "decision": "practice_requiring_improvement"},
            ),
            ("refer_to_rprp", {"subject": "B"}),
            (
                "arrange_proceedings",
                {
                    "subject": "A",
                    "forum": "gross_misconduct_hearing",
                    "hearing_in": -20,
                    "panel": PANEL,
                },
            ),
            (
                "record_outcome",
                {"subject": "A", "outcome": "dismissal_without_notice", "outcome_in": -20},
            ),
            ("inform_complainant", {}),
            ("lodge_appeal", {"subject": "A", "lodged_in": -12}),
        ),
        pair=True,
    ),
    Walk(
        "complainant's review",
        "complaint",
        7,
        (
            ("record_handling", {"schedule_3": True}),
            ("record_handling_outcome", {"subject": "A", "outcome": "no_further_action"}),
            ("inform_complainant", {"informed_in": -10}),
            ("request_review", {"body": "local_policing_body"}),
        ),
    ),
    Walk(
        "closed after a misconduct meeting",
        "conduct_matter",
        10,
        (
            *INVESTIGATE,
            ("record_investigation_report", {}),
            ("decide_case_to_answer", {"subject": "A", "decision": "case_to_answer"}),
            (
                "arrange_proceedings",
                {"subject": "A", "forum": "misconduct_meeting", "hearing_in": -30},
            ),
            (
                "record_outcome",
                {"subject": "A", "outcome": "final_written_warning", "outcome_in": -30},
            ),
            ("close", {}),
        ),
    ),
)

# Relative dates in the steps: "<name>_in": days from today, turned into "<name>_on"/"_date".
RELATIVE = {
    "hearing_in": "hearing_date",
    "outcome_in": "outcome_date",
    "lodged_in": "lodged_on",
    "informed_in": "informed_on",
}


def walk_demo_matters(
    investigator: User,
    authority: User,
    *,
    force: str = "cambridgeshire",
    today: dt.date | None = None,
    seed: int = 2026,
    say: Callable[[str], None] | None = None,
) -> list[Case]:
    """Make the demo's live matters in ``force``; returns them. Skipped (empty) when the two
    demo logins cannot record and decide (an existing account of that name with another role)."""
    if not (investigator.can(Capability.EDIT_CASES) and authority.can(Capability.DECIDE_OUTCOMES)):
        return []
    today = today or timezone.localdate()
    rng = random.Random(seed)
    people = list(
        Person.objects.filter(
            force_id=force, role="officer", left_date__isnull=True, in_workforce_file=True
        ).order_by("ref")[:400]
    )
    if len(people) < 2:
        return []
    made = []
    for number, walk in enumerate(WALKS, start=1):
        if say is not None:
            say(f"Demo matter {number} of {len(WALKS)}: {walk.label}")
        made.append(_walk(walk, investigator, authority, force, today, rng.sample(people, 2)))
    return made


def _walk(
    walk: Walk,
    investigator: User,
    authority: User,
    force: str,
    today: dt.date,
    people: list[Person],
) -> Case:
    received = today - relativedelta(months=walk.months_ago, days=3)
    case = workflow.record_matter(
        investigator,
        force=force,
        case_type=walk.case_type,
        received_date=received,
        summary=f"Demo matter: {walk.label}.",
        complainants=[workflow.ComplainantDetails(name="A. Member of the Public")]
        if walk.case_type == "complaint"
        else [],
        channel="cli",
    )
    subjects = [{"person_ref": people[0].ref}] + (
        [{"person_ref": people[1].ref}] if walk.pair else []
    )
    case = workflow.add_allegation(
        investigator,
        case.pk,
        version=case.version,
        category="use_of_force" if walk.case_type == "complaint" else "discreditable_conduct",
        subjects=subjects,
        channel="cli",
    )
    parts = {
        key: part.pk
        for key, part in zip(
            "AB", [p for a in case.allegations.all() for p in a.subjects.all()], strict=False
        )
    }
    for action, raw in walk.steps:
        params = dict(raw)
        if "subject" in params:
            params["subject"] = parts[str(params["subject"])]
        for relative, name in RELATIVE.items():
            if relative in params:
                params[name] = (
                    today + dt.timedelta(days=int(str(params.pop(relative))))
                ).isoformat()
        by = authority if action in _DECISIONS else investigator
        case = workflow.take_action(
            by, case.pk, action, params, version=case.version, channel="cli"
        )
    return case


_DECISIONS = frozenset(
    {
        "assess_severity",
        "decide_case_to_answer",
        "refer_to_rprp",
        "arrange_proceedings",
        "record_outcome",
        "record_handling_outcome",
        "close",
    }
)
