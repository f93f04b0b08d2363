"""Export cases as interchange §1, readable by ``import cases`` with nothing lost.

Rows are streamed from the database in order (force, case, allegation, subject) and written as
they come; the flags of each batch of rows are fetched in one query. An allegation with no
subject recorded is written as one row with the subject columns empty (importing it back records
an unidentified subject). A case with no allegation has no §1 row and is not exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from django.db.models import F

from candour.cases.interchange.layout import COLUMNS, SUBJECT_COLUMNS
from candour.cases.models import Allegation, AllegationSubject
from candour.core import audit
from candour.core.interchange.report import NoProgress, Progress
from candour.core.interchange.writers import open_writer
from candour.core.models import User

CHUNK = 2000


def export_cases(
    path: str | Path,
    *,
    forces: Sequence[str] = (),
    progress: Progress | None = None,
    user: User | None = None,
    channel: str = "cli",
) -> int:
    """Write every case row (of ``forces``, or of all forces) to ``path``; return the row count."""
    path = Path(path)
    progress = progress or NoProgress()
    subjects = AllegationSubject.objects.all()
    without_subjects = Allegation.objects.filter(subjects__isnull=True)
    if forces:
        subjects = subjects.filter(allegation__case__force_id__in=forces)
        without_subjects = without_subjects.filter(case__force_id__in=forces)
    step = progress.stage("Exporting", subjects.count() + without_subjects.count())
    written = 0
    with open_writer(path, COLUMNS, sheet="cases") as write:
        for row in _rows(subjects, without_subjects):
            write(row)
            written += 1
            if written % CHUNK == 0:
                step(CHUNK)
    audit.record(
        user,
        "export",
        object_type="cases.case",
        object_id=path.name[:80],
        force_code=forces[0] if len(forces) == 1 else "",
        channel=channel,
        detail={"file": path.name, "forces": sorted(forces) or "all", "rows": written},
    )
    return written


OUTCOME_DATE = SUBJECT_COLUMNS.index("outcome_date")


def _rows(subjects: Any, without_subjects: Any) -> Iterator[list[str]]:
    case = (
        "allegation__case__force_id",
        "allegation__case__ref",
        "allegation__case__case_type",
        "allegation__case__received_date",
        "allegation__ref",
        "allegation__category_id",
    )
    ordered = subjects.order_by(
        "allegation__case__force_id",
        "allegation__case__ref",
        "allegation__ref",
        F("subject__ref").asc(nulls_first=True),
        "id",
    ).values_list("allegation_id", *case, "subject__ref", *SUBJECT_COLUMNS)
    for batch in _batches(ordered.iterator(chunk_size=CHUNK)):
        flags = _flags(row[0] for row in batch)
        for (
            allegation_id,
            force,
            case_ref,
            case_type,
            received,
            allegation_ref,
            category,
            subject_ref,
            *subject_values,
        ) in batch:
            outcome_date = subject_values[OUTCOME_DATE]
            subject_values[OUTCOME_DATE] = outcome_date.isoformat() if outcome_date else ""
            yield [
                force,
                case_ref,
                case_type,
                received.isoformat(),
                allegation_ref,
                category,
                flags.get(allegation_id, ""),
                subject_ref or "",
                *subject_values,
            ]
    blank = [""] * len(SUBJECT_COLUMNS)
    ordered_alone = without_subjects.order_by("case__force_id", "case__ref", "ref").values_list(
        "id",
        "case__force_id",
        "case__ref",
        "case__case_type",
        "case__received_date",
        "ref",
        "category_id",
    )
    for batch in _batches(ordered_alone.iterator(chunk_size=CHUNK)):
        flags = _flags(row[0] for row in batch)
        for allegation_id, force, case_ref, case_type, received, allegation_ref, category in batch:
            yield [
                force,
                case_ref,
                case_type,
                received.isoformat(),
                allegation_ref,
                category,
                flags.get(allegation_id, ""),
                "",
                *blank,
            ]


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    while batch := list(islice(rows, CHUNK)):
        yield batch


def _flags(allegation_ids: Iterable[int]) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    for allegation_id, flag in (
        Allegation.flags.through.objects.filter(allegation_id__in=set(allegation_ids))
        .order_by("allegation_id", "flag_id")
        .values_list("allegation_id", "flag_id")
    ):
        found.setdefault(allegation_id, []).append(flag)
    return {key: ";".join(value) for key, value in found.items()}
