"""What an import reports: the bad rows of a rejected file, or the counts of an accepted one."""

from __future__ import annotations

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


class ErrorLog:
    """Collects row errors; keeps the first ``MAX_REPORTED`` and counts the rest."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.total = 0
        self.bad_rows: set[int] = set()

    def add(self, row: int, column: str, message: str) -> None:
        self.total += 1
        self.bad_rows.add(row)
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(RowError(row, column, message))

    def __bool__(self) -> bool:
        return self.total > 0


class ImportRejected(Exception):
    """The file had bad rows (or a bad header); nothing was written."""

    def __init__(self, log: ErrorLog, rows_read: int) -> None:
        self.errors = sorted(log.errors, key=lambda e: e.row)
        self.total = log.total
        self.bad_rows = len(log.bad_rows)
        self.rows_read = rows_read
        super().__init__(self.summary())

    def summary(self) -> str:
        rows = "row" if self.rows_read == 1 else "rows"
        problems = "problem" if self.total == 1 else "problems"
        return (
            f"{self.bad_rows} of {self.rows_read} {rows} had {self.total} {problems}, so nothing "
            "was imported. Correct the rows listed above and import the file again."
        )

    def lines(self) -> list[str]:
        shown = [str(error) for error in self.errors]
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
