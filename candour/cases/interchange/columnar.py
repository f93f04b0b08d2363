"""A cases file (§1) held column by column: reading it, checking it, and planning its import.

A million-row file is handled as a few dozen columns (pyarrow arrays) and a handful of queries
(DuckDB, in memory, on those arrays), not as a million Python rows:

- **read**: a CSV file is parsed by pyarrow when it is plain (no quoted cells; every row as
  wide as the header; no control character); any other file (quoted CSV, XLSX, ODS, a mapping
  file) is read row by row by ``columns.read_rows`` and turned into columns. Every cell is text
  with surrounding white space and an export's formula quote removed, exactly as the row
  reader gives it.
- **check**: each test of the row-by-row checker (``cases.report_problems``) as a test of a
  whole column: codes and dates are looked up once per distinct value, lengths and date order
  as vectorised comparisons, "rows of one case or allegation agree" and "no two rows share a
  key" as one grouping each. The answer is only yes or no: a file that fails is handed to the
  row-by-row checker, which names every bad row, column and why. This check may never accept
  what the row-by-row checker rejects (a Hypothesis test compares the two).
- **plan**: what the database holds for the file's forces is read into columns too, and new,
  changed and unchanged records are found by joins on their keys.

Dates are ISO text throughout (``YYYY-MM-DD``), as both databases accept them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from candour.core.interchange.cells import QUOTED_PATTERN, has_control_bytes
from candour.core.interchange.columns import DateParser, Rows

# The characters Python's str.strip() removes (str.isspace()): the row reader strips cells with
# it, so the column reader strips exactly these (a test checks the list against Python's).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
BOM = b"\xef\xbb\xbf"
TEXT = pa.string()
ID = pa.int64()


def file_columns(names: Sequence[str], table: pa.Table) -> pa.Table:
    """Name ``table``'s columns ``names`` and add ``ord``, the file order (0, 1, 2, ...)."""
    arrays = [table.column(i) for i in range(len(names))]
    return pa.table([*arrays, pa.array(range(table.num_rows), type=ID)], names=[*names, "ord"])


def read_plain_csv(path: Path, header: list[str], columns: Sequence[str]) -> pa.Table | None:
    """The file's ``columns`` (in that order) as string columns, or None when the file is not
    plain enough for pyarrow to read exactly as the row reader does.

    Plain means: UTF-8; no double quote anywhere (so no quoting rules to differ on); no control
    character (the row reader names each cell that holds one, docs/interchange.md); and the
    header line has exactly the cells of ``header`` (the row reader's header, which drops empty
    cells at the end). A row of another width, or bytes that are not UTF-8, make pyarrow fail,
    and the row reader takes over (it pads short rows and names the faulty ones)."""
    data = path.read_bytes()
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if b'"' in data or has_control_bytes(data):
        return None
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).rstrip(b"\r")
    try:
        raw_header = first.decode("utf-8").split(",")
    except UnicodeDecodeError:
        return None
    if [cell.strip() for cell in raw_header] != header or len(raw_header) != len(header):
        return None
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(name, position)
    names = [f"c{i}" for i in range(len(header))]
    wanted = [names[index[c]] for c in columns if c in index]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pcsv.ParseOptions(
                delimiter=",", quote_char=False, newlines_in_values=False, ignore_empty_lines=True
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, TEXT),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                include_columns=wanted,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    empty = pa.array([""] * table.num_rows, type=TEXT)
    arrays = [
        pc.utf8_trim(table.column(names[index[c]]), characters=WHITESPACE) if c in index else empty
        for c in columns
    ]
    if b"'" in data:
        arrays = [_restore_quoted(array) for array in arrays]
    if table.num_rows:
        # The row reader skips a row whose cells are all empty once stripped (", ,,"); leave
        # such a file to it rather than tell a blank row from an empty one here.
        blank = pc.equal(pc.binary_length(arrays[0]), 0)
        for array in arrays[1:]:
            blank = pc.and_(blank, pc.equal(pc.binary_length(array), 0))
        if pc.any(blank).as_py():
            return None
    return file_columns(columns, pa.table(arrays, names=list(columns)))


def _restore_quoted(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``cells.restore`` on a whole column: the quote an export put before a formula-looking
    text is taken off (the same pattern, in RE2)."""
    quoted = pc.match_substring_regex(column, QUOTED_PATTERN)
    if not pc.any(quoted).as_py():
        return column
    return pc.if_else(quoted, pc.utf8_slice_codeunits(column, 1), column)


def rows_to_columns(source: Rows, columns: Sequence[str]) -> pa.Table:
    """The rows of the row reader (any format, any mapping) as columns."""
    values = [cells for _, cells in source.rows]
    if not values:
        return file_columns(columns, pa.table([pa.array([], TEXT) for _ in columns], names=columns))
    transposed = list(zip(*values, strict=False))
    arrays = [pa.array(transposed[i], type=TEXT) for i in range(len(columns))]
    return file_columns(columns, pa.table(arrays, names=list(columns)))


_BAD = object()  # what a mapping function returns for a value that fails the check


def _map_distinct(
    column: pa.ChunkedArray, function: Callable[[str], Any]
) -> pa.ChunkedArray | None:
    """``function`` applied to each distinct value of ``column`` (a few thousand calls for a
    million rows), spread back over the rows; None when it returned ``_BAD`` for any value."""
    distinct = pc.unique(column)
    results = [function(value) for value in distinct.to_pylist()]
    if any(result is _BAD for result in results):
        return None
    return pc.take(pa.array(results, type=TEXT), pc.index_in(column, value_set=distinct))


@dataclass
class Codes:
    """The codes a cases file may use, loaded once from the database and the models."""

    forces: frozenset[str]
    categories: frozenset[str]
    flags: frozenset[str]
    case_types: frozenset[str]
    enumerations: tuple[tuple[str, frozenset[str]], ...]
    ref_length: int


def canonical_flags(text: str, known: frozenset[str]) -> tuple[str, list[str]]:
    """``vawg; sexual;`` as ``sexual;vawg``, and the parts that are not flags."""
    parts = {part.strip() for part in text.split(";")} - {""}
    return ";".join(sorted(parts)), sorted(parts - known)


@dataclass
class CheckedColumns:
    """A good file, normalised: ISO dates, flags in canonical order, and the file's cases and
    allegations (one row each) as DuckDB tables ``file_rows``, ``file_cases`` and
    ``file_allegations`` on ``db``."""

    db: duckdb.DuckDBPyConnection
    rows: int
    forces: list[str] = field(default_factory=list)


def check_columns(table: pa.Table, codes: Codes) -> CheckedColumns | None:
    """Every test of the row-by-row check, column by column. None if any row fails one."""
    distinct: dict[str, set[str]] = {
        name: set(pc.unique(table.column(name)).to_pylist())
        for name in ("force", "case_type", "category", *(n for n, _ in codes.enumerations))
    }
    if not (
        distinct["force"] <= codes.forces
        and distinct["case_type"] <= codes.case_types
        and distinct["category"] <= codes.categories
        and all(distinct[name] <= allowed | {""} for name, allowed in codes.enumerations)
    ):
        return None
    rows = table.num_rows
    if rows:
        for name, shortest in (("case_ref", 1), ("allegation_ref", 1), ("subject_ref", 0)):
            lengths = pc.min_max(pc.utf8_length(table.column(name)))
            if lengths["min"].as_py() < shortest or lengths["max"].as_py() > codes.ref_length:
                return None
    iso = DateParser()
    received = _map_distinct(table.column("received_date"), lambda text: iso(text) or _BAD)
    outcome = _map_distinct(
        table.column("outcome_date"), lambda text: (iso(text) or _BAD) if text else None
    )
    if received is None or outcome is None:
        return None
    if rows and pc.any(pc.less(outcome, received)).as_py():
        return None

    def flags_of(text: str) -> Any:
        canonical, unknown = canonical_flags(text, codes.flags)
        return _BAD if unknown else canonical

    flags = _map_distinct(table.column("flags"), flags_of)
    if flags is None:
        return None

    normalised = table.set_column(
        table.schema.get_field_index("received_date"), "received_date", received
    )
    normalised = normalised.set_column(
        normalised.schema.get_field_index("outcome_date"), "outcome_date", outcome
    )
    normalised = normalised.set_column(normalised.schema.get_field_index("flags"), "flags", flags)
    db = duckdb.connect()
    db.register("file_rows", normalised)
    # One row per case and per allegation; "bad" when rows of it disagree or repeat a key.
    db.execute(
        """CREATE TEMP TABLE file_cases AS
        SELECT force, case_ref, min(case_type) AS case_type, min(received_date) AS received,
               min(ord) AS first,
               min(case_type) <> max(case_type) OR min(received_date) <> max(received_date) AS bad
        FROM file_rows GROUP BY force, case_ref"""
    )
    db.execute(
        """CREATE TEMP TABLE file_allegations AS
        SELECT force, case_ref, allegation_ref, min(category) AS category, min(flags) AS flags,
               min(ord) AS first,
               min(category) <> max(category) OR min(flags) <> max(flags)
               OR count(*) <> count(DISTINCT subject_ref) AS bad
        FROM file_rows GROUP BY force, case_ref, allegation_ref"""
    )
    bad = db.execute(
        "SELECT (SELECT count(*) FROM file_cases WHERE bad) "
        "+ (SELECT count(*) FROM file_allegations WHERE bad)"
    ).fetchall()
    if bad[0][0]:
        db.close()
        return None
    forces = sorted(distinct["force"])
    return CheckedColumns(db=db, rows=rows, forces=forces)


def arrow(relation: Any) -> pa.Table:
    """A DuckDB result as a pyarrow table (DuckDB 2 calls it ``to_arrow_table``)."""
    convert = getattr(relation, "to_arrow_table", None) or relation.arrow
    result = convert()
    return result if isinstance(result, pa.Table) else result.read_all()
