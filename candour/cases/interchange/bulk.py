"""Bulk writes for imports: the one place where SQL is generated for them.

A million rows through Django's per-object machinery take minutes; here rows are pyarrow
tables (``insert_table``, ``update_table``) or plain tuples. Table and column names come from
the models' metadata. On PostgreSQL rows go in with COPY; on SQLite with multi-row INSERTs or
``executemany``. New primary keys are allocated before the insert, so child rows can point at
their parents without reading the new rows back:

- PostgreSQL: the table's identity sequence (``nextval``, or one locked block for many keys),
  so concurrent writers never collide;
- SQLite: above the highest key ever used, safe because Candour opens SQLite transactions with
  ``BEGIN IMMEDIATE`` (see settings), which holds the write lock for the whole import.

Every function must run inside ``transaction.atomic()``.
"""

from __future__ import annotations

import io
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
from django.db import connection, models

BATCH = 5000
BLOCK_FROM = 1000  # from this many new keys, PostgreSQL reserves them as one block


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _pk(model: type[models.Model]) -> str:
    return str(model._meta.pk.column)


def _columns(names: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in names)


def prepare() -> None:
    """Tune the connection for a large write. SQLite's default page cache (2 MB) makes index
    updates of a million rows read and write the same pages again and again; 512 MB keeps the
    indexes in memory for the length of the import (memory is returned when the connection
    closes). Re-creating indexes after a large load sorts their entries: ``threads`` lets
    SQLite's sorter use the machine's other cores.
    None of this touches durability: the journal and ``synchronous`` stay as they are, so a
    crash mid-import leaves the database as it was."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -524288")
            # Reading pages through a memory map spares a copy per page when the plan reads
            # every row the database holds for the file's forces.
            cursor.execute("PRAGMA mmap_size = 1073741824")
            cursor.execute(f"PRAGMA threads = {min(os.cpu_count() or 1, 4)}")


def fetch(queryset: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset as the driver returns them, without Django's
    per-value converters (a million rows of dates are read as text on SQLite and dates on
    PostgreSQL; callers normalise with ``iso``)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(BATCH):
            yield from batch


def fetch_table(
    sql: str, params: Sequence[Any], names: Sequence[str], types: Sequence[pa.DataType]
) -> pa.Table:
    """The result of ``sql`` as a pyarrow table with the given column names and types.

    PostgreSQL sends it as CSV (``COPY (query) TO STDOUT``), which pyarrow parses in C: no
    Python object per value; an empty text comes back as "", NULL as null. SQLite's rows come
    through the sqlite3 module and are turned into columns in one transposition (SQLite
    building one CSV text itself with ``group_concat`` was measured no faster)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = connection.ops.compose_sql(sql, list(params))  # type: ignore[attr-defined]
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:
                for chunk in copy:
                    buffer.write(chunk)
            data = buffer.getvalue()
            return _parse_csv(data, names, types) if data else _empty(names, types)
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    if not rows:
        return _empty(names, types)
    columns = list(zip(*rows, strict=True))
    return pa.table(
        [pa.array(values, type=kind) for values, kind in zip(columns, types, strict=True)],
        names=list(names),
    )


def _parse_csv(data: bytes, names: Sequence[str], types: Sequence[pa.DataType]) -> pa.Table:
    return pcsv.read_csv(
        pa.py_buffer(data),
        read_options=pcsv.ReadOptions(column_names=list(names), block_size=1 << 24),
        parse_options=pcsv.ParseOptions(newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            column_types=dict(zip(names, types, strict=True)),
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def _empty(names: Sequence[str], types: Sequence[pa.DataType]) -> pa.Table:
    return pa.table([pa.array([], type=kind) for kind in types], names=list(names))


def iso(value: Any) -> Any:
    """A date as ISO text, whichever form the driver gave it in."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def table_size(model: type[models.Model]) -> int:
    """A quick upper bound of the rows in ``model``'s table (its highest key), without a count."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(_pk(model))}) FROM {_table(model)}")
        return cursor.fetchone()[0] or 0


@contextmanager
def indexes_rebuilt_after(tables: Sequence[type[models.Model]], rebuild: bool) -> Iterator[None]:
    """For the length of a large insert, set aside what makes each row expensive to add, and
    restore it at the end in one pass: sorting a million entries once is several times faster
    than updating a B-tree a million times, and one join checks a million foreign keys faster
    than a million single look-ups.

    - SQLite: drop the secondary indexes of ``tables`` and create them again.
    - PostgreSQL: drop the secondary indexes and the foreign keys of ``tables`` (Django makes
      them ``DEFERRABLE INITIALLY DEFERRED``, so each inserted row queues a check that runs at
      commit, three million look-ups for a million-row file), then create the indexes again and
      add the foreign keys back with their own names and definitions; adding a foreign key
      checks every row with one query and fails the import if any row points nowhere.

    Both databases' DDL is transactional: if the import fails, the drop is rolled back with
    everything else, and re-creating a unique index re-checks uniqueness. Indexes that carry the
    tables' own PRIMARY KEY and UNIQUE constraints stay. On PostgreSQL the tables are locked
    (ACCESS EXCLUSIVE) until the import commits; readers wait for it, as they would for a
    restore. Nothing happens unless ``rebuild`` is true."""
    if not rebuild:
        yield
        return
    names = [model._meta.db_table for model in tables]
    if connection.vendor == "postgresql":
        with _postgresql_constraints_set_aside(names):
            yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join(['%s'] * len(names))})",
            names,
        )
        saved = cursor.fetchall()
        for name, _ in saved:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _, sql in saved:
            cursor.execute(sql)


@contextmanager
def _postgresql_constraints_set_aside(tables: list[str]) -> Iterator[None]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Foreign keys declared on the tables (those that point from them to their parents).
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE c.contype = 'f' AND t.relname = ANY(%s) "
            "AND t.relnamespace = current_schema()::regnamespace ORDER BY 1, 2",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        # Indexes other than those behind the tables' primary key and unique constraints.
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
            "AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        # A table with deferred checks still pending (rows written earlier in the same
        # transaction) cannot be altered: run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # Building an index sorts in memory up to this limit, then on disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        # Back to Django's default: every foreign key checked at commit.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def allocate_ids(model: type[models.Model], count: int) -> list[int] | range:
    """Reserve ``count`` new primary keys for ``model``."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if count < BLOCK_FROM:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [connection.ops.quote_name(table), _pk(model), count],
                )
                return [row[0] for row in cursor.fetchall()]
            return _sequence_block(cursor, table, _pk(model), count)
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(_pk(model))}) FROM {_table(model)}")
        highest = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            # AUTOINCREMENT tables never reuse a key, even one whose row was deleted.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
    return range(highest + 1, highest + 1 + count)


def _sequence_block(cursor: Any, table: str, column: str, count: int) -> range:
    """``count`` consecutive keys from a PostgreSQL sequence in three statements, where
    ``nextval`` once per key costs seconds for a million keys. ``ALTER SEQUENCE`` locks the
    sequence against every other ``nextval`` until this transaction ends, so no other writer
    can take a key inside the block (they wait for the import to commit); the keys stay used
    if the import is rolled back, as ``nextval``'s do."""
    cursor.execute(
        "SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(table), column]
    )
    sequence = cursor.fetchone()[0]
    cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 1")  # takes the lock; changes nothing
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
    last, called = cursor.fetchone()
    first = last + 1 if called else last
    cursor.execute("SELECT setval(%s, %s, true)", [sequence, first + count - 1])
    return range(first, first + count)


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``, values already in database form:
    ISO date text, None for NULL). Returns the number of rows written."""
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {_table(model)} ({_columns(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        if connection.vendor == "sqlite":
            # Straight to the sqlite3 cursor with its own "?" placeholders: Django's wrapper
            # would copy every row through itertools.tee to look for named parameters.
            marks = ", ".join(["?"] * len(columns))
            sql = f"INSERT INTO {_table(model)} ({_columns(columns)}) VALUES ({marks})"
            raw, iterator = cursor.cursor, iter(rows)
            with connection.wrap_database_errors:
                while batch := list(islice(iterator, BATCH)):
                    sqlite3.Cursor.executemany(raw, sql, batch)
                    written += len(batch)
            return written
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {_table(model)} ({_columns(columns)}) VALUES ({placeholders})"
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH)):
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


CHUNK = 100_000  # rows of a pyarrow table written at a time (one progress step)


def insert_table(
    model: type[models.Model],
    columns: Sequence[str],
    table: pa.Table,
    step: Callable[[int], None] | None = None,
) -> int:
    """Insert the rows of a pyarrow table (its columns in the order of ``columns``; dates as
    ISO text, NULL as null). PostgreSQL takes it as CSV written by pyarrow (COPY ... FORMAT
    csv: an empty text is quoted, NULL is not); SQLite as multi-row ``INSERT ... VALUES``
    statements (see ``_sqlite_insert``)."""
    written = 0
    if table.num_rows == 0:
        return 0
    if connection.vendor == "sqlite":
        for start in range(0, table.num_rows, CHUNK):
            part = table.slice(start, CHUNK)
            written += _sqlite_insert(model, columns, part)
            if step:
                step(part.num_rows)
        return written
    if connection.vendor != "postgresql":
        for start in range(0, table.num_rows, CHUNK):
            part = table.slice(start, CHUNK)
            written += insert(
                model, columns, zip(*(c.to_pylist() for c in part.columns), strict=True)
            )
            if step:
                step(part.num_rows)
        return written
    sql = f"COPY {_table(model)} ({_columns(columns)}) FROM STDIN (FORMAT csv)"
    options = pcsv.WriteOptions(include_header=False, quoting_style="needed")
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for start in range(0, table.num_rows, CHUNK):
            part = table.slice(start, CHUNK)
            buffer = io.BytesIO()
            pcsv.write_csv(part, buffer, options)
            copy.write(buffer.getbuffer())
            written += part.num_rows
            if step:
                step(part.num_rows)
    return written


SQLITE_VARIABLES = 32766  # SQLite's limit on "?" in one statement (3.32 and later)
SQLITE_ROWS = 1000  # rows per multi-row INSERT on SQLite


def _sqlite_insert(model: type[models.Model], columns: Sequence[str], table: pa.Table) -> int:
    """One ``INSERT ... VALUES (...), (...), ...`` per thousand rows, straight on the sqlite3
    cursor: a third faster than ``executemany`` of one row at a time, and the parameters are
    laid out column by column with slice assignment, with no tuple built per row."""
    width = len(columns)
    per = max(1, min(SQLITE_ROWS, SQLITE_VARIABLES // width))
    one = "(" + ", ".join(["?"] * width) + ")"
    head = f"INSERT INTO {_table(model)} ({_columns(columns)}) VALUES "
    statements: dict[int, str] = {}
    written = 0
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor
        for start in range(0, table.num_rows, per):
            part = table.slice(start, per)
            rows = part.num_rows
            values: list[Any] = [None] * (rows * width)
            for position, column in enumerate(part.columns):
                values[position::width] = column.to_pylist()
            sql = statements.get(rows)
            if sql is None:
                sql = statements[rows] = head + ", ".join([one] * rows)
            sqlite3.Cursor.execute(raw, sql, values)
            written += rows
    return written


ANALYZE_FROM = 1000  # rows written from which PostgreSQL's planner statistics are refreshed


def analyze(tables: Sequence[type[models.Model]], written: int) -> None:
    """PostgreSQL: refresh the planner's statistics of the tables an import has just changed,
    inside its transaction (ANALYZE counts the transaction's own new rows). Until autovacuum
    catches up after the commit, the planner would otherwise trust figures from before the
    import: a table it believes holds one row gets nested loops of whole-table scans, and an
    export right after a 2,000-row import took over ten minutes (a test caught it)."""
    if connection.vendor != "postgresql" or written < ANALYZE_FROM:
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {_table(model)}")


def update_table(
    model: type[models.Model],
    columns: Sequence[str],
    table: pa.Table,
    step: Callable[[int], None] | None = None,
    raise_by_one: Sequence[str] = (),
    unchanged: Sequence[str] = (),
) -> int:
    """``update`` with the rows of a pyarrow table (new values of ``columns``, then the key,
    then the values ``unchanged`` columns must still hold)."""
    if table.num_rows == 0:
        return 0
    written = update(
        model,
        columns,
        zip(*(c.to_pylist() for c in table.columns), strict=True),
        raise_by_one=raise_by_one,
        unchanged=unchanged,
    )
    if step:
        step(written)
    return written


def update(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    raise_by_one: Sequence[str] = (),
    unchanged: Sequence[str] = (),
) -> int:
    """Update rows by primary key: each tuple holds the new values of ``columns``, then the key.
    Columns named in ``raise_by_one`` (e.g. a record's ``version``) go up by one. With
    ``unchanged`` (e.g. ``version``), each tuple ends with the values those columns held when
    the update was planned, and a row whose values have changed since is left alone; the
    number returned is then that of the rows the database updated."""
    quote = connection.ops.quote_name
    assignments = [f"{quote(c)} = %s" for c in columns] + [
        f"{quote(c)} = {quote(c)} + 1" for c in raise_by_one
    ]
    where = " AND ".join(f"{quote(c)} = %s" for c in (_pk(model), *unchanged))
    sql = f"UPDATE {_table(model)} SET {', '.join(assignments)} WHERE {where}"
    written = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(iterator, BATCH)):
            cursor.executemany(sql, batch)
            written += cursor.rowcount if unchanged else len(batch)
    return written


def delete_where(model: type[models.Model], column: str, values: Iterable[Any]) -> None:
    """Delete the rows whose ``column`` is one of ``values``."""
    iterator = iter(values)
    with connection.cursor() as cursor:
        while batch := list(islice(iterator, 500)):
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"DELETE FROM {_table(model)} WHERE {connection.ops.quote_name(column)} IN ({placeholders})",
                batch,
            )


def db_datetime(value: Any) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def datetime_text(value: Any) -> str:
    """A date-time as text the database reads back as that moment (for bulk rows)."""
    adapted = db_datetime(value)
    return adapted if isinstance(adapted, str) else adapted.isoformat()
