"""The frame every ``candour import KIND FILE`` importer runs in, and the registry of kinds.

Each app adds its kinds in its ``AppConfig.ready`` (cases and workforce: ``candour.cases``;
figures: ``candour.transparency``; reports: ``candour.streetsafe``), so the command names every
kind without depending on the apps that write the data.

An importer is written as a function of one :class:`ImportJob` and wrapped with
:func:`file_importer`, which gives it the public signature every caller uses
(``path, *, mapping, dry_run, progress, user, channel``). The job opens the file, keeps the
error log, refuses the whole file when any row is bad (all-or-nothing, docs/interchange.md) and
writes the one audit entry an import leaves.
"""

from __future__ import annotations

import fcntl
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from candour.core.interchange.auditing import record_import
from candour.core.interchange.columns import Rows, read_rows
from candour.core.interchange.report import (
    ErrorLog,
    ImportRejected,
    ImportResult,
    NoProgress,
    Progress,
)
from candour.core.models import User

# An importer: (path, *, mapping, dry_run, progress, user, channel) -> ImportResult; it raises
# ImportRejected, UnreadableFile or MappingError (docs/interchange.md).
Importer = Callable[..., ImportResult]

IMPORTERS: dict[str, Importer] = {}


@dataclass
class ImportJob:
    """One run of one importer: what was asked for, and the error log its checks write to."""

    kind: str
    path: Path
    mapping: str | Path | None = None
    dry_run: bool = False
    progress: Progress = field(default_factory=NoProgress)
    user: User | None = None
    channel: str = "cli"
    log: ErrorLog = field(default_factory=ErrorLog)
    source: Rows | None = None  # the rows last opened
    left_out_noted: bool = False

    def note_left_out(self, result: ImportResult) -> None:
        """Note on ``result``, once, what the mapping left out of the rows read or read as not
        known: exact copies (duplicate_rows: drop), rows of a repeated key (repeated_keys:
        first or last), dates before another (not_before). An importer that writes an audit
        entry calls it before; every import gets it after the importer returns."""
        if self.left_out_noted or self.source is None:
            return
        self.left_out_noted = True
        source = self.source
        if source.dropped:
            result.note_dropped(source.dropped)
        if source.repeated:
            result.note_repeated(source.repeated, source.repeated_keys)
        if source.cleared:
            result.note_cleared(source.cleared)

    def open(
        self, columns: tuple[str, ...], required: tuple[str, ...], key: tuple[str, ...] = ()
    ) -> Rows:
        """The file's rows in ``columns`` order (through the mapping, if any). A wrong header
        is reported once, not once per row: the file is refused before any row is checked.
        ``key`` names the columns that identify a row (a mapping's ``repeated_keys`` policy
        keeps one row of each)."""
        source = read_rows(self.path, columns, required, self.log, self.mapping, self.kind, key=key)
        self.source = source
        if self.log:
            raise ImportRejected(self.log, sum(1 for _ in source.rows))
        return source

    def reopen(
        self, columns: tuple[str, ...], required: tuple[str, ...], key: tuple[str, ...] = ()
    ) -> Rows:
        """Read the file again from the top with a fresh log (a second, slower pass that names
        each bad row after a quick check found one)."""
        self.log = ErrorLog()
        return self.open(columns, required, key)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The import's one write transaction, entered when no other import is writing: imports
        of any kind take turns (they share people and change marks; two at once could deadlock
        on PostgreSQL or time out on SQLite). An import that has to wait says so and waits."""
        with _one_import_at_a_time(self.progress), transaction.atomic():
            if connection.vendor == "postgresql":
                _advisory_lock(self.progress)
            yield

    def refuse_if_any_bad(self, rows_read: int) -> None:
        """All-or-nothing: when any row was bad, nothing is written and every bad row named."""
        if self.log:
            raise ImportRejected(self.log, rows_read)

    def result(self, rows_read: int) -> ImportResult:
        return ImportResult(kind=self.kind, rows_read=rows_read, dry_run=self.dry_run)

    def record(
        self, *, object_type: str, forces: set[str] | frozenset[str], counts: dict[str, Any]
    ) -> None:
        """The one audit entry the import leaves (inside its transaction)."""
        record_import(
            self.user,
            object_type=object_type,
            path=self.path,
            forces=forces,
            counts=counts,
            channel=self.channel,
            mapping=self.mapping,
        )


# The PostgreSQL advisory lock every import takes inside its transaction: a 63-bit number that
# nothing else in the database uses (the ASCII of "cdr-impt").
IMPORT_LOCK = int.from_bytes(b"cdr-impt", "big") & 0x7FFF_FFFF_FFFF_FFFF
WAITING = "Waiting for another import to finish"


def _advisory_lock(progress: Progress) -> None:
    """Take the import lock for this transaction (released when it commits or rolls back)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
        row = cursor.fetchone()
        if row and row[0]:
            return
        progress.stage(WAITING, None)
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


@contextmanager
def _one_import_at_a_time(progress: Progress) -> Iterator[None]:
    """On an embedded SQLite database, a lock file beside it, held while the import writes:
    SQLite lets one writer in at a time and makes the others give up after its timeout, which a
    long import outlasts. (PostgreSQL imports use an advisory lock instead.)"""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or not name or "memory" in name or name.startswith("file:"):
        yield
        return
    with open(f"{name}.import-lock", "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress.stage(WAITING, None)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def file_importer(kind: str) -> Callable[[Callable[[ImportJob], ImportResult]], Importer]:
    """Give ``body(job)`` the public importer signature, building its :class:`ImportJob`."""

    def wrap(body: Callable[[ImportJob], ImportResult]) -> Importer:
        @functools.wraps(body)
        def run(
            path: str | Path,
            *,
            mapping: str | Path | None = None,
            dry_run: bool = False,
            progress: Progress | None = None,
            user: User | None = None,
            channel: str = "cli",
        ) -> ImportResult:
            job = ImportJob(
                kind=kind,
                path=Path(path),
                mapping=mapping,
                dry_run=dry_run,
                progress=progress or NoProgress(),
                user=user,
                channel=channel,
            )
            result = body(job)
            job.note_left_out(result)
            return result

        return run

    return wrap


def register(kind: str, importer: Importer) -> None:
    """Offer ``candour import KIND``; the kinds are listed in the order they are registered."""
    IMPORTERS[kind] = importer


def importer(kind: str) -> Importer:
    return IMPORTERS[kind]


__all__ = ["IMPORTERS", "ImportJob", "Importer", "file_importer", "importer", "register"]
