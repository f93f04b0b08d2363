"""Import the workforce (interchange §2): one row per person, keyed by (force, person_ref).

The workforce file is the record of who works for a force: its values replace what Candour
holds (a case file only fills blanks), and an empty cell means "not known", so it leaves a known
value alone. People it lists are marked ``in_workforce_file`` (the denominators for rates).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from candour.cases.interchange import bulk
from candour.cases.interchange.cases import STEP
from candour.cases.interchange.layout import REF_LENGTH
from candour.core import changes
from candour.core.interchange.columns import RowChecks, code_labels, codes, codes_list
from candour.core.interchange.draft import Codes, Layout
from candour.core.interchange.importers import ImportJob, file_importer
from candour.core.interchange.report import ImportResult
from candour.core.models import Force, Person, PersonRole, Rank, Sex

COLUMNS = ("force", "person_ref", "role", "rank", "sex", "joined_date", "left_date")
REQUIRED = ("force", "person_ref")
FIELDS = ("role", "rank", "sex", "joined_date", "left_date")
ENUMERATIONS = (("role", codes(PersonRole)), ("rank", codes(Rank)), ("sex", codes(Sex)))


def draft_layout() -> Layout:
    """The §2 layout for ``candour mapping draft`` (registered in ``CasesConfig.ready``)."""

    def layout_codes() -> dict[str, Codes]:
        return {
            "force": dict(Force.objects.values_list("code", "name")),
            "role": code_labels(PersonRole),
            "rank": code_labels(Rank),
            "sex": code_labels(Sex),
        }

    return Layout(
        kind="workforce",
        columns=COLUMNS,
        required=REQUIRED,
        codes=layout_codes,
        dates=("joined_date", "left_date"),
        names={
            "force": ("force", "police force", "agency", "department"),
            "person_ref": (
                "person ref",
                "officer id",
                "employee id",
                "staff id",
                "collar number",
                "warrant number",
                "payroll number",
                "subject ref",
            ),
            "role": ("role", "employee type", "staff type", "job type"),
            "rank": ("rank", "grade"),
            "sex": ("sex", "gender"),
            "joined_date": (
                "joined date",
                "date joined",
                "start date",
                "joined",
                "hire date",
                "appointed",
                "appointment date",
            ),
            "left_date": (
                "left date",
                "date left",
                "leaving date",
                "end date",
                "left",
                "termination date",
                "separation date",
            ),
        },
    )


@file_importer("workforce")
def import_workforce(job: ImportJob) -> ImportResult:
    source = job.open(COLUMNS, REQUIRED, ("force", "person_ref"))
    check = RowChecks(job.log, source.where)
    where, log = source.where, job.log
    people: dict[tuple[str, str], tuple[str, ...]] = {}
    step = job.progress.stage("Checking rows", None)
    rows_read = 0
    for number, values in source.rows:
        rows_read += 1
        if rows_read % STEP == 0:
            step(STEP)
        before = log.total
        force, ref, role, rank, sex, joined, left = values
        check.required(number, (("force", force), ("person_ref", ref)))
        check.force(number, force)
        check.length(number, "person_ref", ref, REF_LENGTH, "a reference")
        for (column, allowed), value in zip(ENUMERATIONS, (role, rank, sex), strict=True):
            if value and value not in allowed:
                log.add(
                    number,
                    where(column),
                    f"'{value}' is not one of {codes_list(allowed)}; leave it empty if not known.",
                )
        dates = [check.date(number, "joined_date", joined), check.date(number, "left_date", left)]
        if dates[0] and dates[1] and dates[1] < dates[0]:
            log.add(
                number,
                where("left_date"),
                f"{dates[1]} is before the joining date {dates[0]}.",
                problem="is before the joining date.",
                value=dates[1],
            )
        key = (force, ref)
        if log.total == before and check.once(
            number, key, "person_ref", f"{ref} of {force} is listed twice."
        ):
            people[key] = (role, rank, sex, dates[0] or "", dates[1] or "")
    job.refuse_if_any_bad(rows_read)

    result = job.result(rows_read)
    with job.writing():
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
        if not job.dry_run:
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
            job.record(
                object_type="core.person",
                forces={force for force, _ in people},
                counts=result.as_dict(),
            )
    return result


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else value
