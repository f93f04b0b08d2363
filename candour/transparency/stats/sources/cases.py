"""The cases source: complaints, conduct matters and DSI matters, allegation by allegation and
subject by subject (interchange §1, "Counting rules", docs/formats.md).

A case is a ``case_ref`` within a force; an allegation is an ``allegation_ref`` within a case;
an officer is a distinct subject (workforce ``Person``) within a force. Subjects who were never
identified have no ``Person`` and are not counted as officers. An allegation can carry several
themes, so with ``flag`` the rows can add up to more than the total.
"""

from __future__ import annotations

from candour.cases.models import (
    SUBJECT_PART_CODES,
    Allegation,
    AllegationFinding,
    AllegationSubject,
    Case,
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
from candour.transparency.stats.declaration import (
    FORCE_DIMENSION,
    PERIOD_DIMENSIONS,
    TAGS,
    UNKNOWN,
    Band,
    Column,
    Count,
    DateColumn,
    Dimension,
    Level,
    Source,
    Span,
    Tags,
    choices,
)

NO_FLAG = "none"

# How a matter is handled (Police Reform Act 2002, Schedule 3, as amended 2020): a complaint may be
# handled outside Schedule 3 (resolved without recording) or recorded and handled within it.
OUTSIDE_SCHEDULE_3, WITHIN_SCHEDULE_3 = "outside_schedule_3", "within_schedule_3"
HANDLING_LABELS = {
    OUTSIDE_SCHEDULE_3: "Outside Schedule 3",
    WITHIN_SCHEDULE_3: "Within Schedule 3",
    UNKNOWN: "Handling not yet decided",
}

# Working days from receipt to finalisation, in bands (the IOPC gives the time taken to
# finalise in working days; docs/statistics.md, "The IOPC quarterly return").
FINALISE_BANDS = (
    Band("wd_000_010", "Up to 10 working days", 10),
    Band("wd_011_020", "11 to 20 working days", 20),
    Band("wd_021_060", "21 to 60 working days", 60),
    Band("wd_061_120", "61 to 120 working days", 120),
    Band("wd_121_250", "121 to 250 working days", 250),
    Band("wd_251_up", "More than 250 working days (about a year)", None),
)


# Flags read as themes in sentences: "20 of them for sexual misconduct".
FLAG_PHRASES = {**reference.FLAG_PHRASES, NO_FLAG: "no theme flagged"}  # flags.csv


def _subject(
    code: str, title: str, labels: dict[str, str], phrase: str, **extra: object
) -> Dimension:
    return Dimension(code, title, column=code, labels=labels, phrase=phrase, **extra)  # type: ignore[arg-type]


CASES = Source(
    name="cases",
    title="Cases, allegations and officers",
    levels=(
        Level("case", Case, id_column="case_id"),
        Level("allegation", Allegation, id_column="allegation_id", parent="case"),
        Level("subject", AllegationSubject, id_column="subject_row_id", parent="allegation"),
    ),
    columns=(
        Column("subject_id", "subject", "subject", type="id"),
        Column("force", "case", "force"),
        Column("case_type", "case", "case_type"),
        Column("received_date", "case", "received_date", type="date"),
        Column(
            "handling",
            "case",
            "schedule_3",
            type="bool",
            known=True,
            values=(OUTSIDE_SCHEDULE_3, WITHIN_SCHEDULE_3),
        ),
        Column("finalised_date", "case", "finalised_on", type="date"),
        Column("category", "allegation", "category"),
        *(Column(code, "subject", code, known=True) for code in SUBJECT_PART_CODES),
        Column("outcome_date", "subject", "outcome_date", type="date"),
    ),
    tags=Tags(
        name="themes",
        level="allegation",
        field="flags",
        codes=tuple(FlagCode.values),
        none_code=NO_FLAG,
        prefix="flag_",
    ),
    dates=(
        DateColumn("received_date", "case", stem="received", title="Date received"),
        DateColumn(
            "outcome_date",
            "subject",
            stem="outcome",
            lead="with an outcome decided ",
            title="Date of the outcome",
        ),
        DateColumn(
            "finalised_date",
            "case",
            stem="finalised",
            lead="in matters finalised ",
            title="Date finalised",
        ),
    ),
    spans=(
        Span(
            "days_to_finalise",
            "case",
            start="received_date",
            end="finalised_date",
            bands=FINALISE_BANDS,
        ),
    ),
    counts=(
        Count(
            "cases",
            "case",
            "cases",
            "case",
            "case_id",
            date="received_date",
            label="Cases (complaints and matters)",
        ),
        Count(
            "allegations",
            "allegation",
            "allegations",
            "allegation",
            "allegation_id",
            date="received_date",
        ),
        Count(
            "officers",
            "officer",
            "officers",
            "subject",
            "subject_id",
            date="received_date",
            verb="the subject of allegations",
            verb_one="the subject of an allegation",
            label="Officers and staff (each person once)",
        ),
    ),
    dimensions=(
        *PERIOD_DIMENSIONS,
        FORCE_DIMENSION,
        Dimension(
            "case_type",
            "Type of matter",
            column="case_type",
            labels=choices(CaseType),
            phrase="in {label_lower} cases",
        ),
        Dimension(
            "handling",
            "Handling",
            column="handling",
            labels=HANDLING_LABELS,
            phrase="{value_phrase}",
            phrases={
                OUTSIDE_SCHEDULE_3: "handled outside Schedule 3",
                WITHIN_SCHEDULE_3: "handled within Schedule 3",
                UNKNOWN: "with handling not yet decided",
            },
            unknown_label=HANDLING_LABELS[UNKNOWN],
        ),
        Dimension(
            "days_to_finalise",
            "Time to finalise",
            column="days_to_finalise",
            labels={**{b.code: b.label for b in FINALISE_BANDS}, UNKNOWN: "Not finalised"},
            phrase="finalised in {label_lower}",
            unknown_label="Not finalised",
        ),
        Dimension(
            "category",
            "Category",
            column="category",
            reference=("cases.Category", "code", "label"),
            phrase="for {label_lower}",
        ),
        Dimension(
            "flag",
            "Theme",
            TAGS,
            column="themes",
            labels={**choices(FlagCode), NO_FLAG: "No theme flagged"},
            phrase="for {value_phrase}",
            phrases={str(k): v for k, v in FLAG_PHRASES.items()},
        ),
        _subject("subject_sex", "Sex", choices(Sex), "{label_lower}"),
        _subject("subject_role", "Role", choices(PersonRole), "{label_lower}"),
        _subject("subject_rank", "Rank", choices(Rank), "of rank {label_lower}"),
        _subject(
            "iopc_referral",
            "IOPC referral",
            choices(IopcReferral),
            "with IOPC referral: {label_lower}",
        ),
        _subject(
            "investigation",
            "Investigation",
            choices(Investigation),
            "with investigation: {label_lower}",
        ),
        _subject("severity", "Severity assessment", choices(Severity), "assessed as {label_lower}"),
        _subject(
            "proceedings", "Proceedings", choices(Proceedings), "with proceedings: {label_lower}"
        ),
        _subject(
            "outcome",
            "Outcome",
            {**choices(Outcome), UNKNOWN: "Not known or still open"},
            "with outcome: {label_lower}",
            unknown_label="Not known or still open",
        ),
        # What was found, apart from what was done (interchange §1 ``finding``;
        # docs/statistics.md, "Findings"): a US "sustained" is proven.
        _subject(
            "finding",
            "Finding",
            {**choices(AllegationFinding), UNKNOWN: "Not known or still open"},
            "{value_phrase}",
            phrases={
                AllegationFinding.PROVEN.value: "found proven",
                AllegationFinding.NOT_PROVEN.value: "found not proven",
                AllegationFinding.UNFOUNDED.value: "found unfounded",
                AllegationFinding.EXONERATED.value: "exonerated",
                AllegationFinding.NO_FINDING.value: "closed without a finding",
                UNKNOWN: "with no finding known",
            },
            unknown_label="Not known or still open",
        ),
    ),
    changes=("cases", "workforce"),
    default_count="allegations",
    filters=(("case_type", "case_type"),),
)
