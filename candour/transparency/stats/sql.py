"""The SQL of the counting store, generated from a source's declaration (``declaration.py``):
what to read from the main database, how to flatten it into the store's one table, and how to
count from that table. Nothing here knows a particular source; ``store.py`` runs what this
module writes.

Three kinds of SQL:

- **Reading** (the main database, SQLite or PostgreSQL): one ``SELECT`` per level's table and
  one for its tags, each optionally scoped to some forces or some top-level rows.
- **Flattening** (DuckDB): the levels joined into ``stat_rows``, one ``SELECT`` per depth joined
  by ``UNION ALL``: rows reaching the deepest level, then rows of each level with nothing below.
- **Counting** (DuckDB): one ``GROUP BY`` with ``COUNT(DISTINCT ...)`` per table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from candour.core.periods import financial_year_sql, quarter_sql, working_day_number_sql
from candour.transparency.stats.declaration import (
    FINANCIAL_YEAR,
    MONTH,
    QUARTER,
    TAGS,
    UNKNOWN,
    YEAR,
    Column,
    Source,
    Span,
)

TABLE = "stat_rows"
LEVEL = "level"

# ---------------------------------------------------------------------------------------------
# The store's table


def period_column(source: Source, date: str, kind: str) -> str:
    """The store column holding ``kind`` (year, financial_year, month) of the date ``date``."""
    return f"{source.date[date].stem}_{kind}"


def store_columns(source: Source) -> list[tuple[str, str]]:
    """The store's columns in order, as (name, DuckDB type)."""
    out: list[tuple[str, str]] = [(level.id_column, "BIGINT") for level in source.levels]
    out.append((LEVEL, "TINYINT"))
    tags = source.tags
    last_of_tags_level = max(
        (n for n, c in enumerate(source.columns) if tags and c.level == tags.level), default=-1
    )
    for n, column in enumerate(source.columns):
        kind = {"id": "BIGINT", "date": "DATE"}.get(column.type, "VARCHAR")
        out.append((column.name, kind))
        if column.name in source.date:
            for period in source.period_kinds:
                period_type = "VARCHAR" if period in (MONTH, QUARTER) else "SMALLINT"
                out.append((period_column(source, column.name, period), period_type))
        if tags is not None and n == last_of_tags_level:
            out += [(tags.column(code), "BOOLEAN") for code in tags.codes]
            out += [(tags.column(tags.none_code), "BOOLEAN"), (tags.name, "VARCHAR[]")]
    out += [(span.name, "VARCHAR") for span in source.spans]
    return out


def create_table(source: Source) -> str:
    columns = ", ".join(f"{name} {kind}" for name, kind in store_columns(source))
    return f"CREATE TABLE IF NOT EXISTS {TABLE} ({columns})"


# ---------------------------------------------------------------------------------------------
# Reading the main database


@dataclass(frozen=True)
class Read:
    """One staging table: what to select from the main database and how DuckDB types it."""

    name: str  # the staging table is src_<name>
    key: str  # the column of the first table, for reading in chunks of ids
    columns: tuple[tuple[str, str, str], ...]  # (staging name, SQL expression, DuckDB type)
    table: str  # the first table with its alias
    joins: tuple[str, ...]  # always needed (lookups through foreign keys)
    scope_joins: tuple[str, ...]  # needed only to reach the top level for a scoped read

    def select(self, where: str) -> str:
        """``SELECT`` of the columns; ``where`` is on the top level ``l0`` (``1 = 1``: all)."""
        joins = list(self.joins)
        if where != "1 = 1":
            joins += [j for j in self.scope_joins if j not in joins]
        expressions = ", ".join(expression for _, expression, _ in self.columns)
        return f"SELECT {expressions} FROM {self.table} {' '.join(joins)} WHERE {where}"


def _resolve(model: Any, path: str, alias: str, q: Callable[[str], str]) -> tuple[str, list[str]]:
    """The SQL expression of a field path (``person__force``) from ``alias``, and the joins
    it needs; a last foreign key is read as its id column, with no join."""
    parts = path.split("__")
    joins = []
    for part in parts[:-1]:
        field = model._meta.get_field(part)
        target = field.related_model
        joined = f"{alias}_{part}"
        joins.append(
            f"LEFT JOIN {q(target._meta.db_table)} {joined} "
            f"ON {joined}.{q(target._meta.pk.column)} = {alias}.{q(field.column)}"
        )
        model, alias = target, joined
    return f"{alias}.{q(model._meta.get_field(parts[-1]).column)}", joins


def _value(expression: str, column: Column) -> tuple[str, str]:
    # Dates travel as ISO text, the one form both databases give alike; a yes/no as its code
    # (SQLite stores 0 or 1, PostgreSQL a boolean: both read as a condition).
    if column.type == "date":
        return f"CAST({expression} AS TEXT)", "VARCHAR"
    if column.type == "bool":
        no, yes = column.values
        return (
            f"CASE WHEN {expression} IS NULL THEN NULL WHEN {expression} THEN '{yes}' "
            f"ELSE '{no}' END",
            "VARCHAR",
        )
    return expression, "BIGINT" if column.type == "id" else "VARCHAR"


def _up_joins(source: Source, depth: int, q: Callable[[str], str]) -> list[str]:
    """Joins from level ``depth`` (alias ``l<depth>``) up to the top level ``l0``."""
    joins = []
    for d in range(depth, 0, -1):
        level, parent = source.levels[d], source.levels[d - 1]
        fk = level.model._meta.get_field(level.parent).column
        joins.append(
            f"JOIN {q(parent.model._meta.db_table)} l{d - 1} "
            f"ON l{d - 1}.{q(parent.model._meta.pk.column)} = l{d}.{q(fk)}"
        )
    return joins


def _top_lookups(source: Source, q: Callable[[str], str]) -> list[str]:
    """Joins the top level's foreign-key lookups need (a scope on its force may use them)."""
    top = source.levels[0]
    joins: list[str] = []
    for column in source.columns:
        if column.level == top.name:
            joins += _resolve(top.model, column.field, "l0", q)[1]
    return joins


def reads(source: Source, q: Callable[[str], str]) -> list[Read]:
    """The staging tables of a source, the deepest level (the largest table) first, so that
    reading it overlaps writing the others; ``q`` quotes a name for the main database."""
    out = []
    for depth in range(len(source.levels) - 1, -1, -1):
        level = source.levels[depth]
        meta = level.model._meta
        alias = f"l{depth}"
        columns: list[tuple[str, str, str]] = [("id", f"{alias}.{q(meta.pk.column)}", "BIGINT")]
        if level.parent:
            fk = meta.get_field(level.parent).column
            columns.append(("parent", f"{alias}.{q(fk)}", "BIGINT"))
        joins: list[str] = []
        for column in source.columns:
            if column.level != level.name:
                continue
            expression, needed = _resolve(level.model, column.field, alias, q)
            joins += [j for j in needed if j not in joins]
            columns.append((column.name, *_value(expression, column)))
        scope = _up_joins(source, depth, q) + _top_lookups(source, q)
        out.append(
            Read(
                name=level.name,
                key=f"{alias}.{q(meta.pk.column)}",
                columns=tuple(columns),
                table=f"{q(meta.db_table)} {alias}",
                joins=tuple(joins) if depth == 0 else tuple(joins),
                scope_joins=tuple(j for j in scope if j not in joins),
            )
        )
    if source.tags is not None:
        tags = source.tags
        depth = source.depth(tags.level)
        level = source.levels[depth]
        field = level.model._meta.get_field(tags.field)
        through = field.remote_field.through._meta
        owner = f"t.{q(field.m2m_column_name())}"
        own_table = (
            f"JOIN {q(level.model._meta.db_table)} l{depth} "
            f"ON l{depth}.{q(level.model._meta.pk.column)} = {owner}"
        )
        out.append(
            Read(
                name="tags",
                key=f"t.{q(through.pk.column)}",
                columns=(
                    ("owner", owner, "BIGINT"),
                    ("code", f"t.{q(field.m2m_reverse_name())}", "VARCHAR"),
                ),
                table=f"{q(through.db_table)} t",
                joins=(),
                scope_joins=(own_table, *_up_joins(source, depth, q), *_top_lookups(source, q)),
            )
        )
    return out


def scope_of_forces(source: Source, q: Callable[[str], str], count: int) -> str:
    """The condition on the main database's top level for ``count`` forces (``%s`` marks)."""
    column = source.column[source.force_column]
    expression, _ = _resolve(source.levels[0].model, column.field, "l0", q)
    return f"{expression} IN ({', '.join(['%s'] * count)})"


def scope_of_top_rows(source: Source, q: Callable[[str], str], count: int) -> str:
    pk = source.levels[0].model._meta.pk.column
    return f"l0.{q(pk)} IN ({', '.join(['%s'] * count)})"


# ---------------------------------------------------------------------------------------------
# Flattening (DuckDB)


def _known(column: str) -> str:
    return f"COALESCE(NULLIF({column}, ''), '{UNKNOWN}')"


def _period(kind: str, column: str) -> str:
    if kind == YEAR:
        return f"year({column})"
    if kind == FINANCIAL_YEAR:
        return financial_year_sql(column)
    if kind == QUARTER:
        return quarter_sql(column)
    return f"strftime({column}, '%Y-%m')"


def _span(span: Span, alias: str) -> str:
    """The band of the working days from ``span.start`` to ``span.end`` (``unknown`` while the
    end is missing)."""
    start, end = f"{alias}.{span.start}", f"{alias}.{span.end}"
    days = f"({working_day_number_sql(end)} - {working_day_number_sql(start)})"
    whens = " ".join(
        f"WHEN {days} <= {band.up_to} THEN '{band.code}'"
        for band in span.bands
        if band.up_to is not None
    )
    last = next((band.code for band in span.bands if band.up_to is None), UNKNOWN)
    return f"CASE WHEN {end} IS NULL OR {start} IS NULL THEN '{UNKNOWN}' {whens} ELSE '{last}' END"


def _row_select(source: Source, depth: int) -> str:
    """Store rows whose deepest level is ``depth``."""
    reached = {level.name: d for d, level in enumerate(source.levels) if d <= depth}
    tags = source.tags
    values: list[str] = []
    for name, _ in store_columns(source):
        values.append(_column_value(source, name, reached))
    joins = [f"FROM l{depth}"]
    for d in range(depth, 0, -1):
        joins.append(f"JOIN l{d - 1} ON l{d - 1}.id = l{d}.parent")
    if tags is not None and tags.level in reached:
        joins.append(f"LEFT JOIN tg ON tg.owner = l{reached[tags.level]}.id")
    sql = f"SELECT {', '.join(values)} {' '.join(joins)}"
    if depth < len(source.levels) - 1:
        sql += f" WHERE NOT EXISTS (SELECT 1 FROM l{depth + 1} WHERE l{depth + 1}.parent = l{depth}.id)"
    return sql


def _column_value(source: Source, name: str, reached: dict[str, int]) -> str:
    tags = source.tags
    for d, level in enumerate(source.levels):
        if name == level.id_column:
            return f"l{d}.id" if level.name in reached else "NULL"
    if name == LEVEL:
        return str(max(reached.values()))
    if tags is not None and (name == tags.name or name.startswith(tags.prefix)):
        if tags.level not in reached:
            return "[]::VARCHAR[]" if name == tags.name else "false"
        if name == tags.name:
            return f"CASE WHEN tg.owner IS NULL THEN ['{tags.none_code}'] ELSE tg.{tags.name} END"
        if name == tags.column(tags.none_code):
            return "tg.owner IS NULL"
        return f"COALESCE(tg.{name}, false)"
    for span in source.spans:
        if name == span.name:
            return _span(span, f"l{reached[span.level]}") if span.level in reached else "NULL"
    for date in source.dates:
        for kind in source.period_kinds:
            if name == period_column(source, date.name, kind):
                if date.level not in reached:
                    return "NULL"
                return _period(kind, f"l{reached[date.level]}.{date.name}")
    column = source.column[name]
    if column.level not in reached:
        return "NULL"
    value = f"l{reached[column.level]}.{name}"
    return _known(value) if column.known else value


def flatten(source: Source) -> str:
    """The ``SELECT`` that fills ``stat_rows`` from the staging tables ``src_<level>``."""
    ctes = []
    for d, level in enumerate(source.levels):
        dates = [
            f"TRY_CAST(NULLIF({c.name}, '') AS DATE) AS {c.name}"
            for c in source.columns
            if c.level == level.name and c.type == "date"
        ]
        select = f"* REPLACE ({', '.join(dates)})" if dates else "*"
        ctes.append(f"l{d} AS (SELECT {select} FROM src_{level.name})")
    tags = source.tags
    if tags is not None:
        any_code = ", ".join(
            f"bool_or(code = '{code}') AS {tags.column(code)}" for code in tags.codes
        )
        known = ", ".join(f"'{code}'" for code in tags.codes)
        ctes.append(
            f"tg AS (SELECT owner, {any_code}, list_sort(list(DISTINCT code) "
            f"FILTER (WHERE code IN ({known}))) AS {tags.name} FROM src_tags GROUP BY owner)"
        )
    selects = [_row_select(source, d) for d in range(len(source.levels) - 1, -1, -1)]
    return f"WITH {', '.join(ctes)}\n" + "\nUNION ALL\n".join(selects)


# ---------------------------------------------------------------------------------------------
# Counting (DuckDB)


def dimension_column(source: Source, query: Any, code: str) -> str:
    """The store column a breakdown by ``code`` groups on (for a period: of the query's date)."""
    dimension = source.dimension[code]
    if dimension.is_period:
        return period_column(source, query.date, dimension.kind)
    return dimension.column


def dimension_level(source: Source, query: Any, code: str) -> str:
    dimension = source.dimension[code]
    if dimension.is_period:
        return source.date[query.date].level
    return source.column_level(dimension.column)


def filter_levels(source: Source, query: Any) -> set[str]:
    """The levels the query's filters reach."""
    levels = {source.levels[0].name}
    if query.flags and source.tags is not None:
        levels.add(source.tags.level)
    if query.date_from or query.date_to:
        levels.add(source.date[query.date].level)
    for field, code in source.filters:
        if getattr(query, field):
            levels.add(source.column_level(source.dimension[code].column))
    for column, _ in source.count[query.count].only:
        levels.add(source.column_level(column))
    return levels


def base_level(source: Source, query: Any, by: tuple[str, ...]) -> str:
    """The deepest level the query needs: only store rows reaching it are counted."""
    levels = {source.count[query.count].level} | filter_levels(source, query)
    levels |= {dimension_level(source, query, code) for code in by}
    return max(levels, key=source.depth)


def additive(source: Source, query: Any, by: tuple[str, ...]) -> bool:
    """Whether every counted thing falls in exactly one row of the table: then the total and
    the margins are sums of the cells, and need no query of their own. Not so by a tag (a
    thing can have several), nor for a count of something that repeats across rows of its
    level (an officer in several allegations), nor by anything below the counted level."""
    count = source.count[query.count]
    if any(source.dimension[code].kind == TAGS for code in by):
        return False
    if count.target != source.level(count.level).id_column:
        return False
    depth = source.depth(count.level)
    levels = {dimension_level(source, query, code) for code in by} | filter_levels(source, query)
    return all(source.depth(level) <= depth for level in levels)


def where(source: Source, query: Any, base: str) -> tuple[str, list[Any]]:
    conditions: list[str] = []
    params: list[Any] = []
    if source.depth(base) > 0:
        conditions.append(f"{LEVEL} >= {source.depth(base)}")
    if query.forces:
        conditions.append(f"{source.force_column} IN ({', '.join('?' for _ in query.forces)})")
        params += list(query.forces)
    for field, code in source.filters:
        if value := getattr(query, field):
            conditions.append(f"{source.dimension[code].column} = ?")
            params.append(value)
    if query.date_from:
        conditions.append(f"{query.date} >= ?")
        params.append(query.date_from)
    if query.date_to:
        conditions.append(f"{query.date} <= ?")
        params.append(query.date_to)
    if query.flags and source.tags is not None:
        tags = source.tags
        any_tag = [tags.column(code) if code in tags.codes else "false" for code in query.flags]
        conditions.append(f"({' OR '.join(any_tag)})")
    for column, values in source.count[query.count].only:
        conditions.append(f"{column} IN ({', '.join('?' for _ in values)})")
        params += list(values)
    return " AND ".join(conditions) or "true", params


def group(source: Source, query: Any, by: tuple[str, ...], base: str) -> tuple[str, list[Any]]:
    """Counts per combination of the values of ``by``; a breakdown by a tag repeats each row
    once per tag (``unnest``). The result's columns: one per dimension in the order of ``by``,
    then the count."""
    condition, params = where(source, query, base)
    target = source.count[query.count].target
    tagged = [code for code in by if source.dimension[code].kind == TAGS]
    names = ["tag" if code in tagged else dimension_column(source, query, code) for code in by]
    inner = [dimension_column(source, query, code) for code in by if code not in tagged]
    if tagged:
        assert source.tags is not None
        inner.append(f"unnest({source.tags.name}) AS tag")
    inner.append(target)
    selected = [f"{name} AS d{n}" for n, name in enumerate(names)]
    group_by = f" GROUP BY {', '.join(names)}" if names else ""
    return (
        f"SELECT {', '.join([*selected, f'count(DISTINCT {target})'])} "
        f"FROM (SELECT {', '.join(inner)} FROM {TABLE} WHERE {condition}){group_by}",
        params,
    )


def total(source: Source, query: Any, base: str) -> tuple[str, list[Any]]:
    condition, params = where(source, query, base)
    target = source.count[query.count].target
    return f"SELECT count(DISTINCT {target}) FROM {TABLE} WHERE {condition}", params
