"""Whether a source's counting store matches the main database, and rebuilding it when not.

Each source names the change marks its store depends on (``Source.changes``: cases and
workforce for the cases, vetting and workforce for vetting). Every write to those tables raises
its mark in its own transaction (``candour/core/changes.py``: the services, the ORM signal
handlers, the bulk importer), so a store stamped with the current serials holds every committed
change. A writer using ``QuerySet.update`` or raw SQL must call ``changes.mark_changed`` itself.
"""

from __future__ import annotations

from django.db import transaction

from candour.core import changes
from candour.transparency.stats.declaration import Source


def fingerprint(source: Source | None = None) -> str:
    """The store's layout and the serials of the source's change marks, e.g.
    ``v06ec675c0d:cases=41;workforce=3``. Read it before the tables the store is built from:
    a change committed in between only makes the next check rebuild."""
    source = source or _cases_source()
    return f"v{source.layout}:{changes.stamp(*source.changes)}"


def is_fresh(source: Source | None = None) -> bool:
    """Whether the store was built from the main database as it is now, and is on this disk."""
    from candour.transparency.stats import store
    from candour.transparency.stats.models import StatState

    source = source or _cases_source()
    stored = (
        StatState.objects.filter(source=source.name).values_list("fingerprint", "store").first()
    )
    if not stored or not stored[0] or stored[0] != fingerprint(source):
        return False
    return bool(stored[1]) and (store.store_dir() / stored[1]).exists()


def ensure_fresh(source: Source | None = None) -> bool:
    """Rebuild the store if it does not match the main database. Returns True when the store
    can be used (it always can after a rebuild)."""
    from candour.transparency.stats import store

    source = source or _cases_source()
    if is_fresh(source):
        return True
    with transaction.atomic():
        store.state(source, lock=True)  # one rebuild at a time; others wait, then find it fresh
        if is_fresh(source):
            return True
        store.refresh(source)
    return True


def _cases_source() -> Source:
    from candour.transparency.stats.sources import CASES

    return CASES
