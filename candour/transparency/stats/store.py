"""The counting store: each source's tables flattened into one DuckDB table (cases: one row per
subject's part in an allegation) that every statistics query counts from. ``sql.py`` writes
the SQL from the source's declaration; this module runs it and looks after the files.

Why a second database: breaking a million allegations down by two fields while counting
*distinct* officers or cases needs ``GROUP BY`` with ``COUNT(DISTINCT ...)``. The row stores
behind Candour sort for that, and took 1 to 9 s per table on SQLite and PostgreSQL at a million
rows (docs/benchmarks.md, "Statistics"); DuckDB, an embedded column store made for exactly this
kind of counting, takes about a tenth of a second. The store is derived data: the main database
remains the only record, and the store can be deleted at any time.

How it stays in step:

- ``refresh`` reads the source's tables through Django's connection (inside the caller's
  transaction, so an import's own uncommitted rows are seen), writes a *new* store file and
  records its name and the source's ``fingerprint`` in ``StatState`` — a row of the main
  database, written in the same transaction. If the transaction rolls back, ``StatState`` still
  names the old file and the new one is an orphan that a later refresh deletes. Readers never
  see a half-written file (each file is complete before it is named).
- ``freshness.ensure_fresh`` compares the stored fingerprint (the serials of the source's change
  marks, ``candour/core/changes.py``) with the current one before counting and rebuilds when
  they differ, or when this machine lacks the named file (several app
  servers each keep their own copy), so a stale store never gives a wrong number.
- A refresh of some forces or top-level rows (cases) copies the current file and replaces only
  their rows. A file of another layout (``Source.layout``) is never patched: it is rebuilt whole.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from candour.transparency.stats import freshness, sql
from candour.transparency.stats.declaration import UNKNOWN, Source
from candour.transparency.stats.models import StatState

Key = tuple[Any, ...]
CHUNK = 500  # top-level ids per query when refreshing named rows
FETCH = 200_000  # rows per chunk read from SQLite


def store_dir() -> Path:
    return Path(settings.STATS_STORE_DIR)


def file_prefix(source: Source) -> str:
    """Every store file of this source and layout is named ``<prefix><random>.duckdb``."""
    return f"stats-{source.name}-v{source.layout}-"


def state(source: Source, lock: bool = False) -> StatState:
    qs = StatState.objects.all()
    if lock:
        qs = qs.select_for_update()
    row = qs.filter(source=source.name).first()
    if row is None:
        row, _ = StatState.objects.get_or_create(source=source.name)
        if lock:
            row = StatState.objects.select_for_update().get(source=source.name)
    return row


def current_store(source: Source) -> Path | None:
    """The store file the main database names, if this machine has it."""
    name = StatState.objects.filter(source=source.name).values_list("store", flat=True).first()
    if not name:
        return None
    path = store_dir() / name
    return path if path.exists() else None


# ---------------------------------------------------------------------------------------------
# Reading the main database


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _export_postgresql(read: sql.Read, where: str, params: list[Any], path: Path) -> None:
    """PostgreSQL streams the rows as CSV (``COPY ... TO STDOUT``) straight into a file."""
    with connection.cursor() as cursor, path.open("wb") as out:
        with cursor.cursor.copy(
            f"COPY ({read.select(where)}) TO STDOUT (FORMAT csv)", params
        ) as copy:
            for block in copy:
                out.write(block)


def _export_sqlite(read: sql.Read, where: str, params: list[Any], path: Path) -> None:
    """SQLite writes the rows as text itself: each value as an SQL literal (``printf('%Q')``:
    in single quotes with quotes doubled, NULL bare — a CSV dialect DuckDB reads; one printf
    per row is 2.4 times cheaper than a ``quote()`` per value), a chunk of rows per
    ``group_concat``. Python only moves a few large strings, instead of building an object for
    each of millions of values."""
    expressions = [expression for _, expression, _ in read.columns]
    line = f"printf('{','.join(['%Q'] * len(expressions))}', {', '.join(expressions)})"
    select = read.select(where).replace(
        f"SELECT {', '.join(expressions)} ", f"SELECT {read.key} AS k, {line} AS line ", 1
    )
    chunk = (
        f"SELECT group_concat(line, char(10)), max(k), count(*) FROM ("
        f"{select} AND {read.key} > %s ORDER BY {read.key} LIMIT {FETCH})"
    )
    last = 0
    with connection.cursor() as cursor, path.open("w", encoding="utf-8") as out:
        while True:
            cursor.execute(chunk, [*params, last])
            text, last, count = cursor.fetchone()
            if not count:
                break
            out.write(text)
            out.write("\n")


def _stage(
    source: Source, db: duckdb.DuckDBPyConnection, where: str, params: list[Any], folder: Path
) -> None:
    """Load the source's tables' rows for ``where`` into the store's staging tables. DuckDB
    reads each table's text in a second thread while the main database writes the next (both
    let go of Python's lock while they work, so the two cores share the job)."""
    postgresql = connection.vendor == "postgresql"
    # PostgreSQL's CSV: "text", NULL as nothing. SQLite's printf('%Q'): 'text', NULL as NULL.
    dialect = (
        "quote = '\"', escape = '\"'"
        if postgresql
        else "quote = '''', escape = '''', nullstr = 'NULL'"
    )

    def load(read: sql.Read, path: Path) -> None:
        types = ", ".join(f"'{name}': '{kind}'" for name, _, kind in read.columns)
        db.execute(
            f"CREATE OR REPLACE TEMP TABLE src_{read.name} AS SELECT * FROM read_csv(?, "
            f"header = false, auto_detect = false, columns = {{{types}}}, delim = ',', "
            f"{dialect}, allow_quoted_nulls = false)",
            [str(path)],
        )

    with ThreadPoolExecutor(max_workers=1) as reader:  # one at a time: one DuckDB connection
        loads = []
        for read in sql.reads(source, _q):
            path = folder / f"{read.name}.csv"
            if postgresql:
                _export_postgresql(read, where, params, path)
            else:
                _export_sqlite(read, where, params, path)
            loads.append(reader.submit(load, read, path))
        for done in loads:
            done.result()  # re-raises a reader's error here


# ---------------------------------------------------------------------------------------------
# Rebuilding the store


def _scopes(
    source: Source, force_codes: Iterable[str] | None, top_ids: Iterable[int] | None
) -> Iterator[tuple[str, list[Any], str, list[Any]]]:
    """(where on the main database, its params, where on the store, its params) per scope."""
    if force_codes is None and top_ids is None:
        yield "1 = 1", [], "true", []
    if force_codes is not None and (forces := sorted(set(force_codes))):
        marks = ", ".join("?" for _ in forces)
        yield (
            sql.scope_of_forces(source, _q, len(forces)),
            forces,
            f"{source.force_column} IN ({marks})",
            forces,
        )
    if top_ids is not None:
        ids = sorted(set(top_ids))
        id_column = source.levels[0].id_column
        for n in range(0, len(ids), CHUNK):
            chunk = ids[n : n + CHUNK]
            marks = ", ".join("?" for _ in chunk)
            yield (
                sql.scope_of_top_rows(source, _q, len(chunk)),
                chunk,
                f"{id_column} IN ({marks})",
                chunk,
            )


def _all_forces_with_rows(source: Source) -> set[str]:
    top = source.levels[0]
    field = source.column[source.force_column].field
    return set(top.model.objects.values_list(field, flat=True).distinct())


def refresh(
    source: Source, force_codes: Iterable[str] | None = None, top_ids: Iterable[int] | None = None
) -> int:
    """Rebuild the store's rows of ``force_codes`` (every row of those forces), of ``top_ids``
    (rows of the top level: cases), or of everything when neither is given, from the main
    database as the caller's transaction sees it. Writes a new store file and names it in
    ``StatState`` in that transaction. Returns the number of rows written. Safe on an empty
    database."""
    folder = store_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        row = state(source, lock=True)
        built_from = freshness.fingerprint(source)  # before reading: a later change shows next time
        old = folder / row.store if row.store else None
        if force_codes is not None and top_ids is None:
            force_codes = set(force_codes)
            if force_codes >= _all_forces_with_rows(source):
                force_codes = None  # every force with rows: one unscoped read is cheaper
        whole = force_codes is None and top_ids is None
        name = f"{file_prefix(source)}{uuid.uuid4().hex}.duckdb"
        building = folder / f"{name}.building"
        same_layout = old is not None and old.name.startswith(file_prefix(source))
        if not whole and old is not None and same_layout and old.exists():
            shutil.copyfile(old, building)
        else:
            whole = True  # nothing to start from (or another layout): build everything
        written = 0
        db = duckdb.connect(str(building), config=_config())
        try:
            db.execute(sql.create_table(source))
            scopes = list(
                _scopes(source, None, None) if whole else _scopes(source, force_codes, top_ids)
            )
            with tempfile.TemporaryDirectory(dir=folder) as scratch:
                for where, params, store_where, store_params in scopes:
                    db.execute(f"DELETE FROM {sql.TABLE} WHERE {store_where}", store_params)
                    _stage(source, db, where, params, Path(scratch))
                    before = _count_rows(db)
                    db.execute(f"INSERT INTO {sql.TABLE} {sql.flatten(source)}")
                    written += _count_rows(db) - before
            rows = _count_rows(db)
            db.execute("CHECKPOINT")
        finally:
            db.close()
        building.rename(folder / name)
        StatState.objects.filter(source=source.name).update(
            fingerprint=built_from,
            store=name,
            refreshed_at=timezone.now(),
            rows=rows,
        )
        _remove_old_stores(folder, source, keep={name, old.name if old else ""})
    return written


def refresh_stat_rows(
    force_codes: Iterable[str] | None = None, case_ids: Iterable[int] | None = None
) -> int:
    """``refresh`` of the cases source (imports, the demo loader, ``candour refresh-stats``)."""
    from candour.transparency.stats.sources import CASES

    return refresh(CASES, force_codes, case_ids)


def refresh_after_bulk_write(forces: Collection[str], changed: bool) -> None:
    """After a bulk write of cases (``changes.bulk_written``, the importer): refresh the rows of
    the forces written, in the writer's transaction. A write that changed nothing keeps the
    store as it is, unless it is stale anyway."""
    from candour.transparency.stats.freshness import is_fresh

    if changed or not is_fresh():
        refresh_stat_rows(force_codes=forces)


def _count_rows(db: duckdb.DuckDBPyConnection) -> int:
    row = db.execute(f"SELECT count(*) FROM {sql.TABLE}").fetchone()
    return int(row[0]) if row else 0


def _config() -> dict[str, Any]:
    return {"memory_limit": str(settings.STATS_STORE_MEMORY)}


def _remove_old_stores(folder: Path, source: Source, keep: set[str]) -> None:
    """Delete this source's store files no longer named (older ones, or orphans of rolled-back
    refreshes) once they are ``STATS_STORE_KEEP_SECONDS`` old: a process still counting from one
    keeps its open file until it finishes (POSIX), and one that finds its file gone rebuilds.
    Files from before stores were named by source (``stats-v2-...``) belong to the cases."""
    age = float(settings.STATS_STORE_KEEP_SECONDS)
    now = time.time()
    patterns = [f"stats-{source.name}-*.duckdb", f"stats-{source.name}-*.duckdb.building"]
    if source.name == "cases":
        patterns += ["stats-v*.duckdb", "stats-v*.duckdb.building"]
    for pattern in patterns:
        for path in folder.glob(pattern):
            if path.name in keep:
                continue
            try:
                if now - path.stat().st_mtime >= age:
                    path.unlink()
            except FileNotFoundError:
                pass


# ---------------------------------------------------------------------------------------------
# Counting from the store

_readers: dict[str, duckdb.DuckDBPyConnection] = {}
_readers_lock = threading.Lock()


class reader:
    """A cursor on the source's current store, opened read-only once per process and file."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        path = current_store(self.source)
        if path is None:
            freshness.ensure_fresh(self.source)
            path = current_store(self.source)
        if path is None:
            raise RuntimeError("The statistics store could not be built.")
        key = str(path)
        with _readers_lock:
            db = _readers.get(key)
            if db is None:
                mine = [
                    k for k in _readers if Path(k).name.startswith(f"stats-{self.source.name}-")
                ]
                for old in mine[:-1]:  # keep the newest two files of a source open at most
                    _readers.pop(old).close()
                db = duckdb.connect(key, read_only=True, config=_config())
                _readers[key] = db
            self.cursor = db.cursor()
        return self.cursor

    def __exit__(self, *exc: object) -> None:
        self.cursor.close()


def store_rows(
    columns: Iterable[str] | None = None, where: str = "true", source: Source | None = None
) -> list[tuple[Any, ...]]:
    """The current store's rows (for tests and checks), sorted."""
    from candour.transparency.stats.sources import CASES

    source = source or CASES
    names = ", ".join(columns or [name for name, _ in sql.store_columns(source)])
    with reader(source) as db:
        return sorted(
            db.execute(f"SELECT {names} FROM {sql.TABLE} WHERE {where}").fetchall(), key=repr
        )


def group(query: Any, by: tuple[str, ...], db: duckdb.DuckDBPyConnection) -> dict[Key, int]:
    """Counts per combination of ``by`` values present in the data, exactly as the oracle
    groups them (a group exists when a row of the base level falls in it, even when the count
    is 0, e.g. officers among unidentified subjects). ``db`` is a ``reader`` of the source."""
    source = query.declared
    text, params = sql.group(source, query, by, sql.base_level(source, query, by))
    rows = db.execute(text, params).fetchall()
    out: dict[Key, int] = {}
    for row in rows:
        key = tuple(UNKNOWN if value is None else value for value in row[: len(by)])
        out[key] = out.get(key, 0) + int(row[-1])
    return out


def total(query: Any, db: duckdb.DuckDBPyConnection) -> int:
    source = query.declared
    text, params = sql.total(source, query, sql.base_level(source, query, ()))
    row = db.execute(text, params).fetchone()
    return int(row[0]) if row and row[0] else 0
