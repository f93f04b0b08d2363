"""Step 2 of a cases import: compare the checked file with the database and decide every write.

What the database holds for the file's forces is read into DuckDB (``read_what_is_known``:
``known_people``, ``known_cases``, ``known_allegations``, ``known_flags``, ``known_subjects``)
and joined with the file's people, cases, allegations and rows (``file_rows``, ``file_cases``,
``file_allegations``, made by ``columnar.check_columns``) on their keys, one record kind at a
time, parents first (``plan_people``, ``plan_cases``, ``plan_allegations``,
``plan_subjects``). Each step leaves the keys of its records (``person_keys``, ``case_keys``,
``allegation_keys``) for the next, and drops what no later step reads (a million-row file makes
several tables of a million rows). New records get keys reserved up front, so children point at
parents without reading anything back. The cases are planned last (``place_cases``): a matter's
stage, rules version and clocks follow from all its subjects' rows, those of the file and those
the database keeps (candour/cases/placement.py), so its row is written placed, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from django.db import connection
from django.utils import timezone

from candour.cases.interchange import bulk, columnar
from candour.cases.interchange.columnar import ID, TEXT
from candour.cases.interchange.layout import SUBJECT_CODES, SUBJECT_FIELDS
from candour.cases.models import Allegation, AllegationSubject, Case, CaseEvent, ProgressReport
from candour.cases.placement import ImportPlacement
from candour.core.interchange.report import ImportResult, Progress
from candour.core.models import Person


@dataclass
class Plan:
    """What to write (pyarrow tables, columns in the order of ``write``'s inserts and updates),
    and how each row of the file fares."""

    result: ImportResult
    forces: list[str]
    parts: dict[str, pa.Table] = field(default_factory=dict)

    def part(self, name: str) -> pa.Table:
        return self.parts[name]

    def size(self) -> int:
        return sum(table.num_rows for table in self.parts.values())


def make_plan(checked: columnar.CheckedColumns, dry_run: bool, progress: Progress) -> Plan:
    """Decide every write of a checked file (see the module's docstring for the steps)."""
    result = ImportResult(kind="cases", rows_read=checked.rows, dry_run=dry_run)
    planner = Planner(checked.db, Plan(result=result, forces=checked.forces))
    step = progress.stage("Comparing with the database", None)
    planner.read_what_is_known()
    step(1)
    planner.plan_people()
    planner.plan_cases()
    allegations_updated = planner.plan_allegations()
    planner.plan_subjects()
    planner.place_cases()
    parts = planner.plan.parts
    result.details = {
        "cases_created": parts["cases_new"].num_rows,
        "cases_updated": parts["cases_changed"].num_rows,
        "allegations_created": parts["allegations_new"].num_rows,
        "allegations_updated": allegations_updated,
        "people_created": parts["people_new"].num_rows,
        "people_completed": parts["people_completed"].num_rows,
    }
    step(1)
    return planner.plan


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Planner:
    """The steps of ``make_plan`` over one DuckDB connection holding the checked file."""

    def __init__(self, db: Any, plan: Plan) -> None:
        self.db = db
        self.plan = plan
        self.now = _literal(bulk.datetime_text(timezone.now()))

    # --- helpers --------------------------------------------------------------------------

    def query(self, sql: str) -> pa.Table:
        return columnar.arrow(self.db.sql(sql))

    def count(self, sql: str) -> int:
        return int(self.db.execute(sql).fetchall()[0][0])

    def drop(self, *tables: str) -> None:
        """Free what the rest of the plan no longer reads."""
        for name in tables:
            self.db.execute(f"DROP TABLE {name}")

    def reserve_keys(self, model: type[Any], count: int) -> list[int] | range:
        # A dry run reserves no keys: negative stand-ins keep the plan's bookkeeping the same.
        if self.plan.result.dry_run:
            return range(-count, 0)
        return bulk.allocate_ids(model, count)

    def number_new(self, table: str, model: type[Any]) -> None:
        """Give the rows of ``table`` (numbered ``n`` from 0) new primary keys of ``model`` as
        ``id``, in ``{table}_ids``; ``table`` is dropped."""
        total = self.count(f"SELECT count(*) FROM {table}")
        ids = self.reserve_keys(model, total)
        if isinstance(ids, range) and ids.step == 1:  # a block of consecutive keys
            self.db.execute(
                f"CREATE TEMP TABLE {table}_ids AS SELECT t.*, t.n + {int(ids.start)} AS id "
                f"FROM {table} t"
            )
        else:
            numbered = pa.table({"n": pa.array(range(total), ID), "id": pa.array(ids, ID)})
            self.db.register("new_ids", numbered)
            self.db.execute(
                f"CREATE TEMP TABLE {table}_ids AS SELECT t.*, new_ids.id FROM {table} t "
                "JOIN new_ids USING (n)"
            )
            self.db.unregister("new_ids")
        self.drop(table)

    # --- what the database holds ------------------------------------------------------------

    def read_what_is_known(self) -> None:
        """Read what the database holds for the file's forces into DuckDB tables. Allegations
        and subjects are found by their case's force, through a join; when the database holds
        cases of no other force, whole tables are read instead, with no join."""
        forces = self.plan.forces
        held = set(Case.objects.order_by().values_list("force_id", flat=True).distinct())
        everything_is_ours = held <= set(forces)
        quote = connection.ops.quote_name
        person, case, allegation, event, report = (
            m._meta.db_table for m in (Person, Case, Allegation, CaseEvent, ProgressReport)
        )
        through = Allegation.flags.through._meta.db_table
        subject = AllegationSubject._meta.db_table
        marks = ", ".join(["%s"] * len(forces))
        sqlite = connection.vendor == "sqlite"

        def date(column: str) -> str:
            return f"CAST({column} AS TEXT)" if sqlite else f"to_char({column}, 'YYYY-MM-DD')"

        def of_forces(joins: str) -> tuple[str, list[str]]:
            """``joins`` up to the case and a filter on its force, unless every case held is
            of the file's forces."""
            if everything_is_ours:
                return "", []
            return f"{joins} WHERE c.force_id IN ({marks})", list(forces)

        subject_signature = " || '|' || ".join(
            [f"x.{quote(name)}" for name in SUBJECT_CODES]
            + [f"coalesce({date('x.outcome_date')}, '')"]
        )
        join_case = f" JOIN {quote(case)} c ON c.id = a.case_id"
        join_allegation = f" JOIN {quote(allegation)} a ON a.id = x.allegation_id" + join_case
        tail_a, params_a = of_forces(join_case)
        tail_x, params_x = of_forces(join_allegation)
        tail_e, params_e = of_forces(f" JOIN {quote(case)} c ON c.id = e.case_id")
        tail_r, params_r = of_forces(f" JOIN {quote(case)} c ON c.id = r.case_id")
        known = {
            "known_people": (
                f"SELECT force_id, ref, id, role, sex, {quote('rank')} FROM {quote(person)} "
                f"WHERE force_id IN ({marks})",
                list(forces),
                ("force", "ref", "id", "role", "sex", "rank"),
            ),
            # With its version and placement.
            "known_cases": (
                f"SELECT c.force_id, c.ref, c.id, c.case_type, {date('c.received_date')}, "
                f"c.version, c.stage, c.rules_version, CAST(c.schedule_3 AS INTEGER), "
                f"{date('c.finalised_on')}, {date('c.next_due')} "
                f"FROM {quote(case)} c WHERE c.force_id IN ({marks})",
                list(forces),
                (
                    "force",
                    "ref",
                    "id",
                    "case_type",
                    "received",
                    "version",
                    "stage",
                    "rules_version",
                    "schedule_3",
                    "finalised_on",
                    "next_due",
                ),
            ),
            # The cases the workflow runs (with a timeline), and those with a progress report
            # (which moves the 12-month clock on): read once each, not looked up per case.
            "known_timelines": (
                f"SELECT DISTINCT e.case_id FROM {quote(event)} e{tail_e}",
                params_e,
                ("case_id",),
            ),
            "known_reports": (
                f"SELECT DISTINCT r.case_id FROM {quote(report)} r{tail_r}",
                params_r,
                ("case_id",),
            ),
            "known_allegations": (
                f"SELECT a.case_id, a.ref, a.id, a.category_id FROM {quote(allegation)} a{tail_a}",
                params_a,
                ("case_id", "ref", "id", "category"),
            ),
            "known_flags": (
                f"SELECT x.allegation_id, x.flag_id FROM {quote(through)} x{tail_x}",
                params_x,
                ("allegation_id", "flag"),
            ),
            "known_subjects": (
                f"SELECT x.allegation_id, coalesce(x.subject_id, 0), x.id, "
                f"{subject_signature} FROM {quote(subject)} x{tail_x}",
                params_x,
                ("allegation_id", "subject", "id", "signature"),
            ),
        }
        types = {
            name: ID
            for name in (
                "id",
                "case_id",
                "allegation_id",
                "subject",
                "version",
                "schedule_3",
            )
        }
        for name, (sql, params, columns) in known.items():
            table = bulk.fetch_table(sql, params, columns, [types.get(c, TEXT) for c in columns])
            self.db.register(f"{name}_arrow", table)
            self.db.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
            self.db.unregister(f"{name}_arrow")

    # --- the steps, parents first ---------------------------------------------------------

    def plan_people(self) -> None:
        """New people, and known people whose blank role, sex or rank the file fills in
        (nothing a workforce file gave is overwritten). A subject's role, sex and rank are
        those of the most recent row (by received date, then file order) that gives each."""
        self.db.execute(
            """CREATE TEMP TABLE file_people AS
            SELECT force, subject_ref AS ref,
                   coalesce(arg_max(subject_role, (received_date, ord))
                            FILTER (WHERE subject_role <> ''), '') AS role,
                   coalesce(arg_max(subject_sex, (received_date, ord))
                            FILTER (WHERE subject_sex <> ''), '') AS sex,
                   coalesce(arg_max(subject_rank, (received_date, ord))
                            FILTER (WHERE subject_rank <> ''), '') AS rank,
                   min(ord) AS first
            FROM file_rows WHERE subject_ref <> '' GROUP BY force, subject_ref"""
        )
        self.db.execute(
            """CREATE TEMP TABLE people_new AS
            SELECT p.*, row_number() OVER (ORDER BY p.force, p.ref) - 1 AS n
            FROM file_people p
            LEFT JOIN known_people k ON k.force = p.force AND k.ref = p.ref
            WHERE k.id IS NULL"""
        )
        self.number_new("people_new", Person)
        self.plan.parts["people_new"] = self.query(
            """SELECT id, force, ref, role, rank, sex, NULL::VARCHAR AS joined_date,
                      NULL::VARCHAR AS left_date, false AS in_workforce_file
            FROM people_new_ids ORDER BY id"""
        )
        self.plan.parts["people_completed"] = self.query(
            """SELECT * FROM (
                SELECT CASE WHEN k.role = '' THEN p.role ELSE k.role END AS role,
                       CASE WHEN k.sex = '' THEN p.sex ELSE k.sex END AS sex,
                       CASE WHEN k.rank = '' THEN p.rank ELSE k.rank END AS rank,
                       k.id, k.role AS old_role, k.sex AS old_sex, k.rank AS old_rank
                FROM file_people p JOIN known_people k ON k.force = p.force AND k.ref = p.ref)
            WHERE role <> old_role OR sex <> old_sex OR rank <> old_rank
            ORDER BY id"""
        ).select(["role", "sex", "rank", "id"])
        self.db.execute(
            """CREATE TEMP TABLE person_keys AS
            SELECT force, ref, id FROM known_people
            UNION ALL SELECT force, ref, id FROM people_new_ids"""
        )
        self.drop("file_people", "people_new_ids", "known_people")

    def plan_cases(self) -> None:
        """Keys for new cases, by (force, case_ref), and for each case of the file whether it is
        new or its type or date changed, and what the database holds of its placement (the
        rows themselves are planned by ``place_cases``, once its subjects are known)."""
        self.db.execute(
            """CREATE TEMP TABLE cases_new AS
            SELECT fc.*, row_number() OVER (ORDER BY fc.force, fc.case_ref) - 1 AS n
            FROM file_cases fc
            LEFT JOIN known_cases k ON k.force = fc.force AND k.ref = fc.case_ref
            WHERE k.id IS NULL"""
        )
        self.number_new("cases_new", Case)
        self.db.execute(
            """CREATE TEMP TABLE case_keys AS
            SELECT fc.force, fc.case_ref, k.id, fc.case_type, fc.received, false AS new,
                   k.case_type IS DISTINCT FROM fc.case_type
                       OR k.received IS DISTINCT FROM fc.received AS changed,
                   k.version AS known_version, k.stage AS known_stage,
                   k.rules_version AS known_rules,
                   CASE k.schedule_3 WHEN 1 THEN true WHEN 0 THEN false END AS known_schedule_3,
                   k.finalised_on AS known_finalised, k.next_due AS known_due,
                   k.id IN (SELECT case_id FROM known_timelines) AS run,
                   k.id IN (SELECT case_id FROM known_reports) AS reported
            FROM file_cases fc JOIN known_cases k ON k.force = fc.force AND k.ref = fc.case_ref
            UNION ALL
            SELECT force, case_ref, id, case_type, received, true, false,
                   NULL, NULL, NULL, NULL, NULL, NULL, false, false
            FROM cases_new_ids"""
        )
        self.drop("file_cases", "cases_new_ids", "known_cases", "known_timelines", "known_reports")

    def plan_allegations(self) -> int:
        """New allegations and changed ones (category, or flags compared as sorted lists), by
        their reference within the case; the flags of new and changed ones. Returns how many
        known allegations change."""
        self.db.execute(
            """CREATE TEMP TABLE known_allegation_flags AS
            SELECT allegation_id, string_agg(flag, ';' ORDER BY flag) AS flags
            FROM known_flags GROUP BY allegation_id"""
        )
        self.db.execute(
            """CREATE TEMP TABLE allegations_matched AS
            SELECT fa.force, fa.case_ref, fa.allegation_ref, fa.category, fa.flags, fa.first,
                   ck.id AS case_id, ck.changed AS case_changed, k.id AS known_id,
                   coalesce(k.category <> fa.category, false) AS category_changed,
                   k.id IS NOT NULL AND coalesce(kf.flags, '') <> fa.flags AS flags_changed
            FROM file_allegations fa
            JOIN case_keys ck ON ck.force = fa.force AND ck.case_ref = fa.case_ref
            LEFT JOIN known_allegations k ON k.case_id = ck.id AND k.ref = fa.allegation_ref
            LEFT JOIN known_allegation_flags kf ON kf.allegation_id = k.id"""
        )
        self.db.execute(
            """CREATE TEMP TABLE allegations_new AS
            SELECT m.*, row_number() OVER (ORDER BY m.case_id, m.allegation_ref) - 1 AS n
            FROM allegations_matched m WHERE known_id IS NULL"""
        )
        self.number_new("allegations_new", Allegation)
        parts = self.plan.parts
        parts["allegations_new"] = self.query(
            "SELECT id, case_id, allegation_ref, category FROM allegations_new_ids ORDER BY id"
        )
        self.db.execute(
            """CREATE TEMP TABLE allegation_keys AS
            SELECT force, case_ref, allegation_ref, known_id AS id, case_id, case_changed,
                   category_changed OR flags_changed AS changed
            FROM allegations_matched WHERE known_id IS NOT NULL
            UNION ALL
            SELECT force, case_ref, allegation_ref, id, case_id, case_changed, false
            FROM allegations_new_ids"""
        )
        parts["allegations_changed"] = self.query(
            """SELECT category, known_id AS id FROM allegations_matched
            WHERE category_changed ORDER BY known_id"""
        )
        parts["flags_replaced"] = self.query(
            "SELECT known_id AS id FROM allegations_matched WHERE flags_changed ORDER BY known_id"
        )
        parts["flag_links"] = self.query(
            """SELECT id AS allegation_id, unnest(string_split(flags, ';')) AS flag_id FROM (
                SELECT known_id AS id, flags FROM allegations_matched
                WHERE flags_changed AND flags <> ''
                UNION ALL
                SELECT id, flags FROM allegations_new_ids WHERE flags <> '')
            ORDER BY allegation_id, flag_id"""
        )
        updated = self.count(
            "SELECT count(*) FROM allegations_matched WHERE category_changed OR flags_changed"
        )
        self.plan_allegation_pairs()
        # The cases of the subjects the database keeps, for placing the cases.
        self.db.execute(
            "CREATE TEMP TABLE known_allegation_cases AS SELECT id, case_id FROM known_allegations"
        )
        self.drop(
            "allegations_matched",
            "file_allegations",
            "allegations_new_ids",
            "known_allegation_flags",
            "known_allegations",
            "known_flags",
        )
        return updated

    def plan_allegation_pairs(self) -> None:
        """``Case.allegation_pairs`` of every case whose allegations this file adds or changes:
        the pairs of its allegations after the import (the file's, and the known ones the file
        does not name), as ``pair_key`` writes them, sorted. New cases are written with theirs;
        known cases whose pairs change are updated."""
        self.db.execute(
            """CREATE TEMP TABLE touched_cases AS
            SELECT DISTINCT case_id FROM allegations_matched
            WHERE known_id IS NULL OR category_changed OR flags_changed"""
        )
        self.db.execute(
            """CREATE TEMP TABLE case_pairs AS
            WITH after_import AS (
                SELECT m.case_id, m.category, m.flags FROM allegations_matched m
                JOIN touched_cases USING (case_id)
                UNION ALL
                SELECT k.case_id, k.category, coalesce(kf.flags, '') FROM known_allegations k
                JOIN touched_cases USING (case_id)
                LEFT JOIN known_allegation_flags kf ON kf.allegation_id = k.id
                WHERE NOT EXISTS (SELECT 1 FROM allegations_matched m WHERE m.known_id = k.id)
            ), pairs AS (
                SELECT case_id, category || ' ' || flag AS pair
                FROM (SELECT case_id, category, unnest(string_split(flags, ';')) AS flag
                      FROM after_import WHERE flags <> '')
            )
            SELECT t.case_id,
                   coalesce(to_json(list_sort(list_distinct(list(p.pair))))::VARCHAR, '[]')
                       AS pairs
            FROM touched_cases t LEFT JOIN pairs p USING (case_id) GROUP BY t.case_id"""
        )
        self.db.execute(
            """CREATE TEMP TABLE known_case_pairs AS
            SELECT k.case_id, to_json(list_sort(list_distinct(list(k.category || ' ' || f.flag))))
                       ::VARCHAR AS pairs
            FROM known_allegations k JOIN touched_cases USING (case_id)
            JOIN known_flags f ON f.allegation_id = k.id GROUP BY k.case_id"""
        )
        # New cases take theirs in place_cases; known ones are updated (if still at the version
        # read) when theirs change.
        self.plan.parts["case_pairs_changed"] = self.query(
            """SELECT p.pairs AS allegation_pairs, p.case_id AS id, ck.known_version
            FROM case_pairs p JOIN case_keys ck ON ck.id = p.case_id AND NOT ck.new
            LEFT JOIN known_case_pairs k USING (case_id)
            WHERE p.pairs IS DISTINCT FROM coalesce(k.pairs, '[]')
            ORDER BY p.case_id"""
        )
        self.drop("touched_cases", "known_case_pairs")

    def plan_subjects(self) -> None:
        """New and changed subject rows, by (allegation, subject; an empty subject_ref is the
        unidentified subject), and the created, updated and unchanged counts of the result: a
        row is updated when its own fields, its allegation or its case change."""
        signature = " || '|' || ".join(
            [f"f.{name}" for name in SUBJECT_CODES] + ["coalesce(f.outcome_date, '')"]
        )
        fields = ", ".join(f"f.{name}" for name in SUBJECT_FIELDS)
        self.db.execute(
            f"""CREATE TEMP TABLE subjects_matched AS
            SELECT f.ord, ak.case_id, ak.id AS allegation_id, pk.id AS subject_id, {fields},
                   k.id AS known_id,
                   k.id IS NOT NULL AND k.signature IS DISTINCT FROM ({signature})
                       AS fields_changed,
                   ak.case_changed OR ak.changed AS parent_changed
            FROM file_rows f
            JOIN allegation_keys ak ON ak.force = f.force AND ak.case_ref = f.case_ref
                 AND ak.allegation_ref = f.allegation_ref
            LEFT JOIN person_keys pk ON f.subject_ref <> '' AND pk.force = f.force
                 AND pk.ref = f.subject_ref
            LEFT JOIN known_subjects k ON k.allegation_id = ak.id
                 AND k.subject = coalesce(pk.id, 0)"""
        )
        names = ", ".join(SUBJECT_FIELDS)
        self.plan.parts["subjects_new"] = self.query(
            f"""SELECT allegation_id, subject_id, {names}
            FROM subjects_matched WHERE known_id IS NULL ORDER BY allegation_id, ord"""
        )
        self.plan.parts["subjects_changed"] = self.query(
            f"""SELECT {names}, known_id AS id
            FROM subjects_matched WHERE fields_changed ORDER BY known_id"""
        )
        counted = self.db.execute(
            """SELECT count(*) FILTER (WHERE known_id IS NULL),
                      count(*) FILTER (WHERE known_id IS NOT NULL
                                       AND (fields_changed OR parent_changed)),
                      count(*) FILTER (WHERE known_id IS NOT NULL AND NOT fields_changed
                                       AND NOT parent_changed)
            FROM subjects_matched"""
        ).fetchall()[0]
        result = self.plan.result
        result.created, result.updated, result.unchanged = (int(n or 0) for n in counted)

    def place_cases(self) -> None:
        """New cases and changed ones, placed in the process by the rule of
        candour/cases/placement.py from all their subjects' rows after the write: the file's,
        and those the database keeps that the file does not name. A known case with a timeline
        keeps its placement (the workflow owns it); one without is placed again from the file.
        A known case changes when its type, date or placement does."""
        rule = ImportPlacement
        # A kept subject's values, from the signature its row was read as (codes, then the
        # outcome date; DuckDB's lists count from 1).
        position = {name: n + 1 for n, name in enumerate(SUBJECT_CODES)}
        last = len(SUBJECT_CODES) + 1
        self.db.execute(
            f"""CREATE TEMP TABLE case_subjects AS
            SELECT case_id, count(*) AS subjects, count(*) FILTER (WHERE outcome = '') AS open,
                   max(outcome_date) AS last_outcome, bool_or({rule.investigated}) AS investigated
            FROM (
                SELECT case_id, investigation, outcome, outcome_date FROM subjects_matched
                UNION ALL
                SELECT case_id, v[{position["investigation"]}], v[{position["outcome"]}],
                       nullif(v[{last}], '')
                FROM (
                    SELECT kc.case_id, string_split(k.signature, '|') AS v
                    FROM known_subjects k
                    JOIN known_allegation_cases kc ON kc.id = k.allegation_id
                    SEMI JOIN case_keys ck ON ck.id = kc.case_id
                    ANTI JOIN subjects_matched m ON m.known_id = k.id))
            GROUP BY case_id"""
        )
        self.db.execute(
            f"""CREATE TEMP TABLE cases_placed AS
            SELECT force, case_ref, id, case_type, received, new, changed, known_version,
                   known_stage, known_rules, known_schedule_3, known_finalised, known_due,
                   CASE WHEN run THEN known_stage ELSE stage END AS stage,
                   CASE WHEN run THEN known_rules ELSE rules_version END AS rules_version,
                   CASE WHEN run THEN known_schedule_3 ELSE {rule.schedule_3("stage")} END
                       AS schedule_3,
                   CASE WHEN run THEN known_finalised ELSE {rule.finalised_on("stage")} END
                       AS finalised_on,
                   CASE WHEN run THEN known_due ELSE {rule.next_due("stage", "received")} END
                       AS next_due
            FROM (
                SELECT *, {rule.stage} AS stage, {rule.rules_version("received")} AS rules_version
                FROM (
                    SELECT ck.*, coalesce(s.subjects, 0) AS subjects, coalesce(s.open, 0) AS open,
                           s.last_outcome, coalesce(s.investigated, false) AS investigated
                    FROM case_keys ck LEFT JOIN case_subjects s ON s.case_id = ck.id))"""
        )
        placed = "stage, rules_version, schedule_3, finalised_on, next_due"
        self.plan.parts["cases_new"] = self.query(
            f"""SELECT id, force, case_ref, case_type, received, {placed}, 1 AS version,
                      {self.now} AS created_at, {self.now} AS updated_at,
                      coalesce(p.pairs, '[]') AS allegation_pairs
            FROM cases_placed LEFT JOIN case_pairs p ON p.case_id = cases_placed.id
            WHERE new ORDER BY id"""
        )
        self.plan.parts["cases_changed"] = self.query(
            f"""SELECT case_type, received, {placed}, {self.now} AS updated_at, id,
                   known_version
            FROM cases_placed
            WHERE NOT new AND (changed
                OR stage IS DISTINCT FROM known_stage
                OR rules_version IS DISTINCT FROM known_rules
                OR schedule_3 IS DISTINCT FROM known_schedule_3
                OR finalised_on IS DISTINCT FROM known_finalised
                OR next_due IS DISTINCT FROM known_due)
            ORDER BY id"""
        )
        self.drop(
            "case_pairs",
            "case_subjects",
            "cases_placed",
            "case_keys",
            "known_subjects",
            "known_allegation_cases",
            "subjects_matched",
        )
