"""The layout of a §1 cases file (docs/interchange.md): its columns by name, in file order,
and the codes each may hold. Everything that reads, checks, plans or exports a cases file takes
its columns from here, by name."""

from __future__ import annotations

from candour.cases.models import (
    SUBJECT_PART_CODES,
    CaseType,
    Investigation,
    IopcReferral,
    Outcome,
    Proceedings,
    Severity,
)
from candour.core.interchange.columns import codes
from candour.core.models import PersonRole, Rank, Sex

CASE_COLUMNS = ("force", "case_ref", "case_type", "received_date")
ALLEGATION_COLUMNS = ("allegation_ref", "category", "flags")
# One subject's part in the allegation, as stored on AllegationSubject: codes, then the date.
SUBJECT_CODES = SUBJECT_PART_CODES
SUBJECT_FIELDS = (*SUBJECT_CODES, "outcome_date")
COLUMNS = (*CASE_COLUMNS, *ALLEGATION_COLUMNS, "subject_ref", *SUBJECT_FIELDS)
REQUIRED = (*CASE_COLUMNS, "allegation_ref", "category")
REFERENCES = ("case_ref", "allegation_ref", "subject_ref")
REF_LENGTH = 64  # Case.ref, Allegation.ref and Person.ref are CharField(max_length=64)

# Optional columns holding one code of an enumeration (candour/cases/models.py, core/models.py).
ENUMERATIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("subject_role", codes(PersonRole)),
    ("subject_sex", codes(Sex)),
    ("subject_rank", codes(Rank)),
    ("iopc_referral", codes(IopcReferral)),
    ("investigation", codes(Investigation)),
    ("severity", codes(Severity)),
    ("proceedings", codes(Proceedings)),
    ("outcome", codes(Outcome)),
)
CASE_TYPES = codes(CaseType)
