"""Change marks: one serial number per source of data, raised by every write to it.

Derived data (the statistics counting store, cached public figures) is built from the record
tables and must never outlive a change to them. Instead of guessing from the tables themselves
(newest ids, row counts, change times: a plain ``save()`` of one subject's outcome moves none of
them), every writer marks the source it changed, inside its own transaction:

- the services of each app (``candour/cases/services.py`` for cases) mark once, late in their
  transaction (``deferred``);
- a plain ORM save or delete (the admin, a shell) is marked by the signal handlers each app
  registers (``candour/cases/signals.py``, ``candour/core/signals.py``);
- ``QuerySet.update``, ``bulk_create`` and raw SQL send no signals: such writers call
  ``mark_changed`` themselves (the bulk importer does), then ``bulk_written``, which lets each
  derived store that asked (``on_bulk_write``: the statistics store, from the transparency app)
  bring the writer's forces up to date in the same transaction, so the writer never depends on
  the apps that derive from its data.

``mark_changed`` is ``UPDATE ... SET serial = serial + 1``: the row lock it takes serialises
writers until they commit, so serials commit in order and a store built when the serial read N
holds every change committed up to N. (An append-only log read by ``max(id)`` would not: ids
are taken in one order and committed in another.) A reader must read the serial *before* the
data it derives from it; a change committed in between only makes the next check rebuild.

Sources are plain names: ``cases`` (cases, allegations, their flags and subject rows) and
``workforce`` (people); other apps declare theirs in ``SOURCES``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import F

from candour.core.models import DataChange

CASES = "cases"
WORKFORCE = "workforce"
VETTING = "vetting"  # vetting applications, their checks, decisions and appeals
SOURCES: tuple[str, ...] = (CASES, WORKFORCE, VETTING)

# Derived stores to bring up to date after a bulk write, by source: called with the forces
# written and whether anything changed (``on_bulk_write``).
BulkRefresher = Callable[[Collection[str], bool], None]
_after_bulk_write: dict[str, list[BulkRefresher]] = {}

# The sources changed so far inside the innermost ``deferred`` block (None outside one).
_pending: ContextVar[set[str] | None] = ContextVar("candour_pending_changes", default=None)


def _check(sources: tuple[str, ...]) -> None:
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)} is not a declared source of changes; "
            f"declare it in candour.core.changes.SOURCES (now: {', '.join(SOURCES)})."
        )


def mark_changed(*sources: str) -> None:
    """Raise the serial of each source by one, in the caller's transaction (call it after the
    writes, as late as possible: the row stays locked until the transaction ends)."""
    _check(sources)
    wanted = sorted(set(sources))
    if not wanted:
        return
    rows = DataChange.objects.filter(source__in=wanted)
    with transaction.atomic():
        if rows.update(serial=F("serial") + 1) < len(wanted):
            # A source never marked before (or a flushed test database): add its row, then
            # raise them all again (a serial raised twice is as good as once).
            DataChange.objects.bulk_create(
                [DataChange(source=source) for source in wanted], ignore_conflicts=True
            )
            rows.update(serial=F("serial") + 1)


def changed(*sources: str) -> None:
    """Note a change: marked at the end of the enclosing ``deferred`` block if there is one,
    at once otherwise. Signal handlers call this."""
    _check(sources)
    pending = _pending.get()
    if pending is not None:
        pending.update(sources)
    else:
        mark_changed(*sources)


@contextmanager
def deferred(*sources: str) -> Iterator[None]:
    """One transaction that marks its changed sources once, after its last write: ``sources``
    (what the block is known to change) and whatever the signal handlers note inside it.
    Nested blocks join the outermost one. Nothing is marked if the block raises."""
    _check(sources)
    outer = _pending.get()
    if outer is not None:
        outer.update(sources)
        with transaction.atomic():
            yield
        return
    pending = set(sources)
    with transaction.atomic():
        token = _pending.set(pending)
        try:
            yield
        finally:
            _pending.reset(token)
        if pending:
            mark_changed(*pending)


def serial(source: str) -> int:
    """The source's serial as this transaction sees it (0 if never marked)."""
    _check((source,))
    found = DataChange.objects.filter(source=source).values_list("serial", flat=True).first()
    return int(found or 0)


def stamp(*sources: str) -> str:
    """The serials of ``sources`` as one short text, e.g. ``cases=41;workforce=3``: what a
    derived store records when it is built and compares before it is used. Read it before
    reading the data the store is built from."""
    _check(sources)
    names = sorted(set(sources))
    found = dict(DataChange.objects.filter(source__in=names).values_list("source", "serial"))
    return ";".join(f"{name}={int(found.get(name, 0))}" for name in names)


def on_bulk_write(source: str, refresher: BulkRefresher) -> None:
    """Call ``refresher(forces, changed)`` inside every bulk write of ``source`` (an app's
    ``AppConfig.ready`` registers it)."""
    _check((source,))
    if refresher not in _after_bulk_write.setdefault(source, []):
        _after_bulk_write[source].append(refresher)


def bulk_written(source: str, forces: Collection[str], *, changed: bool) -> None:
    """A bulk writer wrote ``source`` rows of ``forces`` (``changed``: anything at all) and has
    marked what it changed: bring every derived store registered for it up to date, in the
    writer's transaction."""
    _check((source,))
    for refresher in _after_bulk_write.get(source, ()):
        refresher(forces, changed)
