"""What an import reports: the bad rows of a rejected file, or the counts of an accepted one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

# The spec asks for at least the first 100 problems; more helps a user fix a file in one pass.
MAX_REPORTED = 1000


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.column}: {self.message}"


# The summary that heads a rejected file's report: at most this many kinds of problem, each
# with its most frequent values; distinct values are counted exactly up to MAX_DISTINCT a kind.
MAX_KINDS = 20
MOST_FREQUENT = 3
MAX_DISTINCT = 100_000
MAX_SENTENCES = 10_000  # sentences remembered as already taken apart


@dataclass(slots=True)
class ProblemKind:
    """One kind of problem in one column, across the whole file: in how many rows, and with
    which values how often."""

    column: str
    problem: str
    rows: int = 0
    values: Counter[str] = field(default_factory=Counter)
    untallied: int = 0  # rows whose value came after MAX_DISTINCT others
    last_row: int = -1

    def tally(self, value: str) -> None:
        if value in self.values or len(self.values) < MAX_DISTINCT:
            self.values[value] += 1
        else:
            self.untallied += 1

    def __str__(self) -> str:
        head = f"Column {self.column}, {_rows(self.rows)}"
        if not self.values:
            return f"{head}: {self.problem}"
        if len(self.values) == 1 and not self.untallied:
            return f"{head}: '{next(iter(self.values))}' {self.problem}"
        distinct = f"{len(self.values):,}" + (" or more" if self.untallied else "")
        frequent = ", ".join(
            f"'{value}' ({_rows(n)})" for value, n in self.values.most_common(MOST_FREQUENT)
        )
        return (
            f"{head}: {distinct} distinct values, each of which {self.problem} "
            f"The most frequent: {frequent}."
        )


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


class ErrorLog:
    """Collects row errors; keeps the first ``MAX_REPORTED`` and counts the rest, and tallies
    every error by kind (column and problem) for the summary that heads the report.

    A sentence that begins with the cell's value in quotes is tallied under the rest of the
    sentence with that value counted; a sentence whose wording changes from row to row (a row
    number, a length) names its kind with ``problem`` (and ``value``, if any)."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.total = 0
        self.bad_rows: set[int] = set()
        self.kinds: dict[tuple[str, str], ProblemKind] = {}
        self._seen: dict[tuple[str, str, str | None], tuple[ProblemKind, str | None]] = {}

    def add(
        self,
        row: int,
        column: str,
        message: str,
        *,
        problem: str | None = None,
        value: str | None = None,
    ) -> None:
        self.total += 1
        self.bad_rows.add(row)
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(RowError(row, column, message))
        # Most files repeat a few sentences many times: each is taken apart once.
        seen = self._seen.get((column, message, problem))
        if seen is None:
            seen = self._kind_of(column, message, problem, value)
            if len(self._seen) < MAX_SENTENCES:
                self._seen[column, message, problem] = seen
        kind, found = seen
        value = found if value is None else value
        if row != kind.last_row:
            kind.rows += 1
            kind.last_row = row
        if value is not None:
            kind.tally(value)

    def _kind_of(
        self, column: str, message: str, problem: str | None, value: str | None
    ) -> tuple[ProblemKind, str | None]:
        if problem is None:
            # A sentence that begins with the value in quotes: "'narnia' is not a force ...".
            end = message.find("' ", 1) if message[:1] == "'" else -1
            if end > 0:
                value, problem = message[1:end], message[end + 2 :]
            else:
                problem = message
        kind = self.kinds.get((column, problem))
        if kind is None:
            kind = self.kinds[column, problem] = ProblemKind(column, problem)
        return kind, value

    def summary(self) -> list[str]:
        """The kinds of problem, most rows first, when any kind is in more than one row (with
        one row each, the rows listed say it all)."""
        kinds = sorted(self.kinds.values(), key=lambda kind: (-kind.rows, kind.column))
        if not kinds or kinds[0].rows < 2:
            return []
        lines = ["The problems by column, most rows first (each row is listed after):"]
        lines.extend(f"  {kind}" for kind in kinds[:MAX_KINDS])
        if len(kinds) > MAX_KINDS:
            lines.append(f"  ... and {len(kinds) - MAX_KINDS} more kinds of problem.")
        return lines

    def __bool__(self) -> bool:
        return self.total > 0


class ImportInterrupted(Exception):
    """Records the import planned to change were changed by someone else before it wrote them;
    nothing was written. The message says which, and to import the file again."""


class ImportRejected(Exception):
    """The file had bad rows (or a bad header); nothing was written."""

    def __init__(self, log: ErrorLog, rows_read: int) -> None:
        self.errors = sorted(log.errors, key=lambda e: e.row)
        self.total = log.total
        self.bad_rows = len(log.bad_rows)
        self.rows_read = rows_read
        self.by_kind = log.summary()
        super().__init__(self.summary())

    def summary(self) -> str:
        rows = "row" if self.rows_read == 1 else "rows"
        problems = "problem" if self.total == 1 else "problems"
        return (
            f"{self.bad_rows} of {self.rows_read} {rows} had {self.total} {problems}, so nothing "
            "was imported. Correct the rows listed above and import the file again."
        )

    def lines(self) -> list[str]:
        """The report: the summary by kind of problem (when there is one), then each row."""
        shown = [*self.by_kind, *(str(error) for error in self.errors)]
        if self.total > len(self.errors):
            shown.append(f"... and {self.total - len(self.errors)} more problems not listed.")
        return shown


@dataclass
class ImportResult:
    kind: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    details: dict[str, int] = field(default_factory=dict)  # e.g. cases created, people created
    notes: list[str] = field(default_factory=list)  # sentences printed after the counts

    def note_dropped(self, dropped: list[tuple[int, int]]) -> None:
        """Rows left out as exact copies of an earlier row (a mapping's ``duplicate_rows:
        drop``): counted among the rows read, named (the first few) in a note."""
        self.rows_read += len(dropped)
        self.details["exact_duplicate_rows_dropped"] = len(dropped)
        shown = ", ".join(f"row {row} (a copy of row {first})" for row, first in dropped[:10])
        more = f", and {len(dropped) - 10:,} more" if len(dropped) > 10 else ""
        copies = "row was an exact copy" if len(dropped) == 1 else "rows were exact copies"
        self.notes.append(
            f"{len(dropped):,} {copies} of an earlier row and left out, as the mapping's "
            f"duplicate_rows: drop asks: {shown}{more}."
        )

    def note_repeated(self, repeated: list[tuple[int, int]], policy: str) -> None:
        """Rows left out because another row gave their key (a mapping's ``repeated_keys:
        first`` or ``last``): counted among the rows read, named (the first few) in a note."""
        self.rows_read += len(repeated)
        self.details["repeated_key_rows_left_out"] = len(repeated)
        shown = ", ".join(f"row {row} (row {kept} kept)" for row, kept in repeated[:10])
        more = f", and {len(repeated) - 10:,} more" if len(repeated) > 10 else ""
        which = "first" if policy == "first" else "last"
        self.notes.append(
            f"{len(repeated):,} row{' gave' if len(repeated) == 1 else 's gave'} the key of "
            f"another row and {'was' if len(repeated) == 1 else 'were'} left out, the {which} "
            f"row of each key kept, as the mapping's repeated_keys: {policy} asks: {shown}{more}."
        )

    def note_cleared(self, cleared: list[tuple[int, str, str]]) -> None:
        """Dates a mapping's ``not_before`` read as not known: counted, named (the first few)."""
        by_column: dict[tuple[str, str], list[int]] = {}
        for row, column, before in cleared:
            by_column.setdefault((column, before), []).append(row)
        for (column, before), rows in by_column.items():
            self.details[f"{column}_before_{before}_read_as_not_known"] = len(rows)
            shown = ", ".join(f"row {row}" for row in rows[:10])
            more = f", and {len(rows) - 10:,} more" if len(rows) > 10 else ""
            self.notes.append(
                f"{len(rows):,} {column} value{' was' if len(rows) == 1 else 's were'} before "
                f"the row's {before} and read as not known, as the mapping's not_before asks: "
                f"{shown}{more}."
            )

    def summary(self) -> str:
        verb = "would be" if self.dry_run else ""
        counts = (
            f"{self.rows_read} rows read: {self.created} {verb + ' ' if verb else ''}created, "
            f"{self.updated} {verb + ' ' if verb else ''}updated, {self.unchanged} unchanged."
        )
        if self.dry_run:
            counts = "Dry run, nothing was written. " + counts
        return counts

    def detail_line(self) -> str:
        parts = [f"{name.replace('_', ' ')}: {count}" for name, count in self.details.items()]
        return "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            **self.details,
        }


class Progress(Protocol):
    """Where long jobs report how far they are. ``stage`` returns a function to call with the
    number of items just done. The command shows it with rich on a terminal; tests pass none."""

    def stage(self, description: str, total: int | None) -> ProgressStep: ...


class ProgressStep(Protocol):
    def __call__(self, done: int) -> None: ...


class NoProgress:
    def stage(self, description: str, total: int | None) -> ProgressStep:
        return _nothing


def _nothing(done: int) -> None:
    return None
