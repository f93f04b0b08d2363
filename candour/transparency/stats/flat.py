"""The counting store: the case tables flattened into one DuckDB table (one row per subject's
part in an allegation) that every statistics query counts from.

Why a second database: breaking a million allegations down by two fields while counting
*distinct* officers or cases needs ``GROUP BY`` with ``COUNT(DISTINCT ...)``. The row stores
behind Candour sort for that, and took 1 to 9 s per table on SQLite and PostgreSQL at a million
rows (docs/benchmarks.md, "Statistics"); DuckDB, an embedded column store made for exactly this
kind of counting, takes about a tenth of a second. The store is derived data: the case tables
in the main database remain the only record, and the store can be deleted at any time.

How it stays in step:

- ``refresh_stat_rows`` reads the case tables through Django's connection (inside the caller's
  transaction, so an import's own uncommitted rows are seen), writes a *new* store file and
  records its name and the case tables' ``fingerprint`` in ``StatState`` — a row of the main
  database, written in the same transaction. If the transaction rolls back, ``StatState`` still
  names the old file and the new one is an orphan that a later refresh deletes. Readers never
  see a half-written file (each file is complete before it is named).
- The fingerprint is the serial of the ``cases`` change mark (``candour.core.changes``), which
  every write to case data raises in its own transaction: the case services, the ORM signal
  handlers (an admin or shell save) and the bulk importer. ``ensure_fresh`` compares the stored
  fingerprint with the current one before counting and rebuilds when they differ, or when this
  machine lacks the named file (several app servers each keep their own copy), so a stale
  store never gives a wrong number. A writer using ``QuerySet.update`` or raw SQL on case
  tables must call ``changes.mark_changed("cases")`` in its transaction.
- A refresh of some forces or cases copies the current file and replaces only their rows.

``group`` and ``total`` are the store's versions of the engine's counting; they must give
exactly what the join-based engine (the reference) gives: the tests compare them on generated
data.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core import changes
from candour.transparency.stats.dimensions import (
    ALLEGATION,
    CASE,
    COUNT_LEVEL,
    DIMENSIONS,
    LEVEL_DEPTH,
    NO_FLAG,
    SUBJECT,
    UNKNOWN,
)
from candour.transparency.stats.models import FLAG_COLUMNS, NO_FLAG_COLUMN, StatState

Key = tuple[Any, ...]
CHUNK = 500  # case ids per query when refreshing named cases
FETCH = 200_000  # rows per chunk read from SQLite
# Raise when the store's table changes: stores of another layout no longer count as fresh.
STORE_LAYOUT = 2

# The subject-level dimensions: each is a field of AllegationSubject and a column of the store
# under its own name (dimensions.py is their one home).
SUBJECT_CODES = tuple(
    code for code, dim in DIMENSIONS.items() if dim.level == SUBJECT and dim.kind == "field"
)

# The store's one table, in column order (docs/statistics.md describes each column).
COLUMNS = (
    "case_id",
    "allegation_id",
    "subject_row_id",
    "subject_id",
    "level",
    "force",
    "case_type",
    "received_date",
    "received_year",
    "received_fy",
    "category",
    *FLAG_COLUMNS.values(),
    NO_FLAG_COLUMN,
    "themes",  # the allegation's theme codes, or ["none"]: a breakdown by theme unnests it
    *SUBJECT_CODES,
    "outcome_date",
    "outcome_year",
    "outcome_fy",
)

# ---------------------------------------------------------------------------------------------
# Fingerprint of the case tables

# The change marks the store is built from (candour.core.changes): the store holds case data
# only; people (the rates' denominators) are counted from the workforce table itself.
SOURCES = (changes.CASES,)


def fingerprint() -> str:
    """The store's layout and the serials of the change marks of the case tables, e.g.
    ``v2:cases=41``. Every write to case data raises the ``cases`` serial in its own
    transaction (services, the ORM signal handlers, the bulk importer), so a store stamped with
    the current fingerprint holds every committed change. Read it before the case tables."""
    return f"v{STORE_LAYOUT}:{changes.stamp(*SOURCES)}"


def store_dir() -> Path:
    return Path(settings.STATS_STORE_DIR)


def current_store() -> Path | None:
    """The store file the main database names, if this machine has it."""
    name = StatState.objects.filter(pk=1).values_list("store", flat=True).first()
    if not name:
        return None
    path = store_dir() / name
    return path if path.exists() else None


def is_fresh() -> bool:
    """Whether the store was built from the case tables as they are now, and is on this disk."""
    stored = StatState.objects.filter(pk=1).values_list("fingerprint", "store").first()
    if not stored or not stored[0] or stored[0] != fingerprint():
        return False
    return bool(stored[1]) and (store_dir() / stored[1]).exists()


def _state(lock: bool = False) -> StatState:
    qs = StatState.objects.all()
    if lock:
        qs = qs.select_for_update()
    state = qs.filter(pk=1).first()
    if state is None:
        state, _ = StatState.objects.get_or_create(pk=1)
        if lock:
            state = StatState.objects.select_for_update().get(pk=1)
    return state


def ensure_fresh() -> bool:
    """Rebuild the store if it does not match the case tables. Returns True when the store
    can be used (it always can after a rebuild)."""
    if is_fresh():
        return True
    with transaction.atomic():
        _state(lock=True)  # one rebuild at a time; others wait, then find it fresh
        if is_fresh():
            return True
        refresh_stat_rows()
    return True


# ---------------------------------------------------------------------------------------------
# Reading the case tables


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> dict[str, str]:
    return {
        "case": _q(Case._meta.db_table),
        "allegation": _q(Allegation._meta.db_table),
        "subject": _q(AllegationSubject._meta.db_table),
        "through": _q(Allegation.flags.through._meta.db_table),
    }


# What is read from each case table (the largest first, so that reading it overlaps writing the
# others), as (column name in the store's staging table, SQL expression, DuckDB type). Dates
# travel as ISO text, the one form both databases give alike.
_SOURCES: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]] = {
    "subjects": (
        "subject",
        (
            ("id", "s.id", "BIGINT"),
            ("allegation_id", "s.allegation_id", "BIGINT"),
            ("subject_id", "s.subject_id", "BIGINT"),
            *((code, f"s.{code}", "VARCHAR") for code in SUBJECT_CODES),
            ("outcome_on", "CAST(s.outcome_date AS TEXT)", "VARCHAR"),
        ),
    ),
    "cases": (
        "case",
        (
            ("id", "c.id", "BIGINT"),
            ("force", "c.force_id", "VARCHAR"),
            ("case_type", "c.case_type", "VARCHAR"),
            ("received", "CAST(c.received_date AS TEXT)", "VARCHAR"),
        ),
    ),
    "allegations": (
        "allegation",
        (
            ("id", "a.id", "BIGINT"),
            ("case_id", "a.case_id", "BIGINT"),
            ("category", "a.category_id", "VARCHAR"),
        ),
    ),
    "flags": (
        "through",
        (("allegation_id", "t.allegation_id", "BIGINT"), ("flag", "t.flag_id", "VARCHAR")),
    ),
}


_ALIAS = {"case": "c", "allegation": "a", "through": "t", "subject": "s"}


def _from(table: str, where: str) -> str:
    """FROM clause reaching the case ``c`` from one case table (no join for everything)."""
    t = _tables()
    if where == "1 = 1":
        return f"FROM {t[table]} {_ALIAS[table]}"
    return {
        "case": f"FROM {t['case']} c",
        "allegation": f"FROM {t['allegation']} a JOIN {t['case']} c ON c.id = a.case_id",
        "through": (
            f"FROM {t['through']} t JOIN {t['allegation']} a ON a.id = t.allegation_id "
            f"JOIN {t['case']} c ON c.id = a.case_id"
        ),
        "subject": (
            f"FROM {t['subject']} s JOIN {t['allegation']} a ON a.id = s.allegation_id "
            f"JOIN {t['case']} c ON c.id = a.case_id"
        ),
    }[table]


def _export_postgresql(source: str, where: str, params: list[Any], path: Path) -> None:
    """PostgreSQL streams the rows as CSV (``COPY ... TO STDOUT``) straight into a file."""
    table, columns = _SOURCES[source]
    select = ", ".join(expression for _, expression, _ in columns)
    sql = f"SELECT {select} {_from(table, where)} WHERE {where}"
    with connection.cursor() as cursor, path.open("wb") as out:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            for block in copy:
                out.write(block)


def _export_sqlite(source: str, where: str, params: list[Any], path: Path) -> None:
    """SQLite writes the rows as text itself: each value as an SQL literal (``printf('%Q')``:
    in single quotes with quotes doubled, NULL bare — a CSV dialect DuckDB reads; one printf
    per row is 2.4 times cheaper than a ``quote()`` per value), a chunk of rows per
    ``group_concat``. Python only moves a few large strings, instead of building an object for
    each of millions of values."""
    table, columns = _SOURCES[source]
    alias = _ALIAS[table]
    expressions = [expression for _, expression, _ in columns]
    line = f"printf('{','.join(['%Q'] * len(expressions))}', {', '.join(expressions)})"
    sql = (
        f"SELECT group_concat(line, char(10)), max(k), count(*) FROM ("
        f"SELECT {alias}.id AS k, {line} AS line {_from(table, where)} "
        f"WHERE {where} AND {alias}.id > %s ORDER BY {alias}.id LIMIT {FETCH})"
    )
    last = 0
    with connection.cursor() as cursor, path.open("w", encoding="utf-8") as out:
        while True:
            cursor.execute(sql, [*params, last])
            text, last, count = cursor.fetchone()
            if not count:
                break
            out.write(text)
            out.write("\n")


def _stage(db: duckdb.DuckDBPyConnection, where: str, params: list[Any], folder: Path) -> None:
    """Load the four case tables' rows for ``where`` into the store's staging tables. DuckDB
    reads each table's text in a second thread while the main database writes the next (both
    let go of Python's lock while they work, so the two cores share the job)."""
    postgresql = connection.vendor == "postgresql"
    # PostgreSQL's CSV: "text", NULL as nothing. SQLite's printf('%Q'): 'text', NULL as NULL.
    dialect = (
        "quote = '\"', escape = '\"'"
        if postgresql
        else "quote = '''', escape = '''', nullstr = 'NULL'"
    )

    def load(source: str, path: Path) -> None:
        types = ", ".join(f"'{name}': '{kind}'" for name, _, kind in _SOURCES[source][1])
        db.execute(
            f"CREATE OR REPLACE TEMP TABLE src_{source} AS SELECT * FROM read_csv(?, "
            f"header = false, auto_detect = false, columns = {{{types}}}, delim = ',', "
            f"{dialect}, allow_quoted_nulls = false)",
            [str(path)],
        )

    with ThreadPoolExecutor(max_workers=1) as reader:  # one at a time: one DuckDB connection
        loads = []
        for source in _SOURCES:
            path = folder / f"{source}.csv"
            if postgresql:
                _export_postgresql(source, where, params, path)
            else:
                _export_sqlite(source, where, params, path)
            loads.append(reader.submit(load, source, path))
        for done in loads:
            done.result()  # re-raises a reader's error here


def _known(column: str) -> str:
    return f"COALESCE(NULLIF({column}, ''), '{UNKNOWN}')"


def _date(column: str) -> str:
    return f"TRY_CAST(NULLIF({column}, '') AS DATE)"


def _fy(column: str) -> str:
    return f"(CASE WHEN month({column}) >= 4 THEN year({column}) ELSE year({column}) - 1 END)"


def _flatten_sql() -> str:
    """The store's rows from the staging tables: subjects (level 2), allegations with no
    subject (level 1) and cases with no allegation (level 0)."""
    flag_any = ", ".join(
        f"bool_or(flag = '{code}') AS {column}" for code, column in FLAG_COLUMNS.items()
    )
    flags = ", ".join(f"COALESCE(fl.{column}, false)" for column in FLAG_COLUMNS.values())
    no_flags = ", ".join("false" for _ in FLAG_COLUMNS)
    known = ", ".join(f"'{code}'" for code in FLAG_COLUMNS)
    themes = f"CASE WHEN fl.allegation_id IS NULL THEN ['{NO_FLAG}'] ELSE fl.themes END"
    subject_values = ", ".join(_known(f"s.{code}") for code in SUBJECT_CODES)
    blank_subject = ", ".join("''" for _ in SUBJECT_CODES)
    return f"""
        WITH c AS (SELECT id, force, case_type, {_date("received")} AS received_date
                   FROM src_cases),
             fl AS (SELECT allegation_id, {flag_any},
                          list_sort(list(DISTINCT flag) FILTER (WHERE flag IN ({known}))) AS themes
                   FROM src_flags GROUP BY allegation_id),
             s AS (SELECT * REPLACE ({_date("outcome_on")} AS outcome_on) FROM src_subjects)
        SELECT c.id, a.id, s.id, s.subject_id, 2, c.force, c.case_type, c.received_date,
               year(c.received_date), {_fy("c.received_date")}, a.category, {flags},
               fl.allegation_id IS NULL, {themes}, {subject_values}, s.outcome_on,
               year(s.outcome_on), {_fy("s.outcome_on")}
        FROM s JOIN src_allegations a ON a.id = s.allegation_id JOIN c ON c.id = a.case_id
        LEFT JOIN fl ON fl.allegation_id = a.id
      UNION ALL
        SELECT c.id, a.id, NULL, NULL, 1, c.force, c.case_type, c.received_date,
               year(c.received_date), {_fy("c.received_date")}, a.category, {flags},
               fl.allegation_id IS NULL, {themes}, {blank_subject}, NULL, NULL, NULL
        FROM src_allegations a JOIN c ON c.id = a.case_id
        LEFT JOIN fl ON fl.allegation_id = a.id
        WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.allegation_id = a.id)
      UNION ALL
        SELECT c.id, NULL, NULL, NULL, 0, c.force, c.case_type, c.received_date,
               year(c.received_date), {_fy("c.received_date")}, '', {no_flags}, false,
               []::VARCHAR[], {blank_subject}, NULL, NULL, NULL
        FROM c WHERE NOT EXISTS (SELECT 1 FROM src_allegations a WHERE a.case_id = c.id)
    """


def _create_table_sql() -> str:
    types: dict[str, str] = {
        "case_id": "BIGINT",
        "allegation_id": "BIGINT",
        "subject_row_id": "BIGINT",
        "subject_id": "BIGINT",
        "level": "TINYINT",
        "received_date": "DATE",
        "received_year": "SMALLINT",
        "received_fy": "SMALLINT",
        "outcome_date": "DATE",
        "outcome_year": "SMALLINT",
        "outcome_fy": "SMALLINT",
        **{column: "BOOLEAN" for column in (*FLAG_COLUMNS.values(), NO_FLAG_COLUMN)},
        "themes": "VARCHAR[]",
    }
    columns = ", ".join(f"{name} {types.get(name, 'VARCHAR')}" for name in COLUMNS)
    return f"CREATE TABLE IF NOT EXISTS stat_rows ({columns})"


# ---------------------------------------------------------------------------------------------
# Rebuilding the store


def _scopes(
    force_codes: Iterable[str] | None, case_ids: Iterable[int] | None
) -> Iterator[tuple[str, list[Any], str, list[Any]]]:
    """(where on the case tables, its params, where on the store, its params) per scope."""
    if force_codes is None and case_ids is None:
        yield "1 = 1", [], "true", []
    if force_codes is not None and (forces := sorted(set(force_codes))):
        marks = ", ".join(["%s"] * len(forces))
        yield f"c.force_id IN ({marks})", forces, f"force IN ({marks.replace('%s', '?')})", forces
    if case_ids is not None:
        ids = sorted(set(case_ids))
        for n in range(0, len(ids), CHUNK):
            chunk = ids[n : n + CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            yield f"c.id IN ({marks})", chunk, f"case_id IN ({marks.replace('%s', '?')})", chunk


def refresh_stat_rows(
    force_codes: Iterable[str] | None = None, case_ids: Iterable[int] | None = None
) -> int:
    """Rebuild the store's rows of ``force_codes`` (every case of those forces), of
    ``case_ids``, or of everything when neither is given, from the case tables as the caller's
    transaction sees them. Writes a new store file and names it in ``StatState`` in that
    transaction. Returns the number of rows written. Safe on an empty database."""
    folder = store_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        state = _state(lock=True)
        built_from = fingerprint()  # before reading the tables: a later change is caught next time
        old = folder / state.store if state.store else None
        if force_codes is not None and case_ids is None:
            force_codes = set(force_codes)
            if force_codes >= set(Case.objects.values_list("force_id", flat=True).distinct()):
                force_codes = None  # every force with cases: one unscoped read is cheaper
        whole = force_codes is None and case_ids is None
        name = f"stats-v{STORE_LAYOUT}-{uuid.uuid4().hex}.duckdb"
        building = folder / f"{name}.building"
        same_layout = old is not None and old.name.startswith(f"stats-v{STORE_LAYOUT}-")
        if not whole and old is not None and same_layout and old.exists():
            shutil.copyfile(old, building)
        else:
            whole = True  # nothing to start from (or an older layout): build everything
        written = 0
        db = duckdb.connect(str(building), config=_config())
        try:
            db.execute(_create_table_sql())
            scopes = list(_scopes(None, None) if whole else _scopes(force_codes, case_ids))
            with tempfile.TemporaryDirectory(dir=folder) as scratch:
                for where, params, store_where, store_params in scopes:
                    db.execute(f"DELETE FROM stat_rows WHERE {store_where}", store_params)
                    _stage(db, where, params, Path(scratch))
                    before = _count_rows(db)
                    db.execute(f"INSERT INTO stat_rows {_flatten_sql()}")
                    written += _count_rows(db) - before
            rows = _count_rows(db)
            db.execute("CHECKPOINT")
        finally:
            db.close()
        building.rename(folder / name)
        StatState.objects.filter(pk=1).update(
            fingerprint=built_from, store=name, refreshed_at=timezone.now(), rows=rows
        )
        _remove_old_stores(folder, keep={name, old.name if old else ""})
    return written


def _count_rows(db: duckdb.DuckDBPyConnection) -> int:
    row = db.execute("SELECT count(*) FROM stat_rows").fetchone()
    return int(row[0]) if row else 0


def _config() -> dict[str, Any]:
    return {"memory_limit": str(settings.STATS_STORE_MEMORY)}


def _remove_old_stores(folder: Path, keep: set[str]) -> None:
    """Delete store files no longer named (older ones, or orphans of rolled-back refreshes)
    once they are ``STATS_STORE_KEEP_SECONDS`` old: a process still counting from one keeps
    its open file until it finishes (POSIX), and one that finds its file gone rebuilds."""
    age = float(settings.STATS_STORE_KEEP_SECONDS)
    now = time.time()
    for path in [*folder.glob("stats-*.duckdb"), *folder.glob("stats-*.duckdb.building")]:
        if path.name in keep:
            continue
        try:
            if now - path.stat().st_mtime >= age:
                path.unlink()
        except FileNotFoundError:
            pass


def store_rows(columns: Iterable[str] = COLUMNS, where: str = "true") -> list[tuple[Any, ...]]:
    """The current store's rows (for tests and checks), sorted."""
    names = ", ".join(columns)
    with _reader() as db:
        return sorted(
            db.execute(f"SELECT {names} FROM stat_rows WHERE {where}").fetchall(), key=repr
        )


# ---------------------------------------------------------------------------------------------
# Counting from the store

_readers: dict[str, duckdb.DuckDBPyConnection] = {}
_readers_lock = threading.Lock()


class _reader:
    """A cursor on the current store, opened read-only once per process and file."""

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        path = current_store()
        if path is None:
            ensure_fresh()
            path = current_store()
        if path is None:
            raise RuntimeError("The statistics store could not be built.")
        key = str(path)
        with _readers_lock:
            db = _readers.get(key)
            if db is None:
                for old in list(_readers)[:-1]:  # keep the newest two files open at most
                    _readers.pop(old).close()
                db = duckdb.connect(key, read_only=True, config=_config())
                _readers[key] = db
            self.cursor = db.cursor()
        return self.cursor

    def __exit__(self, *exc: object) -> None:
        self.cursor.close()


def _date_level(query: Any) -> str:
    return SUBJECT if query.date_field == "outcome_date" else CASE


def _level_of(query: Any, code: str) -> str:
    level = DIMENSIONS[code].level
    return _date_level(query) if level == "date" else level


def _column(query: Any, code: str) -> str:
    dim = DIMENSIONS[code]
    prefix = "outcome" if query.date_field == "outcome_date" else "received"
    if dim.kind == "year":
        return f"{prefix}_year"
    if dim.kind == "financial_year":
        return f"{prefix}_fy"
    return {"force": "force", "case_type": "case_type", "category": "category"}.get(code, code)


def _filter_levels(query: Any) -> set[str]:
    levels = set()
    if query.forces or query.case_type or (query.date_field == "received_date"):
        levels.add(CASE)
    if query.flags:
        levels.add(ALLEGATION)
    if query.date_field == "outcome_date" and (query.date_from or query.date_to):
        levels.add(SUBJECT)
    return levels


def _where(query: Any, base: str) -> tuple[str, list[Any]]:
    conditions: list[str] = []
    params: list[Any] = []
    if base == SUBJECT:
        conditions.append("level = 2")
    elif base == ALLEGATION:
        conditions.append("level >= 1")
    if query.forces:
        conditions.append(f"force IN ({', '.join('?' for _ in query.forces)})")
        params += list(query.forces)
    if query.case_type:
        conditions.append("case_type = ?")
        params.append(query.case_type)
    date = "outcome_date" if query.date_field == "outcome_date" else "received_date"
    if query.date_from:
        conditions.append(f"{date} >= ?")
        params.append(query.date_from)
    if query.date_to:
        conditions.append(f"{date} <= ?")
        params.append(query.date_to)
    if query.flags:
        any_flag = [FLAG_COLUMNS[code] if code in FLAG_COLUMNS else "false" for code in query.flags]
        conditions.append(f"({' OR '.join(any_flag)})")
    return " AND ".join(conditions) or "true", params


def additive(query: Any, by: tuple[str, ...]) -> bool:
    """Whether every counted thing falls in exactly one row of the table: then the total and
    the margins are sums of the cells, and need no query of their own."""
    if "flag" in by or query.count == "officers":  # a theme or an officer can repeat
        return False
    depth = LEVEL_DEPTH[COUNT_LEVEL[query.count]]
    levels = {_level_of(query, code) for code in by} | _filter_levels(query)
    return all(LEVEL_DEPTH[level] <= depth for level in levels)


_TARGET = {"cases": "case_id", "allegations": "allegation_id", "officers": "subject_id"}


def group(query: Any, by: tuple[str, ...], base: str) -> dict[Key, int]:
    """Counts per combination of ``by`` values present in the data, exactly as the join-based
    engine groups them (a group exists when a row of the base level falls in it, even when
    the count is 0, e.g. officers among unidentified subjects)."""
    where, params = _where(query, base)
    target = _TARGET[query.count]
    others = tuple(code for code in by if code != "flag")
    names = [_column(query, code) for code in others]
    group_by = f"GROUP BY {', '.join(names)}" if names else ""
    selected = [f"{name} AS d{n}" for n, name in enumerate(names)]
    out: dict[Key, int] = {}

    def key_of(row: tuple[Any, ...], flag: str | None = None) -> Key:
        values = iter(row[: len(names)])
        return tuple(
            flag if code == "flag" else (UNKNOWN if (v := next(values)) is None else v)
            for code in by
        )

    if "flag" not in by:
        sql = f"SELECT {', '.join([*selected, f'count(DISTINCT {target})'])} FROM stat_rows WHERE {where} {group_by}"
        with _reader() as db:
            rows = db.execute(sql, params).fetchall()
        for row in rows:
            key = key_of(row)
            out[key] = out.get(key, 0) + int(row[-1])
        return out
    # By theme: an allegation falls under each of its themes, or under "none"; each row is
    # repeated once per theme (unnest) and counted in one pass.
    inner = ", ".join([*names, "unnest(themes) AS theme", target])
    sql = (
        f"SELECT {', '.join([*selected, 'theme', f'count(DISTINCT {target})'])} "
        f"FROM (SELECT {inner} FROM stat_rows WHERE {where}) "
        f"GROUP BY {', '.join([*names, 'theme'])}"
    )
    with _reader() as db:
        rows = db.execute(sql, params).fetchall()
    for row in rows:
        key = key_of(row, row[len(names)])
        out[key] = out.get(key, 0) + int(row[-1])
    return out


def total(query: Any, base: str) -> int:
    where, params = _where(query, base)
    with _reader() as db:
        row = db.execute(
            f"SELECT count(DISTINCT {_TARGET[query.count]}) FROM stat_rows WHERE {where}", params
        ).fetchone()
    return int(row[0]) if row and row[0] else 0
