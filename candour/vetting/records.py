"""The fields of a person's record in the data wash (interchange §3, docs/formats.md).

One home for the file readers (``datawash/inputs.py``), the comparisons (``datawash/
comparisons.py``) and the review queue's snapshots and labels (``services.py``, ``views.py``).
Free of imports, so the web pages need not load Splink or DuckDB to name a field.
"""

from __future__ import annotations

# Columns both files must have besides their id (``person_ref``, ``record_id``); any but the
# id may be empty.
SHARED_FIELDS = (
    "forenames",
    "surname",
    "previous_surnames",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
)
# A Candour extension of §3: a file without one of these is read as if the column were empty.
# ``ni_number`` is a personal identifier such as a National Insurance number (docs/datawash.md).
OPTIONAL_FIELDS = ("ni_number",)

# What a candidate's snapshot keeps of each record, in the order the review page shows them.
RECORD_FIELDS = (*SHARED_FIELDS, *OPTIONAL_FIELDS)

LABELS = {"ni_number": "NI number"}


def label(field: str) -> str:
    """The field's name as the review page shows it: "Date of birth", "NI number"."""
    return LABELS.get(field, field.replace("_", " ").capitalize())
