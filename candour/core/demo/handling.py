"""How a demo matter is handled, from referral to outcome: tables of plausible paths.

The outcome each forum may give is checked against the forums table of the rules the matter
started under (candour/cases/forums.py): a misconduct meeting gives at most a final written
warning (management advice only under the 2012 rules); a misconduct hearing or an accelerated
hearing may dismiss, or find that someone who has left would have been dismissed; the
Reflective Practice Review Process is not a disciplinary outcome. The shares are invented.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from candour.cases import forums
from candour.cases.rules import rules_version_for

# Categories and flags that make a matter serious enough for a mandatory IOPC referral.
SERIOUS_FLAGS = frozenset({"sexual", "corruption", "domestic_abuse"})
SERIOUS_CATEGORIES = frozenset(
    {
        "legacy_a_serious_non_sexual_assault",
        "legacy_b_sexual_assault",
        "legacy_h_corrupt_practice",
        "sexual_assault",
        "abuse_of_position_sexual",
        "abuse_of_position_other",
    }
)

Weights = Mapping[str, float]
K = TypeVar("K")

IOPC_REFERRAL: dict[str, Weights] = {
    "dsi_matter": {"mandatory": 1},
    "serious": {"mandatory": 0.6, "voluntary": 0.15, "none": 0.25},
    "conduct_matter": {"none": 0.85, "voluntary": 0.1, "mandatory": 0.05},
    "complaint": {"none": 0.93, "voluntary": 0.04, "mandatory": 0.03},
}

INVESTIGATION: dict[str, Weights] = {
    "dsi_matter": {"independent": 0.5, "directed": 0.1, "local": 0.3, "none": 0.1},
    "referred": {"independent": 0.2, "directed": 0.05, "local": 0.6, "none": 0.15},
    "conduct_matter": {"local": 0.9, "none": 0.1},
    "complaint": {"none": 0.65, "local": 0.35},
}

SEVERITY: dict[str, Weights] = {
    "complaint": {"none": 0.7, "misconduct": 0.25, "gross_misconduct": 0.05},
    "conduct_matter": {"none": 0.3, "misconduct": 0.45, "gross_misconduct": 0.25},
    "serious": {"none": 0.2, "misconduct": 0.3, "gross_misconduct": 0.5},
    "dsi_matter": {"none": 0.75, "misconduct": 0.2, "gross_misconduct": 0.05},
}

PROCEEDINGS: dict[str, Weights] = {
    "none": {"none": 0.85, "rprp": 0.15},
    "misconduct": {
        "rprp": 0.35,
        "management_action": 0.15,
        "misconduct_meeting": 0.3,
        "none": 0.2,
    },
    # A misconduct meeting hears misconduct only (Police (Conduct) Regulations 2020 reg 23).
    "gross_misconduct": {
        "gross_misconduct_hearing": 0.65,
        "accelerated_hearing": 0.1,
        "none": 0.25,
    },
}

# The outcomes each kind of proceedings can give (severity "none" + proceedings "none" means
# the matter closed without a case to answer).
OUTCOMES: dict[str, Weights] = {
    "rprp": {"reflective_practice": 1},
    "management_action": {"management_action": 1},
    "misconduct_meeting": {
        "no_further_action": 0.2,
        "management_advice": 0.3,
        "written_warning": 0.3,
        "final_written_warning": 0.15,
        "not_proven": 0.05,
    },
    "gross_misconduct_hearing": {
        "dismissal_without_notice": 0.35,
        "final_written_warning": 0.2,
        "written_warning": 0.1,
        "reduction_in_rank": 0.05,
        "management_advice": 0.1,
        "not_proven": 0.2,
    },
    "accelerated_hearing": {"dismissal_without_notice": 0.8, "final_written_warning": 0.2},
    "none_after_investigation": {"no_case_to_answer": 0.7, "no_further_action": 0.3},
    "none_without_investigation": {
        "no_further_action": 0.75,
        "no_case_to_answer": 0.1,
        "withdrawn": 0.1,
        "other": 0.05,
    },
}
DISMISSALS = frozenset({"dismissal_without_notice", "would_have_been_dismissed"})
# Outcomes that only someone still serving can receive.
SANCTIONS_FOR_SERVING = frozenset(
    {
        "reflective_practice",
        "management_action",
        "management_advice",
        "written_warning",
        "final_written_warning",
        "reduction_in_rank",
        "dismissal_with_notice",
        "dismissal_without_notice",
    }
)
RANKS_THAT_CAN_BE_REDUCED = frozenset(
    {"sergeant", "inspector", "chief_inspector", "superintendent", "chief_superintendent"}
)

# Days from receipt to outcome: (shortest, longest) by the path taken.
DAYS_TO_OUTCOME: dict[str, tuple[int, int]] = {
    "no_investigation": (20, 150),
    "investigated": (90, 420),
    "rprp": (120, 450),
    "management_action": (120, 450),
    "misconduct_meeting": (240, 700),
    "gross_misconduct_hearing": (365, 1100),
    "accelerated_hearing": (120, 400),
}
INDEPENDENT_EXTRA_DAYS = 180


def pick(rng: random.Random, weights: Mapping[K, float]) -> K:
    """One key, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Handling:
    """How one allegation is handled (the same for every subject of it)."""

    iopc_referral: str
    investigation: str
    serious: bool


def handle_allegation(
    rng: random.Random, case_type: str, category: str, flags: set[str]
) -> Handling:
    serious = bool(flags & SERIOUS_FLAGS) or category in SERIOUS_CATEGORIES
    if case_type == "dsi_matter":
        referral = pick(rng, IOPC_REFERRAL["dsi_matter"])
    else:
        referral = pick(rng, IOPC_REFERRAL["serious" if serious else case_type])
    if case_type == "dsi_matter":
        investigation = pick(rng, INVESTIGATION["dsi_matter"])
    elif referral != "none":
        investigation = pick(rng, INVESTIGATION["referred"])
    else:
        investigation = pick(rng, INVESTIGATION[case_type])
    return Handling(referral, investigation, serious)


@dataclass
class SubjectResult:
    severity: str
    proceedings: str
    outcome: str
    outcome_date: dt.date | None


def decide_for_subject(
    rng: random.Random,
    *,
    case_type: str,
    handling: Handling,
    received: dt.date,
    end: dt.date,
    identified: bool,
    rank: str,
    left_date: dt.date | None,
) -> SubjectResult:
    """Severity, proceedings and outcome of one subject; open (blank outcome) when the outcome
    would fall after ``end``. ``left_date`` is when the subject left, if they have."""
    if handling.investigation == "none":
        severity = rng.choice(["", "none"]) if case_type == "complaint" else "none"
    elif not identified:
        severity = "none"
    else:
        key = "serious" if handling.serious and case_type != "dsi_matter" else case_type
        severity = pick(rng, SEVERITY[key])

    if not identified or handling.investigation == "none":
        proceedings = "none"
    else:
        proceedings = pick(rng, PROCEEDINGS[severity or "none"])

    if proceedings == "none":
        path = "investigated" if handling.investigation != "none" else "no_investigation"
    else:
        path = proceedings
    low, high = DAYS_TO_OUTCOME[path]
    days = int(rng.triangular(low, high, low + (high - low) / 3))
    if handling.investigation == "independent":
        days += INDEPENDENT_EXTRA_DAYS
    outcome_date = received + dt.timedelta(days=days)

    if outcome_date > end:
        # Still open: proceedings are known once the investigation has reported.
        decided = received + dt.timedelta(days=int(days * 0.6)) <= end
        return SubjectResult(severity, proceedings if decided else "", "", None)

    if proceedings == "none":
        key = (
            "none_without_investigation"
            if handling.investigation == "none"
            else "none_after_investigation"
        )
        outcome = pick(rng, OUTCOMES[key])
    else:
        outcome = pick(rng, OUTCOMES[proceedings])
        if outcome == "reduction_in_rank" and rank not in RANKS_THAT_CAN_BE_REDUCED:
            outcome = "final_written_warning"
        outcome = lawful_outcome(rng, received, proceedings, severity, outcome)
    if left_date is not None and left_date < outcome_date:
        proceedings, outcome = settle_for_leaver(severity, proceedings, outcome)
    return SubjectResult(severity, proceedings, outcome, outcome_date)


def lawful_outcome(
    rng: random.Random, received: dt.date, proceedings: str, severity: str, outcome: str
) -> str:
    """``outcome`` if the forum may give it under the rules the matter started under
    (candour/cases/forums.py), else one it may give, drawn with the same weights."""
    version = rules_version_for(received).code
    forum = forums.forum_rules(version, proceedings)
    if forum is None:
        return outcome
    finding = proceedings_finding(severity, outcome)
    if forums.check_outcome(version, proceedings, outcome, finding=finding) is None:
        return outcome
    allowed = {
        code
        for code in forum.outcome_codes(finding)
        if forums.check_outcome(version, proceedings, code, finding=finding) is None
    }
    weights = {code: w for code, w in OUTCOMES[proceedings].items() if code in allowed}
    if weights:
        return pick(rng, weights)
    return sorted(allowed)[0] if allowed else outcome


def proceedings_finding(severity: str, outcome: str) -> str:
    """What the demo's proceedings found: misconduct or gross misconduct as assessed, neither
    where the severity was lower, not proven where the outcome says so."""
    if outcome in ("not_proven", "no_further_action"):
        return forums.NOT_PROVEN
    return severity if severity in (forums.MISC, forums.GROSS) else forums.NEITHER


def settle_for_leaver(severity: str, proceedings: str, outcome: str) -> tuple[str, str]:
    """The proceedings and outcome for a subject who left before the outcome. Gross misconduct
    hearings continue for former officers (Police (Conduct) Regulations 2020, since 2017) and
    can find they would have been dismissed; lesser sanctions lapse when someone leaves."""
    if proceedings in {"gross_misconduct_hearing", "accelerated_hearing"}:
        return (
            proceedings,
            "would_have_been_dismissed" if outcome in DISMISSALS else "no_further_action",
        )
    if outcome in SANCTIONS_FOR_SERVING or severity in {"misconduct", "gross_misconduct"}:
        return "none", "resigned_or_retired"
    return proceedings, outcome
