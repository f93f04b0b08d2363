"""The dimensions a statistic can be broken down by (spec/cli.md, ``candour stats --by``).

One table: each dimension says at which level of the record it lives (the case, the allegation or
one subject's part in it), which field holds it and how its codes read in words. The query engine
(``engine.py``), the sentence builder and every output read this table; add a dimension here.

Blank or missing values are never dropped: they are counted under the code ``unknown`` ("Not
known"), merged with an explicitly recorded ``unknown`` where the field has that code. An
allegation with no theme flagged counts under the flag code ``none``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from candour.cases.models import (
    CaseType,
    FlagCode,
    Investigation,
    IopcReferral,
    Outcome,
    Proceedings,
    Severity,
)
from candour.core import reference
from candour.core.models import PersonRole, Rank, Sex

UNKNOWN = "unknown"
NO_FLAG = "none"
UNKNOWN_LABEL = "Not known"

# Levels of the record, from the most general to the most detailed.
CASE, ALLEGATION, SUBJECT = "case", "allegation", "subject"
LEVEL_DEPTH = {CASE: 0, ALLEGATION: 1, SUBJECT: 2}

# What each count counts (spec/interchange.md §1, "Counting rules"): the level it needs.
COUNT_LEVEL = {"cases": CASE, "allegations": ALLEGATION, "officers": SUBJECT}
COUNT_NOUNS = {
    "cases": ("case", "cases"),
    "allegations": ("allegation", "allegations"),
    "officers": ("officer", "officers"),
}


@dataclass(frozen=True)
class Dimension:
    code: str
    title: str
    level: str  # CASE, ALLEGATION or SUBJECT; "date" for year and financial_year
    field: str = ""
    kind: str = "field"  # field | year | financial_year | flag
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    nullable: bool = True  # blank or NULL possible: counted under "unknown"
    # How a value reads after "N of them ..." in the sentences; {label} is the value's label.
    phrase: str = "{label}"


def _choices(choices: type) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}  # type: ignore[attr-defined]


# Flags read as themes in sentences: "20 of them for sexual misconduct".
FLAG_PHRASES = {**reference.FLAG_PHRASES, NO_FLAG: "no theme flagged"}  # flags.csv

DIMENSIONS: dict[str, Dimension] = {
    d.code: d
    for d in [
        Dimension("year", "Year", "date", kind="year", phrase="in {label}"),
        Dimension(
            "financial_year", "Financial year", "date", kind="financial_year", phrase="in {label}"
        ),
        Dimension("force", "Force", CASE, "force_id", nullable=False, phrase="in {label}"),
        Dimension(
            "case_type",
            "Type of matter",
            CASE,
            "case_type",
            labels=_choices(CaseType),
            nullable=False,
            phrase="in {label_lower} cases",
        ),
        Dimension(
            "category",
            "Category",
            ALLEGATION,
            "category_id",
            nullable=False,
            phrase="for {label_lower}",
        ),
        Dimension(
            "flag",
            "Theme",
            ALLEGATION,
            "flags__code",
            kind="flag",
            labels={**_choices(FlagCode), NO_FLAG: "No theme flagged"},
            phrase="for {flag_phrase}",
        ),
        Dimension(
            "subject_sex",
            "Sex",
            SUBJECT,
            "subject_sex",
            labels=_choices(Sex),
            phrase="{label_lower}",
        ),
        Dimension(
            "subject_role",
            "Role",
            SUBJECT,
            "subject_role",
            labels=_choices(PersonRole),
            phrase="{label_lower}",
        ),
        Dimension(
            "subject_rank",
            "Rank",
            SUBJECT,
            "subject_rank",
            labels=_choices(Rank),
            phrase="of rank {label_lower}",
        ),
        Dimension(
            "iopc_referral",
            "IOPC referral",
            SUBJECT,
            "iopc_referral",
            labels=_choices(IopcReferral),
            phrase="with IOPC referral: {label_lower}",
        ),
        Dimension(
            "investigation",
            "Investigation",
            SUBJECT,
            "investigation",
            labels=_choices(Investigation),
            phrase="with investigation: {label_lower}",
        ),
        Dimension(
            "severity",
            "Severity assessment",
            SUBJECT,
            "severity",
            labels=_choices(Severity),
            phrase="assessed as {label_lower}",
        ),
        Dimension(
            "proceedings",
            "Proceedings",
            SUBJECT,
            "proceedings",
            labels=_choices(Proceedings),
            phrase="with proceedings: {label_lower}",
        ),
        Dimension(
            "outcome",
            "Outcome",
            SUBJECT,
            "outcome",
            labels={**_choices(Outcome), UNKNOWN: "Not known or still open"},
            phrase="with outcome: {label_lower}",
        ),
    ]
}

DIMENSION_CODES = tuple(DIMENSIONS)


def financial_year_label(start_year: int) -> str:
    """April to March, written as ``2022/23``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"
