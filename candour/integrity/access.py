"""Import system-access logs (interchange §8, docs/formats.md; ``candour import access-log FILE``):
one row per look-up in a force system, with the columns ``force, user_ref, accessed_at, system,
action, record_type, record_ref, search_term, task_ref``.

All-or-nothing like every import: a first pass checks every row and keeps nothing but the error
log; only when every row is good does a second pass read the file again and write it in batches
inside one transaction. Memory is bounded by a batch and the workforce references, never by the
file, so a log of millions of rows imports in a few hundred megabytes at most. A row is known by
everything it says (``row_key``): importing the same file again changes nothing, and a row given
twice is stored once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

from candour.core.interchange.columns import RowChecks, codes, codes_list
from candour.core.interchange.importers import ImportJob, file_importer
from candour.core.interchange.report import ImportResult
from candour.core.models import Person
from candour.integrity.models import AccessAction, AccessEvent, RecordType

COLUMNS = (
    "force",
    "user_ref",
    "accessed_at",
    "system",
    "action",
    "record_type",
    "record_ref",
    "search_term",
    "task_ref",
)
REQUIRED = ("force", "user_ref", "accessed_at", "system", "action", "record_type")
ACTIONS = codes(AccessAction)
RECORD_TYPES = codes(RecordType)
LENGTHS = {
    "user_ref": 64,
    "system": 40,
    "record_ref": 120,
    "search_term": 200,
    "task_ref": 120,
}
BATCH = 5000


def moment(text: str) -> dt.datetime | None:
    """An ISO 8601 date-time with its offset, or None."""
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def row_key(values: list[str], when: dt.datetime) -> str:
    cells = [*values[:2], when.astimezone(dt.UTC).isoformat(), *values[3:]]
    return hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()[:32]


def _check(job: ImportJob) -> int:
    source = job.open(COLUMNS, REQUIRED)
    check = RowChecks(job.log, source.where)
    where, log = source.where, job.log
    rows_read = 0
    step = job.progress.stage("Checking look-ups", None)
    for number, values in source.rows:
        rows_read += 1
        step(1)
        force, _, accessed_at, _, action, record_type, record_ref, _, _ = values
        check.required(
            number, ((c, v) for c, v in zip(COLUMNS, values, strict=True) if c in REQUIRED)
        )
        check.force(number, force)
        if accessed_at and moment(accessed_at) is None:
            log.add(
                number,
                where("accessed_at"),
                f"'{accessed_at}' is not an ISO 8601 date-time with its offset, "
                "e.g. 2026-03-01T21:30:00+00:00.",
            )
        if action and action not in ACTIONS:
            log.add(number, where("action"), f"'{action}' is not search or view.")
        if action == AccessAction.VIEW and not record_ref:
            log.add(number, where("record_ref"), "is empty; a view names the record looked at.")
        if record_type and record_type not in RECORD_TYPES:
            log.add(
                number,
                where("record_type"),
                f"'{record_type}' is not a record type; use one of {codes_list(RECORD_TYPES)}.",
            )
        for column, limit in LENGTHS.items():
            check.length(number, column, values[COLUMNS.index(column)], limit)
    return rows_read


def _events(job: ImportJob) -> Iterator[AccessEvent]:
    source = job.reopen(COLUMNS, REQUIRED)
    people: dict[str, dict[str, int]] = {}
    for _, values in source.rows:
        force, user_ref, accessed_at, system, action, record_type, record_ref, term, task = values
        if force not in people:
            people[force] = dict(Person.objects.filter(force_id=force).values_list("ref", "pk"))
        when = moment(accessed_at)
        assert when is not None  # checked in the first pass
        yield AccessEvent(
            force_id=force,
            user_ref=user_ref,
            person_id=people[force].get(user_ref),
            accessed_at=when,
            system=system,
            action=action,
            record_type=record_type,
            record_ref=record_ref,
            search_term=term,
            task_ref=task,
            row_key=row_key(values, when),
        )


@file_importer("access-log")
def import_access_log(job: ImportJob) -> ImportResult:
    rows_read = _check(job)
    job.refuse_if_any_bad(rows_read)
    result = job.result(rows_read)
    forces: set[str] = set()
    with job.writing():
        write = job.progress.stage("Writing look-ups", rows_read)
        batch: dict[str, AccessEvent] = {}

        def flush() -> None:
            held = set(
                AccessEvent.objects.filter(row_key__in=list(batch)).values_list(
                    "row_key", flat=True
                )
            )
            new = [event for key, event in batch.items() if key not in held]
            if not job.dry_run:
                AccessEvent.objects.bulk_create(new, ignore_conflicts=True)
            result.created += len(new)
            write(len(batch))
            batch.clear()

        for event in _events(job):
            forces.add(event.force_id)
            batch[event.row_key] = event
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
        result.unchanged = rows_read - result.created
        if not job.dry_run:
            job.record(object_type="integrity.accessevent", forces=forces, counts=result.as_dict())
    return result
