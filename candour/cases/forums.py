"""The forums a subject's case can go to, and the outcomes each may give: the one home of the rule.

Read through a matter's rules version (``rules.py``). Each row names its regulation and how sure
we are of it (``PRIMARY``: read in the regulation itself; ``SECONDARY``: read in a source quoting
it; ``UNCONFIRMED``: our reading, to check before relying on it). docs/cases.md says what was read.

Police (Conduct) Regulations 2020 (SI 2020/4), regulation 42 (read):
  (1)(b) a finding of neither misconduct nor gross misconduct sends the matter to the reflective
         practice review process;
  (2)    a misconduct meeting may give only a written warning or a final written warning;
  (3)(a) a misconduct hearing finding misconduct: written warning, final written warning, and
         reduction in rank or dismissal without notice only where (5) or (6) applies;
  (3)(b) a misconduct hearing finding gross misconduct: final written warning, reduction in rank,
         dismissal without notice;
  (5)    a final written warning was in force on the date of the severity assessment;
  (6)    the misconduct arises from more than one incident, not closely factually connected.
Management advice was an outcome of the 2012 Regulations and gave way to reflective practice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from candour.cases.models import AllegationFinding, Outcome, Proceedings

PRIMARY = "primary"
SECONDARY = "secondary"
UNCONFIRMED = "unconfirmed"


class Finding(models.TextChoices):
    """What the person conducting the proceedings found (SI 2020/4 reg 41(15), 42(1))."""

    GROSS_MISCONDUCT = "gross_misconduct", "Gross misconduct"
    MISCONDUCT = "misconduct", "Misconduct"
    NEITHER = "neither", "Neither misconduct nor gross misconduct"
    NOT_PROVEN = "not_proven", "Not proven"


# Conditions an outcome can need, each with the sentence that explains it.
FWW_OR_UNCONNECTED = "final_written_warning_or_unconnected_incidents"
FORMER_OFFICER = "former_officer"
CONDITIONS = {
    FWW_OR_UNCONNECTED: (
        "only where a final written warning was in force on the date of the severity assessment "
        "or the misconduct arises from incidents not closely factually connected "
        "(Police (Conduct) Regulations 2020, regulation 42(5) and (6))"
    ),
    FORMER_OFFICER: "only for someone who has left the force (a former officer)",
}


@dataclass(frozen=True)
class OutcomeRule:
    outcome: str
    findings: frozenset[str]
    source: str
    condition: str = ""


@dataclass(frozen=True)
class PanelSeat:
    role: str
    label: str


@dataclass(frozen=True)
class Forum:
    code: str
    label: str
    source: str
    confirmed: str
    outcomes: tuple[OutcomeRule, ...]
    panel: tuple[PanelSeat, ...] = ()
    public_by_default: bool = False
    appeal_to_tribunal: bool = False
    severities: frozenset[str] = field(default_factory=frozenset)

    def outcome_codes(self, finding: str | None = None) -> list[str]:
        return [
            rule.outcome for rule in self.outcomes if finding is None or finding in rule.findings
        ]

    def rule_for(self, outcome: str, finding: str) -> OutcomeRule | None:
        for rule in self.outcomes:
            if rule.outcome == outcome and finding in rule.findings:
                return rule
        return None


GROSS = Finding.GROSS_MISCONDUCT.value
MISC = Finding.MISCONDUCT.value
NEITHER = Finding.NEITHER.value
NOT_PROVEN = Finding.NOT_PROVEN.value

# Outcomes that are disciplinary action: given only on a finding of misconduct or gross
# misconduct (Conduct Regs reg 42(2), (3); reg 41(15) for one who would have been dismissed).
DISCIPLINARY = frozenset(
    {
        Outcome.WRITTEN_WARNING,
        Outcome.FINAL_WRITTEN_WARNING,
        Outcome.REDUCTION_IN_RANK,
        Outcome.DISMISSAL_WITH_NOTICE,
        Outcome.DISMISSAL_WITHOUT_NOTICE,
        Outcome.WOULD_HAVE_BEEN_DISMISSED,
    }
)


def allegation_finding(outcome: str, proceedings_finding: str, current: str = "") -> str:
    """The interchange §1 ``finding`` (``AllegationFinding``) of a subject's outcome as the
    workflow records it, from the outcome and what the proceedings found (``Finding``); the one
    home of the rule (docs/statistics.md, "Findings"). ``current`` is the finding already held
    (imported, or set by hand), kept where the outcome and the proceedings say nothing.

    - no outcome yet: no finding;
    - ``not_proven``: not proven; ``no_case_to_answer`` or ``withdrawn``: closed without one;
    - disciplinary action, or proceedings that found misconduct or gross misconduct: proven;
    - proceedings that found neither, or not proven (reg 42(1)(b), reflective practice after a
      hearing): not proven;
    - otherwise (reflective practice or management action without proceedings, no further
      action, resigned or retired, other): what was held, else closed without a finding."""
    if not outcome:
        return ""
    if outcome == Outcome.NOT_PROVEN:
        return AllegationFinding.NOT_PROVEN
    if outcome in (Outcome.NO_CASE_TO_ANSWER, Outcome.WITHDRAWN):
        return AllegationFinding.NO_FINDING
    if outcome in DISCIPLINARY or proceedings_finding in (MISC, GROSS):
        return AllegationFinding.PROVEN
    if proceedings_finding in (NEITHER, NOT_PROVEN):
        return AllegationFinding.NOT_PROVEN
    return current or AllegationFinding.NO_FINDING


R42 = "Police (Conduct) Regulations 2020, regulation 42"
R62 = "Police (Conduct) Regulations 2020, regulation 62"


def _cleared(source: str) -> tuple[OutcomeRule, ...]:
    """Outcomes when misconduct is not found: reflective practice (reg 42(1)(b)) or nothing."""
    return (
        OutcomeRule(Outcome.REFLECTIVE_PRACTICE, frozenset({NEITHER}), f"{source}(1)(b)"),
        OutcomeRule(Outcome.NOT_PROVEN, frozenset({NOT_PROVEN}), source),
        OutcomeRule(Outcome.NO_FURTHER_ACTION, frozenset({NEITHER, NOT_PROVEN}), source),
    )


MEETING_2020 = Forum(
    code=Proceedings.MISCONDUCT_MEETING,
    label="Misconduct meeting",
    source=f"{R42}(2); referral: regulation 23",
    confirmed=PRIMARY,
    severities=frozenset({MISC}),
    outcomes=(
        OutcomeRule(Outcome.WRITTEN_WARNING, frozenset({MISC}), f"{R42}(2)(a)"),
        OutcomeRule(Outcome.FINAL_WRITTEN_WARNING, frozenset({MISC}), f"{R42}(2)(b)"),
        *_cleared(R42),
    ),
    panel=(PanelSeat("conducting", "Person conducting the meeting (regulation 28)"),),
)

HEARING_2020 = Forum(
    code=Proceedings.GROSS_MISCONDUCT_HEARING,
    label="Misconduct hearing (gross misconduct)",
    source=f"{R42}(3); public by default: regulation 39; panel: regulation 28",
    confirmed=PRIMARY,
    severities=frozenset({GROSS, MISC}),
    public_by_default=True,
    appeal_to_tribunal=True,
    outcomes=(
        OutcomeRule(Outcome.WRITTEN_WARNING, frozenset({MISC}), f"{R42}(3)(a)(i)"),
        OutcomeRule(Outcome.FINAL_WRITTEN_WARNING, frozenset({MISC, GROSS}), f"{R42}(3)"),
        OutcomeRule(Outcome.REDUCTION_IN_RANK, frozenset({GROSS}), f"{R42}(3)(b)(ii)"),
        OutcomeRule(
            Outcome.REDUCTION_IN_RANK,
            frozenset({MISC}),
            f"{R42}(3)(a)(iii), (5), (6)",
            condition=FWW_OR_UNCONNECTED,
        ),
        OutcomeRule(Outcome.DISMISSAL_WITHOUT_NOTICE, frozenset({GROSS}), f"{R42}(3)(b)(iii)"),
        OutcomeRule(
            Outcome.DISMISSAL_WITHOUT_NOTICE,
            frozenset({MISC}),
            f"{R42}(3)(a)(iv), (5), (6)",
            condition=FWW_OR_UNCONNECTED,
        ),
        OutcomeRule(
            Outcome.WOULD_HAVE_BEEN_DISMISSED,
            frozenset({GROSS}),
            "Police (Conduct) Regulations 2020, Schedule 2 (former officers)",
            condition=FORMER_OFFICER,
        ),
        *_cleared(R42),
    ),
    panel=(
        PanelSeat("legally_qualified_chair", "Legally qualified chair"),
        PanelSeat("senior_officer", "Officer of at least the rank of superintendent"),
        PanelSeat("independent_member", "Independent member"),
    ),
)

ACCELERATED_2020 = Forum(
    code=Proceedings.ACCELERATED_HEARING,
    label="Accelerated misconduct hearing",
    source=f"{R62}; special conditions: regulation 49; notice: regulation 52",
    confirmed=SECONDARY,
    severities=frozenset({GROSS}),
    appeal_to_tribunal=True,
    outcomes=(
        OutcomeRule(Outcome.FINAL_WRITTEN_WARNING, frozenset({GROSS}), R62),
        OutcomeRule(Outcome.REDUCTION_IN_RANK, frozenset({GROSS}), R62),
        OutcomeRule(Outcome.DISMISSAL_WITHOUT_NOTICE, frozenset({GROSS}), R62),
        OutcomeRule(
            Outcome.WOULD_HAVE_BEEN_DISMISSED,
            frozenset({GROSS}),
            "Police (Conduct) Regulations 2020, Schedule 2 (former officers)",
            condition=FORMER_OFFICER,
        ),
        OutcomeRule(Outcome.NO_FURTHER_ACTION, frozenset({NEITHER, NOT_PROVEN}), R62),
    ),
    panel=(PanelSeat("chief_officer", "Chief officer (or one of another force)"),),
)

RPRP = Forum(
    code=Proceedings.RPRP,
    label="Reflective practice review process",
    source="Police (Conduct) Regulations 2020, Part 6; regulation 42(1)(b)",
    confirmed=PRIMARY,
    outcomes=(
        OutcomeRule(
            Outcome.REFLECTIVE_PRACTICE,
            frozenset({NEITHER, NOT_PROVEN, MISC}),
            "Police (Conduct) Regulations 2020, Part 6",
        ),
    ),
)

MANAGEMENT_ACTION = Forum(
    code=Proceedings.MANAGEMENT_ACTION,
    label="Management action",
    source="Police (Conduct) Regulations 2020, regulation 2 (management action is not "
    "disciplinary action)",
    confirmed=SECONDARY,
    outcomes=(
        OutcomeRule(
            Outcome.MANAGEMENT_ACTION,
            frozenset({NEITHER, NOT_PROVEN, MISC}),
            "Police (Conduct) Regulations 2020, regulation 2",
        ),
    ),
)

# The 2012 Regulations: management advice at meetings and hearings; no reflective practice.
R2012 = "Police (Conduct) Regulations 2012 (SI 2012/2632), regulation 35"
MEETING_2012 = Forum(
    code=Proceedings.MISCONDUCT_MEETING,
    label="Misconduct meeting",
    source=R2012,
    confirmed=UNCONFIRMED,
    severities=frozenset({MISC}),
    outcomes=(
        OutcomeRule(Outcome.MANAGEMENT_ADVICE, frozenset({MISC}), R2012),
        OutcomeRule(Outcome.WRITTEN_WARNING, frozenset({MISC}), R2012),
        OutcomeRule(Outcome.FINAL_WRITTEN_WARNING, frozenset({MISC}), R2012),
        OutcomeRule(Outcome.NOT_PROVEN, frozenset({NOT_PROVEN}), R2012),
        OutcomeRule(Outcome.NO_FURTHER_ACTION, frozenset({NEITHER, NOT_PROVEN}), R2012),
    ),
    panel=MEETING_2020.panel,
)
HEARING_2012 = Forum(
    code=Proceedings.GROSS_MISCONDUCT_HEARING,
    label="Misconduct hearing (gross misconduct)",
    source=R2012,
    confirmed=UNCONFIRMED,
    severities=frozenset({GROSS, MISC}),
    public_by_default=True,
    appeal_to_tribunal=True,
    outcomes=(
        OutcomeRule(Outcome.MANAGEMENT_ADVICE, frozenset({MISC, GROSS}), R2012),
        OutcomeRule(Outcome.WRITTEN_WARNING, frozenset({MISC, GROSS}), R2012),
        OutcomeRule(Outcome.FINAL_WRITTEN_WARNING, frozenset({MISC, GROSS}), R2012),
        OutcomeRule(Outcome.REDUCTION_IN_RANK, frozenset({GROSS}), R2012),
        OutcomeRule(
            Outcome.DISMISSAL_WITH_NOTICE,
            frozenset({MISC, GROSS}),
            R2012,
            condition=FWW_OR_UNCONNECTED,
        ),
        OutcomeRule(Outcome.DISMISSAL_WITHOUT_NOTICE, frozenset({GROSS}), R2012),
        OutcomeRule(
            Outcome.WOULD_HAVE_BEEN_DISMISSED, frozenset({GROSS}), R2012, condition=FORMER_OFFICER
        ),
        OutcomeRule(Outcome.NOT_PROVEN, frozenset({NOT_PROVEN}), R2012),
        OutcomeRule(Outcome.NO_FURTHER_ACTION, frozenset({NEITHER, NOT_PROVEN}), R2012),
    ),
    panel=HEARING_2020.panel,
)

# SI 2025/558 reg 15 amends regulation 42 (a presumption of dismissal for gross misconduct: the
# chair must give reasons for any other outcome). The set of outcomes is unchanged; the reason
# requirement is a guard in process.py (``REASON_FOR_NOT_DISMISSING``).
HEARING_2025 = Forum(
    code=HEARING_2020.code,
    label=HEARING_2020.label,
    source=f"{HEARING_2020.source}; as amended by SI 2025/558, regulation 15",
    confirmed=SECONDARY,
    severities=HEARING_2020.severities,
    public_by_default=True,
    appeal_to_tribunal=True,
    outcomes=HEARING_2020.outcomes,
    panel=HEARING_2020.panel,
)

FORUMS: dict[str, dict[str, Forum]] = {
    "2012": {f.code: f for f in (MEETING_2012, HEARING_2012, ACCELERATED_2020, MANAGEMENT_ACTION)},
    "2020": {
        f.code: f for f in (MEETING_2020, HEARING_2020, ACCELERATED_2020, RPRP, MANAGEMENT_ACTION)
    },
    "2025": {
        f.code: f for f in (MEETING_2020, HEARING_2025, ACCELERATED_2020, RPRP, MANAGEMENT_ACTION)
    },
}

# The forums to which ``arrange_proceedings`` can send a subject (RPRP and management action
# have their own actions).
PROCEEDINGS_FORUMS = (
    Proceedings.MISCONDUCT_MEETING,
    Proceedings.GROSS_MISCONDUCT_HEARING,
    Proceedings.ACCELERATED_HEARING,
)

# Gross misconduct found and an outcome other than dismissal: from SI 2025/558 the reasons must
# be given (the amended regulation 42 report, "where ... gross misconduct but the disciplinary
# action imposed was not dismissal without notice, the reasons for that decision").
DISMISSALS = frozenset({Outcome.DISMISSAL_WITHOUT_NOTICE, Outcome.WOULD_HAVE_BEEN_DISMISSED})


def forum_rules(version: str, forum: str) -> Forum | None:
    return FORUMS.get(version, FORUMS["2025"]).get(forum)


def outcome_label(code: str) -> str:
    return str(Outcome(code).label) if code in Outcome.values else code


def describe_outcomes(forum: Forum, finding: str | None = None) -> str:
    """'written warning, final written warning, ...' for the forum (and finding, when given)."""
    labels: list[str] = []
    for rule in forum.outcomes:
        if finding is not None and finding not in rule.findings:
            continue
        label = outcome_label(rule.outcome).lower()
        if rule.condition == FWW_OR_UNCONNECTED:
            label += " (only with a final written warning in force or unconnected incidents)"
        elif rule.condition == FORMER_OFFICER:
            label += " (former officers only)"
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


def check_outcome(
    version: str,
    forum_code: str,
    outcome: str,
    *,
    finding: str,
    final_written_warning_in_force: bool = False,
    incidents_not_closely_connected: bool = False,
    former_officer: bool = False,
) -> str | None:
    """None when the forum may give ``outcome`` on ``finding``; otherwise the sentence saying why
    not, naming the forum and the outcomes it can give."""
    forum = forum_rules(version, forum_code)
    if forum is None:
        return f"No forum '{forum_code}' exists under the {version} rules."
    rules = [rule for rule in forum.outcomes if rule.outcome == outcome]
    if not rules:
        return (
            f"A {forum.label.lower()} cannot give {outcome_label(outcome).lower()} "
            f"({forum.source}). It can give: {describe_outcomes(forum)}."
        )
    rule = forum.rule_for(outcome, finding)
    if rule is None:
        finding_label = Finding(finding).label.lower() if finding in Finding.values else finding
        return (
            f"A {forum.label.lower()} that finds {finding_label} cannot give "
            f"{outcome_label(outcome).lower()}. On that finding it can give: "
            f"{describe_outcomes(forum, finding) or 'nothing'}."
        )
    if rule.condition == FWW_OR_UNCONNECTED and not (
        final_written_warning_in_force or incidents_not_closely_connected
    ):
        return (
            f"A {forum.label.lower()} that finds misconduct (not gross misconduct) can give "
            f"{outcome_label(outcome).lower()} {CONDITIONS[FWW_OR_UNCONNECTED]}. Say which applies "
            "(final_written_warning_in_force or incidents_not_closely_connected), or choose "
            f"another outcome: {describe_outcomes(forum, finding)}."
        )
    if rule.condition == FORMER_OFFICER and not former_officer:
        return (
            f"{outcome_label(outcome)} is a finding {CONDITIONS[FORMER_OFFICER]}; this subject "
            "has not left the force."
        )
    return None
