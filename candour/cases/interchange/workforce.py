"""Import the workforce (interchange §2): one row per person, keyed by (force, person_ref).

The workforce file is the record of who works for a force: its values replace what Candour
holds (a case file only fills blanks), and an empty cell means "not known", so it leaves a known
value alone. People it lists are marked ``in_workforce_file`` (the denominators for rates).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction

from candour.cases.interchange import bulk
from candour.cases.interchange.cases import STEP
from candour.cases.interchange.layout import REF_LENGTH
from candour.core import changes
from candour.core.interchange.auditing import record_import
from candour.core.interchange.columns import DateParser, codes, codes_list, read_rows
from candour.core.interchange.report import (
    ErrorLog,
    ImportRejected,
    ImportResult,
    NoProgress,
    Progress,
)
from candour.core.models import Force, Person, PersonRole, Rank, Sex, User

COLUMNS = ("force", "person_ref", "role", "rank", "sex", "joined_date", "left_date")
REQUIRED = ("force", "person_ref")
FIELDS = ("role", "rank", "sex", "joined_date", "left_date")
ENUMERATIONS = (("role", codes(PersonRole)), ("rank", codes(Rank)), ("sex", codes(Sex)))


def import_workforce(
    path: str | Path,
    *,
    mapping: str | Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    user: User | None = None,
    channel: str = "cli",
) -> ImportResult:
    progress = progress or NoProgress()
    log = ErrorLog()
    source = read_rows(path, COLUMNS, REQUIRED, log, mapping, "workforce")
    if log:
        raise ImportRejected(log, sum(1 for _ in source.rows))
    forces = set(Force.objects.values_list("code", flat=True))
    iso = DateParser()
    where = source.where
    people: dict[tuple[str, str], tuple[str, ...]] = {}
    first_row: dict[tuple[str, str], int] = {}
    step = progress.stage("Checking rows", None)
    rows_read = 0
    for number, values in source.rows:
        rows_read += 1
        if rows_read % STEP == 0:
            step(STEP)
        before = log.total
        force, ref, role, rank, sex, joined, left = values
        for column, value in (("force", force), ("person_ref", ref)):
            if value == "":
                log.add(number, where(column), "is required and is empty.")
        if force and force not in forces:
            log.add(
                number,
                where("force"),
                f"'{force}' is not a force code; see candour/reference/forces.csv.",
            )
        if len(ref) > REF_LENGTH:
            log.add(
                number,
                where("person_ref"),
                f"is {len(ref)} characters long; a reference may have at most {REF_LENGTH}.",
            )
        for (column, allowed), value in zip(ENUMERATIONS, (role, rank, sex), strict=True):
            if value and value not in allowed:
                log.add(
                    number,
                    where(column),
                    f"'{value}' is not one of {codes_list(allowed)}; leave it empty if not known.",
                )
        dates: list[str | None] = []
        for column, value in (("joined_date", joined), ("left_date", left)):
            parsed = iso(value) if value else ""
            if parsed is None:
                log.add(number, where(column), f"'{value}' is not a date in the form YYYY-MM-DD.")
            dates.append(parsed)
        if dates[0] and dates[1] and dates[1] < dates[0]:
            log.add(
                number, where("left_date"), f"{dates[1]} is before the joining date {dates[0]}."
            )
        key = (force, ref)
        if key in first_row:
            log.add(
                number,
                where("person_ref"),
                f"repeats row {first_row[key]}: {ref} of {force} is listed twice.",
            )
        if log.total == before:
            first_row[key] = number
            people[key] = (role, rank, sex, dates[0] or "", dates[1] or "")
    if log:
        raise ImportRejected(log, rows_read)

    result = ImportResult(kind="workforce", rows_read=rows_read, dry_run=dry_run)
    with transaction.atomic():
        known = {
            (force, ref): (pk, tuple(_text(v) for v in rest), in_file)
            for force, ref, pk, in_file, *rest in Person.objects.filter(
                force_id__in={force for force, _ in people}
            ).values_list("force_id", "ref", "id", "in_workforce_file", *FIELDS)
        }
        new: list[tuple[str, str, tuple[str, ...]]] = []
        changed: list[tuple[Any, ...]] = []
        for key, person in people.items():
            found = known.get(key)
            if found is None:
                new.append((key[0], key[1], person))
                result.created += 1
                continue
            pk, old, in_file = found
            merged = tuple(value or previous for value, previous in zip(person, old, strict=True))
            if merged != old or not in_file:
                changed.append(
                    (*(v or None if i >= 3 else v for i, v in enumerate(merged)), True, pk)
                )
                result.updated += 1
            else:
                result.unchanged += 1
        if not dry_run:
            ids = bulk.allocate_ids(Person, len(new))
            bulk.insert(
                Person,
                ("id", "force_id", "ref", *FIELDS, "in_workforce_file"),
                (
                    (pk, force, ref, role, rank, sex, joined or None, left or None, True)
                    for pk, (force, ref, (role, rank, sex, joined, left)) in zip(
                        ids, new, strict=True
                    )
                ),
            )
            bulk.update(Person, (*FIELDS, "in_workforce_file"), changed)
            if new or changed:  # bulk SQL sends no ORM signals: mark the change here
                changes.mark_changed(changes.WORKFORCE)
            record_import(
                user,
                object_type="core.person",
                path=Path(path),
                forces={force for force, _ in people},
                counts=result.as_dict(),
                channel=channel,
            )
    return result


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else value
