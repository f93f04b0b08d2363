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
   database holds for the file's forces (``make_plan``);
3. **write** the plan with bulk inserts and updates (``bulk``), in one transaction, and refresh
   the statistics of the file's forces in it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone

from candour.cases.interchange import bulk, columnar
from candour.cases.interchange.columnar import ID, TEXT
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
from candour.core import changes
from candour.core.interchange.auditing import record_import
from candour.core.interchange.columns import DateParser, Rows, codes, codes_list, read_rows
from candour.core.interchange.report import (
    ErrorLog,
    ImportRejected,
    ImportResult,
    NoProgress,
    Progress,
)
from candour.core.models import Force, Person, PersonRole, Rank, Sex, User
from candour.transparency.stats.freshness import is_fresh
from candour.transparency.stats.store import refresh_stat_rows

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
class Plan:
    """Step 2: what to write (pyarrow tables, columns in the order of the inserts and updates
    below), and how each row of the file fares."""

    result: ImportResult
    forces: list[str]
    parts: dict[str, pa.Table] = field(default_factory=dict)

    def part(self, name: str) -> pa.Table:
        return self.parts[name]

    def size(self) -> int:
        return sum(table.num_rows for table in self.parts.values())


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
    """Python's cycle collector rescans every live container as large files are read; the
    import makes no cycles, so pausing it saves time."""
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
    step = progress.stage("Reading and checking rows", None)
    table = None
    if mapping is None and Path(path).suffix.lower() == ".csv":
        table = columnar.read_plain_csv(Path(path), source.header, COLUMNS)
    if table is None:
        table = columnar.rows_to_columns(source, COLUMNS)
    else:
        source.close()
    step(table.num_rows)
    checked = None if log else columnar.check_columns(table, load_codes())
    if checked is None:
        # Some row is bad (or the reader logged a problem): the row-by-row checker names each.
        log = ErrorLog()
        source = read_rows(path, COLUMNS, REQUIRED, log, mapping, "cases")
        rows_read = report_problems(source, log, progress)
        if log:
            raise ImportRejected(log, rows_read)
        raise RuntimeError(
            "The column check rejected a file that the row check accepts; this is a bug in "
            "Candour (candour/cases/interchange/columnar.py), please report it."
        )
    del table, source  # the checked file lives on in DuckDB
    with transaction.atomic():
        bulk.prepare()  # before the plan too: it reads every row the file's forces hold
        try:
            plan = make_plan(checked, dry_run, progress)
        finally:
            checked.db.close()  # the plan is in pyarrow tables: free DuckDB's memory now
        if not dry_run:
            write(plan, progress)
            _audit(plan.result, plan.forces, Path(path), mapping, user, channel)
            _mark(plan)
            if plan.size() or not is_fresh():  # a re-import that changed nothing keeps the store
                refresh_stat_rows(force_codes=plan.forces)
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
    roles, sexes, ranks, referrals, investigations, severities, proceedings, outcomes = (
        allowed | {""} for _, allowed in ENUMERATIONS
    )
    iso = DateParser()
    dates: dict[str, str | None] = {}  # the parser's results, looked up without a call
    flag_sets: dict[str, tuple[str, list[str]]] = {}  # cell text -> (canonical, unknown flags)
    cases: dict[tuple[str, str], tuple[str, str, int]] = {}
    allegations: dict[tuple[str, str, str], tuple[str, str, int]] = {}
    seen: dict[tuple[str, str, str, str], int] = {}
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


def make_plan(checked: columnar.CheckedColumns, dry_run: bool, progress: Progress) -> Plan:
    """Step 2: compare the checked file with the database and decide every write.

    What the database holds for the file's forces is read into DuckDB (``kp`` people, ``kc``
    cases, ``ka`` allegations, ``kf`` their flags, ``ks`` subject rows) and joined with the
    file's people, cases, allegations and rows on their keys. New records get keys reserved
    up front, so children point at parents without reading anything back."""
    db, forces = checked.db, checked.forces
    result = ImportResult(kind="cases", rows_read=checked.rows, dry_run=dry_run)
    plan = Plan(result=result, forces=forces)
    step = progress.stage("Comparing with the database", None)
    now = bulk.datetime_text(timezone.now())
    # Allegations and subjects are found by their case's force, through a join. When the
    # database holds cases of no other force, whole tables are read instead, with no join.
    held = set(Case.objects.order_by().values_list("force_id", flat=True).distinct())
    scope = None if held <= set(forces) else forces
    _load_known(db, forces, scope)
    step(1)

    def query(sql: str) -> pa.Table:
        return columnar.arrow(db.sql(sql))

    def count(sql: str) -> int:
        return int(db.execute(sql).fetchall()[0][0])

    def number_new(table: str, model: type[Any]) -> None:
        """Give the rows of ``table`` (numbered ``n`` from 0) their new primary keys as ``id``."""
        total = count(f"SELECT count(*) FROM {table}")
        ids = _ids(model, total, plan)
        if isinstance(ids, range) and ids.step == 1:  # a block of consecutive keys
            db.execute(
                f"CREATE TEMP TABLE {table}_ids AS SELECT t.*, t.n + {int(ids.start)} AS id "
                f"FROM {table} t"
            )
        else:
            numbered = pa.table({"n": pa.array(range(total), ID), "id": pa.array(ids, ID)})
            db.register("new_ids", numbered)
            db.execute(
                f"CREATE TEMP TABLE {table}_ids AS SELECT t.*, new_ids.id FROM {table} t "
                "JOIN new_ids USING (n)"
            )
            db.unregister("new_ids")
        drop(table)

    def drop(*tables: str) -> None:
        """Free what the rest of the plan no longer reads (a million-row file makes several
        tables of a million rows)."""
        for name in tables:
            db.execute(f"DROP TABLE {name}")

    # People: role, sex and rank of a subject are those of the most recent row (by received
    # date, then file order) that gives each of them.
    db.execute(
        """CREATE TEMP TABLE fp AS
        SELECT force, subject_ref AS ref,
               coalesce(arg_max(subject_role, (received_date, ord))
                        FILTER (WHERE subject_role <> ''), '') AS role,
               coalesce(arg_max(subject_sex, (received_date, ord))
                        FILTER (WHERE subject_sex <> ''), '') AS sex,
               coalesce(arg_max(subject_rank, (received_date, ord))
                        FILTER (WHERE subject_rank <> ''), '') AS rank,
               min(ord) AS first
        FROM f WHERE subject_ref <> '' GROUP BY force, subject_ref"""
    )
    db.execute(
        """CREATE TEMP TABLE people_new AS
        SELECT fp.*, row_number() OVER (ORDER BY fp.force, fp.ref) - 1 AS n
        FROM fp LEFT JOIN kp ON kp.force = fp.force AND kp.ref = fp.ref WHERE kp.id IS NULL"""
    )
    number_new("people_new", Person)
    plan.parts["people_new"] = query(
        """SELECT id, force, ref, role, rank, sex, NULL::VARCHAR AS joined_date,
                  NULL::VARCHAR AS left_date, false AS in_workforce_file
        FROM people_new_ids ORDER BY id"""
    )
    # A known person's blank role, sex or rank is filled in; nothing a workforce file gave is
    # overwritten.
    plan.parts["people_completed"] = query(
        """SELECT * FROM (
            SELECT CASE WHEN kp.role = '' THEN fp.role ELSE kp.role END AS role,
                   CASE WHEN kp.sex = '' THEN fp.sex ELSE kp.sex END AS sex,
                   CASE WHEN kp.rank = '' THEN fp.rank ELSE kp.rank END AS rank,
                   kp.id, kp.role AS old_role, kp.sex AS old_sex, kp.rank AS old_rank
            FROM fp JOIN kp ON kp.force = fp.force AND kp.ref = fp.ref)
        WHERE role <> old_role OR sex <> old_sex OR rank <> old_rank
        ORDER BY id"""
    ).select(["role", "sex", "rank", "id"])
    db.execute(
        """CREATE TEMP TABLE pid AS
        SELECT force, ref, id FROM kp UNION ALL SELECT force, ref, id FROM people_new_ids"""
    )
    drop("fp", "people_new_ids", "kp")

    # Cases, by (force, case_ref).
    db.execute(
        """CREATE TEMP TABLE cases_new AS
        SELECT fc.*, row_number() OVER (ORDER BY fc.force, fc.case_ref) - 1 AS n
        FROM fc LEFT JOIN kc ON kc.force = fc.force AND kc.ref = fc.case_ref
        WHERE kc.id IS NULL"""
    )
    number_new("cases_new", Case)
    plan.parts["cases_new"] = query(
        """SELECT id, force, case_ref, case_type, received, 1 AS version,
                  $now AS created_at, $now AS updated_at
        FROM cases_new_ids ORDER BY id""".replace("$now", _literal(now))
    )
    db.execute(
        """CREATE TEMP TABLE cid AS
        SELECT fc.force, fc.case_ref, kc.id, fc.case_type, fc.received,
               kc.case_type IS DISTINCT FROM fc.case_type
                   OR kc.received IS DISTINCT FROM fc.received AS changed
        FROM fc JOIN kc ON kc.force = fc.force AND kc.ref = fc.case_ref
        UNION ALL
        SELECT force, case_ref, id, case_type, received, false FROM cases_new_ids"""
    )
    plan.parts["cases_changed"] = query(
        f"""SELECT case_type, received, {_literal(now)} AS updated_at, id
        FROM cid WHERE changed ORDER BY id"""
    )

    # Allegations, by their reference within the case; flags compared as sorted lists.
    db.execute(
        """CREATE TEMP TABLE kfa AS
        SELECT allegation_id, string_agg(flag, ';' ORDER BY flag) AS flags
        FROM kf GROUP BY allegation_id"""
    )
    db.execute(
        """CREATE TEMP TABLE fa2 AS
        SELECT fa.force, fa.case_ref, fa.allegation_ref, fa.category, fa.flags, fa.first,
               cid.id AS case_id, cid.changed AS case_changed, ka.id AS known_id,
               coalesce(ka.category <> fa.category, false) AS category_changed,
               ka.id IS NOT NULL AND coalesce(kfa.flags, '') <> fa.flags AS flags_changed
        FROM fa JOIN cid ON cid.force = fa.force AND cid.case_ref = fa.case_ref
        LEFT JOIN ka ON ka.case_id = cid.id AND ka.ref = fa.allegation_ref
        LEFT JOIN kfa ON kfa.allegation_id = ka.id"""
    )
    db.execute(
        """CREATE TEMP TABLE allegations_new AS
        SELECT fa2.*, row_number() OVER (ORDER BY fa2.case_id, fa2.allegation_ref) - 1 AS n
        FROM fa2 WHERE known_id IS NULL"""
    )
    number_new("allegations_new", Allegation)
    plan.parts["allegations_new"] = query(
        "SELECT id, case_id, allegation_ref, category FROM allegations_new_ids ORDER BY id"
    )
    db.execute(
        """CREATE TEMP TABLE aid AS
        SELECT force, case_ref, allegation_ref, known_id AS id, case_changed,
               category_changed OR flags_changed AS changed
        FROM fa2 WHERE known_id IS NOT NULL
        UNION ALL
        SELECT force, case_ref, allegation_ref, id, case_changed, false FROM allegations_new_ids"""
    )
    plan.parts["allegations_changed"] = query(
        "SELECT category, known_id AS id FROM fa2 WHERE category_changed ORDER BY known_id"
    )
    plan.parts["flags_replaced"] = query(
        "SELECT known_id AS id FROM fa2 WHERE flags_changed ORDER BY known_id"
    )
    plan.parts["flag_links"] = query(
        """SELECT id AS allegation_id, unnest(string_split(flags, ';')) AS flag_id FROM (
            SELECT known_id AS id, flags FROM fa2 WHERE flags_changed AND flags <> ''
            UNION ALL
            SELECT id, flags FROM allegations_new_ids WHERE flags <> '')
        ORDER BY allegation_id, flag_id"""
    )
    allegations_updated = count("SELECT count(*) FROM fa2 WHERE category_changed OR flags_changed")
    drop("fa2", "fa", "allegations_new_ids", "kfa", "ka", "kf", "fc", "cid", "cases_new_ids", "kc")

    # Subject rows, by (allegation, subject); an empty subject_ref is the unidentified subject.
    signature = " || '|' || ".join(
        [f"f.{name}" for name in SUBJECT_FIELDS[:-1]] + ["coalesce(f.outcome_date, '')"]
    )
    db.execute(
        f"""CREATE TEMP TABLE fs AS
        SELECT f.ord, aid.id AS allegation_id, pid.id AS subject_id,
               {", ".join(f"f.{name}" for name in SUBJECT_FIELDS)},
               ks.id AS known_id,
               ks.id IS NOT NULL AND ks.signature IS DISTINCT FROM ({signature}) AS fields_changed,
               aid.case_changed OR aid.changed AS parent_changed
        FROM f
        JOIN aid ON aid.force = f.force AND aid.case_ref = f.case_ref
                AND aid.allegation_ref = f.allegation_ref
        LEFT JOIN pid ON f.subject_ref <> '' AND pid.force = f.force AND pid.ref = f.subject_ref
        LEFT JOIN ks ON ks.allegation_id = aid.id AND ks.subject = coalesce(pid.id, 0)"""
    )
    plan.parts["subjects_new"] = query(
        f"""SELECT allegation_id, subject_id, {", ".join(SUBJECT_FIELDS)}
        FROM fs WHERE known_id IS NULL ORDER BY allegation_id, ord"""
    )
    plan.parts["subjects_changed"] = query(
        f"""SELECT {", ".join(SUBJECT_FIELDS)}, known_id AS id
        FROM fs WHERE fields_changed ORDER BY known_id"""
    )
    counted = db.execute(
        """SELECT count(*) FILTER (WHERE known_id IS NULL),
                  count(*) FILTER (WHERE known_id IS NOT NULL AND (fields_changed OR parent_changed)),
                  count(*) FILTER (WHERE known_id IS NOT NULL AND NOT fields_changed
                                   AND NOT parent_changed)
        FROM fs"""
    ).fetchall()[0]
    result.created, result.updated, result.unchanged = (int(n or 0) for n in counted)
    result.details = {
        "cases_created": plan.parts["cases_new"].num_rows,
        "cases_updated": plan.parts["cases_changed"].num_rows,
        "allegations_created": plan.parts["allegations_new"].num_rows,
        "allegations_updated": allegations_updated,
        "people_created": plan.parts["people_new"].num_rows,
        "people_completed": plan.parts["people_completed"].num_rows,
    }
    step(1)
    return plan


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _load_known(db: Any, forces: list[str], scope: list[str] | None) -> None:
    """Read what the database holds for ``forces`` into DuckDB tables (see ``make_plan``)."""
    quote = connection.ops.quote_name
    person, case, allegation = (m._meta.db_table for m in (Person, Case, Allegation))
    through, subject = Allegation.flags.through._meta.db_table, AllegationSubject._meta.db_table
    marks = ", ".join(["%s"] * len(forces))
    sqlite = connection.vendor == "sqlite"

    def date(column: str) -> str:
        return f"CAST({column} AS TEXT)" if sqlite else f"to_char({column}, 'YYYY-MM-DD')"

    def of_forces(path: str) -> tuple[str, list[str]]:
        """A join from ``alias`` to its case and a filter on the case's force, unless every
        case held is of the file's forces."""
        if scope is None:
            return "", []
        return f"{path} WHERE c.force_id IN ({marks})", list(forces)

    subject_signature = " || '|' || ".join(
        [f"x.{quote(name)}" for name in SUBJECT_FIELDS[:-1]]
        + [f"coalesce({date('x.outcome_date')}, '')"]
    )
    join_case = f" JOIN {quote(case)} c ON c.id = a.case_id"
    join_allegation = f" JOIN {quote(allegation)} a ON a.id = x.allegation_id" + join_case
    tail_a, params_a = of_forces(join_case)
    tail_x, params_x = of_forces(join_allegation)
    known = {
        "kp": (
            f"SELECT force_id, ref, id, role, sex, {quote('rank')} FROM {quote(person)} "
            f"WHERE force_id IN ({marks})",
            list(forces),
            ("force", "ref", "id", "role", "sex", "rank"),
        ),
        "kc": (
            f"SELECT force_id, ref, id, case_type, {date('received_date')} FROM {quote(case)} "
            f"WHERE force_id IN ({marks})",
            list(forces),
            ("force", "ref", "id", "case_type", "received"),
        ),
        "ka": (
            f"SELECT a.case_id, a.ref, a.id, a.category_id FROM {quote(allegation)} a{tail_a}",
            params_a,
            ("case_id", "ref", "id", "category"),
        ),
        "kf": (
            f"SELECT x.allegation_id, x.flag_id FROM {quote(through)} x{tail_x}",
            params_x,
            ("allegation_id", "flag"),
        ),
        "ks": (
            f"SELECT x.allegation_id, coalesce(x.subject_id, 0), x.id, "
            f"{subject_signature} FROM {quote(subject)} x{tail_x}",
            params_x,
            ("allegation_id", "subject", "id", "signature"),
        ),
    }
    types = {"id": ID, "case_id": ID, "allegation_id": ID, "subject": ID}
    for name, (sql, params, columns) in known.items():
        table = bulk.fetch_table(sql, params, columns, [types.get(c, TEXT) for c in columns])
        db.register(f"{name}_arrow", table)
        db.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        db.unregister(f"{name}_arrow")


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
        bulk.update_table(
            Case,
            ("case_type", "received_date", "updated_at"),
            part("cases_changed"),
            step,
            raise_by_one=("version",),
        )
        bulk.insert_table(Allegation, ALLEGATION_INSERT, part("allegations_new"), step)
        bulk.update_table(Allegation, ("category_id",), part("allegations_changed"), step)
        replaced = part("flags_replaced")
        bulk.delete_where(through, "allegation_id", replaced.column(0).to_pylist())
        step(replaced.num_rows)
        bulk.insert_table(through, ("allegation_id", "flag_id"), part("flag_links"), step)
        bulk.insert_table(AllegationSubject, SUBJECT_INSERT, part("subjects_new"), step)
        bulk.update_table(AllegationSubject, SUBJECT_FIELDS, part("subjects_changed"), step)
    bulk.analyze(tables, plan.size())


def _audit(
    result: ImportResult,
    forces: list[str],
    path: Path,
    mapping: str | Path | None,
    user: User | None,
    channel: str,
) -> None:
    record_import(
        user,
        object_type="cases.case",
        path=path,
        forces=forces,
        counts=result.as_dict(),
        channel=channel,
        mapping=mapping,
    )
