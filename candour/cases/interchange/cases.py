"""Import cases (interchange §1): one row per allegation against one subject.

Rows are keyed as §1 says: a case by (force, case_ref), an allegation by its allegation_ref
within the case, a subject by subject_ref within the force, and a row by (force, case_ref,
allegation_ref, subject_ref). Importing the same file twice changes nothing.

The import is all-or-nothing and runs in three steps, each over the whole file, held column
by column (``columnar``: pyarrow arrays and an in-memory DuckDB database):
1. **check** every row (codes, dates, that rows of one case or allegation agree); if any row is
   bad, ``report_problems`` reads the file again row by row to name each bad row, column and
   why, and the import stops before the database is touched;
2. **plan** the changes by joining the file's people, cases, allegations and rows with what the
   database holds for the file's forces (``make_plan``), placing each matter in the process
   from its subjects' rows as it goes (candour/cases/placement.py);
3. **write** the plan with bulk inserts and updates (``bulk``), in one transaction, and refresh
   the derived data of the file's forces (the statistics store) in it (``changes.bulk_written``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import pyarrow as pa

from candour.cases.interchange import bulk, columnar
from candour.cases.interchange.layout import (
    CASE_TYPES,
    COLUMNS,
    ENUMERATIONS,
    KEY,
    REF_LENGTH,
    REFERENCES,
    REQUIRED,
    SUBJECT_COLUMNS,
    SUBJECT_FIELDS,
)
from candour.cases.interchange.plan import Plan, make_plan
from candour.cases.models import Allegation, AllegationSubject, Case, Category, Flag
from candour.core import changes
from candour.core.forces import UNKNOWN_FORCE_PROBLEM, unknown_force_message
from candour.core.interchange.columns import DateParser, Rows, codes_list
from candour.core.interchange.importers import ImportJob, file_importer
from candour.core.interchange.report import (
    ErrorLog,
    ImportInterrupted,
    ImportResult,
    Progress,
)
from candour.core.models import Force, Person

STEP = 10_000  # rows between progress reports
REBUILD_FROM = 50_000  # new rows from which SQLite's indexes are rebuilt rather than updated


@file_importer("cases")
def import_cases(job: ImportJob) -> ImportResult:
    """Import a §1 cases file (CSV, XLSX or ODS), optionally through a mapping file.

    Raises ``ImportRejected`` (nothing written) when any row is bad, ``UnreadableFile`` or
    ``MappingError`` when the file or mapping cannot be used."""
    with _no_garbage_collection():
        return _import_cases(job)


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """Python's cycle collector rescans every live container as large files are read; the
    import makes no cycles, so pausing it saves time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_cases(job: ImportJob) -> ImportResult:
    source = job.open(COLUMNS, REQUIRED, KEY)
    progress, dry_run, path = job.progress, job.dry_run, job.path
    step = progress.stage("Reading and checking rows", None)
    table = None
    if job.mapping is None and path.suffix.lower() == ".csv":
        table = columnar.read_plain_csv(path, source.header, COLUMNS)
    if table is None:
        table = columnar.rows_to_columns(source, COLUMNS)
    else:
        source.close()
    step(table.num_rows)
    checked = None if job.log else columnar.check_columns(table, load_codes())
    if checked is None:
        # Some row is bad (or the reader logged a problem): the row-by-row checker names each.
        source = job.reopen(COLUMNS, REQUIRED, KEY)
        job.refuse_if_any_bad(report_problems(source, job.log, progress))
        raise RuntimeError(
            "The column check rejected a file that the row check accepts; this is a bug in "
            "Candour (candour/cases/interchange/columnar.py), please report it."
        )
    del table, source  # the checked file lives on in DuckDB
    with job.writing():
        bulk.prepare()  # before the plan too: it reads every row the file's forces hold
        try:
            plan = make_plan(checked, dry_run, progress)
        finally:
            checked.db.close()  # the plan is in pyarrow tables: free DuckDB's memory now
        job.note_left_out(plan.result)  # before the audit entry, which counts them
        if not dry_run:
            write(plan, progress)
            job.record(
                object_type="cases.case", forces=set(plan.forces), counts=plan.result.as_dict()
            )
            _mark(plan)
            changes.bulk_written(changes.CASES, plan.forces, changed=bool(plan.size()))
    return plan.result


def _mark(plan: Plan) -> None:
    """Raise the change marks of what the plan wrote (bulk SQL sends no ORM signals), before
    the store is refreshed, so the refreshed store carries the new mark."""
    people = plan.part("people_new").num_rows + plan.part("people_completed").num_rows
    if plan.size():
        changes.mark_changed(changes.CASES, *([changes.WORKFORCE] if people else []))


def load_codes() -> columnar.Codes:
    return columnar.Codes(
        forces=frozenset(Force.objects.values_list("code", flat=True)),
        categories=frozenset(Category.objects.values_list("code", flat=True)),
        flags=frozenset(Flag.objects.values_list("code", flat=True)),
        case_types=CASE_TYPES,
        enumerations=ENUMERATIONS,
        ref_length=REF_LENGTH,
    )


def report_problems(source: Rows, log: ErrorLog, progress: Progress) -> int:
    """Check every row; problems go to ``log``. Returns the number of rows read.

    Only a file the column check rejected comes here: this names every bad row, its column and
    why. One chain of set look-ups passes a good row; a row that fails it is examined column by
    column (``_diagnose``). Rows of one case (or allegation) are compared with the first good
    row of it; a row that is itself bad is not compared."""
    codes = load_codes()
    forces, categories, flags = codes.forces, codes.categories, codes.flags
    roles, sexes, ranks, referrals, investigations, severities, proceedings, outcomes, findings = (
        allowed | {""} for _, allowed in ENUMERATIONS
    )
    iso = DateParser()
    dates: dict[str, str | None] = {}  # the parser's results, looked up without a call
    flag_sets: dict[str, tuple[str, list[str]]] = {}  # cell text -> (canonical, unknown flags)
    cases: dict[tuple[str, str], tuple[str, str, int]] = {}
    allegations: dict[tuple[str, str, str], tuple[str, str, int]] = {}
    # The first row of each subject's allegation and its part's values (SUBJECT_COLUMNS, as
    # strings shared between rows), to say what a repeat changes.
    seen: dict[tuple[str, str, str, str], tuple[int, tuple[str, ...]]] = {}
    shared: dict[str, str] = {}
    case_types, longest = CASE_TYPES, REF_LENGTH
    step = progress.stage("Finding the bad rows", None)
    count = 0
    for number, values in source.rows:
        count += 1
        if count % STEP == 0:
            step(STEP)
        (
            force,
            case_ref,
            case_type,
            received,
            allegation_ref,
            category,
            flag_text,
            subject_ref,
            role,
            sex,
            rank,
            referral,
            investigation,
            severity,
            proceeding,
            outcome,
            outcome_date,
            finding,
        ) = values
        received_iso = dates.get(received)
        if received_iso is None:
            received_iso = dates[received] = iso(received)
        flag_info = flag_sets.get(flag_text) or _flags(flag_text, flags, flag_sets)
        outcome_iso = None
        if outcome_date:
            outcome_iso = dates.get(outcome_date)
            if outcome_iso is None:
                outcome_iso = dates[outcome_date] = iso(outcome_date)
        if not (
            force in forces
            and case_type in case_types
            and category in categories
            and received_iso
            and 0 < len(case_ref) <= longest
            and 0 < len(allegation_ref) <= longest
            and len(subject_ref) <= longest
            and not flag_info[1]
            and role in roles
            and sex in sexes
            and rank in ranks
            and referral in referrals
            and investigation in investigations
            and severity in severities
            and proceeding in proceedings
            and outcome in outcomes
            and finding in findings
            and (not outcome_date or (outcome_iso and outcome_iso >= received_iso))
        ):
            _diagnose(number, values, source, log, forces, categories, flags, flag_info[1], iso)
            continue
        case_key = (force, case_ref)
        case = cases.get(case_key)
        if case is None:
            cases[case_key] = (case_type, received_iso, number)
        elif case[0] != case_type or case[1] != received_iso:
            _disagree(
                number,
                "case",
                case_ref,
                case,
                (case_type, received_iso),
                ("case_type", "received_date"),
                source,
                log,
            )
            continue
        flag_codes = flag_info[0]
        allegation_key = (force, case_ref, allegation_ref)
        allegation = allegations.get(allegation_key)
        if allegation is None:
            allegations[allegation_key] = (category, flag_codes, number)
        elif allegation[0] != category or allegation[1] != flag_codes:
            _disagree(
                number,
                f"allegation {allegation_ref} of case",
                case_ref,
                allegation,
                (category, flag_codes),
                ("category", "flags"),
                source,
                log,
            )
            continue
        part: tuple[str, ...] = (role, sex, rank, referral, investigation, severity, proceeding)
        part = (*part, outcome, outcome_date, finding)
        held = seen.get((force, case_ref, allegation_ref, subject_ref))
        if held is None:
            shared_part = tuple(shared.setdefault(v, v) for v in part)
            seen[force, case_ref, allegation_ref, subject_ref] = (number, shared_part)
        else:
            first, before = held
            who = f"subject {subject_ref}" if subject_ref else "the unidentified subject"
            differ = [
                f"{name} '{was}' there, '{now}' here"
                for name, was, now in zip(SUBJECT_COLUMNS, before, part, strict=True)
                if was != now
            ]
            how = (
                f"with different values ({'; '.join(differ[:3])}{'; ...' if len(differ) > 3 else ''})"
                if differ
                else "with the same values"
            )
            log.add(
                number,
                source.where("subject_ref"),
                f"repeats row {first}: {who} of allegation {allegation_ref} in case {case_ref} "
                f"appears twice, {how}. Keep one row; a mapping can keep the first or the last "
                "of each (repeated_keys: first or last).",
                problem="repeats the case, allegation and subject of an earlier row.",
            )
            continue
    return count


def _flags(
    text: str, known: frozenset[str], cache: dict[str, tuple[str, list[str]]]
) -> tuple[str, list[str]]:
    cache[text] = columnar.canonical_flags(text, known)
    return cache[text]


def _diagnose(
    number: int,
    values: list[str],
    source: Rows,
    log: ErrorLog,
    forces: frozenset[str],
    categories: frozenset[str],
    flags: frozenset[str],
    unknown_flags: list[str],
    iso: DateParser,
) -> None:
    """Say, column by column, what is wrong with a row that failed the quick check."""
    where = source.where
    report = log.add
    cell = dict(zip(COLUMNS, values, strict=True))
    force, case_type, received, category = (
        cell["force"],
        cell["case_type"],
        cell["received_date"],
        cell["category"],
    )
    for column in REQUIRED:
        if cell[column] == "" and (number, column) not in source.unmapped:
            report(number, where(column), "is required and is empty.")
    if force and force not in forces:
        report(
            number,
            where("force"),
            unknown_force_message(force),
            problem=UNKNOWN_FORCE_PROBLEM,
            value=force,
        )
    if case_type and case_type not in CASE_TYPES:
        report(number, where("case_type"), f"'{case_type}' is not one of {codes_list(CASE_TYPES)}.")
    received_iso = iso(received) if received else None
    if received and received_iso is None:
        report(
            number, where("received_date"), f"'{received}' is not a date in the form YYYY-MM-DD."
        )
    if category and category not in categories:
        report(
            number,
            where("category"),
            f"'{category}' is not a category code; the codes are listed in docs/categories.md.",
        )
    for column in REFERENCES:
        ref = cell[column]
        if len(ref) > REF_LENGTH:
            report(
                number,
                where(column),
                f"is {len(ref)} characters long; a reference may have at most {REF_LENGTH}.",
                problem=f"is too long: a reference may have at most {REF_LENGTH}.",
            )
    if unknown_flags:
        report(
            number,
            where("flags"),
            f"{', '.join(repr(f) for f in unknown_flags)} {'is not a flag' if len(unknown_flags) == 1 else 'are not flags'}; "
            f"use {codes_list(flags)}, separated by ';'.",
        )
    for name, allowed in ENUMERATIONS:
        value = cell[name]
        if value and value not in allowed:
            report(
                number,
                where(name),
                f"'{value}' is not one of {codes_list(allowed)}; leave it empty if not known.",
            )
    outcome_date = cell["outcome_date"]
    if outcome_date:
        outcome_iso = iso(outcome_date)
        if outcome_iso is None:
            report(
                number,
                where("outcome_date"),
                f"'{outcome_date}' is not a date in the form YYYY-MM-DD.",
            )
        elif received_iso and outcome_iso < received_iso:
            report(
                number,
                where("outcome_date"),
                f"{outcome_iso} is before the case was received ({received_iso}).",
                problem="is before the case was received.",
                value=outcome_iso,
            )


def _disagree(
    number: int,
    what: str,
    ref: str,
    first: tuple[str, str, int],
    here: tuple[str, str],
    columns: tuple[str, str],
    source: Rows,
    log: ErrorLog,
) -> None:
    """Rows of one case must agree on its type and date; rows of one allegation on its
    category and flags."""
    for column, before, now in zip(columns, first[:2], here, strict=True):
        if before != now:
            log.add(
                number,
                source.where(column),
                f"{what} {ref} has {column} '{now}' here but '{before}' on row {first[2]}; rows of one {what.split()[0]} must agree.",
                problem=f"differs from an earlier row of the same {what.split()[0]}; rows of one "
                f"{what.split()[0]} must agree.",
            )


PERSON_COLUMNS = (
    "id",
    "force_id",
    "ref",
    "role",
    "rank",
    "sex",
    "joined_date",
    "left_date",
    "in_workforce_file",
)
# Where the matter is in the process, from the file's rows (candour/cases/placement.py).
CASE_PLACEMENT = ("stage", "rules_version", "schedule_3", "finalised_on", "next_due")
CASE_INSERT = (
    "id",
    "force_id",
    "ref",
    "case_type",
    "received_date",
    *CASE_PLACEMENT,
    "version",
    "created_at",
    "updated_at",
    "allegation_pairs",
)
CASE_UPDATE = ("case_type", "received_date", *CASE_PLACEMENT, "updated_at")
ALLEGATION_INSERT = ("id", "case_id", "ref", "category_id")
SUBJECT_INSERT = ("allegation_id", "subject_id", *SUBJECT_FIELDS)


def write(plan: Plan, progress: Progress) -> None:
    """Step 3: write the plan. Parents first, so every key a row points at exists."""
    step = progress.stage("Writing", plan.size())
    through = Allegation.flags.through
    tables = (Person, Case, Allegation, through, AllegationSubject)
    new_rows = plan.part("subjects_new").num_rows
    # Rebuilding indexes pays when the import at least doubles the table.
    large = new_rows >= REBUILD_FROM and new_rows >= bulk.table_size(AllegationSubject)
    part = plan.part
    with bulk.indexes_rebuilt_after(tables, rebuild=large):
        bulk.insert_table(Person, PERSON_COLUMNS, part("people_new"), step)
        bulk.update_table(Person, ("role", "sex", "rank"), part("people_completed"), step)
        bulk.insert_table(Case, CASE_INSERT, part("cases_new"), step)
        # The pairs first: both updates require the version the plan read, which the second
        # raises.
        _update_cases(part("case_pairs_changed"), ("allegation_pairs",), step, raise_version=False)
        _update_cases(part("cases_changed"), CASE_UPDATE, step)
        bulk.insert_table(Allegation, ALLEGATION_INSERT, part("allegations_new"), step)
        bulk.update_table(Allegation, ("category_id",), part("allegations_changed"), step)
        replaced = part("flags_replaced")
        bulk.delete_where(through, "allegation_id", replaced.column(0).to_pylist())
        step(replaced.num_rows)
        bulk.insert_table(through, ("allegation_id", "flag_id"), part("flag_links"), step)
        bulk.insert_table(AllegationSubject, SUBJECT_INSERT, part("subjects_new"), step)
        bulk.update_table(AllegationSubject, SUBJECT_FIELDS, part("subjects_changed"), step)
    bulk.analyze(tables, plan.size())


def _update_cases(
    changed: pa.Table,
    columns: Sequence[str],
    step: Callable[[int], None],
    *,
    raise_version: bool = True,
) -> None:
    """Update the known cases the plan changes (new values, key, and the version the plan read),
    each only if its version is still the one read: a step taken in Candour meanwhile
    (PostgreSQL; SQLite's import holds the write lock throughout) may have given the matter a
    timeline, and its placement is then the workflow's. If any was changed, nothing is
    imported."""
    raised = ("version",) if raise_version else ()
    written = bulk.update_table(
        Case, columns, changed, step, raise_by_one=raised, unchanged=("version",)
    )
    if written != changed.num_rows:
        raise ImportInterrupted(
            f"{changed.num_rows - written} of the {changed.num_rows} known cases this file "
            "changes were changed in Candour while it was being imported, so nothing was "
            "imported. Import the file again: it will be compared with them as they are now."
        )
