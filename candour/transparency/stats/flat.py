"""Keeping the flat statistics table (``StatRow``) in step with the case tables, and counting
from it.

``refresh_stat_rows`` rebuilds the rows of some forces, some cases or everything with one
``DELETE`` and one ``INSERT ... SELECT`` (the database does the work; no row passes through
Python), inside the caller's transaction. ``fresh`` tells the engine whether the table matches
the case tables now (a fingerprint of counts, newest ids and the newest change time of cases,
allegations, themes and subjects) and rebuilds it when asked to.

``group`` and ``total`` are the flat table's versions of the engine's counting; they must
give exactly what the join-based engine gives (the tests compare them on generated data).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from candour.cases.models import Allegation, AllegationSubject, Case
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
from candour.transparency.stats.models import FLAG_COLUMNS, NO_FLAG_COLUMN, StatRow, StatState

Key = tuple[Any, ...]
CHUNK = 500  # case ids per DELETE/INSERT when refreshing named cases
LARGE = 20_000  # cases: a rebuild this large rebuilds the indexes after the insert

SUBJECT_CODES = (
    "subject_sex",
    "subject_role",
    "subject_rank",
    "iopc_referral",
    "investigation",
    "severity",
    "proceedings",
    "outcome",
)

# ---------------------------------------------------------------------------------------------
# Fingerprint of the case tables


def _hash(parts: list[Any]) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:24]


def _quick_parts() -> list[Any]:
    # One aggregate per query: both databases answer a lone MAX from an index.
    through = Allegation.flags.through
    parts: list[Any] = [m.objects.aggregate(m=Max("id"))["m"] for m in (Case, Allegation)]
    parts += [m.objects.aggregate(m=Max("id"))["m"] for m in (through, AllegationSubject)]
    parts.append(Case.objects.aggregate(m=Max("updated_at"))["m"])
    return parts


def _count_parts() -> list[Any]:
    through = Allegation.flags.through
    return [m.objects.count() for m in (Case, Allegation, through, AllegationSubject)]


def fingerprint(counts: bool = True) -> str:
    """``newest:counts``: the newest ids of the four case tables and the newest case change
    time (a few index look-ups: adding rows, an import or an ORM save of a case changes it),
    then the row counts of the four tables (a deletion changes them; a count of a million
    rows costs tens to hundreds of milliseconds, so ``is_fresh`` reads them at most every
    ``STATS_FRESH_CHECK_SECONDS``). Writers that change subject or allegation fields with raw
    SQL or ``QuerySet.update`` must call ``refresh_stat_rows`` themselves."""
    quick = _hash(_quick_parts())
    return f"{quick}:{_hash(_count_parts())}" if counts else quick


_last_full_check = 0.0  # monotonic time this process last compared the counts too


def is_fresh() -> bool:
    """Whether the statistics rows were built from the case tables as they are now."""
    global _last_full_check
    stored = StatState.objects.filter(pk=1).values_list("fingerprint", flat=True).first()
    if not stored or stored.split(":")[0] != fingerprint(counts=False):
        return False
    interval = float(getattr(settings, "STATS_FRESH_CHECK_SECONDS", 60))
    now = time.monotonic()
    if now - _last_full_check < interval and _last_full_check:
        return True
    if stored != fingerprint():
        return False
    _last_full_check = now
    return True


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
    """Rebuild the table if it does not match the case tables. Returns True when the flat
    table can be used (it always can after a rebuild)."""
    if is_fresh():
        return True
    with transaction.atomic():
        state = _state(lock=True)  # one rebuild at a time; others wait, then find it fresh
        if state.fingerprint and state.fingerprint == fingerprint():
            return True
        refresh_stat_rows()
    return True


# ---------------------------------------------------------------------------------------------
# Rebuilding rows


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _year(column: str) -> str:
    if connection.vendor == "sqlite":
        return f"CAST(strftime('%Y', {column}) AS INTEGER)"
    return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"


def _month(column: str) -> str:
    if connection.vendor == "sqlite":
        return f"CAST(strftime('%m', {column}) AS INTEGER)"
    return f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"


def _fy(column: str) -> str:
    return f"(CASE WHEN {_month(column)} >= 4 THEN {_year(column)} ELSE {_year(column)} - 1 END)"


def _known(column: str) -> str:
    return f"COALESCE(NULLIF({column}, ''), '{UNKNOWN}')"


def _source_sql(where: str) -> str:
    """SELECT of every stat row of the cases matching ``where`` (on the case table ``c``)."""
    case = _q(Case._meta.db_table)
    allegation = _q(Allegation._meta.db_table)
    subject = _q(AllegationSubject._meta.db_table)
    through = _q(Allegation.flags.through._meta.db_table)
    flag_max = ", ".join(
        f"MAX(CASE WHEN flag_id = '{code}' THEN 1 ELSE 0 END) AS {col}"
        for code, col in FLAG_COLUMNS.items()
    )
    flag_cols = ", ".join(f"COALESCE(fl.{col}, 0) = 1" for col in FLAG_COLUMNS.values())
    no_flag = "fl.allegation_id IS NULL"
    none_subject = ", ".join("''" for _ in SUBJECT_CODES)
    subject_vals = ", ".join(_known(f"s.{code}") for code in SUBJECT_CODES)
    false_flags = ", ".join("1 = 0" for _ in FLAG_COLUMNS)
    case_cols = f"c.force_id, c.case_type, c.received_date, {_year('c.received_date')}, {_fy('c.received_date')}"
    return f"""
        SELECT c.id AS case_id, a.id AS allegation_id, s.id AS subject_row_id,
               s.subject_id, 2 AS level, {case_cols}, a.category_id, {flag_cols}, {no_flag},
               {subject_vals}, s.outcome_date, {_year("s.outcome_date")}, {_fy("s.outcome_date")}
        FROM {subject} s
        JOIN {allegation} a ON a.id = s.allegation_id
        JOIN {case} c ON c.id = a.case_id
        LEFT JOIN (SELECT allegation_id, {flag_max} FROM {through} GROUP BY allegation_id) fl
            ON fl.allegation_id = a.id
        WHERE {where}
      UNION ALL
        SELECT c.id, a.id, NULL, NULL, 1, {case_cols}, a.category_id, {flag_cols}, {no_flag},
               {none_subject}, NULL, NULL, NULL
        FROM {allegation} a
        JOIN {case} c ON c.id = a.case_id
        LEFT JOIN (SELECT allegation_id, {flag_max} FROM {through} GROUP BY allegation_id) fl
            ON fl.allegation_id = a.id
        WHERE {where} AND NOT EXISTS (SELECT 1 FROM {subject} s WHERE s.allegation_id = a.id)
      UNION ALL
        SELECT c.id, NULL, NULL, NULL, 0, {case_cols}, '', {false_flags}, 1 = 0,
               {none_subject}, NULL, NULL, NULL
        FROM {case} c
        WHERE {where} AND NOT EXISTS (SELECT 1 FROM {allegation} a WHERE a.case_id = c.id)
    """


_SOURCE_NAMES = (
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
    *SUBJECT_CODES,
    "outcome_date",
    "outcome_year",
    "outcome_fy",
)


def _insert(where: str, params: list[Any]) -> int:
    names = ", ".join(_q(n) for n in _SOURCE_NAMES)
    inner = ", ".join(f"u{i}" for i in range(len(_SOURCE_NAMES)))
    # Name the union's columns with a CTE, then mark the first row of each case and each
    # allegation (window functions: SQLite 3.25+ and PostgreSQL). Both windows order by
    # (case, allegation, subject row), so the database sorts once.
    sql = f"""
        INSERT INTO {_q(StatRow._meta.db_table)} ({names}, first_of_case, first_of_allegation)
        WITH src ({inner}) AS ({_source_sql(where)})
        SELECT {inner},
               ROW_NUMBER() OVER (PARTITION BY u0 ORDER BY u1, u2) = 1,
               (u1 IS NOT NULL AND ROW_NUMBER() OVER (PARTITION BY u0, u1 ORDER BY u2) = 1)
        FROM src
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params * 3)
        return int(cursor.rowcount or 0)


_INDEXES = list(StatRow._meta.indexes)


def tune_for_counting() -> None:
    """PostgreSQL: enough sort memory (until the end of the transaction) that COUNT(DISTINCT)
    over a million rows sorts in memory instead of spilling to disk."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")


def _tune_for_bulk() -> None:
    """PostgreSQL: sort in memory and skip JIT compilation for the rebuild (until the end of
    the transaction). SQLite: a larger page cache for the index builds."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
        else:
            cursor.execute("PRAGMA cache_size = -262144")


def _drop_indexes() -> None:
    with connection.cursor() as cursor:
        for index in _INDEXES:
            cursor.execute(f"DROP INDEX {_q(str(index.name))}")


def _create_indexes() -> None:
    with connection.cursor() as cursor:
        for index in _INDEXES:
            columns = ", ".join(_q(f) for f in index.fields)  # plain fields: column = name
            table = _q(StatRow._meta.db_table)
            cursor.execute(f"CREATE INDEX {_q(str(index.name))} ON {table} ({columns})")


def refresh_stat_rows(
    force_codes: Iterable[str] | None = None, case_ids: Iterable[int] | None = None
) -> int:
    """Rebuild the statistics rows of ``force_codes`` (every case of those forces), of
    ``case_ids``, or of everything when neither is given, inside the caller's transaction (or
    one of its own). Returns the number of rows written. Safe to call on an empty database.

    A large rebuild (at least ``LARGE`` cases, and at least as many as the rows left standing)
    drops the table's indexes and builds them again afterwards: one sort per index instead of a
    million B-tree insertions. On PostgreSQL that holds an exclusive lock on the table until the
    caller commits, so statistics readers wait for a large import to finish rather than read
    the old figures."""
    with transaction.atomic():
        _state(lock=True)
        table = _q(StatRow._meta.db_table)
        written = 0
        scopes: list[tuple[str, list[Any]]] = []  # ("all" | "force" | "case", values)
        if force_codes is None and case_ids is None:
            scopes.append(("all", []))
        if force_codes is not None and (forces := sorted(set(force_codes))):
            scopes.append(("force", forces))
        if case_ids is not None:
            ids = sorted(set(case_ids))
            scopes += [("case", ids[n : n + CHUNK]) for n in range(0, len(ids), CHUNK)]
        incoming = 0
        with connection.cursor() as cursor:
            for kind, values in scopes:
                marks = ", ".join(["%s"] * len(values))
                if kind == "all":
                    incoming += Case.objects.count()
                    cursor.execute(f"DELETE FROM {table}")
                elif kind == "force":
                    incoming += Case.objects.filter(force_id__in=values).count()
                    cursor.execute(f"DELETE FROM {table} WHERE {_q('force')} IN ({marks})", values)
                else:
                    incoming += len(values)
                    cursor.execute(f"DELETE FROM {table} WHERE case_id IN ({marks})", values)
        large = incoming >= LARGE and incoming >= StatRow.objects.count()
        if large:
            _tune_for_bulk()
            _drop_indexes()
        where = {"all": "1 = 1", "force": "c.force_id IN ({})", "case": "c.id IN ({})"}
        for kind, values in scopes:
            written += _insert(where[kind].format(", ".join(["%s"] * len(values))), values)
        if large:
            _create_indexes()
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {table}")
        StatState.objects.filter(pk=1).update(
            fingerprint=fingerprint(),
            refreshed_at=timezone.now(),
            rows=StatRow.objects.count(),
        )
    global _last_full_check
    _last_full_check = time.monotonic()
    return written


# ---------------------------------------------------------------------------------------------
# Counting from the flat table


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


def _rows(query: Any, base: str) -> QuerySet[StatRow]:
    qs = StatRow.objects.all()
    if base == SUBJECT:
        qs = qs.filter(level=2)
    elif base == ALLEGATION:
        qs = qs.filter(level__gte=1)
    conditions = Q()
    if query.forces:
        conditions &= Q(force__in=list(query.forces))
    if query.case_type:
        conditions &= Q(case_type=query.case_type)
    date = "outcome_date" if query.date_field == "outcome_date" else "received_date"
    if query.date_from:
        conditions &= Q(**{f"{date}__gte": query.date_from})
    if query.date_to:
        conditions &= Q(**{f"{date}__lte": query.date_to})
    if query.flags:
        any_flag = Q()
        for code in query.flags:
            any_flag |= Q(**{FLAG_COLUMNS[code]: True}) if code in FLAG_COLUMNS else Q(pk__in=[])
        conditions &= any_flag
    return qs.filter(conditions).order_by()


def additive(query: Any, by: tuple[str, ...]) -> bool:
    """Whether every counted thing falls in exactly one row of the table: then the total and
    the margins are sums of the cells, and need no query of their own."""
    return "flag" not in by and _plain(query, by)


def _plain(query: Any, by: tuple[str, ...]) -> bool:
    """Whether each counted thing falls in exactly one group, through one marked row: then
    COUNT of the marked rows equals COUNT(DISTINCT ...). Officers can always repeat."""
    if query.count == "officers":
        return False
    depth = LEVEL_DEPTH[COUNT_LEVEL[query.count]]
    levels = {_level_of(query, code) for code in by} | _filter_levels(query)
    return all(LEVEL_DEPTH[level] <= depth for level in levels)


_TARGET = {"cases": "case_id", "allegations": "allegation_id", "officers": "subject_id"}
_FIRST = {"cases": "first_of_case", "allegations": "first_of_allegation"}


def _prepare(query: Any, base: str, by: tuple[str, ...]) -> tuple[QuerySet[StatRow], str, bool]:
    qs = _rows(query, base)
    plain = _plain(query, by)
    if plain:
        qs = qs.filter(**{_FIRST[query.count]: True})
    return qs, _TARGET[query.count], plain


def _count(target: str, plain: bool, condition: Q | None = None) -> Count:
    if plain:
        return Count("id", filter=condition)
    return Count(target, distinct=True, filter=condition)


def group(query: Any, by: tuple[str, ...], base: str) -> dict[Key, int]:
    """Counts per combination of ``by`` values present in the data, exactly as the join-based
    engine groups them (a group exists when a row of the base level falls in it, even when
    the count is 0, e.g. officers among unidentified subjects)."""
    qs, target, plain = _prepare(query, base, by)
    others = tuple(code for code in by if code != "flag")
    names = {code: _column(query, code) for code in others}
    out: dict[Key, int] = {}

    def key_of(row: dict[str, Any], flag: str | None = None) -> Key:
        return tuple(
            flag if code == "flag" else (UNKNOWN if row[names[code]] is None else row[names[code]])
            for code in by
        )

    if "flag" not in by:
        rows = (
            [qs.aggregate(n=_count(target, plain))]
            if not names
            else qs.values(*names.values()).annotate(n=_count(target, plain))
        )
        for row in rows:
            key = key_of(row)
            out[key] = out.get(key, 0) + row["n"]
        return out
    # By theme: one scan, one conditional count per theme (an allegation falls under each of
    # its themes, or under "none").
    columns = {**FLAG_COLUMNS, NO_FLAG: NO_FLAG_COLUMN}
    aggregates: dict[str, Any] = {}
    for code, column in columns.items():
        aggregates[f"n_{code}"] = _count(target, plain, Q(**{column: True}))
        if target == "subject_id":  # a group of unidentified subjects only counts 0 officers
            aggregates[f"e_{code}"] = Count("id", filter=Q(**{column: True}))
    rows = (
        [qs.aggregate(**aggregates)]
        if not names
        else qs.values(*names.values()).annotate(**aggregates)
    )
    for row in rows:
        for code in columns:
            present = row[f"e_{code}"] if target == "subject_id" else row[f"n_{code}"]
            if present:
                key = key_of(row, code)
                out[key] = out.get(key, 0) + row[f"n_{code}"]
    return out


def total(query: Any, base: str) -> int:
    qs, target, plain = _prepare(query, base, ())
    return qs.aggregate(n=_count(target, plain))["n"] or 0
