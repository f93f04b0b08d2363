"""The layout of a §1 cases file (docs/interchange.md): its columns by name, in file order,
and the codes each may hold. Everything that reads, checks, plans or exports a cases file takes
its columns from here, by name."""

from __future__ import annotations

from candour.cases.models import SUBJECT_PART_CHOICES, SUBJECT_PART_CODES, CaseType
from candour.core.interchange.columns import code_labels, codes
from candour.core.interchange.draft import Codes, Layout

CASE_COLUMNS = ("force", "case_ref", "case_type", "received_date")
ALLEGATION_COLUMNS = ("allegation_ref", "category", "flags")
# One subject's part in the allegation, as stored on AllegationSubject: codes, then the date.
SUBJECT_CODES = SUBJECT_PART_CODES
SUBJECT_FIELDS = (*SUBJECT_CODES, "outcome_date")
# The same fields in the order of the §1 table (``finding`` came last, after ``outcome_date``):
# the order an export writes them in. A reader finds columns by name, in any order.
SUBJECT_COLUMNS = (*(c for c in SUBJECT_CODES if c != "finding"), "outcome_date", "finding")
assert sorted(SUBJECT_COLUMNS) == sorted(SUBJECT_FIELDS)
COLUMNS = (*CASE_COLUMNS, *ALLEGATION_COLUMNS, "subject_ref", *SUBJECT_COLUMNS)
REQUIRED = (*CASE_COLUMNS, "allegation_ref", "category")
KEY = ("force", "case_ref", "allegation_ref", "subject_ref")  # a row: one subject's allegation
REFERENCES = ("case_ref", "allegation_ref", "subject_ref")
REF_LENGTH = 64  # Case.ref, Allegation.ref and Person.ref are CharField(max_length=64)

# Optional columns holding one code of an enumeration (candour/cases/models.py, core/models.py).
ENUMERATIONS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (name, codes(choices)) for name, choices in SUBJECT_PART_CHOICES.items()
)
CASE_TYPES = codes(CaseType)


def _codes() -> dict[str, Codes]:
    """Each coded column's codes and labels, for ``candour mapping draft``."""
    from candour.cases.models import Category, Flag
    from candour.core.models import Force

    found: dict[str, Codes] = {
        "force": dict(Force.objects.values_list("code", "name")),
        "case_type": code_labels(CaseType),
        "category": dict(Category.objects.values_list("code", "label")),
        "flags": dict(Flag.objects.values_list("code", "label")),
    }
    for name, choices in SUBJECT_PART_CHOICES.items():
        found[name] = code_labels(choices)
    return found


# Names a foreign file gives each column, best first (a UK FOI answer's and a US city's open
# data's); ``candour mapping draft`` guesses from them.
OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "force": ("force", "police force", "agency", "department"),
    "case_ref": (
        "case reference",
        "case number",
        "case id",
        "psd reference",
        "complaint id",
        "complaint number",
        "complaint reference",
        "crid",
        "cr id",
        "file number",
        "reference",
        "case",
        "complaint",
    ),
    "case_type": ("case type", "matter type", "type of matter", "type"),
    "received_date": (
        "date received",
        "received date",
        "received",
        "complaint date",
        "date of complaint",
        "date reported",
        "reported date",
        "recorded date",
        "date recorded",
        "opened",
    ),
    "allegation_ref": (
        "allegation number",
        "allegation no",
        "allegation id",
        "allegation reference",
        "discipline id",
    ),
    "category": (
        "allegation type",
        "allegation category",
        "complaint category",
        "category",
        "allegation",
        "allegations investigated",
        "fado type",
    ),
    "flags": ("theme", "themes", "flags", "flag"),
    "subject_ref": (
        "officer id",
        "officer number",
        "subject id",
        "person ref",
        "employee id",
        "collar number",
        "warrant number",
        "badge number",
        "unique mos id",
        "officer",
        "subject",
    ),
    "subject_role": ("role", "officer role", "employee type", "staff type"),
    "subject_sex": ("sex", "gender", "officer sex", "officer gender", "po sex", "mos gender"),
    "subject_rank": ("rank", "officer rank", "rank at incident", "rank incident"),
    "iopc_referral": ("iopc referral", "referred to iopc", "referral"),
    "investigation": ("investigation type", "investigation mode", "investigation"),
    "severity": ("severity", "severity assessment"),
    "proceedings": ("proceedings", "forum", "hearing type", "meeting or hearing"),
    "outcome": (
        "outcome",
        "disposition",
        "board disposition",
        "disciplinary outcome",
        "disciplinary findings",
        "sanction",
        "penalty",
        "action taken",
        "result",
    ),
    "outcome_date": (
        "outcome date",
        "date of outcome",
        "date finalised",
        "date finalized",
        "date closed",
        "closed date",
        "finalised",
        "closed",
    ),
    "finding": ("finding", "findings", "investigative findings", "investigation finding"),
}


def draft_layout() -> Layout:
    """The §1 layout for ``candour mapping draft`` (registered in ``CasesConfig.ready``)."""
    return Layout(
        kind="cases",
        columns=COLUMNS,
        required=REQUIRED,
        codes=_codes,
        dates=("received_date", "outcome_date"),
        multi=("flags",),
        names=OTHER_NAMES,
    )
