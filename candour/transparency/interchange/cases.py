"""Import cases (interchange §1): one row per allegation against one subject.

Rows are keyed as §1 says: a case by (force, case_ref), an allegation by its allegation_ref
within the case, a subject by subject_ref within the force, and a row by (force, case_ref,
allegation_ref, subject_ref). Importing the same file twice changes nothing.

The import is all-or-nothing and runs in three steps, each over the whole file:
1. **check** every row (codes, dates, that rows of one case or allegation agree) and keep them
   as plain tuples; any bad row stops the import before the database is touched;
2. **plan** the changes by comparing with what the database holds for the file's forces;
3. **write** the plan with bulk inserts and updates (``bulk``), in one transaction.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from candour.cases.models import (
    Allegation,
    AllegationSubject,
    Case,
    CaseType,
    Category,
    Flag,
    Investigation,
    IopcReferral,
    Outcome,
    Proceedings,
    Severity,
)
from candour.core.models import Force, Person, PersonRole, Rank, Sex, User
from candour.transparency.interchange import bulk
from candour.transparency.interchange.auditing import record_import
from candour.transparency.interchange.columns import DateParser, Rows, codes, codes_list, read_rows
from candour.transparency.interchange.report import (
    ErrorLog,
    ImportRejected,
    ImportResult,
    NoProgress,
    Progress,
)
from candour.transparency.stats.flat import refresh_stat_rows

COLUMNS = (
    "force",
    "case_ref",
    "case_type",
    "received_date",
    "allegation_ref",
    "category",
    "flags",
    "subject_ref",
    "subject_role",
    "subject_sex",
    "subject_rank",
    "iopc_referral",
    "investigation",
    "severity",
    "proceedings",
    "outcome",
    "outcome_date",
)
REQUIRED = COLUMNS[:6]
# The columns stored on AllegationSubject, in file order (the last is outcome_date).
SUBJECT_FIELDS = COLUMNS[8:]
REF_LENGTH = 64  # Case.ref, Allegation.ref and Person.ref are CharField(max_length=64)
STEP = 10_000  # rows between progress reports
REBUILD_FROM = 50_000  # new rows from which SQLite's indexes are rebuilt rather than updated

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


@dataclass
class Checked:
    """The file after step 1: every row good, as plain values."""

    rows: list[tuple[Any, ...]]  # ((force, case_ref, allegation_ref), subject_ref, subject values)
    cases: dict[tuple[str, str], tuple[str, str]]  # (force, case_ref) -> (case_type, received_date)
    allegations: dict[tuple[str, str, str], tuple[str, str]]  # ... -> (category, flags)
    people: dict[tuple[str, str], list[str]]  # (force, subject_ref) -> [role, sex, rank]
    rows_read: int = 0


@dataclass
class Plan:
    """Step 2: what to write, and how each row of the file fares."""

    result: ImportResult
    people_new: list[tuple[Any, ...]] = field(default_factory=list)
    people_completed: list[tuple[Any, ...]] = field(default_factory=list)
    cases_new: list[tuple[Any, ...]] = field(default_factory=list)
    cases_changed: list[tuple[Any, ...]] = field(default_factory=list)
    allegations_new: list[tuple[Any, ...]] = field(default_factory=list)
    allegations_changed: list[tuple[Any, ...]] = field(default_factory=list)
    flags_replaced: list[int] = field(
        default_factory=list
    )  # allegation ids whose flags are rewritten
    flag_links: list[tuple[int, str]] = field(default_factory=list)
    subjects_new: list[tuple[Any, ...]] = field(default_factory=list)
    subjects_changed: list[tuple[Any, ...]] = field(default_factory=list)

    def size(self) -> int:
        return sum(
            len(part)
            for part in (
                self.people_new,
                self.people_completed,
                self.cases_new,
                self.cases_changed,
                self.allegations_new,
                self.allegations_changed,
                self.flag_links,
                self.subjects_new,
                self.subjects_changed,
            )
        )


def import_cases(
    path: str | Path,
    *,
    mapping: str | Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    user: User | None = None,
    channel: str = "cli",
) -> ImportResult:
    """Import a §1 cases file (CSV, XLSX or ODS), optionally through a mapping file.

    Raises ``ImportRejected`` (nothing written) when any row is bad, ``UnreadableFile`` or
    ``MappingError`` when the file or mapping cannot be used."""
    with _no_garbage_collection():
        return _import_cases(path, mapping, dry_run, progress or NoProgress(), user, channel)


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """Python's cycle collector rescans every live container as millions of row tuples pile
    up; the import makes no cycles, so pausing it saves about a quarter of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_cases(
    path: str | Path,
    mapping: str | Path | None,
    dry_run: bool,
    progress: Progress,
    user: User | None,
    channel: str,
) -> ImportResult:
    log = ErrorLog()
    source = read_rows(path, COLUMNS, REQUIRED, log, mapping, "cases")
    if log:  # the header is wrong: report it once, not once per row
        raise ImportRejected(log, sum(1 for _ in source.rows))
    checked = check(source, log, progress)
    if log:
        raise ImportRejected(log, checked.rows_read)
    with transaction.atomic():
        bulk.prepare()  # before the plan too: it reads every row the file's forces hold
        plan = make_plan(checked, dry_run)
        if not dry_run:
            write(plan, progress)
            _audit(plan.result, checked, Path(path), mapping, user, channel)
            refresh_stat_rows(force_codes={force for force, _ in checked.cases})
    return plan.result


def check(source: Rows, log: ErrorLog, progress: Progress) -> Checked:
    """Step 1: check every row; problems go to ``log``.

    Written for speed: one chain of set look-ups accepts a good row; only a row that fails it
    is examined column by column (``_diagnose``) to say what is wrong."""
    forces = frozenset(Force.objects.values_list("code", flat=True))
    categories = frozenset(Category.objects.values_list("code", flat=True))
    flags = frozenset(Flag.objects.values_list("code", flat=True))
    roles, sexes, ranks, referrals, investigations, severities, proceedings, outcomes = (
        allowed | {""} for _, allowed in ENUMERATIONS
    )
    iso = DateParser()
    dates: dict[str, str | None] = {}  # the parser's results, looked up without a call
    flag_sets: dict[str, tuple[str, list[str]]] = {}  # cell text -> (canonical, unknown flags)
    cases: dict[tuple[str, str], tuple[str, str, int]] = {}
    allegations: dict[tuple[str, str, str], tuple[str, str, int]] = {}
    seen: dict[tuple[str, str, str, str], int] = {}
    people: dict[tuple[str, str], list[str]] = {}  # -> [role, sex, rank, received of the newest]
    rows: list[tuple[Any, ...]] = []
    case_types, longest = CASE_TYPES, REF_LENGTH
    step = progress.stage("Checking rows", None)
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
        first = seen.setdefault((force, case_ref, allegation_ref, subject_ref), number)
        if first != number:
            who = f"subject {subject_ref}" if subject_ref else "the unidentified subject"
            log.add(
                number,
                source.where("subject_ref"),
                f"repeats row {first}: {who} of allegation {allegation_ref} in case {case_ref} appears twice.",
            )
            continue
        rows.append(
            (
                allegation_key,
                subject_ref,
                (
                    role,
                    sex,
                    rank,
                    referral,
                    investigation,
                    severity,
                    proceeding,
                    outcome,
                    outcome_iso,
                ),
            )
        )
        if subject_ref:
            person_key = (force, subject_ref)
            person = people.get(person_key)
            if person is None:
                people[person_key] = [role, sex, rank, received_iso]
            elif person[0] != role or person[1] != sex or person[2] != rank:
                _remember_person(person, role, sex, rank, received_iso)

    return Checked(
        rows=rows,
        cases={key: (kind, received) for key, (kind, received, _) in cases.items()},
        allegations={key: (category, flags) for key, (category, flags, _) in allegations.items()},
        people={key: person[:3] for key, person in people.items()},
        rows_read=count,
    )


def _flags(
    text: str, known: frozenset[str], cache: dict[str, tuple[str, list[str]]]
) -> tuple[str, list[str]]:
    parts = {part.strip() for part in text.split(";")} - {""}
    cache[text] = (";".join(sorted(parts)), sorted(parts - known))
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
    force, case_ref, case_type, received, allegation_ref, category = values[:6]
    for position in range(6):
        if values[position] == "":
            report(number, where(COLUMNS[position]), "is required and is empty.")
    if force and force not in forces:
        report(
            number,
            where("force"),
            f"'{force}' is not a force code; see candour/reference/forces.csv (e.g. cambridgeshire).",
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
            f"'{category}' is not a category code; see candour/reference/categories.csv.",
        )
    for column in ("case_ref", "allegation_ref", "subject_ref"):
        ref = values[COLUMNS.index(column)]
        if len(ref) > REF_LENGTH:
            report(
                number,
                where(column),
                f"is {len(ref)} characters long; a reference may have at most {REF_LENGTH}.",
            )
    if unknown_flags:
        report(
            number,
            where("flags"),
            f"{', '.join(repr(f) for f in unknown_flags)} {'is not a flag' if len(unknown_flags) == 1 else 'are not flags'}; "
            f"use {codes_list(flags)}, separated by ';'.",
        )
    for name, allowed in ENUMERATIONS:
        value = values[COLUMNS.index(name)]
        if value and value not in allowed:
            report(
                number,
                where(name),
                f"'{value}' is not one of {codes_list(allowed)}; leave it empty if not known.",
            )
    outcome_date = values[16]
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
            )


def _remember_person(known: list[str], role: str, sex: str, rank: str, received: str) -> None:
    """Keep role, sex and rank as the person's most recent case gives them (a rank changes over
    a career); an older case only fills what newer ones left blank."""
    newer = received >= known[3]
    for i, value in enumerate((role, sex, rank)):
        if value and (newer or not known[i]):
            known[i] = value
    if newer:
        known[3] = received


def make_plan(checked: Checked, dry_run: bool) -> Plan:
    """Step 2: compare the checked file with the database and decide every write."""
    result = ImportResult(kind="cases", rows_read=len(checked.rows), dry_run=dry_run)
    plan = Plan(result=result)
    forces = sorted({force for force, _ in checked.cases})
    now = bulk.db_datetime(timezone.now())
    # Allegations and subjects are found by their case's force, through a join. When the
    # database holds cases of no other force, whole tables are read instead, with no join.
    held = set(Case.objects.order_by().values_list("force_id", flat=True).distinct())
    scope = None if held <= set(forces) else forces

    people = _plan_people(checked, forces, plan)
    case_ids, changed_cases = _plan_cases(checked, forces, plan, now)
    allegation_ids, changed_allegations = _plan_allegations(checked, scope, plan, case_ids)

    existing: dict[tuple[int, int | None], tuple[int, tuple[Any, ...]]] = {}
    for allegation_id, subject_id, row_id, *rest in bulk.fetch(
        _of_forces(AllegationSubject, "allegation__case__force_id", scope)
        .order_by()  # no sorting: the rows go into a dictionary
        .values_list(
            "allegation_id", "subject_id", "id", *SUBJECT_FIELDS[:-1], _date_text("outcome_date")
        )
    ):
        outcome_date = rest[-1]  # the one date among the subject fields
        if outcome_date is not None and not isinstance(outcome_date, str):
            rest[-1] = outcome_date.isoformat()
        existing[allegation_id, subject_id] = (row_id, tuple(rest))
    subjects_new = plan.subjects_new
    for allegation_key, subject_ref, values in checked.rows:
        allegation_id = allegation_ids[allegation_key]
        person_id = people[(allegation_key[0], subject_ref)] if subject_ref else None
        found = existing.get((allegation_id, person_id)) if existing else None
        if found is None:
            subjects_new.append((allegation_id, person_id, *values))
        elif found[1] != values:
            plan.subjects_changed.append((*values, found[0]))
            result.updated += 1
        elif allegation_key[:2] in changed_cases or allegation_id in changed_allegations:
            result.updated += 1
        else:
            result.unchanged += 1
    result.created = len(subjects_new)

    result.details = {
        "cases_created": len(plan.cases_new),
        "cases_updated": len(plan.cases_changed),
        "allegations_created": len(plan.allegations_new),
        "allegations_updated": len(changed_allegations),
        "people_created": len(plan.people_new),
        "people_completed": len(plan.people_completed),
    }
    return plan


def _plan_people(checked: Checked, forces: list[str], plan: Plan) -> dict[tuple[str, str], int]:
    """New subjects become workforce records; a known person's blank role, sex or rank is filled
    in from the file, but nothing a workforce file gave is overwritten."""
    ids: dict[tuple[str, str], int] = {}
    known: dict[tuple[str, str], tuple[int, str, str, str]] = {
        (force, ref): (pk, role, sex, rank)
        for force, ref, pk, role, sex, rank in bulk.fetch(
            Person.objects.filter(force_id__in=forces)
            .order_by()
            .values_list("force_id", "ref", "id", "role", "sex", "rank")
        )
    }
    new_keys = [key for key in checked.people if key not in known]
    for key, pk in zip(new_keys, _ids(Person, len(new_keys), plan), strict=True):
        role, sex, rank = checked.people[key]
        plan.people_new.append((pk, key[0], key[1], role, rank, sex, None, None, False))
        ids[key] = pk
    for key, (role, sex, rank) in checked.people.items():
        if key not in known:
            continue
        pk, old_role, old_sex, old_rank = known[key]
        ids[key] = pk
        filled = (old_role or role, old_sex or sex, old_rank or rank)
        if filled != (old_role, old_sex, old_rank):
            plan.people_completed.append((*filled, pk))
    return ids


def _plan_cases(
    checked: Checked, forces: list[str], plan: Plan, now: Any
) -> tuple[dict[tuple[str, str], int], set[tuple[str, str]]]:
    known = {
        (force, ref): (pk, case_type, bulk.iso(received))
        for force, ref, pk, case_type, received in bulk.fetch(
            Case.objects.filter(force_id__in=forces)
            .order_by()
            .values_list("force_id", "ref", "id", "case_type", _date_text("received_date"))
        )
    }
    ids: dict[tuple[str, str], int] = {}
    changed: set[tuple[str, str]] = set()
    new_keys = [key for key in checked.cases if key not in known]
    for key, pk in zip(new_keys, _ids(Case, len(new_keys), plan), strict=True):
        case_type, received = checked.cases[key]
        plan.cases_new.append((pk, key[0], key[1], case_type, received, 1, now, now))
        ids[key] = pk
    for key, (case_type, received) in checked.cases.items():
        if key in known:
            pk, old_type, old_received = known[key]
            ids[key] = pk
            if (old_type, old_received) != (case_type, received):
                plan.cases_changed.append((case_type, received, now, pk))
                changed.add(key)
    return ids, changed


def _plan_allegations(
    checked: Checked, forces: list[str] | None, plan: Plan, case_ids: dict[tuple[str, str], int]
) -> tuple[dict[tuple[str, str, str], int], set[int]]:
    through = Allegation.flags.through
    known_flags: dict[int, list[str]] = {}
    for allegation_id, flag in bulk.fetch(
        _of_forces(through, "allegation__case__force_id", forces)
        .order_by()
        .values_list("allegation_id", "flag_id")
    ):
        known_flags.setdefault(allegation_id, []).append(flag)
    known = {
        (case_id, ref): (pk, category, ";".join(sorted(known_flags.get(pk, ()))))
        for case_id, ref, pk, category in bulk.fetch(
            _of_forces(Allegation, "case__force_id", forces)
            .order_by()
            .values_list("case_id", "ref", "id", "category_id")
        )
    }
    ids: dict[tuple[str, str, str], int] = {}
    changed: set[int] = set()
    new_keys: list[tuple[str, str, str]] = []
    new_values: list[tuple[int, str, str, str]] = []  # case id, ref, category, flags
    allegations_changed, flags_replaced, flag_links = (
        plan.allegations_changed,
        plan.flags_replaced,
        plan.flag_links,
    )
    for key, (category, flags) in checked.allegations.items():
        case_id = case_ids[key[0], key[1]]
        found = known.get((case_id, key[2])) if known else None
        if found is None:
            new_keys.append(key)
            new_values.append((case_id, key[2], category, flags))
            continue
        pk, old_category, old_flags = found
        ids[key] = pk
        if old_category != category:
            allegations_changed.append((category, pk))
            changed.add(pk)
        if old_flags != flags:
            flags_replaced.append(pk)
            if flags:
                flag_links.extend((pk, flag) for flag in flags.split(";"))
            changed.add(pk)
    allegations_new = plan.allegations_new
    for key, pk, (case_id, ref, category, flags) in zip(
        new_keys, _ids(Allegation, len(new_keys), plan), new_values, strict=True
    ):
        allegations_new.append((pk, case_id, ref, category))
        if flags:
            flag_links.extend((pk, flag) for flag in flags.split(";"))
        ids[key] = pk
    return ids, changed


def _of_forces(model: type[Any], lookup: str, forces: list[str] | None) -> Any:
    """``model``'s rows of the given forces (through ``lookup``), or all of them for None."""
    rows = model._default_manager.all()
    return rows if forces is None else rows.filter(**{f"{lookup}__in": forces})


def _date_text(field: str) -> Any:
    """A date column as the database gives it, read without Django's per-value converter: on
    SQLite the column is read as its stored ISO text (a cast hides the declared type that makes
    the sqlite3 module build a date object per value); on PostgreSQL the driver's own date is
    cheap and ``bulk.iso`` turns it into text."""
    if connection.vendor == "sqlite":
        return Cast(field, output_field=TextField())
    return field


def _ids(model: type[Any], count: int, plan: Plan) -> list[int] | range:
    # A dry run reserves no keys: negative stand-ins keep the plan's bookkeeping the same.
    return range(-count, 0) if plan.result.dry_run else bulk.allocate_ids(model, count)


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
CASE_INSERT = (
    "id",
    "force_id",
    "ref",
    "case_type",
    "received_date",
    "version",
    "created_at",
    "updated_at",
)
ALLEGATION_INSERT = ("id", "case_id", "ref", "category_id")
SUBJECT_INSERT = ("allegation_id", "subject_id", *SUBJECT_FIELDS)


def write(plan: Plan, progress: Progress) -> None:
    """Step 3: write the plan. Parents first, so every key a row points at exists."""
    step = progress.stage("Writing", plan.size())

    def counted(rows: list[tuple[Any, ...]]) -> Any:
        for start in range(0, len(rows), STEP):
            yield from rows[start : start + STEP]
            step(len(rows[start : start + STEP]))

    through = Allegation.flags.through
    tables = (Person, Case, Allegation, through, AllegationSubject)
    # Rebuilding indexes pays when the import at least doubles the table.
    large = len(plan.subjects_new) >= REBUILD_FROM and len(plan.subjects_new) >= bulk.table_size(
        AllegationSubject
    )
    with bulk.indexes_rebuilt_after(tables, rebuild=large):
        bulk.insert(Person, PERSON_COLUMNS, counted(plan.people_new))
        bulk.update(Person, ("role", "sex", "rank"), counted(plan.people_completed))
        bulk.insert(Case, CASE_INSERT, counted(plan.cases_new))
        bulk.update(
            Case,
            ("case_type", "received_date", "updated_at"),
            counted(plan.cases_changed),
            raise_by_one=("version",),
        )
        bulk.insert(Allegation, ALLEGATION_INSERT, counted(plan.allegations_new))
        bulk.update(Allegation, ("category_id",), counted(plan.allegations_changed))
        bulk.delete_where(through, "allegation_id", plan.flags_replaced)
        bulk.insert(through, ("allegation_id", "flag_id"), counted(plan.flag_links))
        bulk.insert(AllegationSubject, SUBJECT_INSERT, counted(plan.subjects_new))
        bulk.update(AllegationSubject, SUBJECT_FIELDS, counted(plan.subjects_changed))


def _audit(
    result: ImportResult,
    checked: Checked,
    path: Path,
    mapping: str | Path | None,
    user: User | None,
    channel: str,
) -> None:
    record_import(
        user,
        object_type="cases.case",
        path=path,
        forces={force for force, _ in checked.cases},
        counts=result.as_dict(),
        channel=channel,
        mapping=mapping,
    )
