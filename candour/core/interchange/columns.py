"""What every import shares: lining a file's columns up with a layout's columns (directly or
through a mapping file), the codes a column may hold, and ISO dates."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import TextChoices

from candour.core.interchange.mapping import Join, load_mapping
from candour.core.interchange.readers import UnreadableFile, open_table
from candour.core.interchange.report import ErrorLog


def codes(choices: type[TextChoices]) -> frozenset[str]:
    return frozenset(str(value) for value in choices.values)


def code_labels(choices: type[TextChoices]) -> dict[str, str]:
    """Each code and its label (``candour mapping draft`` matches both)."""
    return {str(value): str(label) for value, label in choices.choices}


def codes_list(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))


class DateParser:
    """Strict ISO dates (YYYY-MM-DD), cached: a million rows hold a few thousand distinct dates."""

    def __init__(self) -> None:
        self._seen: dict[str, str | None] = {}

    def __call__(self, text: str) -> str | None:
        """The date as ISO text, or None when ``text`` is not an ISO date."""
        try:
            return self._seen[text]
        except KeyError:
            pass
        iso: str | None = None
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            try:
                iso = dt.date.fromisoformat(text).isoformat()
            except ValueError:
                iso = None
        self._seen[text] = iso
        return iso


class RowChecks:
    """The checks every kind of row shares, each reported in one wording for every import.

    Each method adds its sentences to ``log`` under the row number and the column's name as the
    file (or mapping) calls it, and returns what the cell says when it is good."""

    def __init__(self, log: ErrorLog, where: Callable[[str], str]) -> None:
        from candour.core.models import Force

        self.log = log
        self.where = where
        self.forces = frozenset(Force.objects.values_list("code", flat=True))
        self.iso = DateParser()
        self._first: dict[object, int] = {}

    def required(self, number: int, cells: Iterable[tuple[str, str]]) -> None:
        """Each (column, text) pair must not be empty."""
        for column, text in cells:
            if text == "":
                self.log.add(number, self.where(column), "is required and is empty.")

    def force(self, number: int, code: str, column: str = "force") -> bool:
        """A known force code (an empty cell is left to :meth:`required`)."""
        if code and code not in self.forces:
            from candour.core.forces import UNKNOWN_FORCE_PROBLEM, unknown_force_message

            self.log.add(
                number,
                self.where(column),
                unknown_force_message(code),
                problem=UNKNOWN_FORCE_PROBLEM,
                value=code,
            )
            return False
        return bool(code)

    def date(self, number: int, column: str, text: str) -> str | None:
        """An ISO date as text, "" for an empty cell, None (and a sentence) for anything else."""
        if not text:
            return ""
        parsed = self.iso(text)
        if parsed is None:
            self.log.add(
                number, self.where(column), f"'{text}' is not a date in the form YYYY-MM-DD."
            )
        return parsed

    def once(self, number: int, key: object, column: str, what: str) -> bool:
        """The row's key has not been given by an earlier good row; ``what`` says what is
        repeated (e.g. "PC-1 of kent is listed twice."). Call it for good rows only."""
        first = self._first.setdefault(key, number)
        if first != number:
            self.log.add(
                number,
                self.where(column),
                f"repeats row {first}: {what}",
                problem="repeats the key of an earlier row.",
            )
            return False
        return True

    def length(self, number: int, column: str, text: str, limit: int, what: str = "") -> None:
        """At most ``limit`` characters (``what`` names the kind of value, e.g. "a reference")."""
        if len(text) > limit:
            fits = f"{what} may have at most {limit}" if what else f"at most {limit} fit"
            self.log.add(
                number,
                self.where(column),
                f"is {len(text)} characters long; {fits}.",
                problem=f"is too long: {fits}.",
            )


@dataclass
class Rows:
    """A file's rows as lists of text in the layout's column order."""

    rows: Iterator[tuple[int, list[str]]]
    origin: dict[str, str]  # column -> how error reports name where it came from
    unused: list[str]  # columns of the file that no Candour column reads
    header: list[str] = field(default_factory=list)  # the file's header, as read
    # (row, Candour column) a mapping could not fill: already reported, so not "empty" too
    unmapped: set[tuple[int, str]] = field(default_factory=set)
    # (row, the earlier row it copies): exact copies left out (a mapping's duplicate_rows: drop)
    dropped: list[tuple[int, int]] = field(default_factory=list)
    # (row, Candour column, the column it may not be before): dates a mapping's not_before
    # read as not known
    cleared: list[tuple[int, str, str]] = field(default_factory=list)
    # (row, the row of the same key kept): rows a mapping's repeated_keys left out
    repeated: list[tuple[int, int]] = field(default_factory=list)
    repeated_keys: str = "stop"  # the mapping's policy

    def where(self, column: str) -> str:
        return self.origin.get(column, column)

    def close(self) -> None:
        """Stop reading (closes the file) when the rows are read another way."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


def read_rows(
    path: str | Path,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    log: ErrorLog,
    mapping_path: str | Path | None = None,
    kind: str = "",
    key: tuple[str, ...] = (),
) -> Rows:
    """Open ``path`` and return its rows in the order of ``columns``. Header problems (a missing
    required column, a column the mapping names but the file lacks) go to ``log`` as row 1.

    ``key`` names the columns that identify a row of the layout; a mapping's ``repeated_keys:
    first`` (or ``last``) keeps only the first (or last) row of each key, after the mapping,
    and lists the others in ``Rows.repeated``. ``last`` reads the file twice."""
    table = open_table(path, log.add)  # a cell with a control character is a bad row
    width = len(table.header)
    if mapping_path is not None:
        mapping = load_mapping(mapping_path, kind, columns)
        unmapped: set[tuple[int, str]] = set()
        dropped: list[tuple[int, int]] = []
        header = table.header
        joined: Callable[[int, list[str]], list[str]] | None = None
        if mapping.join is not None:
            header, joined = _joined(Path(path), table.header, mapping.join, log)
        cleared: list[tuple[int, str, str]] = []
        row_values, origin, problems = mapping.compile(header, columns, unmapped, cleared)
        for problem in problems:
            log.add(1, "header", problem + ".")
        for column in required:
            if column not in mapping.rules and column not in table.header:
                log.add(1, column, "is required but neither the file nor the mapping gives it.")
        used = {s for rule in mapping.rules.values() for s in rule.sources()} | (
            set(columns) & set(table.header)
        )

        drop = mapping.drop_duplicates
        policy = mapping.repeated_keys if key else "stop"
        key_at = [columns.index(c) for c in key] if policy != "stop" else []
        repeated: list[tuple[int, int]] = []

        def key_of(values: list[str]) -> bytes:
            return hashlib.blake2b(
                "\x1f".join(values[p] for p in key_at).encode(), digest_size=16
            ).digest()

        def converted(
            rows: Iterable[tuple[int, list[str]]],
            convert: Callable[[int, list[str], Callable[[int, str, str], None]], list[str]],
            report: Callable[[int, str, str], None],
            dropping: list[tuple[int, int]],
            first_pass: bool = False,
        ) -> Iterator[tuple[int, list[str]]]:
            # An exact copy is known by a 128-bit digest of its cells: 1,000,000 rows keep
            # about 100 MB of digests, not the rows.
            first: dict[bytes, int] = {}
            for number, cells in rows:
                if drop:
                    digest = hashlib.blake2b("\x1f".join(cells).encode(), digest_size=16).digest()
                    earlier = first.setdefault(digest, number)
                    if earlier != number:
                        dropping.append((number, earlier))
                        continue
                if len(cells) > width and not first_pass:
                    _too_long(log, number, cells, width)
                if joined is not None:
                    cells = joined(number, cells)
                yield number, convert(number, cells, report)

        def last_rows() -> dict[bytes, int]:
            """The last row of each key: a first pass over the file through a fresh copy of the
            mapping (its row numbering starts again), reporting nothing."""
            again = open_table(path, lambda *_: None)
            convert, _, _ = mapping.compile(header, columns, set(), [])
            last: dict[bytes, int] = {}
            quiet = converted(again.rows, convert, lambda *_: None, [], first_pass=True)
            for number, values in quiet:
                last[key_of(values)] = number
            return last

        def mapped() -> Iterator[tuple[int, list[str]]]:
            rows = converted(table.rows, row_values, log.add, dropped)
            if policy == "stop":
                yield from rows
                return
            kept: dict[bytes, int] = {}
            last = last_rows() if policy == "last" else {}
            for number, values in rows:
                digest = key_of(values)
                keep = (
                    last.get(digest, number)
                    if policy == "last"
                    else kept.setdefault(digest, number)
                )
                if keep != number:
                    repeated.append((number, keep))
                    continue
                yield number, values

        return Rows(
            mapped(),
            origin,
            [h for h in header if h and h not in used],
            table.header,
            unmapped,
            dropped,
            cleared,
            repeated,
            policy,
        )

    index: dict[str, int] = {}
    for position, name in enumerate(table.header):
        if name in index and name in columns:
            log.add(1, name, "appears twice in the header; keep one.")
        index.setdefault(name, position)
    for column in required:
        if column not in index:
            log.add(1, column, "is required but is not in the header.")
    positions = [index.get(column, -1) for column in columns]
    if positions == list(range(width)):  # the file is already in the layout's order

        def as_is() -> Iterator[tuple[int, list[str]]]:
            for number, cells in table.rows:
                if len(cells) > width:
                    _too_long(log, number, cells, width)
                    cells = cells[:width]
                yield number, cells

        return Rows(as_is(), {c: c for c in columns}, [], table.header)

    def direct() -> Iterator[tuple[int, list[str]]]:
        for number, cells in table.rows:
            if len(cells) > width:
                _too_long(log, number, cells, width)
            yield number, [cells[p] if p >= 0 else "" for p in positions]

    return Rows(
        direct(),
        {c: c for c in columns},
        [h for h in table.header if h and h not in columns],
        table.header,
    )


def _joined(
    path: Path, header: list[str], join: Join, log: ErrorLog
) -> tuple[list[str], Callable[[int, list[str]], list[str]]]:
    """The header with the second file's columns added, and the function that adds to a row of
    the first file the cells of the second file's row with the same key (empty cells where the
    second file has none). The second file is read whole; a key it repeats with the same
    values of the columns joined is read once; one it repeats with other values (a conflict), a
    key column either file lacks, or a column named twice is reported as a header problem
    (row 1)."""
    second_path = path.parent / join.file
    name = second_path.name
    read: set[str] = {join.on, *(join.columns or [])}

    def refuse(number: int, column: str, problem: str) -> None:
        # A control character matters only in a column the join reads (all, without a list).
        if join.columns is None or column in read:
            raise UnreadableFile(f"{name}, row {number}, column {column}: {problem}")

    try:
        second = open_table(second_path, refuse)
    except UnreadableFile as exc:
        raise UnreadableFile(f"The file the mapping joins: {exc}") from exc
    if join.on not in header:
        log.add(
            1, "header", f"'{join.on}', the key the mapping joins on, is not a column of the file."
        )
    if join.on not in second.header:
        log.add(
            1, "header", f"'{join.on}', the key the mapping joins on, is not a column of {name}."
        )
    wanted = join.columns or [c for c in second.header if c and c != join.on]
    for column in wanted:
        if column not in second.header:
            log.add(1, "header", f"'{column}', which the mapping joins, is not a column of {name}.")
        elif column in header:
            log.add(
                1,
                "header",
                f"'{column}' is a column of both files; join only the second file's other columns "
                "(join: columns: [...]).",
            )
    width = len(header)
    nothing = [""] * len(wanted)
    if log:  # the file is refused: its rows are only counted
        return [*header, *wanted], lambda number, cells: [*cells[:width], *nothing]
    key = second.header.index(join.on)
    positions = [second.header.index(c) for c in wanted]
    rows: dict[str, list[str]] = {}
    first_row: dict[str, int] = {}
    for number, cells in second.rows:
        value = cells[key]
        joined = [cells[p] for p in positions]
        if value in rows:
            # A key given again with the same values of the columns joined (one row per
            # address of one complaint, say) is read once; with other values it is a conflict.
            if joined != rows[value]:
                differ = "; ".join(
                    f"{column} '{before}' in row {first_row[value]}, '{now}' in row {number}"
                    for column, before, now in zip(wanted, rows[value], joined, strict=True)
                    if before != now
                )
                log.add(
                    1,
                    "header",
                    f"{name} gives the key {join.on} '{value}' twice with different values "
                    f"({differ}): the rows of one key must agree on the columns joined "
                    "(join: columns: [...] names them).",
                    problem=f"gives a key of {name} twice with different values of the "
                    "columns joined.",
                    value=value,
                )
            continue
        rows[value] = joined
        first_row[value] = number
    at = header.index(join.on)

    def add(number: int, cells: list[str]) -> list[str]:
        found = rows.get(cells[at], nothing)
        return [*cells[:width], *([""] * (width - len(cells))), *found]

    return [*header, *wanted], add


def _too_long(log: ErrorLog, number: int, cells: list[str], width: int) -> None:
    extra = ", ".join(repr(c) for c in cells[width:] if c)
    log.add(
        number,
        "(beyond the header)",
        f"has values under no heading ({extra}); remove them or add a heading.",
        problem="has values under no heading; remove them or add a heading.",
    )
